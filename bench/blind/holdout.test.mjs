// The hold-out listeners answer as they say: each one's chances are probabilities, a play is
// a skip exactly as often as the chance the oracle reads, and the shapes that make them
// different (an artist's fatigue, a dislike of replays, moods by session) show in those chances.
import assert from "node:assert/strict";
import { test } from "node:test";

import { mulberry32 } from "../plain.js";
import { SKIP } from "./ear.mjs";
import { HOLDOUT } from "./holdout.mjs";

const make = (name, seed = 1) => {
  const spec = HOLDOUT.find((s) => s.name.startsWith(name));
  return spec.make({ seed, tracks: spec.tracks, plays: spec.plays });
};

test("every hold-out listener answers with fractions in [0, 1] and chances that are probabilities", () => {
  for (const spec of HOLDOUT) {
    const listener = spec.make({ seed: 3, tracks: spec.tracks, plays: spec.plays });
    const rng = mulberry32(5);
    const now = { at: 0, minutes: 0 };
    let prev = 0;
    for (; now.at < 300; now.at++) {
      const id = 1 + Math.floor(rng() * Math.min(spec.tracks, 40));
      const chance = listener.skipChance(id, prev, now);
      assert.ok(chance >= 0 && chance <= 1, `${spec.name}: chance ${chance}`);
      const heard = listener.hear(id, prev, now, rng);
      assert.ok(heard >= 0 && heard <= 1, `${spec.name}: heard ${heard}`);
      now.minutes += (heard * listener.seconds[id]) / 60;
      prev = id;
    }
  }
});

test("a play is skipped as often as the chance the oracle reads", () => {
  const listener = make("H4");
  const rng = mulberry32(9);
  // One track of middling liking, heard again and again at gaps past its tolerance.
  const id = Array.from({ length: listener.tracks }, (_, i) => i + 1).find((i) => Math.abs(listener.liking[i] - 0.2) < 0.05);
  let skips = 0;
  const n = 4000;
  for (let k = 0; k < n; k++) {
    const now = { at: 100 * k, minutes: 0 };
    skips += listener.hear(id, 0, now, rng) < SKIP;
  }
  const chance = listener.skipChance(id, 0, { at: 100 * n, minutes: 0 });
  assert.ok(Math.abs(skips / n - chance) < 0.03, `${skips / n} against ${chance}`);
});

test("the artist listener tires of an artist, the novelty listener of any replay", () => {
  const artists = make("H1");
  // Two tracks by one artist.
  const byArtist = new Map();
  let pair;
  for (let id = 1; id <= artists.tracks && !pair; id++) {
    const other = byArtist.get(artists.artist[id]);
    if (other) pair = [other, id];
    byArtist.set(artists.artist[id], id);
  }
  const [a, b] = pair;
  const before = artists.skipChance(b, 0, { at: 10, minutes: 0 });
  artists.hear(a, 0, { at: 10, minutes: 0 }, mulberry32(1));
  assert.ok(artists.skipChance(b, a, { at: 12, minutes: 0 }) > before, "a track by the artist just heard");
  assert.equal(artists.skipChance(b, a, { at: 30, minutes: 0 }), before, "once the artist is rested");

  const novelty = make("H2");
  const liked = Array.from({ length: novelty.tracks }, (_, i) => i + 1).find((i) => novelty.liked[i]);
  const fresh = novelty.skipChance(liked, 0, { at: 0, minutes: 0 });
  novelty.hear(liked, 0, { at: 0, minutes: 0 }, mulberry32(1));
  assert.ok(novelty.skipChance(liked, 0, { at: 1000, minutes: 0 }) > fresh + 0.4, "a replay, however late");
});

test("the session listener's liking follows the mood of the moment", () => {
  const listener = make("H3");
  const moods = new Set(Array.from(listener.schedule));
  assert.ok(moods.size === 3, `${[...moods]}`);
  const at = 500;
  const mood = listener.schedule[at];
  const ofMood = (m) => Array.from({ length: listener.tracks }, (_, i) => i + 1).find((i) => listener.mood[i] === m);
  assert.ok(listener.tasteSkip(ofMood(mood), 0, { at }) < 0.1);
  assert.ok(listener.tasteSkip(ofMood(3), 0, { at }) > 0.9, "a mood not the listener's");
});
