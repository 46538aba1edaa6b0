
// ---- memory-player: appended to the wasm-bindgen glue by scripts/build.sh (js/lifecycle.js) ----
// free() and [Symbol.dispose]() of the three classes, replacing wasm-bindgen's:
// - they release the engine (the class's __release) instead of freeing the Rust object, so
//   free() from a listener, in the middle of a call, takes effect when that call returns
//   (wasm-bindgen's free throws "attempted to take ownership of Rust value while it was
//   borrowed" there, and leaves the object dead with its memory held);
// - calling them twice is harmless, and any other call afterwards throws "this Orchestrator
//   was freed" (wasm-bindgen's throws "null pointer passed to rust");
// - the few bytes left of the object go with it when it is garbage-collected
//   (wasm-bindgen's FinalizationRegistry).
// Symbol.dispose is installed where the runtime lacks it (WebKit): the declarations promise
// [Symbol.dispose]() on every class, so it is there everywhere, and `using` works.
if (typeof Symbol.dispose !== "symbol") {
  Object.defineProperty(Symbol, "dispose", { value: Symbol.for("Symbol.dispose"), configurable: true });
}
for (const C of [Orchestrator, BaseGraph, RuntimeGraph]) {
  const release = C.prototype.__release;
  const free = {
    free() {
      release.call(this);
    },
  }.free;
  const hidden = { writable: true, configurable: true, enumerable: false };
  Object.defineProperty(C.prototype, "free", { ...hidden, value: free });
  Object.defineProperty(C.prototype, Symbol.dispose, { ...hidden, value: free });
}
