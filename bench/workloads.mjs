// The benchmark's workloads and timing loop, written once against the public API that both
// memory-player's Orchestrator and bench/plain.js's PlainOrchestrator offer.
//
// run.mjs imports this module once per implementation (with a different query string), so
// each implementation gets its own copy of these functions and so its own, monomorphic inline
// caches: neither side pays for the other's classes going through the same call sites.
//
// A timed workload prepares its engine (untimed) and returns a side: how to take one sample.
// run.mjs gives both implementations' sides of a workload to `alternate`, which takes their
// samples in turn.

import { mulberry32 } from "./plain.js";

const now = process.hrtime.bigint;

/** Median, min and max of per-call nanoseconds. */
function summarize(samples, batch) {
  const sorted = samples.slice().sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { medianNs: median, minNs: sorted[0], maxNs: sorted[sorted.length - 1], samplesNs: samples, batch };
}

/**
 * One implementation's side of a timed workload. A workload does its untimed preparation when
 * called and returns its side; `alternate` then takes the samples.
 *
 * @typedef {object} Side
 * @property {number} runs how many samples are measured
 * @property {number} warmups how many samples are taken and dropped first
 * @property {number} batch calls per sample (set by `start` when it calibrates)
 * @property {() => void} [start] untimed: finds the batch size
 * @property {() => number} sample one sample: nanoseconds per call
 * @property {() => void} [rewarm] untimed: a short run of the work, to warm the caches again
 * @property {() => object | void} [end] untimed: checks that the work was done; fields to report
 */

/**
 * Times one workload on every side (one side per implementation) in alternation: each side's
 * `start`, then the warm-up samples and the measured ones, one side's after the other's, round
 * after round. This machine's speed drifts by up to 2x over minutes: timed side by side, both
 * implementations run at the same speeds, so their ratio holds where timing one side's samples
 * and then the other's would not. A side that throws leaves the rotation, reported as an error;
 * the others go on. Returns, per side in order, the median, min and max of its own samples (per
 * call) with every sample and the fields its `end` returns, or `{ error }`.
 */
export function alternate(sides) {
  const state = sides.map((side) => ({ side, samples: [], extra: undefined, error: undefined }));
  const each = (step, reversed = false) => {
    for (const s of reversed ? state.toReversed() : state) {
      if (s.error !== undefined) continue;
      try {
        step(s);
      } catch (e) {
        s.error = String(e?.message ?? e);
      }
    }
  };
  const { runs, warmups } = sides[0];
  // Each measured sample follows the other side's, which leaves the caches cold: wasm's
  // lessons (400 timed calls a sample) measured 1.3-1.4x slower after a 64 MB sweep, plain
  // JS's no slower. A side's `rewarm` first warms them again, as its own last sample did when
  // its samples ran back to back.
  const rewarm = sides.length > 1;
  each((s) => s.side.start?.());
  for (let w = 0; w < warmups; w++) each((s) => s.side.sample());
  // In turn, the order reversed every other round (a, b, b, a, a, b, ...): a steady drift of the
  // machine's speed then weighs on both sides alike, not on whichever always goes second.
  for (let r = 0; r < runs; r++) {
    each((s) => {
      if (rewarm) s.side.rewarm?.();
      s.samples.push(s.side.sample());
    }, r % 2 === 1);
  }
  each((s) => (s.extra = s.side.end?.()));
  return state.map((s) => (s.error !== undefined ? { error: s.error } : { ...summarize(s.samples, s.side.batch), ...s.extra }));
}

/**
 * A side that times `fn(n)`, which performs n calls. If `fn` returns a number it is taken as the
 * elapsed nanoseconds of the timed part (for workloads with untimed preparation), else the wall
 * time of the whole call counts. `start` calibrates the batch so one sample lasts about
 * `sampleMs`; one warm-up sample and `runs` measured samples follow. `end` is the side's check.
 */
function calibrated(fn, { runs = 7, sampleMs = 25, maxBatch = 5_000_000, startBatch = 4, end } = {}) {
  const timed = (n) => {
    const t0 = now();
    const inner = fn(n);
    const wall = Number(now() - t0);
    return typeof inner === "number" ? inner : wall;
  };
  const side = {
    runs,
    warmups: 1,
    batch: startBatch,
    start() {
      const target = sampleMs * 1e6;
      let n = startBatch;
      timed(n); // first calls: compilation, cold caches
      timed(n);
      // Grow the batch until one sample lasts at least half the target, then size it to the target.
      for (let i = 0; i < 40; i++) {
        const t = Math.max(timed(n), 1);
        if (t >= target / 2 || n >= maxBatch) {
          n = Math.max(1, Math.min(maxBatch, Math.round((n * target) / t)));
          break;
        }
        n = Math.min(maxBatch, Math.max(n * 2, Math.ceil((n * target) / t / 2)));
      }
      side.batch = n;
    },
    sample: () => timed(side.batch) / side.batch,
    rewarm: () => void timed(Math.max(1, Math.round(side.batch / 8))),
    end,
  };
  return side;
}

