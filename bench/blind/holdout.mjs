// The hold-out listeners: a second out-of-sample set, written after the first one
// (listeners.mjs) had been used to judge some thirty changes of the policy, and so had stopped
// being out of sample. These are run to measure, never to choose between changes: a change is
// judged on the first set (and `bench:learning`, `bench:sweep`), then this set says how far
// the result carries to listeners nobody tuned on. Shapes new to both earlier sets: a
// tolerance of the artist rather than the track, a listener who prefers what is new, moods
// that switch by session, a fraction heard that grows with liking (no clear skip or listen), a
// catalogue barely larger than the tolerance, a huge catalogue with a rare taste the app's
// links lead to, two changes of taste, and skips at random whatever the taste. Their first
// run, before anything was changed for them, is in bench/README.md ("Hold-out listeners"): the
// honest figure.

import { mulberry32 } from "../plain.js";
import { Ear, SKIP, fading, strict } from "./ear.mjs";
import { groupEdges, load } from "./listeners.mjs";

/** Each track's group, drawn at random among `groups`, the first groups the largest. */
function grouping(tracks, groups, rng) {
  const group = new Int32Array(tracks + 1);
  for (let id = 1; id <= tracks; id++) group[id] = Math.floor(rng() ** 1.5 * groups);
  return group;
}

/**
 * A listener with a plain taste: each track liked with chance `share`, drawn from its own
 * generator (seeded by `salt`), the catalogue loaded without links. H2 and H8 add to it how
 * they skip.
 */
class LikingListener extends Ear {
  constructor({ tracks, seed }, salt, tiring, share) {
    const rng = mulberry32(seed ^ salt);
    super(tracks, tiring, rng);
    this.liked = Uint8Array.from({ length: tracks + 1 }, () => (rng() < share ? 1 : 0));
  }
  load(base) {
    load(base, this.tracks);
  }
}

/**
 * H1. Tires of an artist, not a track: a track by an artist heard in the last five plays is
 * skipped four times in five. Artists are liked or not (a liked artist's tracks mostly liked),
 * and the app links each track to others by its artist.
 */
class ArtistListener extends Ear {
  constructor({ tracks, seed }) {
    const rng = mulberry32(seed ^ 0xa271);
    super(tracks, fading(30), rng);
    const artists = Math.floor(tracks / 8);
    this.artist = grouping(tracks, artists, rng);
    const likedArtist = Uint8Array.from({ length: artists }, () => (rng() < 0.35 ? 1 : 0));
    this.liked = Uint8Array.from({ length: tracks + 1 }, (_, id) =>
      id > 0 && rng() < (likedArtist[this.artist[id]] ? 0.85 : 0.05) ? 1 : 0,
    );
    this.artistAt = new Float64Array(artists).fill(-1);
    this.edges = groupEdges(this.artist, 3, rng);
  }
  load(base) {
    load(base, this.tracks, this.edges);
  }
  tasteSkip(id, _prev, now) {
    const at = this.artistAt[this.artist[id]];
    const tired = at >= 0 && now.at - at <= 5 ? 0.8 : 0;
    return 1 - (1 - (this.liked[id] ? 0.05 : 0.92)) * (1 - tired);
  }
  hear(id, prev, now, rng) {
    const fraction = super.hear(id, prev, now, rng);
    this.artistAt[this.artist[id]] = now.at;
    return fraction;
  }
}

/**
 * H2. Prefers what is new: most of the catalogue is liked, but any replay, at any gap, is
 * skipped half the time on top of the taste (and always within ten plays).
 */
class NoveltyListener extends LikingListener {
  constructor(o) {
    super(o, 0x7e11, strict(10), 0.6);
  }
  tasteSkip(id) {
    const bored = this.lastAt[id] >= 0 ? 0.5 : 0;
    return 1 - (1 - (this.liked[id] ? 0.05 : 0.93)) * (1 - bored);
  }
}

/**
 * H3. Moods by session: three of five moods are the listener's, and one of them holds for 40
 * to 120 plays before another takes over. A track of the mood of the moment is liked, one of
 * the listener's other moods half the time, the rest rarely.
 */
class SessionListener extends Ear {
  constructor({ tracks, plays, seed }) {
    const rng = mulberry32(seed ^ 0x5e55);
    super(tracks, fading(15), rng);
    this.mood = Int32Array.from({ length: tracks + 1 }, () => Math.floor(rng() * 5));
    this.schedule = new Int32Array(plays + 1);
    for (let at = 0, current = 0; at <= plays; ) {
      const length = 40 + Math.floor(rng() * 81);
      current = (current + 1 + Math.floor(rng() * 2)) % 3;
      this.schedule.fill(current, at, Math.min(plays + 1, at + length));
      at += length;
    }
  }
  load(base) {
    load(base, this.tracks);
  }
  tasteSkip(id, _prev, now) {
    const mood = this.mood[id];
    if (mood === this.schedule[Math.min(now.at, this.schedule.length - 1)]) return 0.06;
    return mood < 3 ? 0.5 : 0.92;
  }
}

