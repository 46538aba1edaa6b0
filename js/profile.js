// Listener profiles: `Orchestrator.open(name, options?)`, `Orchestrator.deleteProfile(name,
// options?)`, `o.flush()` and the `"save"` / `"saveerror"` events, installed on the wasm class
// by the entries (js/inline.js, js/browser.js) with `installProfiles(Orchestrator)`. In a
// browser a profile lives in IndexedDB; with `{ directory }` (Node, Electron, Bun, Deno) in
// files (js/profile-files.js holds the file store's code, imported only there: a bundler makes
// it a chunk of its own that a page never fetches).
//
// It replaces three of the wasm class's methods with wrappers that call the originals:
// `stop()` (then saves what changed), `free()` (first ends autosaving) and
// [Symbol.dispose]() with it, and `on()` (adds "save" / "saveerror"). The raw
// "memory-player/web" entry does not install any of this, and its declarations (js/web.d.ts)
// lack the profile API, which js/index.d.ts declares for the entries that have it.
//
// Architecture Invariant: this is the only module that knows about IndexedDB, Web Locks and
// the profile's format. The engine offers `saveCheckpoint()`, `saveDelta(mark)`,
// `saveMark()`, `fromSnapshot()` and the `changes` counter, and knows nothing of where or
// when it is saved.
//
// Format 2 (the README's Persistence section has the whole of it). Three kinds of record:
// - the header, one per profile, rewritten by every save: { name, id, revision, savedAt,
//   format: 2, checkpoint, checkpointBytes, deltaBytes, state }, where `state` is the whole
//   snapshot but its base graph (build, lessons, chain, recency, taste, PRNG: small next to
//   the graph), flat arrays as Float64Arrays;
// - the checkpoint, one per profile: { name, revision, rows }, every base row at `revision`;
// - deltas: { name, revision, rows }, the base rows changed by that save (written only when
//   some changed: lessons change the build, not the base; a rebuild or a graph edit does).
// In IndexedDB the header's large typed arrays are kept apart (`splitState`), in a fourth kind
// of record in the store "states": { name, part, bytes }, their bytes in parts of at most
// STATE_PART_BYTES, rewritten with the header; the header then says how many (`stateParts`)
// and holds a marker where each array was. A state of more than MOST_STATE_PARTS parts, and
// the file store's, stays in the header.
// Opening replays: the checkpoint's rows, each later delta's rows in revision order, with the
// header's state, is the snapshot of the last save. A save whose deltas would outgrow
// COMPACT_FRACTION of the checkpoint writes a checkpoint instead and drops the deltas.
// Format 1 (one record { name, id, revision, savedAt, snapshot }) still opens; the first save
// after it writes a checkpoint.
//
// Every save is ONE transaction that reads the header, checks that its (id, revision) is the
// one this orchestrator loaded or last wrote, and writes revision + 1. Hence:
// - a save interrupted by closing the tab is rolled back whole, and the previous one stays;
// - a tab that holds an older revision never overwrites newer data: its save is refused with a
//   ProfileConflictError, and it stops saving;
// - `id` is drawn at random when a profile is first saved, so a profile deleted and saved again
//   elsewhere up to the same revision number is not mistaken for the one loaded here.
//
// When: every play, lesson and rebuild (the engine's events) asks for a save at the end of the
// current task (a microtask), so what the listener did in one go is one save, issued before
// the page can go away; saves are pipelined (a new one does not wait for the one in flight:
// it expects the revision that one writes), at most MAX_IN_FLIGHT at a time. Changes without
// an event (graph edits, forgetTrack, cooldown steps applied by the manager) are saved within
// saveDelayMs; a hidden page saves at once.

const DB_NAME = "memory-player";
const DB_VERSION = 3;
const STORE = "profiles";
const CHECKPOINTS = "checkpoints";
const DELTAS = "deltas";
const FENCES = "fences";
const STATES = "states";
const FORMAT = 2;
const DEFAULT_SAVE_DELAY_MS = 2000;
// Timers fire at once for longer delays than this (a 32-bit signed count of milliseconds).
const MAX_SAVE_DELAY_MS = 2 ** 31 - 1;
// Listener memory is costly to lose: wait for the disk, not the OS cache.
const TX_OPTIONS = { durability: "strict" };
/**
 * In IndexedDB a header's state is kept apart, in records of at most this many bytes: Chromium
 * wraps a value of more than 64 KiB into a blob, and that costs the main thread (a put() of
 * one Float64Array, in headless Chromium: 0.2 ms at 60 KB, 1.1 ms at 70 KB, 2.3 ms at 200 KB).
 */
