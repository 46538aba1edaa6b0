// The simulated listener: hidden tastes, and fast-forwarded listening through the engine's public
// API (playNext + feedback with simulated listened times; no real audio), side by side with a
// plain shuffle heard by the same listener. Pure logic: no DOM here.

import { randomTools } from "./random.js";

/** How the listener's taste turns into the chance of hearing a track out (added to `base`). */
export const TASTE = {
  base: 0.45, liked: 0.5, disliked: -0.6, favouriteMood: 0.35, avoidedMood: -0.45,
  sameMood: 0.1, otherMood: -0.1, min: 0.03, max: 0.97,
};

/**
 * Hidden tastes from a seed: five liked and five disliked tracks, a favourite and an avoided mood,
 * and a slight preference for staying in the mood of the previous track.
 */
export function hiddenTastes(seed, tracks, { liked = 5, disliked = 5 } = {}) {
  const r = randomTools(0xd15c0 ^ seed);
  const synth = tracks.filter((t) => t.kind === "synth");
  const order = r.shuffle(synth.map((t) => t.id));
  const moods = r.shuffle([...new Set(synth.map((t) => t.mood))]);
  return {
    liked: new Set(order.slice(0, liked)),
    disliked: new Set(order.slice(liked, liked + disliked)),
    favouriteMood: moods[0],
    avoidedMood: moods[1],
  };
}

/** The chance that this listener hears `track` out after `previous` (undefined at the start). */
export function listenChance(tastes, previous, track) {
  let p = TASTE.base;
  if (tastes.liked.has(track.id)) p += TASTE.liked;
  if (tastes.disliked.has(track.id)) p += TASTE.disliked;
  if (track.mood === tastes.favouriteMood) p += TASTE.favouriteMood;
  if (track.mood === tastes.avoidedMood) p += TASTE.avoidedMood;
  if (previous) p += previous.mood === track.mood ? TASTE.sameMood : TASTE.otherMood;
  return Math.min(TASTE.max, Math.max(TASTE.min, p));
}

/** One simulated listen: how far into the track the listener got, and whether that was a skip. */
export function listen(tastes, previous, track, r) {
  const duration = Number.isFinite(track.duration) && track.duration > 0 ? track.duration : 30;
  if (r.next() < listenChance(tastes, previous, track)) {
    return { listened: duration * r.between(0.7, 1), duration, skipped: false };
  }
  // Gave up: mostly within the first seconds (a skip), sometimes a little later.
  const progress = r.chance(0.8) ? r.between(0.01, 0.09) : r.between(0.12, 0.3);
  return { listened: duration * progress, duration, skipped: true };
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

/**
 * Runs plays one at a time. Each step: the engine picks (`playNext`), the listener listens, the
 * engine is told (`feedback`); and a plain shuffle makes its own pick for the same listener.
 */
export class ListenerSimulation {
  constructor({ orchestrator, catalogue, seed = 1, window = 50 }) {
    this.orchestrator = orchestrator;
    this.catalogue = catalogue;
    this.tastes = hiddenTastes(seed, catalogue.tracks);
    this.random = randomTools(0x11573 + seed);
    this.shuffleRandom = randomTools(0x5a0ff1e + seed);
    this.window = window;
    this.engineRolling = new Rolling(window);
    this.shuffleRolling = new Rolling(window);
    this.points = []; // { play, engine, shuffle }: rolling skip rates after each play
    this.plays = 0;
    this.engineSkips = 0;
    this.shuffleSkips = 0;
    this.shuffleQueue = [];
    this.shufflePrevious = undefined;
    this.previousId = orchestrator.playbackChain().current;
  }

  /** The next track of a plain shuffle: a fresh random order of the whole catalogue, played through. */
  nextShuffled() {
    if (this.shuffleQueue.length === 0) {
      this.shuffleQueue = this.shuffleRandom.shuffle(this.catalogue.tracks.map((t) => t.id));
    }
    return this.catalogue.get(this.shuffleQueue.shift());
  }

  /** One play of each; returns what happened, or undefined when the engine had nothing to play. */
  step() {
    const o = this.orchestrator;
    const id = o.playNext();
    if (id === undefined) return undefined;
    const track = this.catalogue.get(id);
    const previous = this.catalogue.get(this.previousId);
    const heard = track ? listen(this.tastes, previous, track, this.random) : { listened: 1, duration: 30, skipped: true };
    o.feedback(this.previousId ?? 0, id, heard.listened, heard.duration);
    this.previousId = id;

    const shuffled = this.nextShuffled();
    const shuffleHeard = listen(this.tastes, this.shufflePrevious, shuffled, this.shuffleRandom);
    this.shufflePrevious = shuffled;

    this.plays++;
    if (heard.skipped) this.engineSkips++;
    if (shuffleHeard.skipped) this.shuffleSkips++;
    const point = {
      play: this.plays,
      engine: this.engineRolling.push(heard.skipped),
      shuffle: this.shuffleRolling.push(shuffleHeard.skipped),
      engineSkipped: heard.skipped,
      shuffleSkipped: shuffleHeard.skipped,
    };
    this.points.push(point);
    return { id, skipped: heard.skipped, listened: heard.listened, duration: heard.duration, point };
  }
}