/**
 * H4. No clear answers: how much of a track is heard grows with how much it is liked (a
 * hidden liking per track), with noise; a skip is only what falls under 10 %.
 */
class GradedListener extends Ear {
  constructor({ tracks, seed }) {
    const rng = mulberry32(seed ^ 0x96ad);
    super(tracks, strict(20), rng);
    // Liking skewed low: a few tracks loved, many barely tolerated.
    this.liking = Float64Array.from({ length: tracks + 1 }, () => rng() ** 1.6);
  }
  load(base) {
    load(base, this.tracks);
  }
  /** The chance that liking `u` plus noise (uniform ±0.3) falls under SKIP. */
  tasteSkip(id) {
    return Math.min(1, Math.max(0, (SKIP - this.liking[id] + 0.3) / 0.6));
  }
  fraction(id, _prev, _now, rng) {
    // Not skipped: somewhere between SKIP and the liking plus its noise.
    return Math.min(1, Math.max(SKIP, this.liking[id] + 0.3 * rng()));
  }
}

/** H5 and H7. A share of the catalogue liked; the liked set drawn anew at each change. */
class ChangingListener extends Ear {
  constructor({ tracks, plays, seed, tiring, share, changes }) {
    const rng = mulberry32(seed ^ 0xc4a9);
    super(tracks, tiring, rng);
    const draw = () => Uint8Array.from({ length: tracks + 1 }, (_, id) => (id > 0 && rng() < share ? 1 : 0));
    this.sets = Array.from({ length: changes + 1 }, draw);
    this.span = plays / (changes + 1);
  }
  load(base) {
    load(base, this.tracks);
  }
  tasteSkip(id, _prev, now) {
    const set = this.sets[Math.min(this.sets.length - 1, Math.floor(now.at / this.span))];
    return set[id] ? 0.05 : 0.9;
  }
}

/**
 * H6. A huge catalogue of 100 genres, three of them the listener's (3 % of the tracks); the
 * app links each track to others of its genre.
 */
class RareGenreListener extends Ear {
  constructor({ tracks, seed }) {
    const rng = mulberry32(seed ^ 0x6e7e);
    super(tracks, fading(30), rng);
    this.genre = Int32Array.from({ length: tracks + 1 }, () => Math.floor(rng() * 100));
    this.likedGenres = new Set([0, 1, 2].map(() => Math.floor(rng() * 100)));
    this.edges = groupEdges(this.genre, 5, rng);
  }
  load(base) {
    load(base, this.tracks, this.edges);
  }
  tasteSkip(id) {
    return this.likedGenres.has(this.genre[id]) ? 0.1 : 0.95;
  }
}

/** H8. Skips three plays in ten whatever it is, on top of a plain taste. */
class RestlessListener extends LikingListener {
  constructor(o) {
    super(o, 0x2e57, fading(10), 0.5);
  }
  tasteSkip(id) {
    return 1 - 0.7 * (this.liked[id] ? 0.95 : 0.1);
  }
}

const spec = (name, tracks, plays, make) => ({ name, tracks, plays, make });

/** The hold-out listeners, each run over several seeds. */
export const HOLDOUT = [
  spec("H1 tires of an artist, artist links", 1200, 2400, (o) => new ArtistListener(o)),
  spec("H2 prefers what is new (replays skipped half the time)", 6000, 2400, (o) => new NoveltyListener(o)),
  spec("H3 moods by session (40-120 plays each)", 1500, 2400, (o) => new SessionListener(o)),
  spec("H4 fraction heard grows with liking", 800, 2000, (o) => new GradedListener(o)),
  spec("H5 50 tracks, strict 30", 50, 900, (o) => new ChangingListener({ ...o, tiring: strict(30), share: 0.7, changes: 0 })),
  spec("H6 20 000 tracks, 3 genres of 100, genre links", 20000, 3000, (o) => new RareGenreListener(o)),
  spec("H7 two changes of taste", 800, 2700, (o) => new ChangingListener({ ...o, tiring: strict(20), share: 0.3, changes: 2 })),
  spec("H8 skips 3 in 10 at random", 500, 2000, (o) => new RestlessListener(o)),
];