export const STATE_PART_BYTES = 60_000;
/**
 * A state of more parts than this stays in its header: each put() costs about 0.3 ms, and one
 * wrapped value 2-5 ms whatever its size, so past about 360 KB the parts cost more (in the
 * same browser, puts of 0.2, 0.35, 0.5 and 1 MB: 1.3, 1.8, 3.9 and 5.4 ms in parts, 3.8-5.5,
 * 2.3, 2.5-3.2 and 4.3 ms whole).
 */
export const MOST_STATE_PARTS = 6;
/** Typed arrays of the state shorter than this stay in the header. */
const APART_FROM_BYTES = 1024;
/** The typed arrays a state may hold, by name. */
const ARRAY_KINDS = new Map([Float64Array, Float32Array, Uint32Array, Int32Array, Uint8Array].map((k) => [k.name, k]));

/** Deltas beyond this fraction of the checkpoint's bytes are compacted into a checkpoint. */
export const COMPACT_FRACTION = 0.25;
/** Saves issued and not yet committed; more changes wait and share the next save. */
const MAX_IN_FLIGHT = 4;

/** The profile behind each orchestrator made by `open()`; others have none. */
const profiles = new WeakMap();
/** `on("save" | "saveerror")` listeners, per orchestrator. */
const saveListeners = new WeakMap();
const SAVE_EVENTS = ["save", "saveerror"];

/** The error of a save refused because another tab, window or process changed the profile. */
export class ProfileConflictError extends Error {
  constructor(message) {
    super(message);
    this.name = "ProfileConflictError";
  }
}

/** Installs the profile API on the wasm `Orchestrator` class. Idempotent. */
export function installProfiles(Orchestrator) {
  const proto = Orchestrator.prototype;
  if (Object.hasOwn(proto, "flush")) return;
  const { stop, free, on } = proto;

  const open = async function open(name, options) {
    checkName("Orchestrator.open", name);
    if (options !== undefined && (options === null || typeof options !== "object")) {
      throw new TypeError(`options must be an object, got ${options === null ? "null" : typeof options}`);
    }
    // saveDelayMs and directory are ours; every other key goes to the engine, which checks it.
    const { saveDelayMs = DEFAULT_SAVE_DELAY_MS, directory, ...engineOptions } = options ?? {};
    if (typeof saveDelayMs !== "number") {
      throw new TypeError(`saveDelayMs must be a number of milliseconds, got ${typeof saveDelayMs}`);
    }
    if (!(saveDelayMs > 0 && saveDelayMs <= MAX_SAVE_DELAY_MS)) {
      throw new RangeError(
        `saveDelayMs must be a positive number of milliseconds up to ${MAX_SAVE_DELAY_MS}, got ${saveDelayMs}`,
      );
    }
    const store = await storeFor("Orchestrator.open", directory);
    const lock = await store.lock(name);
    try {
      const loaded = await store.load(name, lock.exclusive === true);
      let o;
      if (loaded.header === undefined) {
        o = new Orchestrator(engineOptions);
      } else {
        const snapshot = assemble(loaded, name);
        try {
          o = Orchestrator.fromSnapshot(snapshot, engineOptions);
        } catch (e) {
          // Same type, with the profile named: the engine's message says what is wrong.
          const Type = e instanceof RangeError ? RangeError : e instanceof TypeError ? TypeError : Error;
          throw new Type(`profile "${name}" could not be restored: ${e?.message ?? e}`, { cause: e });
        }
      }
      if (lock.shared) {
        console.warn(
          `memory-player: profile "${name}" is already open in another ${store.elsewhere}; ` +
            "only one of them can save it (the other gets a ProfileConflictError)",
        );
      }
      profiles.set(o, new Profile(o, name, store, loaded, lock, saveDelayMs));
      return o;
    } catch (e) {
      lock.release();
      throw e;
    }
  };

  const deleteProfile = async function deleteProfile(name, options) {
    checkName("Orchestrator.deleteProfile", name);
    const store = await storeFor("Orchestrator.deleteProfile", options?.directory);
    await store.remove(name);
  };

  const methods = {
    /** Saves now (one transaction); resolves at once for an orchestrator not from open(). */
    flush() {
      const profile = profiles.get(this);
      return profile ? profile.request("force") : Promise.resolve();
    },
    /** Stops the managers, then saves what changed since the last save. */
    stop() {
      const profile = profiles.get(this);
      const stopped = stop.call(this);
      return profile ? stopped.then(() => profile.request("changed")) : stopped;
    },
    /** Stops autosaving first: changes not yet saved are dropped (flush() or stop() first). */
    free() {
      profiles.get(this)?.close();
      profiles.delete(this);
      saveListeners.delete(this);
      free.call(this);
    },
    /** The engine's events, plus "save" and "saveerror" (profiles only). */
    on(type, listener) {
      if (!SAVE_EVENTS.includes(type)) return on.call(this, type, listener);
      if (typeof listener !== "function") {
        throw new TypeError(`listener must be a function, got ${listener === null ? "null" : typeof listener}`);
      }
      let map = saveListeners.get(this);
      if (!map) saveListeners.set(this, (map = { save: new Set(), saveerror: new Set() }));
      // A wrapper per subscription, so the same function subscribed twice is called twice.
      const entry = (e) => listener(e);
      map[type].add(entry);
      return () => void map[type].delete(entry);
    },
  };
  const hidden = { writable: true, configurable: true, enumerable: false };
  Object.defineProperties(Orchestrator, {
    open: { ...hidden, value: open },
    deleteProfile: { ...hidden, value: deleteProfile },
  });
  Object.defineProperties(proto, {
    flush: { ...hidden, value: methods.flush },
    stop: { ...hidden, value: methods.stop },
    free: { ...hidden, value: methods.free },
    on: { ...hidden, value: methods.on },
    // True when another tab, window or process had this profile open when this one was opened.
    profileShared: {
      configurable: true,
      enumerable: false,
      get() {
        return profiles.get(this)?.lock.shared ?? false;
      },
    },
  });
  if (Symbol.dispose && proto[Symbol.dispose] === free) {
    Object.defineProperty(proto, Symbol.dispose, { ...hidden, value: methods.free });
  }
}

