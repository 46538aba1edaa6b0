// The simulated listener: hidden tastes, and fast-forwarded listening (no real audio) through
// three pickers side by side: the engine's default (adaptive) policy, the engine's seed rules
// (`policy: "seed"`) and a plain shuffle. Each picker has its own engine and its own copy of the
// listener (the same tastes, the same random stream), so the three hear the same person.
// Pure logic: no DOM here, and engines come in from the caller (public API: playNext, feedback).

import { randomTools } from "./random.js";

/** How the listener's taste turns into the chance of hearing a track out (added to `base`). */
export const TASTE = {
  base: 0.45, liked: 0.5, disliked: -0.6, favouriteMood: 0.35, avoidedMood: -0.45,
  sameMood: 0.1, otherMood: -0.1, tooSoon: 0.1, min: 0.03, max: 0.97,
};

/**
 * Hidden tastes from a seed: five liked and five disliked tracks, a favourite and an avoided mood,
 * a slight preference for staying in the mood of the previous track, and a tolerance: a track
 * heard again within fewer than `tolerance` plays is mostly skipped.
 */
export function hiddenTastes(seed, tracks, { liked = 5, disliked = 5 } = {}) {
  const r = randomTools(0xd15c0 ^ seed);
  const order = r.shuffle(tracks.map((t) => t.id));
  const moods = r.shuffle([...new Set(tracks.map((t) => t.mood))]);
  return {
    liked: new Set(order.slice(0, liked)),
    disliked: new Set(order.slice(liked, liked + disliked)),
    favouriteMood: moods[0],
    avoidedMood: moods[1],
    tolerance: r.int(8, 12),
  };
}

/**
 * The chance that this listener hears `track` out after `previous` (undefined at the start), when
 * they last heard it `playsAgo` plays ago (0: just before; undefined: never).
 */
export function listenChance(tastes, previous, track, playsAgo) {
  let p = TASTE.base;
  if (tastes.liked.has(track.id)) p += TASTE.liked;
  if (tastes.disliked.has(track.id)) p += TASTE.disliked;
  if (track.mood === tastes.favouriteMood) p += TASTE.favouriteMood;
  if (track.mood === tastes.avoidedMood) p += TASTE.avoidedMood;
  if (previous) p += previous.mood === track.mood ? TASTE.sameMood : TASTE.otherMood;
  if (playsAgo !== undefined && playsAgo < tastes.tolerance) p *= TASTE.tooSoon;
  return Math.min(TASTE.max, Math.max(TASTE.min, p));
}

/** One listener: their tastes, and their own memory of what they heard and their own randomness. */
export class Listener {
  constructor(tastes, seed) {
    this.tastes = tastes;
    this.random = randomTools(0x11573 + seed);
    this.previous = undefined;
    this.plays = 0;
    this.lastHeard = new Map(); // id -> play number
  }

  /** Hears `track` once: how far into it the listener got, and whether that was a skip. */
  hear(track) {
    const r = this.random;
    const at = this.lastHeard.get(track.id);
    const chance = listenChance(this.tastes, this.previous, track, at === undefined ? undefined : this.plays - at - 1);
    this.lastHeard.set(track.id, this.plays++);
    this.previous = track;
    const duration = Number.isFinite(track.duration) && track.duration > 0 ? track.duration : 30;
    if (r.next() < chance) return { listened: duration * r.between(0.7, 1), duration, skipped: false };
    // Gave up: mostly within the first seconds (a skip), sometimes a little later.
    const progress = r.chance(0.8) ? r.between(0.01, 0.09) : r.between(0.12, 0.3);
    return { listened: duration * progress, duration, skipped: true };
  }
}

/** A rolling rate over the last `size` booleans. */
class Rolling {
  constructor(size) { this.size = size; this.items = []; this.count = 0; }
  push(flag) {
    this.items.push(flag);
    if (flag) this.count++;
    if (this.items.length > this.size && this.items.shift()) this.count--;
    return this.count / this.items.length;
  }
}

/** The engine as a picker: playNext() picks, feedback() tells it what the listener did. */
export class EngineLane {
  constructor(orchestrator) {
    this.orchestrator = orchestrator;
  }
  pick() {
    return this.orchestrator.playNext();
  }
  teach(from, to, answer) {
    this.orchestrator.feedback(from ?? 0, to, answer.listened, answer.duration);
  }
  /** The engine's repeat window now (learned by the adaptive policy). */
  get repeatWindow() {
    return this.orchestrator.explainNext(0).repeatWindow;
  }
  /** Stops the engine's managers, then frees it. */
  async close() {
    const o = this.orchestrator;
    this.orchestrator = null;
    try {
      await o.stop();
    } finally {
      o.free();
    }
  }
}

/** A plain shuffle: a fresh random order of the whole catalogue, played through; learns nothing. */
export class ShuffleLane {
  constructor(ids, seed) {
    this.ids = ids;
    this.random = randomTools(0x5a0ff1e + seed);
    this.queue = [];
  }
  pick() {
    if (this.queue.length === 0) this.queue = this.random.shuffle(this.ids);
    return this.queue.shift();
  }
  teach() {}
  async close() {}
}

/** One picker heard by its own copy of the listener, and its skip rate as it goes. */
class Run {
  constructor(key, lane, listener, window) {
    this.key = key;
    this.lane = lane;
    this.listener = listener;
    this.rolling = new Rolling(window);
    this.rates = []; // the rolling skip rate after each play
    this.skipped = []; // each play: skipped or not
    this.previousId = undefined;
  }
  step(byId) {
    const id = this.lane.pick();
    const track = byId.get(id);
    if (!track) throw new Error(`${this.key}: picked ${id === undefined ? "nothing" : `track ${id}, unknown to the listener`}`);
    const answer = this.listener.hear(track);
    this.lane.teach(this.previousId, id, answer);
    this.previousId = id;
    this.skipped.push(answer.skipped);
    this.rates.push(this.rolling.push(answer.skipped));
  }
  /** The skip rate over plays [from, to). */
  rate(from, to = this.skipped.length) {
    const part = this.skipped.slice(Math.max(0, from), to);
    return part.length === 0 ? NaN : part.filter(Boolean).length / part.length;
  }
}

/** The pickers compared, in the order they are drawn and listed. */
export const LANES = [
  { key: "adaptive", label: "Adaptive", policy: "adaptive" },
  { key: "seed", label: "Seed rules", policy: "seed" },
  { key: "shuffle", label: "Plain shuffle", policy: null },
];

/**
 * The three pickers on the same hidden tastes. `tracks`: what the listener can hear (the engines
 * must know exactly these); `engines`: { adaptive, seed } orchestrators, owned from now on.
 */
export class Comparison {
  constructor({ tracks, seed, engines, window = 50 }) {
    this.byId = new Map(tracks.map((t) => [t.id, t]));
    this.tastes = hiddenTastes(seed, tracks);
    this.window = window;
    this.runs = LANES.map(({ key, policy }) => {
      const lane = policy ? new EngineLane(engines[policy]) : new ShuffleLane(tracks.map((t) => t.id), seed);
      return new Run(key, lane, new Listener(this.tastes, seed), window);
    });
    this.plays = 0;
  }

  /** One play of each picker. */
  step() {
    for (const run of this.runs) run.step(this.byId);
    this.plays++;
  }

  run(key) {
    return this.runs.find((r) => r.key === key);
  }

  /** Frees the engines. */
  async close() {
    await Promise.all(this.runs.map((r) => r.lane.close()));
  }
}
