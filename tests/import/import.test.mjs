// "memory-player/import" on a Spotify extended streaming history written for this test
// (fixture/Streaming_History_Audio_2023_{0,1}.json, two files of one export, with the fields and
// values Spotify writes), through the built package as an app imports it.
//
//   node --test tests/import/import.test.mjs      (after npm run build)
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

import { Orchestrator } from "memory-player";
import { importSpotifyHistory, SKIP_MS, HEARD_MS } from "memory-player/import";
import { spotifyHistory } from "../support/spotify-history.mjs";

const fixture = (name) => readFileSync(new URL(`./fixture/${name}`, import.meta.url), "utf8");
const file0 = JSON.parse(fixture("Streaming_History_Audio_2023_0.json"));
const file1 = JSON.parse(fixture("Streaming_History_Audio_2023_1.json"));

// The app's catalogue: Spotify URI -> its own track ids. G is not in it.
const IDS = { A: 1, B: 2, C: 3, D: 4, E: 5, F: 6 };
const URIS = {
  "spotify:track:0VjIjW4GlUZAMYd2vXMi3b": IDS.A,
  "spotify:track:7qiZfU4dY1lWllzX7mPBI3": IDS.B,
  "spotify:track:6DCZcSspjsKoFjzjrWoCdn": IDS.C,
  "spotify:track:3KkXRkHbMCARz0aVfEt68P": IDS.D,
  "spotify:track:2takcwOaAZWiXQijPHIx7B": IDS.E,
  "spotify:track:1rfofaqEpACxVEHIZBJe6W": IDS.F,
};
const trackId = (uri) => URIS[uri];
const { A, B, C, D, E, F } = IDS;

/** What a build learned, as "from>to" -> { bonus, penalty }. */
function learned(o) {
  const rt = o.runtimeGraph();
  const out = {};
  for (const [kind, map] of [["bonus", rt.bonuses()], ["penalty", rt.penalties()]]) {
    for (const [from, row] of map) {
      for (const [to, v] of row) (out[`${from}>${to}`] ??= { bonus: 0, penalty: 0 })[kind] = v;
    }
  }
  return out;
}

test("the mapping: how each record is judged, and what is left out", async () => {
  const o = new Orchestrator({ seed: 1 });
  const progress = [];
  const report = await importSpotifyHistory(o, [file0, file1], { trackId, onProgress: (p) => progress.push(p) });
  assert.equal(report.records, 18);
  // Heard: trackdone (A, C, A, B, C, F) and a stop after 2 min (E "endplay" 150 s).
  // Partly heard: moved on after 30 s or more (D "fwdbtn" 95 s, F "clickrow" 40 s).
  // Skipped: moved on before 30 s (B "fwdbtn" 8 s, D skipped 5 s, E "backbtn" 3 s, A 2 s).
  assert.deepEqual(report.answers, { heard: 7, partly: 2, skipped: 4 });
  assert.deepEqual(report.leftOut, { notTrack: 1, unmapped: 1, incognito: 1, interrupted: 1, malformed: 1 });
  assert.equal(report.plays, 13);
  assert.equal(report.sessions, 3);
  assert.equal(report.transitions, 10);
  assert.deepEqual(report.refused, []);
  // Session 1: A, B (skip), C, D (partly), E (the podcast episode and the interrupted A left
  // out); session 2: F (partly), A, B, D (skip), E (skip); session 3: C, F, A (skip).
  const l = learned(o);
  const lesson = (from, to) => l[`${from}>${to}`] ?? { bonus: 0, penalty: 0 };
  assert.deepEqual(lesson(A, B), { bonus: 1, penalty: 2 }); // skipped once, heard once
  assert.deepEqual(lesson(B, C), { bonus: 1, penalty: 0 });
  assert.deepEqual(lesson(C, D), { bonus: 0, penalty: 1 }); // partly heard
  assert.deepEqual(lesson(D, E), { bonus: 1, penalty: 2 }); // heard in session 1, skipped in 2
  assert.deepEqual(lesson(F, A), { bonus: 1, penalty: 2 }); // heard in session 2, skipped in 3
  assert.deepEqual(lesson(B, D), { bonus: 0, penalty: 2 });
  assert.deepEqual(lesson(C, F), { bonus: 1, penalty: 0 });
  // No lesson across sessions (E then F, E then C); a session starts from the start node,
  // whose row also mirrors every lesson: A = start (+1) + F>A (+1, -2).
  assert.equal(l[`${E}>${F}`], undefined);
  assert.equal(l[`${E}>${C}`], undefined);
  assert.deepEqual(lesson(0, A), { bonus: 2, penalty: 2 });
  assert.deepEqual(lesson(0, F), { bonus: 1, penalty: 1 });
  assert.deepEqual(lesson(0, C), { bonus: 2, penalty: 0 });
  // Progress: reading, then learning, each ending at its total.
  assert.deepEqual(progress.at(-1), { phase: "learning", done: 13, total: 13 });
  assert.ok(progress.some((p) => p.phase === "reading" && p.done === 18 && p.total === 18));
  assert.equal(SKIP_MS, 30_000);
  assert.equal(HEARD_MS, 120_000);
});

