// Types of the "." entry: everything the wasm-bindgen build declares. `export *` leaves
// out the default export (init), which the entries call themselves.
//
// Every generated class declares [Symbol.dispose](); this brings that symbol's type to
// consumers whose tsconfig "lib" stops at es2022 (most web apps), instead of an error.
/// <reference lib="esnext.disposable" />
export * from "../pkg/web/memory_player.js";
