// Proves that bench/plain.js follows the engine's seed rules, so the benchmark compares
// like with like. Run: node --test bench/plain.test.mjs
import { test } from "node:test";
import assert from "node:assert/strict";

import { PlainOrchestrator, mulberry32 } from "./plain.js";

const near = (a, b, eps = 1e-12) => Math.abs(a - b) <= eps;
const sum = (m) => [...m.values()].reduce((s, x) => s + x, 0);

test("the PRNG is seeded and in [0, 1)", () => {
  const a = mulberry32(7);
  const b = mulberry32(7);
  for (let i = 0; i < 1000; i++) {
    const x = a();
    assert.equal(x, b());
    assert.ok(x >= 0 && x < 1);
  }
  assert.notEqual(mulberry32(1)(), mulberry32(2)());
});

test("base reinforce mirrors onto the start row, once when from is 0; penalty never below 0", () => {
  const o = new PlainOrchestrator();
  const g = o.baseGraph();
  g.reinforce(1, 2, 3);
  g.reinforce(0, 2, 1);
  assert.equal(g.edges(1).get(2), 3);
  assert.equal(g.edges(0).get(2), 4); // 3 mirrored + 1 direct (not twice)
  g.penalty(1, 2, 10);
  assert.equal(g.edges(1).get(2), 0);
  assert.equal(g.edges(0).get(2), 0);
  assert.equal(g.edgeCount, 2); // edges stay at weight 0
  assert.deepEqual(g.ids(), [1, 2]);
  assert.throws(() => g.reinforce(1, 0), RangeError);
  assert.throws(() => g.reinforce(1, 2, -1), RangeError);
});

test("probabilities are the normalised fined weights and sum to 1", () => {
  const o = new PlainOrchestrator({ seed: 3 });
  const g = o.baseGraph();
  g.reinforce(1, 2, 3);
  g.reinforce(1, 3, 1);
  g.reinforce(1, 4, 6);
  o.rebuildRuntime("test");
  const p = o.runtimeGraph().probabilities(1);
  assert.ok(near(sum(p), 1));
  assert.ok(near(p.get(2), 0.3) && near(p.get(3), 0.1) && near(p.get(4), 0.6));
  // fined = max(0, base + bonus - penalty - cooldown); a fine larger than the weight clamps to 0.
  o.learn(1, 3); // 1 + 1 = 2
  o.feedback(1, 2, 1, 100); // skip: penalty 2, cooldown 3 -> 3 - 2 - 3 < 0 -> 0
  const q = o.runtimeGraph().probabilities(1);
  assert.equal(q.has(2), false);
  assert.ok(near(q.get(3), 2 / 8) && near(q.get(4), 6 / 8));
  assert.ok(near(sum(q), 1));
  // Random graphs: always 1 (or empty).
  const rnd = mulberry32(11);
  const r = new PlainOrchestrator();
  for (let i = 0; i < 500; i++) {
    r.baseGraph().reinforce(1 + Math.floor(rnd() * 20), 1 + Math.floor(rnd() * 20), rnd() * 5);
  }
  r.rebuildRuntime("x");
  for (let i = 0; i < 300; i++) r.feedback(1 + Math.floor(rnd() * 20), 1 + Math.floor(rnd() * 20), rnd() * 10, 10);
  for (let from = 0; from <= 20; from++) {
    const m = r.runtimeGraph().probabilities(from);
    assert.ok(m.size === 0 || near(sum(m), 1, 1e-9));
    for (const v of m.values()) assert.ok(v > 0);
  }
});

test("every fined weight 0 gives empty probabilities", () => {
  const o = new PlainOrchestrator();
  o.baseGraph().reinforce(1, 2, 1);
  o.rebuildRuntime("x");
  o.runtimeGraph().penalty(1, 2, 5);
  assert.equal(o.runtimeGraph().probabilities(1).size, 0);
});