/** Teaches the synthetic graph through baseGraph().reinforce, one call per edge. */
export function build(o, g) {
  const bg = o.baseGraph();
  const { n, deg, to, w } = g;
  const t0 = now();
  for (let t = 1, i = 0; t <= n; t++) {
    for (let j = 0; j < deg; j++, i++) bg.reinforce(t, to[i], w[i]);
  }
  const t1 = now();
  o.rebuildRuntime("catalogue loaded");
  const t2 = now();
  return { buildNs: Number(t1 - t0), firstRebuildNs: Number(t2 - t1), edgeCount: bg.edgeCount, calls: n * deg };
}

/**
 * Times `step(id)` on the query's ids in turn, adding up what it returns; throws `failure`
 * when the sum fails `ok` (the work was not done).
 */
function eachId(q, runs, step, ok, failure) {
  const ids = q.ids;
  const mask = ids.length - 1;
  let i = 0;
  let sink = 0;
  return calibrated(
    (n) => {
      for (let k = 0; k < n; k++) sink += step(ids[i++ & mask]);
    },
    {
      runs,
      end: () => {
        if (!ok(sink)) throw new Error(failure);
      },
    },
  );
}

const positive = (sink) => sink > 0;

/** runtimeGraph().probabilities(id), literally: a fresh handle per call, as an app would write it. */
export function probabilities(o, q, runs) {
  const step = (id) => o.runtimeGraph().probabilities(id).size;
  return eachId(q, runs, step, positive, "probabilities returned nothing");
}

/** probabilities(id) on a handle taken once. */
export function probabilitiesCached(o, q, runs) {
  const rg = o.runtimeGraph();
  return eachId(q, runs, (id) => rg.probabilities(id).size, positive, "probabilities returned nothing");
}

/** Generated picks, repeat window on (default 8), managers not started. */
export function playNext(o, runs) {
  let sink = 0;
  return calibrated(
    (n) => {
      for (let k = 0; k < n; k++) sink += o.playNext();
    },
    {
      runs,
      end: () => {
        if (!Number.isFinite(sink)) throw new Error("playNext returned undefined");
      },
    },
  );
}

/**
 * `plays` generated plays, each answered (heard out, partly heard or skipped, in turn), with a
 * rebuild every 50 lessons as the diff manager would make (the managers cannot run inside a
 * synchronous loop).
 */
export function listen(o, plays) {
  const heard = [150, 40, 5];
  let prev = 0;
  for (let k = 0; k < plays; k++) {
    const id = o.playNext();
    o.feedback(prev, id, heard[k % 3], 200);
    prev = id;
    if (k % 50 === 49) o.rebuildRuntime("bench: as the diff manager would");
  }
  o.rebuildRuntime("bench: start clean");
}

/** explainNext() with its default limit. */
export function explainNext(o, runs) {
  let sink = 0;
  return calibrated(
    (n) => {
      for (let k = 0; k < n; k++) sink += o.explainNext().candidates.length;
    },
    {
      runs,
      end: () => {
        if (!(sink > 0)) throw new Error("explainNext listed nothing");
      },
    },
  );
}

/**
 * Per-call cost of a lesson in the steady state the engine runs in: the diff manager rebuilds
 * once a build holds more than 50 diffs, so a build never carries many lessons. Groups of 50
 * calls are timed; between groups (untimed) 3 generated plays wear off the cooldowns feedback
 * set, and a rebuild starts a fresh build, as the managers would.
 */
function lessons(o, runs, group, units = 8) {
  o.rebuildRuntime("bench: start clean");
  // Fixed size samples (units x 50 calls): every unit costs an untimed rebuild, which is slow
  // for big plain-JS graphs, so no calibration here; two warm-up samples instead.
  const unit = () => {
    const t0 = now();
    group();
    const ns = now() - t0;
    o.playNext();
    o.playNext();
    o.playNext();
    o.rebuildRuntime("bench");
    return ns;
  };
  const sample = () => {
    let total = 0n;
    for (let r = 0; r < units; r++) total += unit();
    return Number(total) / (units * 50);
  };
  return { runs, warmups: 2, batch: units * 50, sample, rewarm: unit };
}