/** Calls the `type` listeners of `o`; one that throws is reported and the others still run. */
function emit(o, type, event) {
  for (const listener of saveListeners.get(o)?.[type] ?? []) {
    try {
      listener(event);
    } catch (e) {
      report(e);
    }
  }
}

/** What was stored, as a snapshot for `fromSnapshot()` (format 2: checkpoint + deltas). */
function assemble(loaded, name) {
  const { header, checkpoint, deltas } = loaded;
  if (isV1Record(header, name)) return header.snapshot;
  if (!isHeader(header, name)) {
    throw new TypeError(`profile "${name}": the stored record is not a memory-player profile`);
  }
  if (
    !checkpoint || !(checkpoint.revision <= header.revision) || !(checkpoint.rows instanceof Float64Array) ||
    !deltas.every((d) => d.rows instanceof Float64Array && d.revision > checkpoint.revision && d.revision <= header.revision)
  ) {
    throw new TypeError(`profile "${name}": its checkpoint or deltas are missing or not those of its header`);
  }
  const rows = mergeRows(checkpoint.rows, deltas.map((d) => d.rows));
  return { ...header.state, base: rows };
}

/** Autosave and saving of one orchestrator opened from a profile. */
class Profile {
  constructor(o, name, store, loaded, lock, saveDelayMs) {
    this.o = o;
    this.name = name;
    this.store = store;
    this.lock = lock;
    const header = loaded.header;
    this.id = header?.id ?? randomId();
    const v2 = header?.format === FORMAT;
    // What is stored, as of the last save that committed. A profile of format 1 (or none) has
    // no checkpoint yet: its first save writes one.
    this.committed = {
      revision: header?.revision ?? 0, // 0: nothing stored yet
      token: header ? tokenOf(header) : null,
      changes: o.changes,
      mark: v2 ? o.saveMark() : null,
      checkpointBytes: v2 ? header.checkpointBytes : 0,
      deltaBytes: v2 ? header.deltaBytes : 0,
    };
    // The last save issued (committed or in flight): revisions and `changes` go on from it.
    this.issued = this.committed;
    // Tokens of the saves this orchestrator made (or loaded): a stored header with one of
    // them holds nothing this one does not know of.
    this.tokens = new Set([this.committed.token]);
    this.inFlight = new Set(); // promises of the saves issued and not settled
    this.pending = new Set(); // tokens of those saves
    this.error = null; // a conflict: set once, never cleared
    this.closed = false;
    this.scheduled = false;
    this.waiting = null; // a save asked for while MAX_IN_FLIGHT were in flight: { force, promise, resolve, reject }

    const soon = () => this.autosave();
    this.offEvents = ["play", "learn", "rebuild"].map((type) => o.on(type, soon));
    this.timer = setInterval(() => {
      if (o.changes !== this.issued.changes) this.autosave();
    }, saveDelayMs);
    this.timer.unref?.(); // Node: do not keep the process alive
    // A hidden page may be frozen or discarded without another chance to save.
    this.onHidden = () => {
      if (globalThis.document?.visibilityState !== "visible" && o.changes !== this.issued.changes) this.saveNow();
    };
    globalThis.document?.addEventListener("visibilitychange", this.onHidden);
    globalThis.addEventListener?.("pagehide", this.onHidden);
  }

