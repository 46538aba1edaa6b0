// The hot calls' fast path for numbers (js/numbers.js, appended to the glue by
// scripts/build.sh), in Node against the built package: numbers go to the `__name` exports,
// anything else to the checked ones, and either way a call refuses the same arguments with
// the same error class and message, in the same order, and changes nothing when it does.
// (tests/wasm_errors.rs checks the same refusals on the checked exports from Rust.)
//
//   node --test tests/lifecycle/numbers.test.mjs      (after npm run build)
import { test } from "node:test";
import assert from "node:assert/strict";

import { Orchestrator } from "memory-player";

/** Values that are not track ids, and the class of error each gives. */
const badIds = [
  [NaN, RangeError],
  [1.5, RangeError],
  [-1, RangeError],
  [2 ** 32, RangeError],
  [Infinity, RangeError],
  // What the checked path's number test answers for a non-number: still a number.
  [-1.2345678901234567e-300, RangeError],
  ["7", TypeError],
  [undefined, TypeError],
  [null, TypeError],
  [7n, TypeError],
  [true, TypeError],
  [{ valueOf: () => 7 }, TypeError],
];

function engine() {
  const o = new Orchestrator({ seed: 1 });
  o.baseGraph().reinforceMany([1, 2, 3, 4], [2, 3, 4, 1]);
  o.rebuildRuntime("catalogue");
  return o;
}

/** Asserts that `call` throws `Class` with a message that starts with `name`. */
function refuses(call, Class, name) {
  assert.throws(call, (e) => e instanceof Class && e.message.startsWith(`${name} must be`), `${name}: ${Class.name}`);
}

test("bad track ids are refused naming the argument, and change nothing", () => {
  const o = engine();
  for (const [bad, Class] of badIds) {
    refuses(() => o.learn(bad, 1), Class, "fromId");
    refuses(() => o.learn(1, bad), Class, "toId");
    refuses(() => o.feedback(bad, 1, 10, 20), Class, "fromId");
    refuses(() => o.feedback(1, bad, 10, 20), Class, "toId");
  }
  refuses(() => o.learn(1, 0), RangeError, "toId");
  assert.equal(o.runtimeGraph().diffs, 0);
});

test("listened and duration: a number, finite, in range", () => {
  const o = engine();
  for (const bad of ["7", undefined, null, 7n, {}]) {
    refuses(() => o.feedback(1, 2, bad, 20), TypeError, "listenedSeconds");
    refuses(() => o.feedback(1, 2, 10, bad), TypeError, "durationSeconds");
  }
  for (const bad of [NaN, -1, Infinity]) refuses(() => o.feedback(1, 2, bad, 20), RangeError, "listenedSeconds");
  for (const bad of [NaN, 0, -1, Infinity]) refuses(() => o.feedback(1, 2, 10, bad), RangeError, "durationSeconds");
  assert.equal(o.runtimeGraph().diffs, 0);
});

test("with two bad arguments, the first is named, whichever path the call takes", () => {
  const o = engine();
  // Both numbers: the fast path. A number and a string: the checked one.
  refuses(() => o.learn(1.5, 2.5), RangeError, "fromId");
  refuses(() => o.learn(1.5, "2"), RangeError, "fromId");
  refuses(() => o.learn("1", 2.5), TypeError, "fromId");
  refuses(() => o.feedback(1, 0.5, "10", 20), RangeError, "toId");
  // Both times are numbers before either is judged: the duration's type comes first.
  refuses(() => o.feedback(1, 2, -1, "20"), TypeError, "durationSeconds");
  refuses(() => o.feedback(1, 2, -1, 0), RangeError, "listenedSeconds");
});

test("good calls learn and return undefined; after free() every call says it was freed", () => {
  const o = engine();
  assert.equal(o.learn(1, 2), undefined);
  assert.equal(o.feedback(2, 3, 200, 200), undefined);
  assert.equal(o.runtimeGraph().diffs, 2);
  assert.equal(Orchestrator.prototype.feedback.name, "feedback");
  o.free();
  const freed = { name: "Error", message: "this Orchestrator was freed" };
  assert.throws(() => o.learn(1, 2), freed);
  assert.throws(() => o.feedback(1, 2, 10, 20), freed);
  // A bad argument is still named first: arguments are checked before the engine is asked.
  refuses(() => o.learn(1, 0), RangeError, "toId");
});