/** learn(from, to) on random edges of the graph, at most 50 lessons per build. */
export function learn(o, q, runs) {
  const { from, to } = q;
  const mask = from.length - 1;
  let i = 0;
  return lessons(o, runs, () => {
    for (let c = 0; c < 50; c++, i++) o.learn(from[i & mask], to[i & mask]);
  });
}

/** feedback(from, to, listened, 200), cycling through a reinforce, a partial listen and a skip. */
export function feedback(o, q, runs) {
  const { from, to } = q;
  const mask = from.length - 1;
  const listened = [200, 60, 10]; // progress 1, 0.3, 0.05
  let i = 0;
  return lessons(o, runs, () => {
    for (let c = 0; c < 50; c++, i++) o.feedback(from[i & mask], to[i & mask], listened[i % 3], 200);
  });
}

/**
 * learn with no rebuild at all (managers stopped, or a tight loop that never yields to them):
 * lessons pile up in one build. Fixed batches of 5 000 calls so both sides hold the same number
 * of lessons (5 000 warm-up + runs x 5 000).
 */
export function learnPileUp(o, q, runs) {
  const { from, to } = q;
  const mask = from.length - 1;
  const batch = 5000;
  let i = 0;
  o.rebuildRuntime("bench: start clean");
  return {
    runs,
    warmups: 1,
    batch,
    sample: () => {
      const t0 = now();
      for (let k = 0; k < batch; k++, i++) o.learn(from[i & mask], to[i & mask]);
      return Number(now() - t0) / batch;
    },
    end: () => {
      o.rebuildRuntime("bench: fold the pile");
      return { lessons: batch * (runs + 1) };
    },
  };
}

/** rebuildRuntime right after 50 changes (learn calls, untimed); only the rebuild is timed. */
export function rebuildAfter50(o, q, runs) {
  const { from, to } = q;
  const mask = from.length - 1;
  let i = 0;
  o.rebuildRuntime("bench: start clean");
  return calibrated(
    (n) => {
      let total = 0n;
      for (let r = 0; r < n; r++) {
        for (let c = 0; c < 50; c++, i++) o.learn(from[i & mask], to[i & mask]);
        const t0 = now();
        o.rebuildRuntime("bench");
        total += now() - t0;
      }
      return Number(total);
    },
    { runs, startBatch: 1, maxBatch: 2000 },
  );
}

/**
 * playNext out of a track with `hubDegree` successors.
 *
 * Method: a hub H (id n+1) gets `hubDegree` leaf successors (ids n+2 ...) with random weights
 * 1..20, and each leaf gets exactly one successor, back to H. The walk is steered into H once
 * (baseGraph().reinforce(current, H, 1e9) and a rebuild, untimed). From then on it alternates
 * H -> leaf -> H: out of a leaf the only candidate is H, which is inside the repeat window, so
 * the least-recently-played rule returns to it. One timed unit is such a pair (one pick out of
 * the hub and one out of a one-successor leaf), so the figure is an upper bound on the hub pick.
 */
export function hub(o, n, runs, hubDegree = 5000) {
  const bg = o.baseGraph();
  const H = n + 1;
  const rnd = mulberry32(777);
  for (let i = 0; i < hubDegree; i++) {
    const leaf = n + 2 + i;
    bg.reinforce(H, leaf, 1 + Math.floor(rnd() * 20));
    bg.reinforce(leaf, H, 1);
  }
  let at;
  for (let tries = 0; tries < 20 && at !== H; tries++) {
    const cur = o.playbackChain().current ?? 0;
    bg.reinforce(cur, H, 1e9);
    o.rebuildRuntime("bench: steer to the hub");
    at = o.playNext();
  }
  if (at !== H) throw new Error("could not steer the walk into the hub");
  const check = () => {
    for (let k = 0; k < 20; k++) {
      const leaf = o.playNext();
      const back = o.playNext();
      if (!(leaf > n + 1 && back === H)) throw new Error(`hub walk broke: ${leaf} -> ${back}`);
    }
  };
  check(); // also wears off the cooldowns carried over from earlier workloads
  return calibrated(
    (k) => {
      for (let j = 0; j < k; j++) {
        o.playNext();
        o.playNext();
      }
    },
    { runs, startBatch: 1, end: check },
  );
}

// ---------------------------------------- bulk loading, the player API, history import

/**
 * A side that times `timed(o)` on a fresh engine per sample, made before the clock starts;
 * `after(o)` runs untimed, before the engine is freed. `end` is the side's check.
 */
function freshEach(create, runs, timed, after, end, warmups = 0) {
  return {
    runs,
    warmups,
    batch: 1,
    sample: () => {
      const o = create();
      const t0 = now();
      timed(o);
      const ns = Number(now() - t0);
      after?.(o);
      o.free?.();
      return ns;
    },
    end,
  };
}