  /** A save at the end of the current task. Its failures are reported, not thrown. */
  autosave() {
    if (this.error || this.closed || this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      this.saveNow();
    });
  }

  saveNow() {
    if (this.error || this.closed || this.o.changes === this.issued.changes) return;
    this.request("auto").catch(() => {});
  }

  /**
   * Resolves once every change made before the call is committed (rejects if that failed).
   * `when`: "auto" (if changed; failures reported), "changed" (if changed), "force" (a save
   * even when nothing changed).
   */
  request(when) {
    if (this.error) return Promise.reject(this.error);
    if (this.closed) {
      return Promise.reject(new Error(`profile "${this.name}": the orchestrator was freed before this save`));
    }
    if (when !== "force" && this.o.changes === this.issued.changes) {
      // Nothing new: what is in flight holds every change; wait for it.
      return this.settled();
    }
    if (this.inFlight.size >= MAX_IN_FLIGHT) {
      // Shares the save issued when one in flight settles: it will hold this change.
      if (!this.waiting) {
        let resolve, reject;
        const promise = new Promise((res, rej) => ((resolve = res), (reject = rej)));
        this.waiting = { force: false, promise, resolve, reject };
      }
      this.waiting.force ||= when === "force";
      return this.waiting.promise;
    }
    return this.issue(when === "auto");
  }

  /** Resolves when every save in flight has settled; rejects with the first failure. */
  settled() {
    return Promise.all([...this.inFlight]).then(() => {
      if (this.error) throw this.error;
    });
  }

  /**
   * Issues one save of the state at this instant. Its rows are those changed since the last
   * save that COMMITTED (not the last issued): whether the saves in flight commit or fail,
   * this one applied on what is stored gives this instant's state (a row is a state, so a row
   * written twice is harmless). Revisions go on from the last issued one.
   */
  issue(auto) {
    const o = this.o;
    const base = this.committed;
    const prev = this.issued;
    const started = performance.now();
    // Taken now, synchronously: what is saved is the state at this instant.
    let d = base.mark ? o.saveDelta(base.mark) : o.saveCheckpoint();
    let rowsBytes = d.rows.byteLength;
    const stateBytes = bytesOf(d.state);
    if (!d.full && prev.deltaBytes + rowsBytes > COMPACT_FRACTION * prev.checkpointBytes) {
      d.mark.free();
      d = o.saveCheckpoint();
      rowsBytes = d.rows.byteLength;
    }
    const revision = prev.revision + 1;
    const kind = d.full ? "checkpoint" : "delta";
    const token = randomId();
    const header = {
      name: this.name,
      id: this.id,
      revision,
      token,
      savedAt: Date.now(),
      format: FORMAT,
      checkpointBytes: d.full ? rowsBytes : prev.checkpointBytes,
      deltaBytes: d.full ? 0 : prev.deltaBytes + rowsBytes,
      state: d.state,
    };
    const records = { header };
    if (d.full) records.checkpoint = { name: this.name, revision, rows: d.rows };
    else if (d.rows.length > 0) records.delta = { name: this.name, revision, rows: d.rows };
    const save = {
      revision,
      token,
      changes: d.changes,
      mark: d.mark,
      checkpointBytes: header.checkpointBytes,
      deltaBytes: header.deltaBytes,
    };
    this.issued = save;
    this.tokens.add(token);
    const bytes = rowsBytes + stateBytes;
    // What may be stored for this save to apply: a save of ours (or what we loaded), or
    // nothing if nothing of ours ever committed.
    const accepts = (current) =>
      current === undefined ? this.committed.token === null : this.tokens.has(tokenOf(current));
    const promise = this.store
      .write(this.name, accepts, records, this.lock.exclusive === true)
      .then(
        () => {
          if (revision > this.committed.revision) {
            const old = this.committed;
            this.committed = save;
            // Saves issued before this one are settled (saves commit in order): their tokens
            // can no longer be what is stored.
            this.tokens = new Set([...this.tokens].filter((t) => t === token || this.pending.has(t)));
            old.mark?.free();
          } else {
            save.mark.free();
          }
          emit(o, "save", { revision, bytes, ms: performance.now() - started, kind });
        },
        (e) => {
          save.mark.free();
          this.tokens.delete(token);
          let error = e;
          if (e instanceof StoredConflict) error = this.error ?? this.conflict(e.current);
          else if (this.issued === save) {
            // Nothing after it: the next save starts again from what is stored.
            this.issued = { ...this.committed, revision: save.revision, changes: this.committed.changes };
          }
          if (e instanceof StoredConflict ? error !== this.reported : auto) {
            this.reported = error;
            report(error);
          }
          emit(o, "saveerror", { error, revision });
          throw error;
        },
      )
      .finally(() => {
        this.inFlight.delete(promise);
        this.pending.delete(token);
        this.startWaiting();
      });
    this.pending.add(token);
    this.inFlight.add(promise);
    // Resolves once this save and the ones before it have settled.
    return Promise.all([...this.inFlight]).then(() => {
      if (this.error) throw this.error;
    });
  }

  /** A save asked for while the pipeline was full: issued now that a slot is free. */
  startWaiting() {
    const w = this.waiting;
    if (!w || this.inFlight.size >= MAX_IN_FLIGHT) return;
    this.waiting = null;
    if (this.error || this.closed) {
      w.reject(this.error ?? new Error(`profile "${this.name}": the orchestrator was freed before this save`));
      return;
    }
    const p = w.force || this.o.changes !== this.issued.changes ? this.issue(false) : this.settled();
    p.then(w.resolve, w.reject);
  }

  /** Refuses every later save: the stored profile is newer than what this page holds. */
  conflict(current) {
    this.error = new ProfileConflictError(
      `profile "${this.name}" was changed elsewhere (another ${this.store.elsewhere} saved or deleted it; ` +
        `stored revision: ${current === null ? "newer" : (current?.revision ?? "none (deleted)")}, ` +
        `this one's: ${this.committed.revision}). ` +
        `This ${this.store.here}'s changes were not saved; ${this.store.reload} to continue from the stored profile.`,
    );
    this.stopAutosave();
    return this.error;
  }

  stopAutosave() {
    clearInterval(this.timer);
    for (const off of this.offEvents ?? []) off();
    this.offEvents = null;
    globalThis.document?.removeEventListener("visibilitychange", this.onHidden);
    globalThis.removeEventListener?.("pagehide", this.onHidden);
  }

  /** On free(): no more saves (queued ones are refused), and the lock is released. */
  close() {
    this.closed = true;
    this.stopAutosave();
    this.lock.release();
    this.waiting?.reject(new Error(`profile "${this.name}": the orchestrator was freed before this save`));
    this.waiting = null;
    // The last mark holds the base graph as it was saved: let it go once no save needs it.
    Promise.allSettled([...this.inFlight]).then(() => {
      this.committed.mark?.free();
      this.committed.mark = null;
    });
  }
}