test("rebuild folds bonus - penalty per edge with max(0, ...), mirrored once, and carries cooldowns", () => {
  const o = new PlainOrchestrator();
  const g = o.baseGraph();
  g.reinforce(1, 2, 5); // 1->2 = 5, 0->2 = 5
  g.reinforce(1, 3, 1); // 1->3 = 1, 0->3 = 1
  o.rebuildRuntime("load");
  o.learn(1, 2);
  o.learn(1, 2); // bonus 2 (and 0->2 bonus 2)
  o.feedback(1, 2, 20, 100); // partial: penalty 1, cooldown 1
  o.feedback(1, 3, 1, 100); // skip: penalty 2 (> weight 1), cooldown 3
  const v = o.runtimeGraph().buildVersion;
  assert.equal(o.runtimeGraph().diffs, 4);
  o.rebuildRuntime("fold");
  assert.equal(o.runtimeGraph().buildVersion, v + 1);
  assert.equal(g.edges(1).get(2), 6); // 5 + 2 - 1
  assert.equal(g.edges(0).get(2), 6); // mirrored lessons folded once
  assert.equal(g.edges(1).get(3), 0); // max(0, 1 - 2)
  assert.equal(g.edges(0).get(3), 0);
  const cd = o.runtimeGraph().cooldowns();
  assert.equal(cd.get(1).get(2), 1);
  assert.equal(cd.get(1).get(3), 3);
  assert.equal(o.runtimeGraph().diffs, 0);
  assert.equal(o.runtimeGraph().bonuses().size, 0);
  // A second rebuild folds nothing new.
  o.rebuildRuntime("again");
  assert.equal(g.edges(1).get(2), 6);
});

test("a build keeps its snapshot after a rebuild and after base changes", () => {
  const o = new PlainOrchestrator();
  o.baseGraph().reinforce(1, 2, 1);
  o.baseGraph().reinforce(1, 3, 1);
  o.rebuildRuntime("a");
  const old = o.runtimeGraph();
  o.baseGraph().reinforce(1, 2, 8);
  assert.ok(near(old.probabilities(1).get(2), 0.5));
  o.learn(1, 3); // old is the current build: its own lesson shows (1 / (1 + 2))
  assert.ok(near(old.probabilities(1).get(2), 1 / 3));
  o.rebuildRuntime("b");
  assert.ok(near(old.probabilities(1).get(2), 1 / 3)); // unchanged by the rebuild
  assert.ok(near(o.runtimeGraph().probabilities(1).get(2), 9 / 11));
  assert.equal(old.buildVersion + 1, o.runtimeGraph().buildVersion);
});

test("cooldowns wear off one step per generated play", () => {
  const o = new PlainOrchestrator();
  o.baseGraph().reinforce(1, 2, 1);
  o.rebuildRuntime("x");
  o.runtimeGraph().addCooldown(1, 2, 2);
  o.playNext();
  assert.equal(o.runtimeGraph().cooldowns().get(1).get(2), 1);
  o.playNext();
  assert.equal(o.runtimeGraph().cooldowns().size, 0);
});

test("the repeat window holds recent tracks back; when all are recent the least recent wins", () => {
  // A clique of 4 tracks with repeatWindow 3: the walk never repeats one of the last 3 plays
  // while another candidate exists.
  const o = new PlainOrchestrator({ seed: 5, repeatWindow: 3 });
  for (let a = 1; a <= 4; a++) for (let b = 1; b <= 4; b++) if (a !== b) o.baseGraph().reinforce(a, b, 1 + a * b);
  o.rebuildRuntime("x");
  const plays = [];
  for (let i = 0; i < 200; i++) plays.push(o.playNext());
  for (let i = 3; i < plays.length; i++) {
    assert.ok(!plays.slice(i - 2, i).includes(plays[i]), `repeat at ${i}: ${plays.slice(i - 3, i + 1)}`);
  }
  // Every candidate recent: 1 -> {2, 3}; play 2, 3, then from 3 (-> 2 only) the least recent is 2;
  // from 1 (-> 2, 3) after 3, 2 the least recent is 3 (the current track comes last).
  const p = new PlainOrchestrator({ repeatWindow: 8 });
  p.baseGraph().reinforce(0, 1, 100);
  p.baseGraph().reinforce(1, 2, 1);
  p.baseGraph().reinforce(1, 3, 1);
  p.baseGraph().reinforce(2, 3, 1);
  p.baseGraph().reinforce(3, 1, 1);
  p.rebuildRuntime("x");
  assert.equal(p.playNext(), 1); // start row: 1 dominates (weighted pick)
  const second = p.playNext();
  assert.ok(second === 2 || second === 3);
  // Walk on: all three are recent from now on, so each pick is the least recently played
  // candidate of the current row.
  const seq = [1, second];
  for (let i = 0; i < 6; i++) seq.push(p.playNext());
  const recent = new Map(seq.map((id, i) => [id, i]));
  assert.ok(recent.size === 3);
  for (let i = 3; i < seq.length; i++) {
    // The chosen one was not the most recent play (the current track never repeats itself here).
    assert.notEqual(seq[i], seq[i - 1]);
  }
});

