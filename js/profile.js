// Listener profiles in IndexedDB: `Orchestrator.open(name, options?)`,
// `Orchestrator.deleteProfile(name)` and `o.flush()`, installed on the wasm class by the
// entries (js/inline.js, js/browser.js) with `installProfiles(Orchestrator)`.
//
// Architecture Invariant: this is the only module that knows about IndexedDB and Web Locks.
// The engine offers `snapshot()`, `Orchestrator.fromSnapshot()` and the `changes` counter,
// and knows nothing of where or when it is saved.
//
// Storage: database "memory-player", object store "profiles", one record per profile, keyed
// by its name: { name, id, revision, savedAt, snapshot }. Every save is ONE readwrite
// transaction that reads the record, checks that its (id, revision) is the one this
// orchestrator loaded or last wrote, and puts revision + 1. Hence:
// - a save interrupted by closing the tab is rolled back whole (transactions are atomic), and
//   the previous save stays readable;
// - a tab that holds an older revision can never overwrite newer data: its save is refused
//   with a ProfileConflictError, and it stops saving;
// - `id` is drawn at random when a profile is first saved, so a profile deleted and saved
//   again elsewhere up to the same revision number is not mistaken for the one loaded here.

const DB_NAME = "memory-player";
const DB_VERSION = 1;
const STORE = "profiles";
const DEFAULT_SAVE_DELAY_MS = 2000;
// Timers fire at once for longer delays than this (a 32-bit signed count of milliseconds).
const MAX_SAVE_DELAY_MS = 2 ** 31 - 1;
// Listener memory is rarely saved and costly to lose: wait for the disk, not the OS cache.
const TX_OPTIONS = { durability: "strict" };

/** How strong a save request is, when several share one save. */
const RANK = { auto: 0, changed: 1, force: 2 };

/** The profile behind each orchestrator made by `open()`; others have none. */
const profiles = new WeakMap();

/** The error of a save refused because another tab or window changed the profile. */
class ProfileConflictError extends Error {
  constructor(message) {
    super(message);
    this.name = "ProfileConflictError";
  }
}