test("playNext through one number: the track that plays, undefined when none is known, the freed error", () => {
  const o = engine();
  const played = [];
  o.on("play", (e) => played.push(e.id));
  assert.equal(Orchestrator.prototype.playNext.name, "playNext");
  for (let i = 0; i < 200; i++) {
    const id = o.playNext();
    assert.ok(Number.isInteger(id) && id >= 1 && id <= 4, `pick ${i}: ${id}`);
    assert.equal(o.playbackChain().current, id);
    assert.equal(played.at(-1), id);
    if (i % 3 === 0) o.feedback(0, id, 10, 200);
  }
  assert.equal(played.length, 200);
  // Back, then next: the forward stack's track, returned by the same path.
  const last = o.playbackChain().current;
  assert.notEqual(o.playBack(), undefined);
  assert.equal(o.playNext(), last);
  const empty = new Orchestrator({ seed: 1 });
  assert.equal(empty.playNext(), undefined);
  assert.equal(empty.__playNext(), -1);
  o.free();
  assert.ok(Number.isNaN(o.__playNext()));
  assert.throws(() => o.playNext(), { name: "Error", message: "this Orchestrator was freed" });
  empty.free();
});

test("reinforceMany: typed columns and plain arrays load the same graph and refuse the same", () => {
  const from = [1, 1, 2, 3, 7];
  const to = [2, 3, 3, 1, 1];
  const amounts = [2, 0.5, 1, 3, 1e-3];
  const load = (...columns) => {
    const o = new Orchestrator({ seed: 1 });
    o.baseGraph().reinforceMany(...columns);
    return o.baseGraph().toArrays();
  };
  const plain = load(from, to, amounts);
  assert.deepEqual(load(Uint32Array.from(from), Uint32Array.from(to), Float64Array.from(amounts)), plain);
  // A subclass takes the checked path, with the same result.
  class Ids extends Uint32Array {}
  assert.deepEqual(load(Ids.from(from), Ids.from(to), amounts), plain);
  // Amounts default to 1 either way.
  assert.deepEqual(load(Uint32Array.from(from), Uint32Array.from(to)), load(from, to));

  // The same refusal, naming the same element, whichever path; nothing applied.
  const o = new Orchestrator({ seed: 1 });
  const base = o.baseGraph();
  const same = (typedCall, plainCall) => {
    let typedError;
    let plainError;
    try {
      typedCall();
    } catch (e) {
      typedError = e;
    }
    try {
      plainCall();
    } catch (e) {
      plainError = e;
    }
    assert.ok(typedError instanceof RangeError, String(typedError));
    assert.equal(typedError.constructor, plainError.constructor);
    assert.equal(typedError.message, plainError.message);
    assert.equal(base.edgeCount, 0);
  };
  const u32 = (a) => Uint32Array.from(a);
  const f64 = (a) => Float64Array.from(a);
  same(
    () => base.reinforceMany(u32([1, 2, 3]), u32([2, 0, 1])),
    () => base.reinforceMany([1, 2, 3], [2, 0, 1]),
  );
  same(
    () => base.reinforceMany(u32([1, 2]), u32([2, 3]), f64([1, NaN])),
    () => base.reinforceMany([1, 2], [2, 3], [1, NaN]),
  );
  same(
    () => base.reinforceMany(u32([1, 2]), u32([2, 3]), f64([1, 1e10])),
    () => base.reinforceMany([1, 2], [2, 3], [1, 1e10]),
  );
  same(
    () => base.reinforceMany(u32([1, 2]), u32([2])),
    () => base.reinforceMany([1, 2], [2]),
  );
  same(
    () => base.reinforceMany(u32([1]), u32([2]), f64([1, 2])),
    () => base.reinforceMany([1], [2], [1, 2]),
  );
  assert.equal(Object.getPrototypeOf(base).reinforceMany.name, "reinforceMany");
  o.free();
  assert.throws(() => base.reinforceMany(u32([1]), u32([2])), { message: "this Orchestrator was freed" });
});
