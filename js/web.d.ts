// Types of the "./web" entry: the raw wasm-bindgen web build, whose default export
// init() must be awaited once before anything else is used.
/// <reference lib="esnext.disposable" />
export * from "../pkg/web/memory_player.js";
export { default } from "../pkg/web/memory_player.js";