/** A write refused by the revision check; `current` is the header found (undefined: none). */
export class StoredConflict extends Error {
  constructor(current) {
    super("the stored profile is not the one this save builds on");
    this.current = current;
  }
}

/**
 * The base rows of a checkpoint with deltas applied in order: flat rows
 * [id, n | -1, to, w, ...] ascending by id; a delta's row replaces the checkpoint's, -1
 * removes it. Unchanged runs of rows are copied in one go.
 */
export function mergeRows(base, deltas) {
  if (deltas.length === 0) return base;
  const changed = new Map(); // id -> [array, start, end] | null
  for (const d of deltas) {
    for (let i = 0; i < d.length; ) {
      const id = d[i];
      const n = d[i + 1];
      if (n < 0) {
        changed.set(id, null);
        i += 2;
      } else {
        const end = i + 2 + 2 * n;
        changed.set(id, [d, i, end]);
        i = end;
      }
    }
  }
  const ids = [...changed.keys()].sort((a, b) => a - b);
  const parts = []; // [array, start, end]
  let k = 0;
  let runStart = -1;
  let i = 0;
  const endRun = () => {
    if (runStart >= 0) parts.push([base, runStart, i]);
    runStart = -1;
  };
  while (i < base.length) {
    const id = base[i];
    const end = i + 2 + 2 * base[i + 1];
    while (k < ids.length && ids[k] < id) {
      endRun();
      const c = changed.get(ids[k++]);
      if (c) parts.push(c);
    }
    if (k < ids.length && ids[k] === id) {
      endRun();
      const c = changed.get(ids[k++]);
      if (c) parts.push(c);
    } else if (runStart < 0) {
      runStart = i;
    }
    i = end;
  }
  endRun();
  for (; k < ids.length; k++) {
    const c = changed.get(ids[k]);
    if (c) parts.push(c);
  }
  let length = 0;
  for (const [, s, e] of parts) length += e - s;
  const out = new Float64Array(length);
  let at = 0;
  for (const [a, s, e] of parts) {
    out.set(a.subarray(s, e), at);
    at += e - s;
  }
  return out;
}

