// The blind listeners: hidden tastes shaped unlike those the policy was tuned on (continuous
// tastes from latent factors, a rare taste in a large catalogue, an easy one, a popularity
// curve, lukewarm answers, a slow drift, a tolerance of replays that changes from replay to
// replay or is counted in minutes, a taste for transitions, a listener who picks tracks).
// Each listener tells the engine its catalogue as its app would (`load`).

import { mulberry32 } from "../plain.js";
import { Ear, SKIP, fading, gauss, moodyMinutes, moodyPlays, shuffled, strict } from "./ear.mjs";

const sigmoid = (x) => 1 / (1 + Math.exp(-x));

/** Every track from the start node, with optional amounts (popularity), then extra edges. */
export function load(base, tracks, { amounts, from = [], to = [] } = {}) {
  const ids = Uint32Array.from({ length: tracks }, (_, i) => i + 1);
  base.reinforceMany(new Uint32Array(tracks), ids, amounts);
  if (from.length > 0) base.reinforceMany(Uint32Array.from(from), Uint32Array.from(to));
}

/**
 * Each track linked to `k` random others of its group (what an app knows: genre, artist), or
 * of the group `target(group)`.
 */
export function groupEdges(groupOf, k, rng, target = (g) => g) {
  const members = new Map();
  groupOf.forEach((g, id) => {
    if (id > 0) members.set(g, members.get(g) ?? []).get(g).push(id);
  });
  const from = [];
  const to = [];
  groupOf.forEach((g, id) => {
    const pool = members.get(target(g)) ?? [];
    for (let i = 0; id > 0 && pool.length > 0 && i < k; i++) {
      const other = pool[Math.floor(rng() * pool.length)];
      if (other !== id) from.push(id), to.push(other);
    }
  });
  return { from, to };
}

/** Tracks as points near one of a few genre centres in `dim` dimensions. */
function latentCatalogue(tracks, genres, dim, rng) {
  const centres = Array.from({ length: genres }, () => Array.from({ length: dim }, () => gauss(rng)));
  const genre = new Int32Array(tracks + 1);
  const vectors = [[]];
  for (let id = 1; id <= tracks; id++) {
    genre[id] = Math.floor(rng() * genres);
    vectors.push(centres[genre[id]].map((c) => c + 0.7 * gauss(rng)));
  }
  return { centres, genre, vectors };
}

const dot = (a, b) => a.reduce((s, x, i) => s + x * b[i], 0);

/** The score below which the top `share` of `scores` (ids 1..) lie, and their spread. */
function cut(scores, share) {
  const sorted = Array.from(scores.subarray(1)).sort((a, b) => a - b);
  const mean = sorted.reduce((s, x) => s + x, 0) / sorted.length;
  const sd = Math.sqrt(sorted.reduce((s, x) => s + (x - mean) ** 2, 0) / sorted.length);
  return { bar: sorted[Math.floor((1 - share) * sorted.length)], sd };
}

/** 1. Hears a track out with chance sigmoid(taste · track): a continuous, graded taste. */
class LatentListener extends Ear {
  constructor({ tracks, tiring, seed, withEdges }) {
    const rng = mulberry32(seed ^ 0x1a7e);
    super(tracks, tiring, rng);
    this.world = latentCatalogue(tracks, 6, 8, rng);
    const [a, b] = shuffled(6, rng);
    const taste = this.world.centres[a - 1].map((x, i) => x + this.world.centres[b - 1][i] + 0.5 * gauss(rng));
    this.scores = Float64Array.from(this.world.vectors, (v) => (v.length ? dot(taste, v) : 0));
    const { bar, sd } = cut(this.scores, 0.3);
    [this.bar, this.steep] = [bar, 4 / sd];
    this.edges = withEdges ? groupEdges(this.world.genre, 6, rng) : {};
  }
  load(base) {
    load(base, this.tracks, this.edges);
  }
  tasteSkip(id) {
    return 1 - sigmoid(this.steep * (this.scores[id] - this.bar));
  }
}

