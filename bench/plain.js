// A plain-JavaScript implementation of memory-player's seed rules, for the benchmark.
//
// Written the way a competent JS developer would write it: nested Maps
// (Map<from, Map<to, weight>>), a small seeded PRNG (mulberry32), arrays of candidate objects
// and Array.prototype.sort for the top k. Not deliberately slow, not heroically optimised.
//
// The one design decision beyond "the obvious": a runtime build must keep describing itself
// after a rebuild or a change to the base graph (the API promises a consistent snapshot), and
// deep-copying millions of edges on every rebuild would be a strawman. So a build shares the
// base's row Maps, and the base copies a row (and its outer Map, and its id Set) the first time
// it writes to it after a snapshot was taken: plain copy-on-write.
//
// The API mirrors the package's JS API (README.md): PlainOrchestrator with playNext, playBack, learn, feedback,
// rebuildRuntime, baseGraph() (live), runtimeGraph() (one build), playbackChain(), on(),
// start()/stop(), options().

const MAX_ID = 0xffffffff;
const MAX_AMOUNT = 1e9;

export const DEFAULTS = Object.freeze({
  seed: 0,
  maxRuntimeDiffs: 50,
  maxRuntimeAgeMs: 3_600_000,
  ttlCheckIntervalMs: 60_000,
  giniThreshold: 0.5,
  topK: 10,
  repeatWindow: 8,
  historyLimit: 1000,
  reinforceThreshold: 1 / 3,
  skipThreshold: 0.1,
  reinforceAmount: 1,
  penaltyAmount: 1,
  penaltyCooldown: 1,
  skipPenalty: 2,
  skipCooldown: 3,
  choiceAmount: 1,
  sessionGapMs: 1_800_000,
});

function checkSource(v, name) {
  if (!Number.isInteger(v) || v < 0 || v > MAX_ID) {
    throw new RangeError(`${name} must be an integer from 0 to ${MAX_ID}, got ${v}`);
  }
  return v;
}

function checkTarget(v, name) {
  if (!Number.isInteger(v) || v < 1 || v > MAX_ID) {
    throw new RangeError(`${name} must be an integer from 1 to ${MAX_ID}, got ${v}`);
  }
  return v;
}

function checkAmount(v, name) {
  if (v === undefined) return 1;
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0 || v > MAX_AMOUNT) {
    throw new RangeError(`${name} must be a finite number from 0 to ${MAX_AMOUNT}, got ${v}`);
  }
  return v;
}

