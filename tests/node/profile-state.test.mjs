// A profile's state kept apart from its header in IndexedDB (`splitState`, `joinState` in
// js/profile.js): the parts hold every large typed array exactly, each part stays under
// Chromium's 64 KiB wrapping threshold, a state too large for a few parts stays whole, and
// parts that are not the header's are refused with a TypeError naming the profile. The browser side (the records in IndexedDB, rewritten and
// deleted with the header) is tests/e2e/profile-durability.test.mjs.
import assert from "node:assert/strict";
import { test } from "node:test";

import { Orchestrator } from "memory-player";

import { MOST_STATE_PARTS, STATE_PART_BYTES, joinState, splitState } from "../../js/profile.js";

const state = () => ({
  taste: {
    tracks: Float64Array.from({ length: 20_000 }, (_, i) => i * 1.5),
    numbers: Float32Array.from({ length: 3_001 }, (_, i) => i / 3),
    heard: [1, 2, 3],
  },
  build: { learned: [{ ids: Uint32Array.from({ length: 9_000 }, (_, i) => i) }], reason: "x" },
  small: new Float64Array([1, 2, 3]),
  rng: "abc",
  replay: null,
});

test("a state round-trips through its parts, each at most STATE_PART_BYTES", () => {
  const header = { name: "p", revision: 3, state: state() };
  const { header: kept, parts } = splitState(header);
  assert.ok(STATE_PART_BYTES < 64 * 1024);
  assert.equal(kept.stateParts, parts.length);
  assert.deepEqual(
    parts.map((p) => [p.name, p.part]),
    parts.map((_, i) => ["p", i]),
  );
  assert.ok(parts.every((p) => p.bytes instanceof ArrayBuffer && p.bytes.byteLength <= STATE_PART_BYTES));
  assert.ok(parts.length >= 3, `${parts.length} parts`);
  // Large arrays leave the header; small ones and everything else stay.
  assert.deepEqual(kept.state.taste.tracks, { apart: "Float64Array", at: 0, length: 20_000 });
  assert.equal(kept.state.taste.numbers.apart, "Float32Array");
  assert.equal(kept.state.build.learned[0].ids.apart, "Uint32Array");
  assert.deepEqual(kept.state.small, new Float64Array([1, 2, 3]));
  assert.equal(kept.revision, 3);
  assert.deepEqual(joinState(kept, parts, "p"), header);
});

test("a header without parts (a file's, or one saved before) is read as it is", () => {
  const header = { name: "p", revision: 1, state: { small: new Float64Array(4), rng: "r" } };
  assert.equal(joinState(header, [], "p"), header);
  const { header: kept, parts } = splitState(header);
  assert.equal(parts.length, 0);
  assert.deepEqual(joinState(kept, parts, "p"), header);
});

test("a state of more than MOST_STATE_PARTS parts stays in its header", () => {
  const most = (MOST_STATE_PARTS * STATE_PART_BYTES) / 8;
  const fits = { name: "p", state: { tracks: new Float64Array(most) } };
  assert.equal(splitState(fits).parts.length, MOST_STATE_PARTS);
  const over = { name: "p", state: { tracks: new Float64Array(most + 1) } };
  const { header, parts } = splitState(over);
  assert.equal(parts.length, 0);
  assert.equal(header, over);
  assert.equal(joinState(header, parts, "p"), over);
});

test("parts that are not the header's are refused, naming the profile", () => {
  const { header, parts } = splitState({ name: "p", state: state() });
  const refused = (h, ps) =>
    assert.throws(() => joinState(h, ps, "p"), {
      name: "TypeError",
      message: 'profile "p": the parts of its state are missing or not those of its header',
    });
  refused(header, parts.slice(1));
  refused(header, [...parts].reverse());
  refused(header, parts.map((p, i) => (i === 1 ? { ...p, bytes: new Uint8Array(p.bytes) } : p)));
  refused({ ...header, stateParts: "3" }, parts);
  const marker = (m) => ({ ...header, state: { ...header.state, taste: { ...header.state.taste, tracks: m } } });
  refused(marker({ apart: "Float64Array", at: -8, length: 1 }), parts);
  refused(marker({ apart: "Float64Array", at: 4, length: 1 }), parts);
  refused(marker({ apart: "Float64Array", at: 0, length: 1e9 }), parts);
});

test("an engine's saved state round-trips exactly", () => {
  const o = new Orchestrator({ seed: 5 });
  const base = o.baseGraph();
  const from = Uint32Array.from({ length: 3_000 }, (_, i) => 1 + (i % 1_500));
  const to = Uint32Array.from({ length: 3_000 }, (_, i) => 1 + ((i * 7) % 1_500));
  base.reinforceMany(from, to);
  base.free();
  o.rebuildRuntime("loaded");
  let prev = 0;
  for (let i = 0; i < 2_000; i++) {
    const next = o.playNext();
    o.feedback(prev, next, [5, 60, 200][i % 3], 200);
    prev = next;
  }
  const { state, mark } = o.saveCheckpoint();
  mark.free();
  const header = { name: "engine", revision: 1, state };
  const { header: kept, parts } = splitState(header);
  assert.ok(parts.length >= 1);
  const joined = joinState(kept, parts, "engine");
  assert.deepEqual(joined, header);
  const restored = Orchestrator.fromSnapshot({ ...joined.state, base: o.snapshot().base });
  assert.deepEqual(restored.snapshot(), o.snapshot());
  restored.free();
  o.free();
});