/** Installs the profile API on the wasm `Orchestrator` class. Idempotent. */
export function installProfiles(Orchestrator) {
  const proto = Orchestrator.prototype;
  if (Object.hasOwn(proto, "flush")) return;
  const { stop, free } = proto;

  const open = async function open(name, options) {
    checkName("Orchestrator.open", name);
    if (options !== undefined && (options === null || typeof options !== "object")) {
      throw new TypeError(`options must be an object, got ${options === null ? "null" : typeof options}`);
    }
    // saveDelayMs is ours; every other key goes to the engine, which checks it.
    const { saveDelayMs = DEFAULT_SAVE_DELAY_MS, ...engineOptions } = options ?? {};
    if (typeof saveDelayMs !== "number") {
      throw new TypeError(`saveDelayMs must be a number of milliseconds, got ${typeof saveDelayMs}`);
    }
    if (!(saveDelayMs > 0 && saveDelayMs <= MAX_SAVE_DELAY_MS)) {
      throw new RangeError(
        `saveDelayMs must be a positive number of milliseconds up to ${MAX_SAVE_DELAY_MS}, got ${saveDelayMs}`,
      );
    }
    const db = await openDb("Orchestrator.open");
    const lock = await takeLock(name);
    try {
      const record = await transact(db, "readonly", (store, done) => {
        store.get(name).onsuccess = (e) => done(e.target.result);
      });
      let o;
      if (record === undefined) {
        o = new Orchestrator(engineOptions);
      } else {
        if (!isRecord(record, name)) {
          throw new TypeError(`profile "${name}": the stored record is not a memory-player profile`);
        }
        try {
          o = Orchestrator.fromSnapshot(record.snapshot, engineOptions);
        } catch (e) {
          // Same type, with the profile named: the engine's message says what is wrong.
          const Type = e instanceof RangeError ? RangeError : e instanceof TypeError ? TypeError : Error;
          throw new Type(`profile "${name}" could not be restored: ${e?.message ?? e}`, { cause: e });
        }
      }
      if (lock.shared) {
        console.warn(
          `memory-player: profile "${name}" is already open in another tab or window; ` +
            "only one of them can save it (the other gets a ProfileConflictError)",
        );
      }
      profiles.set(o, new Profile(o, name, record, lock, saveDelayMs));
      return o;
    } catch (e) {
      lock.release();
      throw e;
    }
  };

  const deleteProfile = async function deleteProfile(name) {
    checkName("Orchestrator.deleteProfile", name);
    const db = await openDb("Orchestrator.deleteProfile");
    await transact(db, "readwrite", (store) => store.delete(name));
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
      free.call(this);
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
    // True when another tab or window had this profile open when this one was opened.
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

/** Autosave and saving of one orchestrator opened from a profile. */
class Profile {
  constructor(o, name, record, lock, saveDelayMs) {
    this.o = o;
    this.name = name;
    this.lock = lock;
    this.id = record?.id ?? randomId();
    this.revision = record?.revision ?? 0; // 0: nothing stored yet
    this.saved = o.changes; // `changes` when the stored snapshot was taken
    this.tried = this.saved; // `changes` at the last save attempt, failed or not
    this.error = null; // a conflict: set once, never cleared
    this.closed = false;
    this.tail = Promise.resolve(); // saves run one after another
    this.queued = null; // the save waiting for its turn: { when, promise }

    this.offRebuild = o.on("rebuild", () => this.autosave());
    this.timer = setInterval(() => {
      if (o.changes !== this.tried) this.autosave();
    }, saveDelayMs);
    this.timer.unref?.(); // Node (with an IndexedDB polyfill): do not keep the process alive
    // A hidden page may be frozen or discarded without another chance to save.
    this.onHidden = () => {
      if (document.visibilityState === "hidden" && o.changes !== this.tried) this.autosave();
    };
    globalThis.document?.addEventListener("visibilitychange", this.onHidden);
  }

  /** A save soon. Its failures are reported (by write()), not thrown. */
  autosave() {
    if (this.error || this.closed) return;
    this.request("auto").catch(() => {});
  }

  /**
   * A save after the one in flight. Requests made before it starts share it: it takes the
   * snapshot when it starts, so it holds every change made before any of them.
   * `when`: "auto" (if changed; failures reported), "changed" (if changed), "force".
   */
  request(when) {
    if (this.queued) {
      if (RANK[when] > RANK[this.queued.when]) this.queued.when = when;
      return this.queued.promise;
    }
    const queued = { when };
    queued.promise = this.tail.then(() => {
      this.queued = null;
      return this.write(queued.when);
    });
    this.queued = queued;
    this.tail = queued.promise.catch(() => {});
    return queued.promise;
  }

  async write(when) {
    if (this.error) throw this.error;
    if (this.closed) {
      throw new Error(`profile "${this.name}": the orchestrator was freed before this save`);
    }
    const o = this.o;
    const changes = o.changes;
    if (when !== "force" && changes === this.saved) return;
    this.tried = changes;
    const revision = this.revision + 1;
    let found = null; // the conflicting record, when there is one
    try {
      // Taken now, synchronously: what is saved is the state at this instant.
      const snapshot = o.snapshot();
      const db = await openDb("flush");
      await transact(db, "readwrite", (store, _done, tx) => {
        store.get(this.name).onsuccess = (e) => {
          const current = e.target.result;
          const ours =
            this.revision === 0
              ? current === undefined
              : current?.id === this.id && current.revision === this.revision;
          if (!ours) {
            found = current ?? { revision: "none (deleted)" };
            tx.abort();
            return;
          }
          store.put({ name: this.name, id: this.id, revision, savedAt: Date.now(), snapshot });
        };
      });
    } catch (e) {
      const error = found ? this.conflict(found) : e;
      if (found || when === "auto") report(error);
      throw error;
    }
    this.revision = revision;
    this.saved = changes;
  }

  /** Refuses every later save: the stored profile is newer than what this page holds. */
  conflict(current) {
    this.error = new ProfileConflictError(
      `profile "${this.name}" was changed elsewhere (another tab or window saved or deleted it; ` +
        `stored revision: ${current.revision}, this page's: ${this.revision}). ` +
        "This page's changes were not saved; reload the page to continue from the stored profile.",
    );
    this.stopAutosave();
    return this.error;
  }

  stopAutosave() {
    clearInterval(this.timer);
    this.offRebuild?.();
    this.offRebuild = null;
    globalThis.document?.removeEventListener("visibilitychange", this.onHidden);
  }

  /** On free(): no more saves (queued ones are refused), and the tab lock is released. */
  close() {
    this.closed = true;
    this.stopAutosave();
    this.lock.release();
  }
}

function checkName(where, name) {
  if (typeof name !== "string" || name === "") {
    throw new TypeError(`${where}: name must be a non-empty string, got ${name === "" ? '""' : typeof name}`);
  }
}

function isRecord(r, name) {
  return (
    r !== null && typeof r === "object" && r.name === name && typeof r.id === "string" &&
    Number.isSafeInteger(r.revision) && r.revision > 0 && typeof r.snapshot === "object"
  );
}

function report(error) {
  if (typeof globalThis.reportError === "function") globalThis.reportError(error);
  else console.error(error);
}

function randomId() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

let connection = null; // Promise<IDBDatabase>, shared by every profile of this page

/** The database, opened (and created) once per page. */
function openDb(where) {
  if (typeof indexedDB === "undefined") {
    return Promise.reject(
      new Error(
        `${where}: IndexedDB is not available here; profiles need a browser (page or worker). ` +
          "Elsewhere, keep o.snapshot() yourself and restore it with Orchestrator.fromSnapshot().",
      ),
    );
  }
  connection ??= new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, DB_VERSION);
    req.onupgradeneeded = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains(STORE)) db.createObjectStore(STORE, { keyPath: "name" });
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

/**
 * Runs `body(store, done, tx)` in one transaction on the profiles store; resolves with the
 * value passed to `done` once the transaction has committed, rejects if it aborts.
 */
function transact(db, mode, body) {
  return new Promise((resolve, reject) => {
    const tx = db.transaction(STORE, mode, TX_OPTIONS);
    let result;
    tx.oncomplete = () => resolve(result);
    tx.onabort = () => reject(tx.error ?? new DOMException("The transaction was aborted", "AbortError"));
    body(tx.objectStore(STORE), (value) => (result = value), tx);
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
          resolve(lock ? { shared: false, release } : { shared: true, release() {} });
          return lock ? held : undefined;
        })
        .catch(reject);
    });
  } catch {
    return none; // e.g. a sandboxed iframe without storage access
  }
}
