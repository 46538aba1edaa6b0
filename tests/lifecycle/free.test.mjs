// free() and [Symbol.dispose]() as the package ships them (js/lifecycle.js, appended to the
// glue by scripts/build.sh), in Node against the built package:
// - free() from a listener takes effect when the call that emitted the event returns;
// - free() and [Symbol.dispose]() twice are harmless, and any other call afterwards throws
//   "this Orchestrator was freed";
// - a runtime without Symbol.dispose (WebKit) gets it, so `using` works there too.
//
//   node --test tests/lifecycle/free.test.mjs      (after npm run build)
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createContext, runInContext } from "node:vm";

import { Orchestrator } from "memory-player";

function catalogue(o) {
  o.baseGraph().reinforceMany([1, 2, 3, 4], [2, 3, 4, 1]);
  o.rebuildRuntime("catalogue");
}

const freed = { name: "Error", message: "this Orchestrator was freed" };

test("free() from a listener takes effect when the call returns", () => {
  const o = new Orchestrator({ seed: 1 });
  catalogue(o);
  let heard = 0;
  o.on("play", () => {
    heard++;
    o.free();
  });
  const id = o.playNext();
  assert.ok(Number.isInteger(id), "the call that emitted the event returns its pick");
  assert.equal(heard, 1);
  assert.throws(() => o.playNext(), freed);
  assert.throws(() => o.snapshot(), freed);
  o.free(); // and again: nothing
});

test("free() and [Symbol.dispose]() are idempotent; every later call says it was freed", () => {
  const o = new Orchestrator();
  catalogue(o);
  const base = o.baseGraph();
  const rt = o.runtimeGraph();
  const off = o.on("play", () => {});
  o[Symbol.dispose]();
  o.free();
  o[Symbol.dispose]();
  for (const call of [() => o.playNext(), () => o.queue(), () => o.options(), () => o.running, () => base.ids(), () => rt.diffs]) {
    assert.throws(call, freed);
  }
  off(); // unsubscribing after free() does nothing
  base.free();
  base.free();
  assert.throws(() => base.ids(), { message: "this BaseGraph was freed" });
  rt[Symbol.dispose]();
  assert.throws(() => rt.diffs, { message: "this RuntimeGraph was freed" });
  // The classes share one function for both.
  assert.equal(Orchestrator.prototype[Symbol.dispose], Orchestrator.prototype.free);
});

test("`using` frees at the end of the block (as TypeScript compiles it for Node 20)", () => {
  // `using o = …` calls o[Symbol.dispose]() when the block ends; Node 20 has no `using` syntax.
  let kept;
  {
    const o = new Orchestrator();
    try {
      catalogue(o);
      kept = o;
      assert.ok(kept.playNext() !== undefined);
    } finally {
      o[Symbol.dispose]();
    }
  }
  assert.throws(() => kept.playNext(), freed);
});

test("a runtime without Symbol.dispose (WebKit) gets it on import", () => {
  // Node defines Symbol.dispose for good (it cannot be deleted); a fresh V8 context has none,
  // as WebKit has none. The CommonJS entry is loaded into one.
  const code = readFileSync(new URL("../../pkg/inline/memory_player.cjs", import.meta.url), "utf8");
  const context = createContext({ console, TextDecoder, TextEncoder, atob, setTimeout, clearTimeout, queueMicrotask, process });
  assert.equal(runInContext("typeof Symbol.dispose", context), "undefined");
  const module = { exports: {} };
  runInContext(`(function (module, exports) {${code}\n})`, context)(module, module.exports);
  const dispose = runInContext("Symbol.dispose", context);
  assert.equal(typeof dispose, "symbol");
  assert.equal(dispose, runInContext('Symbol.for("Symbol.dispose")', context));
  const o = new module.exports.Orchestrator();
  assert.equal(typeof o[dispose], "function");
  o[dispose]();
  assert.throws(() => o.playNext(), { message: "this Orchestrator was freed" });
});

test("profiles keep their free(): an orchestrator of open() stops autosaving, then releases", () => {
  // open() needs IndexedDB (absent in Node); the wrapper it installs is the one every
  // orchestrator has: free() is still the lifecycle's, wrapped once.
  assert.equal(typeof Orchestrator.open, "function");
  const o = new Orchestrator();
  o.free();
  o.free();
  assert.throws(() => o.playNext(), freed);
});