/**
 * `header` with its state's typed arrays of `APART_FROM_BYTES` or more moved out, each
 * replaced by `{ apart, at, length }` (its kind, its byte offset in the parts, its length),
 * and the parts: `{ name, part, bytes }`, their bytes one after the other, at most
 * `STATE_PART_BYTES` each; or `header` as it is and no part when they would be more than
 * `MOST_STATE_PARTS`. `joinState` undoes it.
 */
export function splitState(header) {
  const arrays = [];
  let size = 0;
  const walk = (v) => {
    if (ArrayBuffer.isView(v)) {
      const kind = v.constructor.name;
      if (v.byteLength < APART_FROM_BYTES || ARRAY_KINDS.get(kind) !== v.constructor) return v;
      arrays.push([v, size]);
      const apart = { apart: kind, at: size, length: v.length };
      size += Math.ceil(v.byteLength / 8) * 8; // every array starts 8-aligned
      return apart;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v === null || typeof v !== "object") return v;
    const out = {};
    for (const k of Object.keys(v)) out[k] = walk(v[k]);
    return out;
  };
  const state = walk(header.state);
  if (size > MOST_STATE_PARTS * STATE_PART_BYTES) return { header, parts: [] };
  const all = new Uint8Array(size);
  for (const [v, at] of arrays) all.set(new Uint8Array(v.buffer, v.byteOffset, v.byteLength), at);
  const parts = [];
  for (let at = 0; at < size; at += STATE_PART_BYTES) {
    parts.push({ name: header.name, part: parts.length, bytes: all.slice(at, at + STATE_PART_BYTES).buffer });
  }
  return { header: { ...header, state, stateParts: parts.length }, parts };
}

/**
 * The header `splitState` made, with its state whole again from `parts` (in part order); a
 * header without `stateParts` (a file's, or one saved before the state was kept apart) as it
 * is. A TypeError naming the profile when the parts are not those of the header.
 */
export function joinState(header, parts, name) {
  if (header?.stateParts === undefined) return header;
  const bad = () => new TypeError(`profile "${name}": the parts of its state are missing or not those of its header`);
  const count = header.stateParts;
  if (!Number.isSafeInteger(count) || parts.length !== count) throw bad();
  let size = 0;
  for (const [i, p] of parts.entries()) {
    if (p?.part !== i || !(p.bytes instanceof ArrayBuffer)) throw bad();
    size += p.bytes.byteLength;
  }
  const all = new Uint8Array(size);
  let filled = 0;
  for (const p of parts) {
    all.set(new Uint8Array(p.bytes), filled);
    filled += p.bytes.byteLength;
  }
  const walk = (v) => {
    if (v === null || typeof v !== "object" || ArrayBuffer.isView(v)) return v;
    if (Array.isArray(v)) return v.map(walk);
    const Kind = ARRAY_KINDS.get(v.apart);
    if (Kind) {
      const { at, length } = v;
      const end = at + length * Kind.BYTES_PER_ELEMENT;
      if (!Number.isSafeInteger(at) || at < 0 || at % 8 !== 0 || !Number.isSafeInteger(length) || length < 0 || end > size) {
        throw bad();
      }
      return new Kind(all.buffer.slice(at, end));
    }
    const out = {};
    for (const k of Object.keys(v)) out[k] = walk(v[k]);
    return out;
  };
  const { stateParts: _, ...rest } = header;
  return { ...rest, state: walk(header.state) };
}

/** Bytes of a save's state: its typed arrays, and 8 a number or 64 a field for the rest. */
function bytesOf(value) {
  if (ArrayBuffer.isView(value)) return value.byteLength;
  if (Array.isArray(value)) return 8 * value.length;
  if (value !== null && typeof value === "object") {
    let n = 0;
    for (const k in value) n += 16 + bytesOf(value[k]);
    return n;
  }
  return typeof value === "string" ? value.length : 8;
}

function checkName(where, name) {
  if (typeof name !== "string" || name === "") {
    throw new TypeError(`${where}: name must be a non-empty string, got ${name === "" ? '""' : typeof name}`);
  }
}

