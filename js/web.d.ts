// Types of the "./web" entry: the raw wasm-bindgen web build, whose default export init()
// must be awaited once before anything else is used (or initSync() called with the bytes).
//
// The generated declarations of init() name DOM types (RequestInfo, Response, BufferSource,
// WebAssembly.Module), which fail to check where the DOM lib is absent (Node, a worker with
// the webworker lib only, a library's strict tsconfig). Here each such type is the global
// one when the consumer's libs declare it, and `never` when they do not: what you can pass
// is what your environment has.
//
// The profile API (Orchestrator.open, flush, profileShared) is not here: this entry does not
// install it (js/index.d.ts declares it for the entries that do).
export * from "../pkg/types/web.js";

/** The instance type of a global class (`URL`, `Response`…), or `never` where it is not declared. */
type GlobalClass<Name extends string> = typeof globalThis extends { [K in Name]: { prototype: infer T } } ? T : never;
type WasmNamespace = typeof globalThis extends { WebAssembly: infer W } ? W : {};
type WasmModule = WasmNamespace extends { Module: { prototype: infer T } } ? T : never;
type WasmMemory = WasmNamespace extends { Memory: { prototype: infer T } } ? T : { readonly buffer: ArrayBuffer };

/** The wasm's bytes, or a compiled WebAssembly.Module. */
export type SyncInitInput = ArrayBuffer | ArrayBufferView | WasmModule;
/** Where init() gets the wasm: a URL (string or URL) or Request to fetch, a fetched
 * Response, the bytes, or a WebAssembly.Module. */
export type InitInput = string | GlobalClass<"URL"> | GlobalClass<"Request"> | GlobalClass<"Response"> | SyncInitInput;

export interface InitOutput {
  readonly memory: WasmMemory;
}

/** Instantiates the wasm synchronously from its bytes or a compiled module. */
export function initSync(module: { module: SyncInitInput }): InitOutput;

/** Fetches and instantiates the wasm: by default `memory_player_bg.wasm` next to the glue
 * (`new URL("memory_player_bg.wasm", import.meta.url)`). Await it once before using anything. */
export default function init(module_or_path?: { module_or_path: InitInput | Promise<InitInput> }): Promise<InitOutput>;