/** mulberry32: a tiny seeded PRNG, uniform in [0, 1). */
export function mulberry32(seed) {
  let a = (seed >>> 0) ^ (Math.floor(seed / 0x100000000) >>> 0);
  return function next() {
    a = (a + 0x6d2b79f5) | 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Long-term memory: w[from][to] >= 0. Row 0 (the start node) mirrors every change. */
export class PlainBaseGraph {
  constructor() {
    this._rows = new Map(); // from -> Map(to -> weight)
    this._ids = new Set(); // every known track (not 0)
    this._edges = 0;
    // Copy-on-write bookkeeping: after a snapshot, the outer Map, the id Set and every row are
    // shared with the build; `_owned` holds the rows copied since.
    this._rowsShared = false;
    this._idsShared = false;
    this._owned = new Set();
  }

  reinforce(from, to, amount) {
    checkSource(from, "from");
    checkTarget(to, "to");
    amount = checkAmount(amount, "amount");
    this._adjust(from, to, amount);
    if (from !== 0) this._adjust(0, to, amount);
  }

  penalty(from, to, amount) {
    checkSource(from, "from");
    checkTarget(to, "to");
    amount = checkAmount(amount, "amount");
    this._adjust(from, to, -amount);
    if (from !== 0) this._adjust(0, to, -amount);
  }

  /** reinforce(from[i], to[i], amounts[i]) for every i, everything checked first. */
  reinforceMany(from, to, amounts) {
    if (from.length !== to.length || (amounts !== undefined && amounts.length !== from.length)) {
      throw new RangeError("from, to and amounts must have the same length");
    }
    for (let i = 0; i < from.length; i++) {
      checkSource(from[i], `from[${i}]`);
      checkTarget(to[i], `to[${i}]`);
      if (amounts !== undefined) checkAmount(amounts[i], `amounts[${i}]`);
    }
    for (let i = 0; i < from.length; i++) {
      const a = amounts === undefined ? 1 : amounts[i];
      this._adjust(from[i], to[i], a);
      if (from[i] !== 0) this._adjust(0, to[i], a);
    }
  }

  /** The weights out of `from` (a copy; zero-weight edges included). */
  edges(from) {
    checkSource(from, "from");
    return new Map(this._rows.get(from));
  }

  /** Every known track id, ascending. */
  ids() {
    return [...this._ids].sort((a, b) => a - b);
  }

  get edgeCount() {
    return this._edges;
  }

  /** Adds `delta` to one edge (creating it), clamped at 0. No mirroring. */
  _adjust(from, to, delta) {
    const row = this._writableRow(from);
    const w = row.get(to);
    if (w === undefined) {
      row.set(to, delta > 0 ? delta : 0);
      this._edges++;
    } else {
      const next = w + delta;
      row.set(to, next > 0 ? next : 0);
    }
    if (from !== 0) this._addId(from);
    this._addId(to);
  }

  _writableRow(from) {
    if (this._rowsShared) {
      this._rows = new Map(this._rows);
      this._rowsShared = false;
    }
    let row = this._rows.get(from);
    if (row === undefined) {
      row = new Map();
      this._rows.set(from, row);
      this._owned.add(from);
    } else if (!this._owned.has(from)) {
      row = new Map(row);
      this._rows.set(from, row);
      this._owned.add(from);
    }
    return row;
  }

  _addId(id) {
    if (this._ids.has(id)) return;
    if (this._idsShared) {
      this._ids = new Set(this._ids);
      this._idsShared = false;
    }
    this._ids.add(id);
  }

  /** A read-only view for a build: shares everything until the base writes again. */
  _snapshot() {
    this._rowsShared = true;
    this._idsShared = true;
    this._owned = new Set();
    return { rows: this._rows, ids: this._ids };
  }
}

/** One build of the short-term view: base snapshot + bonuses, penalties, cooldowns. */
export class PlainRuntimeGraph {
  constructor(snapshot, buildVersion, buildReason, builtAt, onEdit) {
    this._rows = snapshot.rows;
    this._ids = snapshot.ids;
    this._learned = new Map(); // from -> Map(to -> { bonus, penalty, cooldown })
    this._extraIds = new Set();
    this._diffs = 0;
    this._version = buildVersion;
    this._reason = buildReason;
    this._builtAt = builtAt;
    this._onEdit = onEdit;
  }

  get buildVersion() {
    return this._version;
  }
  get buildReason() {
    return this._reason;
  }
  get builtAt() {
    return this._builtAt;
  }
  get diffs() {
    return this._diffs;
  }

  /** Normalised fined weights out of `from` (positive ones only; empty when all are 0). */
  probabilities(from) {
    checkSource(from, "from");
    const cands = this._candidates(from);
    let total = 0;
    for (const c of cands) total += c.weight;
    const out = new Map();
    for (const c of cands) out.set(c.id, c.weight / total);
    return out;
  }

  bonuses() {
    return this._learnedMap("bonus");
  }
  penalties() {
    return this._learnedMap("penalty");
  }
  cooldowns() {
    return this._learnedMap("cooldown");
  }

  reinforce(from, to, amount) {
    checkSource(from, "from");
    checkTarget(to, "to");
    this._bonus(from, to, checkAmount(amount, "amount"));
    this._onEdit?.(this);
  }

  penalty(from, to, amount) {
    checkSource(from, "from");
    checkTarget(to, "to");
    this._penalty(from, to, checkAmount(amount, "amount"));
    this._onEdit?.(this);
  }

  addCooldown(from, to, value) {
    checkSource(from, "from");
    checkTarget(to, "to");
    if (!Number.isInteger(value) || value < 0 || value > MAX_ID) {
      throw new RangeError(`value must be an integer from 0 to ${MAX_ID}, got ${value}`);
    }
    this._cooldown(from, to, value);
    this._onEdit?.(this);
  }

  /** Every track id this build knows, ascending. */
  ids() {
    const all = new Set(this._ids);
    for (const id of this._extraIds) all.add(id);
    return [...all].sort((a, b) => a - b);
  }

  // ---- internals used by the orchestrator ----

  _bonus(from, to, amount) {
    this._entry(from, to).bonus += amount;
    if (from !== 0) this._entry(0, to).bonus += amount;
    this._diffs++;
  }

  _penalty(from, to, amount) {
    this._entry(from, to).penalty += amount;
    if (from !== 0) this._entry(0, to).penalty += amount;
    this._diffs++;
  }

  _cooldown(from, to, plays) {
    const e = this._entry(from, to);
    if (plays > e.cooldown) e.cooldown = plays;
    // The entries cooling down, so that a play visits those, not every lesson of the build.
    if (e.cooldown > 0) (this._cooling ??= new Map()).set(e, [from, to]);
  }

  _entry(from, to) {
    if (from !== 0 && !this._ids.has(from)) this._extraIds.add(from);
    if (!this._ids.has(to)) this._extraIds.add(to);
    let row = this._learned.get(from);
    if (row === undefined) {
      row = new Map();
      this._learned.set(from, row);
    }
    let e = row.get(to);
    if (e === undefined) {
      e = { bonus: 0, penalty: 0, cooldown: 0 };
      row.set(to, e);
    }
    return e;
  }

  /** The edges out of `from` with a positive fined weight, as { id, weight } in a fixed order. */
  _candidates(from) {
    const out = [];
    const base = this._rows.get(from);
    const learned = this._learned.get(from);
    if (base !== undefined) {
      for (const [to, w] of base) {
        let f = w;
        if (learned !== undefined) {
          const l = learned.get(to);
          if (l !== undefined) f = w + l.bonus - l.penalty - l.cooldown;
        }
        if (f > 0) out.push({ id: to, weight: f });
      }
    }
    if (learned !== undefined) {
      for (const [to, l] of learned) {
        if (base !== undefined && base.has(to)) continue;
        const f = l.bonus - l.penalty - l.cooldown;
        if (f > 0) out.push({ id: to, weight: f });
      }
    }
    return out;
  }

  _reduceCooldowns(steps) {
    if (steps <= 0 || this._cooling === undefined) return;
    for (const [l, [from, to]] of this._cooling) {
      l.cooldown = Math.max(0, l.cooldown - steps);
      if (l.cooldown > 0) continue;
      this._cooling.delete(l);
      const row = this._learned.get(from);
      if (row?.get(to) === l && l.bonus === 0 && l.penalty === 0) {
        row.delete(to);
        if (row.size === 0) this._learned.delete(from);
      }
    }
  }

  /** Folds bonuses and penalties into the base, edge by edge: w = max(0, w + bonus - penalty). */
  _foldInto(base) {
    for (const [from, row] of this._learned) {
      for (const [to, l] of row) base._adjust(from, to, l.bonus - l.penalty);
    }
  }

  /** The next build of `base`, carrying the still-active cooldowns. */
  _rebuild(snapshot, version, reason, builtAt) {
    const next = new PlainRuntimeGraph(snapshot, version, reason, builtAt, this._onEdit);
    for (const [from, row] of this._learned) {
      for (const [to, l] of row) {
        if (l.cooldown > 0) next._cooldown(from, to, l.cooldown);
      }
    }
    return next;
  }

  _learnedMap(key) {
    const out = new Map();
    for (const [from, row] of this._learned) {
      const inner = new Map();
      for (const [to, l] of row) if (l[key] !== 0) inner.set(to, l[key]);
      if (inner.size > 0) out.set(from, inner);
    }
    return out;
  }
}

/** The orchestrator: chain, selector, learning and (optional) managers. */
export class PlainOrchestrator {
  constructor(options = {}) {
    const o = { ...DEFAULTS };
    for (const [key, value] of Object.entries(options ?? {})) {
      if (!(key in DEFAULTS)) throw new TypeError(`unknown option ${JSON.stringify(key)}`);
      if (value === undefined) continue;
      if (typeof value !== "number" || !Number.isFinite(value)) {
        throw new TypeError(`option ${key} must be a number, got ${typeof value}`);
      }
      o[key] = value;
    }
    this._o = o;
    this._rng = mulberry32(o.seed);
    this._base = new PlainBaseGraph();
    this._onEdit = (build) => {
      if (build === this._build) this._signalDiffs();
    };
    this._build = new PlainRuntimeGraph(this._base._snapshot(), 0, "initialization", Date.now(), this._onEdit);
    // Playback chain.
    this._back = [];
    this._current = undefined;
    this._forward = [];
    this._frozen = false;
    // Recency: play number of the last play of each track.
    this._plays = 0;
    this._lastPlayed = new Map();
    // The listener's queue, and the end of the last history play learned.
    this._queue = [];
    this._history = undefined; // { id, start, end }
    // Events and managers.
    this._listeners = { play: [], rebuild: [], learn: [] };
    this._running = false;
    this._ttlTimer = undefined;
    this._diffCheckQueued = false;
    this._pendingSteps = 0;
    this._cooldownQueued = false;
  }

  options() {
    return { ...this._o };
  }

  get running() {
    return this._running;
  }

  start() {
    if (this._running) return;
    this._running = true;
    this._ttlTimer = setInterval(() => {
      if (Date.now() - this._build.builtAt > this._o.maxRuntimeAgeMs) this.rebuildRuntime("time to live is up");
    }, this._o.ttlCheckIntervalMs);
    this._ttlTimer.unref?.();
    this._signalDiffs();
  }

  stop() {
    if (this._running) {
      this._running = false;
      clearInterval(this._ttlTimer);
      this._applyPendingCooldowns();
    }
    return Promise.resolve();
  }

  baseGraph() {
    return this._base;
  }

  runtimeGraph() {
    return this._build;
  }

  rebuildRuntime(reason) {
    if (typeof reason !== "string") throw new TypeError("reason must be a string");
    const old = this._build;
    old._foldInto(this._base);
    this._build = old._rebuild(this._base._snapshot(), old.buildVersion + 1, reason, Date.now());
    this._emit("rebuild", () => ({ buildVersion: this._build.buildVersion, reason, diffs: old.diffs }));
  }

  learn(fromId, toId) {
    checkSource(fromId, "fromId");
    checkTarget(toId, "toId");
    if (this._frozen) return;
    this._build._bonus(fromId, toId, 1);
    this._signalDiffs();
    this._emit("learn", () => ({ from: fromId, to: toId, kind: "reinforce" }));
  }

  feedback(fromId, toId, listenedSeconds, durationSeconds) {
    checkSource(fromId, "fromId");
    checkTarget(toId, "toId");
    if (typeof listenedSeconds !== "number" || !Number.isFinite(listenedSeconds) || listenedSeconds < 0) {
      throw new RangeError("listenedSeconds must be a finite number >= 0");
    }
    if (typeof durationSeconds !== "number" || !Number.isFinite(durationSeconds) || durationSeconds <= 0) {
      throw new RangeError("durationSeconds must be a finite number > 0");
    }
    if (this._frozen) return;
    const kind = this._lesson(fromId, toId, listenedSeconds, durationSeconds);
    this._signalDiffs();
    this._emit("learn", () => ({ from: fromId, to: toId, kind }));
  }

  /** The feedback rules: a reinforcement, a partial listen or a skip. Returns its kind. */
  _lesson(fromId, toId, listenedSeconds, durationSeconds) {
    const o = this._o;
    const progress = Math.min(1, listenedSeconds / durationSeconds);
    if (progress >= o.reinforceThreshold) {
      this._build._bonus(fromId, toId, o.reinforceAmount);
      return "reinforce";
    }
    if (progress < o.skipThreshold) {
      this._build._penalty(fromId, toId, o.skipPenalty);
      if (o.skipCooldown > 0) this._build._cooldown(fromId, toId, o.skipCooldown);
      return "skip";
    }
    this._build._penalty(fromId, toId, o.penaltyAmount);
    if (o.penaltyCooldown > 0) this._build._cooldown(fromId, toId, o.penaltyCooldown);
    return "penalty";
  }

  /** A new play that moves the chain on (generated, queued or chosen): a cooldown step. */
  _moveTo(id) {
    if (this._current !== undefined) this._pushBack(this._current);
    this._current = id;
    this._forward.length = 0;
    this._frozen = false;
    this._record(id);
    this._cooldownStep();
  }

  playNext() {
    if (this._forward.length > 0) {
      const id = this._forward.pop();
      if (this._current !== undefined) this._pushBack(this._current);
      this._current = id;
      this._frozen = true;
      this._record(id);
      this._emit("play", () => ({ id, source: "forward" }));
      return id;
    }
    const queued = this._queue.length > 0;
    const id = queued ? this._queue.shift() : this._chooseNext();
    if (id === undefined) return undefined;
    this._moveTo(id);
    this._emit("play", () => ({ id, source: queued ? "queue" : "generated" }));
    return id;
  }

  /** The listener picked `id`: played as a generated pick; the transition learned as a choice. */
  playTrack(id) {
    checkTarget(id, "id");
    const from = this._current ?? 0;
    this._moveTo(id);
    this._emit("play", () => ({ id, source: "chosen" }));
    if (from !== id) {
      this._build._bonus(from, id, this._o.choiceAmount);
      this._signalDiffs();
      this._emit("learn", () => ({ from, to: id, kind: "choice" }));
    }
  }

  enqueue(ids) {
    const list = typeof ids === "number" ? [ids] : Array.from(ids);
    list.forEach((id, i) => checkTarget(id, `ids[${i}]`));
    for (const id of list) this._queue.push(id);
  }

  queue() {
    return this._queue.slice();
  }

  removeFromQueue(ids) {
    const gone = new Set(typeof ids === "number" ? [ids] : Array.from(ids));
    const before = this._queue.length;
    this._queue = this._queue.filter((q) => !gone.has(q));
    return this._queue.length !== before;
  }

  clearQueue() {
    this._queue.length = 0;
  }

  /**
   * An ordered history ({ id, listenedSeconds, durationSeconds, at }[], or the same as columns)
   * learned as played: each play recorded and a cooldown step, each lesson by the feedback
   * rules from the play before it, or from 0 when the silence before it is over sessionGapMs.
   */
  learnHistory(plays) {
    const cols = Array.isArray(plays)
      ? null
      : { id: plays.id, l: plays.listenedSeconds, d: plays.durationSeconds, at: plays.at };
    const n = cols ? cols.id.length : plays.length;
    const report = { plays: 0, transitions: 0, sessions: 0, refused: [] };
    let last = this._history === undefined ? undefined : { ...this._history, thisCall: false };
    for (let i = 0; i < n; i++) {
      const p = cols ? { id: cols.id[i], listenedSeconds: cols.l[i], durationSeconds: cols.d[i], at: cols.at[i] } : plays[i];
      const { id, listenedSeconds: l, durationSeconds: d, at } = p ?? {};
      let reason;
      if (!Number.isInteger(id) || id < 1 || id > MAX_ID) reason = "id";
      else if (!(l >= 0) || !Number.isFinite(l)) reason = "listenedSeconds";
      else if (!(d > 0) || !Number.isFinite(d)) reason = "durationSeconds";
      else if (!Number.isFinite(at)) reason = "at";
      else if (last?.thisCall && at < last.start) reason = "order";
      if (reason !== undefined) {
        report.refused.push({ index: i, reason });
        continue;
      }
      const follows = last !== undefined && (last.thisCall || at >= last.start) && at - last.end <= this._o.sessionGapMs;
      const from = follows ? last.id : 0;
      this._build._reduceCooldowns(1);
      this._record(id);
      this._lesson(from, id, l, d);
      report.plays++;
      if (follows) report.transitions++;
      else report.sessions++;
      last = { id, start: at, end: at + l * 1000, thisCall: true };
    }
    if (last !== undefined) this._history = { id: last.id, start: last.start, end: last.end };
    if (report.plays > 0) this._signalDiffs();
    return report;
  }

  playBack() {
    if (this._current === undefined || this._back.length === 0) return undefined;
    const id = this._back.pop();
    this._forward.push(this._current);
    this._current = id;
    this._frozen = true;
    this._record(id);
    this._emit("play", () => ({ id, source: "back" }));
    return id;
  }

  playbackChain() {
    return {
      back: this._back.slice(),
      current: this._current,
      forward: this._forward.slice(),
      learningFrozen: this._frozen,
    };
  }

  on(type, listener) {
    const list = this._listeners[type];
    if (list === undefined) throw new TypeError("type must be one of play, rebuild, learn");
    if (typeof listener !== "function") throw new TypeError("listener must be a function");
    list.push(listener);
    return () => {
      const at = list.indexOf(listener);
      if (at >= 0) list.splice(at, 1);
    };
  }

  free() {
    this.stop();
  }

  // ---- internals ----

  _pushBack(id) {
    this._back.push(id);
    while (this._back.length > this._o.historyLimit) this._back.shift();
  }

  _record(id) {
    this._plays++;
    this._lastPlayed.set(id, this._plays);
  }

  _isRecent(id) {
    const at = this._lastPlayed.get(id);
    return at !== undefined && at + this._o.repeatWindow > this._plays;
  }

  _leastRecent(ids) {
    let best;
    let bestAt = Infinity;
    for (const id of ids) {
      const at = this._lastPlayed.get(id) ?? 0;
      if (at < bestAt || (at === bestAt && id < best)) {
        best = id;
        bestAt = at;
      }
    }
    return best;
  }

  _chooseNext() {
    const build = this._build;
    let cands = this._current === undefined ? [] : build._candidates(this._current);
    if (cands.length === 0) cands = build._candidates(0);
    if (cands.length === 0) {
      // No row has a positive weight: the least recently played known track.
      const known = new Set(build._ids);
      for (const id of build._extraIds) known.add(id);
      return this._leastRecent(known);
    }
    const fresh = cands.filter((c) => !this._isRecent(c.id));
    if (fresh.length === 0) return this._leastRecent(cands.map((c) => c.id));
    return this._select(fresh);
  }

  /** Gini above the threshold: uniform among the topK heaviest; else weighted by probability. */
  _select(cands) {
    let total = 0;
    for (const c of cands) total += c.weight;
    let sumSq = 0;
    for (const c of cands) sumSq += (c.weight / total) * (c.weight / total);
    const gini = 1 - sumSq;
    if (gini > this._o.giniThreshold) {
      cands.sort((a, b) => b.weight - a.weight || a.id - b.id);
      const k = Math.min(this._o.topK, cands.length);
      return cands[Math.floor(this._rng() * k)].id;
    }
    let r = this._rng() * total;
    for (const c of cands) {
      if (r < c.weight) return c.id;
      r -= c.weight;
    }
    return cands[cands.length - 1].id;
  }

  _cooldownStep() {
    this._pendingSteps++;
    if (!this._running) {
      this._applyPendingCooldowns();
    } else if (!this._cooldownQueued) {
      this._cooldownQueued = true;
      queueMicrotask(() => {
        this._cooldownQueued = false;
        if (this._running) this._applyPendingCooldowns();
      });
    }
  }

  _applyPendingCooldowns() {
    const steps = this._pendingSteps;
    this._pendingSteps = 0;
    if (steps > 0) this._build._reduceCooldowns(steps);
  }

  _signalDiffs() {
    if (!this._running || this._diffCheckQueued) return;
    this._diffCheckQueued = true;
    queueMicrotask(() => {
      this._diffCheckQueued = false;
      if (this._running && this._build.diffs > this._o.maxRuntimeDiffs) this.rebuildRuntime("diff limit exceeded");
    });
  }

  _emit(type, make) {
    const list = this._listeners[type];
    if (list.length === 0) return;
    const event = make();
    for (const l of list.slice()) {
      try {
        l(event);
      } catch (e) {
        console.error("plain: a listener threw:", e);
      }
    }
  }
}

export default PlainOrchestrator;