test("least recently played among all-recent candidates, current last", () => {
  const o = new PlainOrchestrator({ repeatWindow: 8 });
  // 1 -> 2 -> 1 -> ... : from 2 the only candidate is 1 (recent) -> chosen anyway.
  o.baseGraph().reinforce(0, 1, 1000);
  o.baseGraph().reinforce(1, 2, 1);
  o.baseGraph().reinforce(2, 1, 1);
  o.baseGraph().reinforce(2, 2, 1); // a self loop: the current track comes last
  o.rebuildRuntime("x");
  assert.equal(o.playNext(), 1);
  assert.equal(o.playNext(), 2);
  assert.equal(o.playNext(), 1); // {1, 2} both recent; 1 less recent than the current 2
  assert.equal(o.playNext(), 2);
});

test("fallback: the start row when the current track has no candidate, then the least recent known track", () => {
  const o = new PlainOrchestrator({ repeatWindow: 0 });
  assert.equal(o.playNext(), undefined); // knows no track
  o.baseGraph().reinforce(0, 5, 1); // start row only: 0 -> 5
  o.baseGraph().reinforce(7, 6, 1); // 7 -> 6, 0 -> 6
  o.rebuildRuntime("x");
  const first = o.playNext();
  assert.ok(first === 5 || first === 6);
  // 5 and 6 have no successors: the start row is used.
  for (let i = 0; i < 10; i++) assert.ok([5, 6].includes(o.playNext()));
  // Drain the start row with penalties: then the least recently played known track (7 never played).
  o.runtimeGraph().penalty(0, 5, 10);
  o.runtimeGraph().penalty(0, 6, 10);
  assert.equal(o.playNext(), 7);
  // 7 -> 6 has weight 1 - 0 (penalty(0, 6) only touched the start row), so 6 follows.
  assert.equal(o.playNext(), 6);
});

test("fallback picks the least recently played known track, lowest id first among never played", () => {
  const o = new PlainOrchestrator();
  o.baseGraph().reinforce(3, 4, 1);
  o.baseGraph().penalty(3, 4, 1); // known, all weights 0
  o.baseGraph().reinforce(9, 8, 1);
  o.baseGraph().penalty(9, 8, 1);
  o.rebuildRuntime("x");
  assert.equal(o.playNext(), 3);
  assert.equal(o.playNext(), 4);
  assert.equal(o.playNext(), 8);
  assert.equal(o.playNext(), 9);
  assert.equal(o.playNext(), 3);
});

test("feedback thresholds, frozen learning and bad input", () => {
  const o = new PlainOrchestrator();
  const kinds = [];
  o.on("learn", (e) => kinds.push(e.kind));
  o.feedback(1, 2, 100, 300); // exactly 1/3: reinforce
  o.feedback(1, 2, 99, 300); // partial
  o.feedback(1, 2, 29.9, 300); // skip
  o.feedback(1, 2, 30, 300); // exactly 0.1: partial
  o.feedback(1, 2, 900, 300); // clamped to 1: reinforce
  assert.deepEqual(kinds, ["reinforce", "penalty", "skip", "penalty", "reinforce"]);
  const rg = o.runtimeGraph();
  assert.equal(rg.bonuses().get(1).get(2), 2);
  assert.equal(rg.penalties().get(1).get(2), 1 + 2 + 1);
  assert.equal(rg.cooldowns().get(1).get(2), 3);
  assert.equal(rg.diffs, 5);
  assert.throws(() => o.feedback(1, 2, NaN, 10), RangeError);
  assert.throws(() => o.feedback(1, 2, -1, 10), RangeError);
  assert.throws(() => o.feedback(1, 2, 1, 0), RangeError);
  assert.equal(rg.diffs, 5);
  // Going back freezes learning; a generated play thaws it.
  o.baseGraph().reinforce(1, 2, 1);
  o.baseGraph().reinforce(2, 1, 1);
  o.rebuildRuntime("x");
  o.playNext();
  o.playNext();
  assert.notEqual(o.playBack(), undefined);
  assert.equal(o.playbackChain().learningFrozen, true);
  o.learn(1, 2);
  assert.equal(o.runtimeGraph().diffs, 0);
  o.playNext(); // forward: still frozen
  assert.equal(o.playbackChain().learningFrozen, true);
  o.playNext(); // generated: thaws
  assert.equal(o.playbackChain().learningFrozen, false);
  o.learn(1, 2);
  assert.equal(o.runtimeGraph().diffs, 1);
});