/** What identifies the save that wrote a header (format 1: its id and revision). */
function tokenOf(header) {
  return header.token ?? `${header.id}/${header.revision}`;
}

function isV1Record(r, name) {
  return (
    r !== null && typeof r === "object" && r.format === undefined && r.name === name && typeof r.id === "string" &&
    Number.isSafeInteger(r.revision) && r.revision > 0 && typeof r.snapshot === "object"
  );
}

function isHeader(r, name) {
  return (
    r !== null && typeof r === "object" && r.format === FORMAT && r.name === name && typeof r.id === "string" &&
    typeof r.token === "string" && Number.isSafeInteger(r.revision) && r.revision > 0 && r.state !== null &&
    typeof r.state === "object"
  );
}

export function report(error) {
  if (typeof globalThis.reportError === "function") globalThis.reportError(error);
  else console.error(error);
}

function randomId() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The store of `directory` (files), or IndexedDB's. */
async function storeFor(where, directory) {
  if (directory === undefined) {
    await openDb(where);
    return idbStore;
  }
  if (typeof directory !== "string" || directory === "") {
    throw new TypeError(`${where}: directory must be a non-empty string (a path), got ${typeof directory}`);
  }
  const fs = globalThis.process?.getBuiltinModule?.("node:fs");
  if (!fs) {
    throw new Error(`${where}: a directory store needs Node's fs module (Node >= 20.16, Bun, Deno or Electron)`);
  }
  const { fileStore } = await import("./profile-files.js");
  return fileStore(directory, StoredConflict);
}

let connection = null; // Promise<IDBDatabase>, shared by every profile of this page

/** The database, opened (and created or upgraded) once per page. */
function openDb(where) {
  if (typeof indexedDB === "undefined") {
    return Promise.reject(
      new Error(
        `${where}: IndexedDB is not available here; profiles need a browser (page or worker), ` +
          "or a directory: Orchestrator.open(name, { directory }) in Node.",
      ),
    );
  }
  connection ??= new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, DB_VERSION);
    req.onupgradeneeded = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains(STORE)) db.createObjectStore(STORE, { keyPath: "name" });
      if (!db.objectStoreNames.contains(CHECKPOINTS)) db.createObjectStore(CHECKPOINTS, { keyPath: "name" });
      if (!db.objectStoreNames.contains(DELTAS)) db.createObjectStore(DELTAS, { keyPath: ["name", "revision"] });
      if (!db.objectStoreNames.contains(FENCES)) db.createObjectStore(FENCES, { keyPath: "name" });
      if (!db.objectStoreNames.contains(STATES)) db.createObjectStore(STATES, { keyPath: ["name", "part"] });
    };
    req.onsuccess = () => {
      const db = req.result;
      // Another tab upgrades or deletes the database: let it, and reopen on the next save.
      db.onversionchange = () => {
        db.close();
        connection = null;
      };
      resolve(db);
    };
    req.onerror = () => {
      connection = null;
      reject(req.error);
    };
  });
  return connection;
}

/** Every delta of profile `name`. */
const deltaRange = (name) => IDBKeyRange.bound([name, -Infinity], [name, Infinity]);
/** The parts of profile `name`'s state from part `from` on. */
const partRange = (name, from = 0) => IDBKeyRange.bound([name, from], [name, Infinity]);