/**
 * Builds the synthetic graph in one reinforceMany call (+ the first rebuild), fresh engine. One
 * untimed build first: the first call in a process ran 3x slower than the next (13.4 against
 * 4.2 ms at 1k: the code not yet optimised by V8, the memory not yet grown), and in a median of
 * three it made the median the slower of two. Five samples where one costs milliseconds.
 */
export function buildMany(create, g, runs = g.n <= 10_000 ? 5 : 3) {
  let edgeCount = 0;
  return freshEach(
    create,
    runs,
    (o) => {
      o.baseGraph().reinforceMany(g.from, g.to, g.w);
      o.rebuildRuntime("catalogue loaded");
    },
    (o) => (edgeCount = o.baseGraph().edgeCount),
    () => ({ edgeCount }),
    1,
  );
}

/**
 * Lessons piling up in one build: 100 000 feedback calls (heard / partly / skipped in turn) on random
 * edges, the managers stopped, all in one build. Each sample starts from a fresh build.
 */
export function feedbackPileUp(o, q, runs, calls = 100_000) {
  const { from, to } = q;
  const mask = from.length - 1;
  const listened = [200, 60, 10];
  return {
    runs,
    warmups: 1,
    batch: calls,
    sample: () => {
      o.rebuildRuntime("bench: start clean");
      const t0 = now();
      for (let i = 0; i < calls; i++) o.feedback(from[i & mask], to[i & mask], listened[i % 3], 200);
      return Number(now() - t0) / calls;
    },
    end: () => {
      o.rebuildRuntime("bench: fold the pile");
    },
  };
}

/** playTrack(id) on random tracks: the listener's choice, a play and a lesson (≤ 50 per build). */
export function playTrack(o, q, runs) {
  const ids = q.ids;
  const mask = ids.length - 1;
  let i = 0;
  return lessons(o, runs, () => {
    for (let c = 0; c < 50; c++, i++) o.playTrack(ids[i & mask]);
  });
}

/** One id queued and played from the queue: enqueue(id) then playNext(), per pair. */
export function queue(o, q, runs) {
  const step = (id) => {
    o.enqueue(id);
    return o.playNext();
  };
  return eachId(q, runs, step, Number.isFinite, "playNext did not play the queue");
}

/**
 * A simulated listener's history: `plays` plays of `tracks` tracks in albums of 10. Each
 * track has a hidden appeal; a session plays on through an album half the time, returns to
 * one of 300 favourites a third of the time, or picks any track; the listener hears out what
 * they love, skips what they dislike, and a session ends now and then (5 hours of silence).
 * Deterministic. Columns, as learnHistory takes them.
 */
export function makeHistory(plays, tracks, seed) {
  const rnd = mulberry32(seed);
  const appeal = new Uint8Array(tracks + 1);
  for (let t = 1; t <= tracks; t++) appeal[t] = Math.floor(rnd() * 4); // 0 love .. 3 dislike
  const favourites = Array.from({ length: 300 }, () => 1 + Math.floor(rnd() * tracks));
  const id = new Uint32Array(plays);
  const listenedSeconds = new Float64Array(plays);
  const durationSeconds = new Float64Array(plays);
  const at = new Float64Array(plays);
  let t = Date.UTC(2015, 0, 1);
  let current = 1;
  for (let i = 0; i < plays; i++) {
    const r = rnd();
    if (r < 0.5 && current % 10 !== 0) current += 1;
    else if (r < 0.83) current = favourites[Math.floor(rnd() * favourites.length)];
    else current = 1 + Math.floor(rnd() * tracks);
    const duration = 150 + (current % 120);
    const heard = [1, 0.9, 0.3, 0.05][appeal[current]];
    const listened = rnd() < heard ? duration : rnd() < 0.5 ? duration * 0.2 : 4;
    id[i] = current;
    durationSeconds[i] = duration;
    listenedSeconds[i] = listened;
    at[i] = t;
    t += listened * 1000 + (rnd() < 0.05 ? 5 * 3_600_000 : 1000);
  }
  return { id, listenedSeconds, durationSeconds, at };
}

/** learnHistory of a whole history in one call, into a fresh engine each run. */
export function learnHistory(create, history, runs = 3) {
  let report;
  return freshEach(
    create,
    runs,
    (o) => (report = o.learnHistory(history)),
    undefined,
    () => {
      if (report.plays !== history.id.length) throw new Error(`learnHistory learned ${report.plays} plays`);
      return { sessions: report.sessions };
    },
  );
}