test("the selector: uniform among topK when spread, weighted when peaked, same seed same picks", () => {
  const spread = new PlainOrchestrator({ seed: 1, topK: 3, repeatWindow: 0 });
  for (let i = 1; i <= 20; i++) spread.baseGraph().reinforce(0, 100 + i, i);
  spread.rebuildRuntime("x");
  const counts = new Map();
  const pick = (o) => {
    // Always draw from the start row: a track with no successors falls back to it.
    const id = o.playNext();
    counts.set(id, (counts.get(id) ?? 0) + 1);
  };
  for (let i = 0; i < 3000; i++) pick(spread);
  assert.deepEqual([...counts.keys()].sort(), [118, 119, 120]);
  for (const n of counts.values()) assert.ok(n > 850 && n < 1150, String(n));

  counts.clear();
  const peaked = new PlainOrchestrator({ seed: 2, repeatWindow: 0 });
  peaked.baseGraph().reinforce(0, 1, 9);
  peaked.baseGraph().reinforce(0, 2, 1);
  peaked.rebuildRuntime("x");
  for (let i = 0; i < 2000; i++) pick(peaked);
  assert.ok(counts.get(1) > 1700 && counts.get(1) < 1900, String(counts.get(1)));

  const run = (seed) => {
    const o = new PlainOrchestrator({ seed });
    for (let a = 1; a <= 30; a++) for (let b = 1; b <= 30; b++) if (a !== b) o.baseGraph().reinforce(a, b, (a * b) % 7);
    o.rebuildRuntime("x");
    return Array.from({ length: 100 }, () => o.playNext());
  };
  assert.deepEqual(run(9), run(9));
  assert.notDeepEqual(run(9), run(10));
});

test("history limit bounds the back stack; managers rebuild on the diff limit", async () => {
  const o = new PlainOrchestrator({ historyLimit: 3, maxRuntimeDiffs: 2 });
  o.baseGraph().reinforce(1, 2, 1);
  o.baseGraph().reinforce(2, 1, 1);
  o.rebuildRuntime("x");
  for (let i = 0; i < 10; i++) o.playNext();
  assert.equal(o.playbackChain().back.length, 3);
  const reasons = [];
  o.on("rebuild", (e) => reasons.push(e.reason));
  o.start();
  o.learn(1, 2);
  o.learn(1, 2);
  o.learn(1, 2);
  await Promise.resolve();
  await Promise.resolve();
  assert.deepEqual(reasons, ["diff limit exceeded"]);
  await o.stop();
  assert.equal(o.running, false);
});

test("reinforceMany is reinforce per edge; playTrack, the queue and learnHistory follow the engine's rules", () => {
  const a = new PlainOrchestrator();
  const b = new PlainOrchestrator();
  const from = [1, 1, 2, 0, 3], to = [2, 3, 3, 1, 1], w = [1.5, 2, 1, 4, 0.25];
  for (let i = 0; i < from.length; i++) a.baseGraph().reinforce(from[i], to[i], w[i]);
  b.baseGraph().reinforceMany(from, to, w);
  for (const f of [0, 1, 2, 3]) assert.deepEqual([...b.baseGraph().edges(f)], [...a.baseGraph().edges(f)]);
  assert.throws(() => b.baseGraph().reinforceMany([1, 2], [2, 0]), RangeError);

  const o = new PlainOrchestrator({ seed: 1, choiceAmount: 2 });
  for (let i = 1; i <= 6; i++) o.baseGraph().reinforce(i, (i % 6) + 1, 1);
  o.rebuildRuntime("x");
  const first = o.playNext();
  const chosen = first === 4 ? 3 : 4;
  o.playTrack(chosen);
  assert.equal(o.playbackChain().current, chosen);
  assert.equal(o.runtimeGraph().bonuses().get(first).get(chosen), 2);
  o.enqueue([5, 6]);
  assert.deepEqual(o.queue(), [5, 6]);
  assert.equal(o.playNext(), 5);
  assert.ok(o.removeFromQueue(6));
  o.clearQueue();

  const h = new PlainOrchestrator();
  const r = h.learnHistory([
    { id: 1, listenedSeconds: 200, durationSeconds: 200, at: 0 },
    { id: 2, listenedSeconds: 5, durationSeconds: 200, at: 240_000 },
    { id: 0, listenedSeconds: 5, durationSeconds: 200, at: 250_000 },
    { id: 3, listenedSeconds: 200, durationSeconds: 200, at: 3_600_000 },
  ]);
  assert.deepEqual(r, { plays: 3, transitions: 1, sessions: 2, refused: [{ index: 2, reason: "id" }] });
  assert.equal(h.runtimeGraph().penalties().get(1).get(2), 2);
  assert.equal(h.runtimeGraph().bonuses().get(0).get(3), 1);
});
