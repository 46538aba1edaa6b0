
// ---- memory-player: appended to the wasm-bindgen glue by scripts/build.sh (js/numbers.js) ----
// The hot per-call methods take their arguments as plain numbers when every argument is one.
// Each such method has two exports: `name` takes any JS values and checks each in Rust (a
// value crosses into wasm as a slot of the externref table, and its type is asked of JS
// again), and `__name` takes f64s, which cross as they are, and returns the error instead of
// throwing it (an export that throws returns two values, which V8 hands to JS as a new
// array). Both run the same checks on the numbers (ranges, integers, finiteness) in the same
// Rust code; only the test "is it a number" is made here, and anything else takes the checked
// export, so every refusal, its class, its message and their order stay the same.
/** Puts `method` on `C.prototype` as `name`, as the glue's own methods are (not enumerable). */
function install(C, name, method) {
  Object.defineProperty(method, "name", { value: name });
  Object.defineProperty(C.prototype, name, { value: method, writable: true, configurable: true, enumerable: false });
}

const fastWhenNumbers = {
  2: (checked, fast) =>
    function (a, b) {
      if (typeof a !== "number" || typeof b !== "number") return checked.call(this, a, b);
      const error = fast.call(this, a, b);
      if (error !== undefined) throw error;
    },
  4: (checked, fast) =>
    function (a, b, c, d) {
      if (typeof a !== "number" || typeof b !== "number" || typeof c !== "number" || typeof d !== "number") {
        return checked.call(this, a, b, c, d);
      }
      const error = fast.call(this, a, b, c, d);
      if (error !== undefined) throw error;
    },
};
for (const [C, name, arity] of [
  [Orchestrator, "learn", 2],
  [Orchestrator, "feedback", 4],
]) {
  install(C, name, fastWhenNumbers[arity](C.prototype[name], C.prototype[`__${name}`]));
}

// playNext returns an id or undefined, which crosses from wasm as three values (V8 hands them
// to JS as a new array at every call); `__playNext` returns one number: the id, -1 for none,
// NaN when playNext would throw, having done nothing (the object was freed): the checked
// export is then called, and throws its error.
{
  const checked = Orchestrator.prototype.playNext;
  const fast = Orchestrator.prototype.__playNext;
  install(Orchestrator, "playNext", function () {
    const id = fast.call(this);
    if (id >= 0) return id;
    return id === -1 ? undefined : checked.call(this);
  });
}

// reinforceMany with typed columns: `from` and `to` exactly Uint32Arrays (not a subclass, whose
// length could say otherwise) and `amounts` absent or exactly a Float64Array cross into wasm
// memory in one copy each, by the glue; anything else takes the checked export, which reads
// and checks the columns a chunk at a time. Both run the same checks in the same order.
{
  const checked = BaseGraph.prototype.reinforceMany;
  const typed = BaseGraph.prototype.__reinforceManyTyped;
  const none = new Float64Array(0);
  const exactly = (x, C) => x !== null && typeof x === "object" && Object.getPrototypeOf(x) === C.prototype;
  install(BaseGraph, "reinforceMany", function (from, to, amounts) {
    const fast =
      exactly(from, Uint32Array) && exactly(to, Uint32Array) && (amounts === undefined || exactly(amounts, Float64Array));
    if (!fast) return checked.call(this, from, to, amounts);
    const error = typed.call(this, from, to, amounts !== undefined, amounts ?? none);
    if (error !== undefined) throw error;
  });
}