/** 6. The same, but the taste turns slowly (a quarter turn over the session) to another genre. */
class DriftingListener extends LatentListener {
  constructor(options) {
    super(options);
    const rng = mulberry32(options.seed ^ 0xd71f);
    const { centres, vectors } = this.world;
    const from = centres[Math.floor(rng() * centres.length)];
    const toward = centres[Math.floor(rng() * centres.length)].map((x) => x + 0.5 * gauss(rng));
    // Gram-Schmidt: `toward` made orthogonal to `from`, of the same length.
    const along = dot(toward, from) / dot(from, from);
    const ortho = toward.map((x, i) => x - along * from[i]);
    const scale = Math.sqrt(dot(from, from) / dot(ortho, ortho));
    this.a = Float64Array.from(vectors, (v) => (v.length ? dot(from, v) : 0));
    this.b = Float64Array.from(vectors, (v) => (v.length ? scale * dot(ortho, v) : 0));
    const { bar, sd } = cut(this.a, 0.3);
    [this.bar, this.steep, this.turn] = [bar, 4 / sd, Math.PI / 2 / options.plays];
  }
  tasteSkip(id, _prev, now) {
    const phi = this.turn * now.at;
    const score = Math.cos(phi) * this.a[id] + Math.sin(phi) * this.b[id];
    return 1 - sigmoid(this.steep * (score - this.bar));
  }
}

/** 9. A latent listener who, one play in ten, picks one of its favourites itself. */
class ChoosingListener extends LatentListener {
  constructor(options) {
    super(options);
    const ranked = shuffled(this.tracks, mulberry32(options.seed)).sort((x, y) => this.scores[y] - this.scores[x]);
    this.favourites = ranked.slice(0, Math.max(10, Math.floor(this.tracks / 20)));
  }
  choose(now, rng) {
    if (rng() >= 0.1) return undefined;
    const rested = this.favourites.filter((id) => this.lastAt[id] < 0 || now.at - this.lastAt[id] > 30);
    return rested.length ? rested[Math.floor(rng() * rested.length)] : undefined;
  }
}

/** 2 and 3. A fixed share of the catalogue liked (rarely skipped), the rest mostly skipped. */
class ShareListener extends Ear {
  constructor({ tracks, tiring, seed, share, albums }) {
    const rng = mulberry32(seed ^ 0x5a4e);
    super(tracks, tiring, rng);
    this.liked = Uint8Array.from({ length: tracks + 1 }, (_, id) => (id > 0 && rng() < share ? 1 : 0));
    // Albums of 10 consecutive ids, linked in order.
    const from = [];
    for (let id = 1; albums && id < tracks; id++) if (id % 10 !== 0) from.push(id);
    this.edges = { from, to: from.map((id) => id + 1) };
  }
  load(base) {
    load(base, this.tracks, this.edges);
  }
  tasteSkip(id) {
    return this.liked[id] ? 0.04 : 0.93;
  }
}

/**
 * 4. Liking that falls off as a power of the track's rank, and is a chance at every play (a
 * track liked half the time is skipped half the time, at any gap). The app may load public play
 * counts, which the listener's own ranks follow loosely.
 */
class ZipfListener extends Ear {
  constructor({ tracks, tiring, seed, publicCounts }) {
    const rng = mulberry32(seed ^ 0x21bf);
    super(tracks, tiring, rng);
    const publicRank = shuffled(tracks, rng); // publicRank[r - 1] is the track of rank r
    this.counts = new Float64Array(tracks);
    const personal = publicRank.map((id, r) => ({ id, key: Math.log(r + 1) + 0.7 * gauss(rng) }));
    publicRank.forEach((id, r) => (this.counts[id - 1] = Math.round(10_000 / (r + 1))));
    personal.sort((x, y) => x.key - y.key);
    this.heard = new Float64Array(tracks + 1);
    personal.forEach(({ id }, r) => (this.heard[id] = Math.min(0.97, 3 / (r + 1) ** 0.6)));
    this.publicCounts = publicCounts;
  }
  load(base) {
    load(base, this.tracks, this.publicCounts ? { amounts: this.counts } : {});
  }
  tasteSkip(id) {
    return 1 - this.heard[id];
  }
}

