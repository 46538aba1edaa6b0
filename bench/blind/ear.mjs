// What every blind listener shares: a memory of when each track last played (in plays and in
// minutes), tracks of different lengths, ways to tire of a replay, and how a play is answered.
//
// A listener is a subclass of `Ear` that says how likely a track is to be skipped for its
// taste alone (`tasteSkip`) and how much of it is heard when it is not skipped (`fraction`).
// The repeat intolerance is combined with the taste here, so the oracle and the listener read
// the same chance: `skipChance` is exactly what `hear` draws against.

/** Fractions of a track heard below this are skips (the engine's `skipThreshold`). */
export const SKIP = 0.1;

/** Gaussian from a uniform generator (Box-Muller). */
export function gauss(rng) {
  return Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
}

/** `n` ids 1..n in random order. */
export function shuffled(n, rng) {
  const ids = Array.from({ length: n }, (_, i) => i + 1);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [ids[i], ids[j]] = [ids[j], ids[i]];
  }
  return ids;
}

/** The chance that a tolerance drawn uniformly from [lo, hi] is above `gap`. */
const shareAbove = (gap, lo, hi) => Math.min(1, Math.max(0, (hi - gap) / (hi - lo)));

// How a listener tires of a replay: each gives the chance that a replay after a gap of
// `plays` plays (or `minutes` minutes) is skipped for being too soon, whatever the track.

/** Tolerance fading smoothly: a replay after g plays is skipped with chance e^(-g/tau). */
export const fading = (tau) => ({ skip: (plays) => Math.exp(-plays / tau) });

/** A hard limit: within `limit` plays almost always skipped, after it never for that reason. */
export const strict = (limit) => ({ skip: (plays) => (plays <= limit ? 0.97 : 0) });

/** A tolerance drawn anew for each replay, uniform in [lo, hi] plays (a mood of the moment). */
export const moodyPlays = (lo, hi) => ({ skip: (plays) => 0.97 * shareAbove(plays, lo, hi) });

/** The same, counted in minutes of listening rather than in plays. */
export const moodyMinutes = (lo, hi) => ({ skip: (_plays, minutes) => 0.97 * shareAbove(minutes, lo, hi) });

export class Ear {
  /**
   * @param {number} tracks catalogue size (ids 1..tracks)
   * @param {{ skip(plays: number, minutes: number): number }} tiring repeat intolerance
   * @param {() => number} rng the listener's own generator (its hidden tastes)
   */
  constructor(tracks, tiring, rng) {
    this.tracks = tracks;
    this.tiring = tiring;
    this.lastAt = new Float64Array(tracks + 1).fill(-1);
    this.lastMinute = new Float64Array(tracks + 1);
    // Songs of 2 to 7 minutes, most around 3-4: the engine is told each one's length.
    this.seconds = new Float64Array(tracks + 1);
    for (let id = 1; id <= tracks; id++) this.seconds[id] = Math.round(120 + 300 * rng() ** 2);
  }

  /** The chance of skipping `id` for being heard too recently, at `now` ({ at, minutes }). */
  repeatSkip(id, now) {
    const at = this.lastAt[id];
    if (at < 0) return 0;
    return this.tiring.skip(now.at - at, now.minutes - this.lastMinute[id]);
  }

  /** The exact chance that playing `id` after `prev` at `now` is a skip. */
  skipChance(id, prev, now) {
    const taste = this.tasteSkip(id, prev, now);
    return 1 - (1 - taste) * (1 - this.repeatSkip(id, now));
  }

  /** Listens to `id` after `prev`; returns the fraction heard (a skip below SKIP). */
  hear(id, prev, now, rng) {
    const skipped = rng() < this.skipChance(id, prev, now);
    this.lastAt[id] = now.at;
    this.lastMinute[id] = now.minutes;
    return skipped ? SKIP * 0.95 * rng() : this.fraction(id, prev, now, rng);
  }

  /** How a listener who did not skip hears a track: most to the end, some stop after 40 %. */
  fraction(_id, _prev, _now, rng) {
    return rng() < 0.7 ? 1 : 0.4 + 0.6 * rng();
  }

  /** A track the listener picks itself instead of the next one, or undefined (most do not). */
  choose() {
    return undefined;
  }
}
