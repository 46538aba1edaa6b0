// One session: a blind listener, and who picks its tracks (the engine under a policy, a plain
// shuffle, or an oracle that reads the listener's hidden chances), through the package's
// public API only.

import { Orchestrator } from "memory-player";

import { mulberry32 } from "../plain.js";
import { SKIP, shuffled } from "./ear.mjs";

export const PICKERS = ["adaptive", "seed", "shuffle", "oracle"];

/** The engine as an app uses it: catalogue loaded, managers running, every play answered. */
function engine(policy, listener, seed) {
  const o = new Orchestrator({ seed, policy });
  listener.load(o.baseGraph());
  o.rebuildRuntime("catalogue loaded");
  o.start();
  return {
    next: () => o.playNext(),
    chosen: (id) => o.playTrack(id),
    told: (prev, id, seconds, duration) => o.feedback(prev, id, seconds, duration),
    async finish() {
      const window = o.explainNext(1).repeatWindow;
      await o.stop();
      o.free();
      return { window };
    },
  };
}

/** Every track once in random order, then again; never the same track twice in a row. */
function shuffle(listener, seed) {
  const rng = mulberry32(seed ^ 0x5f1e);
  let order = [];
  return {
    next(prev) {
      if (order.length === 0) {
        order = shuffled(listener.tracks, rng);
        if (order.at(-1) === prev && order.length > 1) [order[0], order[order.length - 1]] = [order.at(-1), order[0]];
      }
      return order.pop();
    },
    chosen() {},
    told() {},
    finish: async () => ({}),
  };
}

/** The best any picker could do: a track least likely to be skipped now, ties at random. */
function oracle(listener, seed) {
  const rng = mulberry32(seed ^ 0x0aac);
  return {
    next(prev, now) {
      let best = Infinity;
      let pick;
      let ties = 0;
      for (let id = 1; id <= listener.tracks; id++) {
        const p = listener.skipChance(id, prev, now);
        if (p < best - 1e-12) [best, pick, ties] = [p, id, 1];
        else if (p <= best + 1e-12 && rng() * ++ties < 1) pick = id;
      }
      return pick;
    },
    chosen() {},
    told() {},
    finish: async () => ({}),
  };
}

function makePicker(picker, listener, seed) {
  if (picker === "shuffle") return shuffle(listener, seed);
  if (picker === "oracle") return oracle(listener, seed);
  return engine(picker, listener, seed);
}

/**
 * Runs `spec`'s listener (seeded) with `picker`. Counted over the last third of the session,
 * the plays the picker chose (a track the listener picked itself is not the picker's): the
 * skip rate, the mean fraction heard, the first plays of a track, and the mean chance of a
 * skip for the taste alone and for the replay coming too soon alone (where the skips come
 * from: a taste missed, or a repeat window misjudged).
 */
export async function session(spec, seed, picker) {
  const listener = spec.make({ seed, tracks: spec.tracks, plays: spec.plays });
  const chooser = makePicker(picker, listener, seed);
  const rng = mulberry32(seed ^ 0xa45e);
  const now = { at: 0, minutes: 0 };
  const late = { plays: 0, skips: 0, heard: 0, firstPlays: 0, taste: 0, repeat: 0 };
  const lateFrom = spec.plays - Math.floor(spec.plays / 3);
  let prev = 0;
  let stalls = 0;
  for (; now.at < spec.plays; now.at++) {
    const chosen = listener.choose(now, rng);
    const id = chosen ?? chooser.next(prev, now);
    if (id === undefined) {
      stalls++;
      continue;
    }
    if (chosen !== undefined) chooser.chosen(id);
    const first = listener.lastAt[id] < 0;
    const taste = listener.tasteSkip(id, prev, now);
    const repeat = listener.repeatSkip(id, now);
    const fraction = listener.hear(id, prev, now, rng);
    const duration = listener.seconds[id];
    chooser.told(prev, id, fraction * duration, duration);
    now.minutes += (fraction * duration) / 60;
    if (now.at >= lateFrom && chosen === undefined) {
      late.plays++;
      late.skips += fraction < SKIP;
      late.heard += fraction;
      late.firstPlays += first;
      late.taste += taste;
      late.repeat += repeat;
    }
    prev = id;
    // Lets the engine's managers (the rebuild after enough lessons) run, as a page would.
    await null;
  }
  const share = (n) => n / Math.max(1, late.plays);
  return {
    lateSkip: share(late.skips),
    lateHeard: share(late.heard),
    lateFirstPlays: share(late.firstPlays),
    lateTasteChance: share(late.taste),
    lateRepeatChance: share(late.repeat),
    stalls,
    ...(await chooser.finish()),
  };
}