/** 5. Loves a few tracks (heard to the end), finds most "ok" (30-60 % heard), skips the rest. */
class LukewarmListener extends Ear {
  constructor({ tracks, tiring, seed }) {
    const rng = mulberry32(seed ^ 0x10c3);
    super(tracks, tiring, rng);
    this.kind = Uint8Array.from({ length: tracks + 1 }, () => {
      const r = rng();
      return r < 0.1 ? 2 : r < 0.65 ? 1 : 0; // 2 loved, 1 ok, 0 disliked
    });
  }
  load(base) {
    load(base, this.tracks);
  }
  tasteSkip(id) {
    return [0.9, 0.1, 0.02][this.kind[id]];
  }
  fraction(id, _prev, _now, rng) {
    return [SKIP + 0.15 * rng(), 0.3 + 0.3 * rng(), 0.9 + 0.1 * rng()][this.kind[id]];
  }
}

/** 8. Taste for transitions: genres on a circle; staying near the last genre is welcome. */
class ContextListener extends Ear {
  constructor({ tracks, tiring, seed, withEdges }) {
    const rng = mulberry32(seed ^ 0xc0e7);
    super(tracks, tiring, rng);
    this.genres = 12;
    this.genre = Int32Array.from({ length: tracks + 1 }, () => Math.floor(rng() * this.genres));
    this.disliked = Uint8Array.from({ length: tracks + 1 }, () => (rng() < 0.2 ? 1 : 0));
    const near = withEdges ? groupEdges(this.genre, 6, rng) : { from: [], to: [] };
    const step = withEdges ? groupEdges(this.genre, 2, rng, (g) => (g + 1) % this.genres) : { from: [], to: [] };
    this.edges = { from: [...near.from, ...step.from], to: [...near.to, ...step.to] };
  }
  load(base) {
    load(base, this.tracks, this.edges);
  }
  tasteSkip(id, prev) {
    if (this.disliked[id]) return 0.9;
    if (!prev) return 0.1;
    const d = Math.abs(this.genre[id] - this.genre[prev]);
    return [0.04, 0.15, 0.6][Math.min(d, this.genres - d)] ?? 0.92;
  }
}

/** A listener of `tracks` tracks for sessions of `plays` plays; `make(options)` draws one. */
const spec = (name, tracks, plays, make) => ({ name, tracks, plays, make });

/** The listeners, each run over several seeds. */
export const LISTENERS = [
  spec("1 latent factors, genre links", 2000, 2400, (o) => new LatentListener({ ...o, tiring: fading(20), withEdges: true })),
  spec("1b latent factors, start row only", 2000, 2400, (o) => new LatentListener({ ...o, tiring: fading(20) })),
  spec("2 needle: 3 % liked", 5000, 3000, (o) => new ShareListener({ ...o, tiring: strict(40), share: 0.03 })),
  spec("3 easy: 70 % liked, albums", 500, 1500, (o) => new ShareListener({ ...o, tiring: strict(25), share: 0.7, albums: true })),
  spec("4 popularity (Zipf), public counts", 1000, 2000, (o) => new ZipfListener({ ...o, tiring: fading(8), publicCounts: true })),
  spec("4b popularity (Zipf), start row only", 1000, 2000, (o) => new ZipfListener({ ...o, tiring: fading(8) })),
  spec("5 lukewarm (ok = 30-60 % heard)", 800, 2000, (o) => new LukewarmListener({ ...o, tiring: strict(30) })),
  spec("6 gradual drift (90° over the session)", 1500, 3000, (o) => new DriftingListener({ ...o, tiring: fading(25), withEdges: true })),
  spec("7a tolerance per replay, 5-60 plays", 300, 2000, (o) => new ShareListener({ ...o, tiring: moodyPlays(5, 60), share: 0.4 })),
  spec("7b tolerance per replay, 30-240 min", 300, 2000, (o) => new ShareListener({ ...o, tiring: moodyMinutes(30, 240), share: 0.4 })),
  spec("8 context: genre jumps skipped, start row only", 600, 2400, (o) => new ContextListener({ ...o, tiring: strict(15) })),
  spec("8b context, genre links", 600, 2400, (o) => new ContextListener({ ...o, tiring: strict(15), withEdges: true })),
  spec("9 picks a favourite 1 in 10 plays", 1000, 2000, (o) => new ChoosingListener({ ...o, tiring: fading(20), withEdges: true })),
];