/** The IndexedDB store: what open(), the saves and deleteProfile() do with the database. */
const idbStore = {
  elsewhere: "tab or window",
  here: "page",
  reload: "reload the page",
  lock: takeLock,

  /**
   * The header, the checkpoint and the deltas after it, read in one transaction (a
   * consistent state). `exclusive` (this page holds the profile's lock): also clears the
   * fence, in the same transaction, since what it reads is then the latest state.
   */
  async load(name, exclusive) {
    const db = await openDb("Orchestrator.open");
    const parts = [];
    const out = await transact(db, exclusive ? "readwrite" : "readonly", (tx, done) => {
      const out = { header: undefined, checkpoint: undefined, deltas: [] };
      done(out);
      if (exclusive) tx.objectStore(FENCES).delete(name);
      tx.objectStore(STORE).get(name).onsuccess = (e) => {
        const header = e.target.result;
        if (header?.format !== FORMAT) return void (out.header = header);
        out.header = header;
        if (header.stateParts !== undefined) {
          tx.objectStore(STATES).getAll(partRange(name)).onsuccess = (e) => parts.push(...e.target.result);
        }
        tx.objectStore(CHECKPOINTS).get(name).onsuccess = (e) => {
          const checkpoint = (out.checkpoint = e.target.result);
          if (checkpoint === undefined || checkpoint.revision >= header.revision) return;
          const range = IDBKeyRange.bound([name, checkpoint.revision], [name, header.revision], true, false);
          tx.objectStore(DELTAS).getAll(range).onsuccess = (e) => (out.deltas = e.target.result);
        };
      };
    });
    return { ...out, header: joinState(out.header, parts, name) };
  },

  /**
   * Writes a save's records in one transaction if the stored profile is one `accepts`;
   * else a StoredConflict.
   *
   * A writer that is not `exclusive` reads the header first and checks it (its token says
   * which save wrote it), and leaves a fence (a record in "fences"). The `exclusive` writer
   * (it holds the profile's Web Lock, and cleared the fence when it loaded) does not read: it
   * adds the fence and deletes it again, which fails, aborting the transaction, if another tab
   * saved (or deleted the profile) since. So it issues every request and commit() in the task
   * that asks for the save, and the browser has the whole transaction before the page can go
   * away; a save that waits for a read first is lost when a reload or a close comes first.
   */
  async write(name, accepts, records, exclusive) {
    const { checkpoint, delta } = records;
    const { header, parts } = splitState(records.header);
    const db = await openDb("flush");
    let found = null;
    try {
      await transact(db, "readwrite", (tx) => {
        const profiles = tx.objectStore(STORE);
        const fences = tx.objectStore(FENCES);
        const write = () => {
          if (checkpoint) {
            tx.objectStore(DELTAS).delete(deltaRange(name));
            tx.objectStore(CHECKPOINTS).put(checkpoint);
          } else if (delta) {
            tx.objectStore(DELTAS).put(delta);
          }
          const states = tx.objectStore(STATES);
          states.delete(partRange(name, parts.length));
          for (const part of parts) states.put(part);
          profiles.put(header);
        };
        if (exclusive) {
          fences.add({ name });
          fences.delete(name);
          write();
          tx.commit?.();
          return;
        }
        profiles.get(name).onsuccess = (e) => {
          const current = e.target.result;
          if (!accepts(current)) {
            found = { current };
            tx.abort();
            return;
          }
          fences.put({ name });
          write();
        };
      });
    } catch (e) {
      if (found) throw new StoredConflict(found.current);
      // The fence was there: another tab saved, or deleted the profile.
      if (e?.name === "ConstraintError") throw new StoredConflict(null);
      throw e;
    }
  },

  /** Deletes the profile, and fences its writer out (a stale tab must not bring it back). */
  async remove(name) {
    const db = await openDb("Orchestrator.deleteProfile");
    await transact(db, "readwrite", (tx) => {
      tx.objectStore(STORE).get(name).onsuccess = (e) => {
        if (e.target.result === undefined) return;
        tx.objectStore(STORE).delete(name);
        tx.objectStore(CHECKPOINTS).delete(name);
        tx.objectStore(DELTAS).delete(deltaRange(name));
        tx.objectStore(STATES).delete(partRange(name));
        tx.objectStore(FENCES).put({ name });
      };
    });
  },
};

/**
 * Runs `body(tx, done)` in one transaction on every store; resolves with the value
 * passed to `done` once the transaction has committed, rejects if it aborts.
 */
function transact(db, mode, body) {
  return new Promise((resolve, reject) => {
    const tx = db.transaction([STORE, CHECKPOINTS, DELTAS, FENCES, STATES], mode, TX_OPTIONS);
    let result;
    tx.oncomplete = () => resolve(result);
    tx.onabort = () => reject(tx.error ?? new DOMException("The transaction was aborted", "AbortError"));
    body(tx, (value) => (result = value));
  });
}

/**
 * Takes the profile's Web Lock if no other tab or window holds it, and keeps it until
 * `release()` (free() or the page's end). `shared`: another one holds it. Without the Web
 * Locks API nothing is detected up front; the revision check still refuses stale saves.
 */
async function takeLock(name) {
  const locks = globalThis.navigator?.locks;
  const none = { shared: false, release() {} };
  if (!locks) return none;
  let release;
  const held = new Promise((resolve) => (release = resolve));
  try {
    return await new Promise((resolve, reject) => {
      locks
        .request(`memory-player/profile/${name}`, { ifAvailable: true }, (lock) => {
          resolve(lock ? { shared: false, exclusive: true, release } : { shared: true, release() {} });
          return lock ? held : undefined;
        })
        .catch(reject);
    });
  } catch {
    return none; // e.g. a sandboxed iframe without storage access
  }
}