test("files in any order, as records, JSON text or Blobs, give the same lessons", async () => {
  const reference = new Orchestrator({ seed: 1 });
  await importSpotifyHistory(reference, [file0, file1], { trackId });
  const variants = [
    [file1, file0],
    [...file0, ...file1],
    [fixture("Streaming_History_Audio_2023_1.json"), fixture("Streaming_History_Audio_2023_0.json")],
    [new Blob([fixture("Streaming_History_Audio_2023_0.json")]), file1],
  ];
  for (const input of variants) {
    const o = new Orchestrator({ seed: 1 });
    const r = await importSpotifyHistory(o, input, { trackId });
    assert.equal(r.plays, 13);
    assert.deepEqual(learned(o), learned(reference));
  }
});

test("incognito plays are learned when asked; a bad id is refused with its record's index", async () => {
  const o = new Orchestrator({ seed: 1 });
  const r = await importSpotifyHistory(o, file0, { trackId, includeIncognito: true });
  assert.equal(r.leftOut.incognito, 0);
  assert.equal(r.plays, 11);
  const bad = await importSpotifyHistory(new Orchestrator(), file0, {
    trackId: (uri) => (uri === "spotify:track:7qiZfU4dY1lWllzX7mPBI3" ? 0.5 : URIS[uri]),
  });
  // B's two records (index 1 and 9) are refused by learnHistory, named by record.
  assert.deepEqual(
    bad.refused.map((x) => x.index),
    [1, 9],
  );
  assert.match(bad.refused[0].reason, /id must be an integer/);
});

test("bad arguments are errors; an aborted import stops", async () => {
  const o = new Orchestrator();
  await assert.rejects(importSpotifyHistory({}, file0, { trackId }), TypeError);
  await assert.rejects(importSpotifyHistory(o, file0, {}), /trackId must be a function/);
  await assert.rejects(importSpotifyHistory(o, 7, { trackId }), TypeError);
  await assert.rejects(importSpotifyHistory(o, ["[1, 2"], { trackId }), SyntaxError);
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(importSpotifyHistory(o, file0, { trackId, signal: controller.signal }), { name: "AbortError" });
});

test("a long history is learned in slices that leave the event loop free", async () => {
  // 300 000 records (a heavy listener's decade), 20 000 tracks. The event loop is sampled
  // every millisecond while the import runs: its longest stall must stay short (the importer
  // aims at about 12 ms a slice; a loaded test machine adds its own delays, so the bound here
  // is loose, and the figure is printed).
  const N = 300_000;
  const records = spotifyHistory(N, 20_000);
  const o = new Orchestrator({ seed: 1 });
  let longest = 0;
  let last = performance.now();
  const sampler = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 1);
  const started = performance.now();
  let calls = 0;
  const report = await importSpotifyHistory(o, records, {
    trackId: (uri) => Number(uri.slice(14)),
    onProgress: () => calls++,
  });
  clearInterval(sampler);
  const elapsed = performance.now() - started;
  console.log(`# ${N} records in ${elapsed.toFixed(0)} ms, longest event-loop stall ${longest.toFixed(1)} ms, ${calls} progress calls`);
  assert.equal(report.plays, N);
  assert.ok(calls > 10);
  assert.ok(longest < 250, `the event loop stalled for ${longest} ms`);
});

test("CommonJS gets the same importer", () => {
  const require = createRequire(import.meta.url);
  const cjs = require("memory-player/import");
  assert.equal(typeof cjs.importSpotifyHistory, "function");
  assert.equal(cjs.SKIP_MS, SKIP_MS);
});
