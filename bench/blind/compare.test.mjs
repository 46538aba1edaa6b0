// compare(): a change judged seed by seed against an earlier run of the blind listeners.
import assert from "node:assert/strict";
import { test } from "node:test";

import { compare } from "./compare.mjs";

const run = (rows) => ({ rows: rows.map(([listener, adaptiveBySeed]) => ({ listener, adaptiveBySeed })) });

test("a row's move is judged by its paired differences, and only past twice their standard error", () => {
  const before = run([
    ["steady", [0.3, 0.5, 0.4, 0.6]],
    ["noisy", [0.2, 0.4, 0.3, 0.5]],
  ]);
  const now = run([
    ["steady", [0.2, 0.4, 0.3, 0.5]], // 0.1 fewer at every seed
    ["noisy", [0.3, 0.3, 0.4, 0.4]], // +0.1, -0.1, +0.1, -0.1
  ]);
  const [steady, noisy, overall] = compare(before, now);
  // The same move at every seed: clear, whatever its size.
  assert.equal(steady, "steady: 0.450 -> 0.350, -0.100 ± 0.000 (4 seeds)  fewer skips");
  assert.match(noisy, /^noisy: 0\.350 -> 0\.350, \+0\.000 ± 0\.058 \(4 seeds\)$/);
  // Per seed, the mean over the rows: -0.1 + (+-0.1) halved: 0, -0.1, 0, -0.1.
  assert.equal(overall, "mean over the rows: -0.050 ± 0.029 (4 seeds)");
});

test("fewer skips and more skips are said when the move is clear; rows and seeds not in both are left out", () => {
  const before = run([
    ["a", [0.5, 0.52, 0.48, 0.5, 0.51]],
    ["gone", [0.1]],
  ]);
  const now = run([
    ["a", [0.3, 0.31, 0.29, 0.3]],
    ["new", [0.2, 0.2]],
  ]);
  const lines = compare(before, now);
  assert.equal(lines.length, 2);
  assert.match(lines[0], /^a: 0\.500 -> 0\.300, -0\.200 ± 0\.00\d \(4 seeds\)  fewer skips$/);
  assert.match(compare(now, before)[0], /more skips$/);
});

test("runs that began at different seeds are not paired", () => {
  const before = { firstSeed: 31, ...run([["a", [0.5, 0.4]]]) };
  const now = run([["a", [0.3, 0.2]]]); // no firstSeed: seeds from 1
  assert.deepEqual(compare(before, now), ["not paired: the earlier run began at seed 31, this one at seed 1"]);
  assert.equal(compare(before, { ...now, firstSeed: 31 }).length, 2);
});
