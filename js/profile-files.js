// The directory store of js/profile.js: `Orchestrator.open(name, { directory })` outside a
// browser (Node, Electron, Bun, Deno). The same format 2 as in IndexedDB (header, checkpoint,
// deltas), each record one file in the structured-clone encoding (node:v8 serialize: typed
// arrays stay typed arrays):
//
//   <name>.header                the header; renaming a new one in is a save's commit point
//   <name>.<revision>.checkpoint the checkpoint the header names
//   <name>.<revision>.delta      the base rows a save changed
//   <name>.lock                  held (O_EXCL) while a save checks and writes, or a load reads
//   <name>.open                  the pid of the process that has the profile open
//
// (<name> is the profile's name, percent-encoded.) Every file is written to a temporary file,
// fsynced and renamed, so a process killed mid-write leaves either the previous file or the new
// one; a save writes its delta or checkpoint before its header, so until the header's rename
// the previous save is what is stored, and files of a save that never committed are ignored
// (and removed by the next checkpoint). The revision check is made under the lock, so two
// processes never both write revision n + 1: the second gets a ProfileConflictError.
//
// It uses Node's built-in modules through process.getBuiltinModule, so the browser bundle,
// which includes this file, imports nothing.

const LOCK_STALE_MS = 10_000;
const LOCK_WAIT_MS = 5_000;

// Through globalThis: a bare `process` would make some bundlers (Parcel) polyfill it for the
// browser, where this file is bundled but never run.
const proc = () => globalThis.process;

function node() {
  const get = proc().getBuiltinModule;
  return { fs: get("node:fs/promises"), path: get("node:path"), v8: get("node:v8") };
}

const encode = (name) => encodeURIComponent(name).replace(/\./g, "%2E").replace(/\*/g, "%2A");

/** The store of profiles in `directory` (created if missing); a refused revision check
 * throws `new StoredConflict(currentHeader)`. */
export async function fileStore(directory, StoredConflict) {
  const { fs, path, v8 } = node();
  await fs.mkdir(directory, { recursive: true });
  const file = (name, suffix) => path.join(directory, `${encode(name)}.${suffix}`);

  async function readRecord(f) {
    try {
      return v8.deserialize(await fs.readFile(f));
    } catch (e) {
      if (e?.code === "ENOENT") return undefined;
      throw e;
    }
  }

  /** Writes `value` to `f` atomically: a temporary file, fsync, rename, fsync of the directory. */
  async function writeRecord(f, value) {
    const tmp = `${f}.${proc().pid}.${Math.random().toString(36).slice(2)}.tmp`;
    const handle = await fs.open(tmp, "w");
    try {
      await handle.writeFile(v8.serialize(value));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, f);
    await syncDirectory();
  }

  async function syncDirectory() {
    let handle;
    try {
      handle = await fs.open(directory, "r");
      await handle.sync();
    } catch {
      // Some systems cannot fsync a directory (Windows): the rename is atomic all the same.
    } finally {
      await handle?.close();
    }
  }

  /** Runs `body` holding the profile's write lock (a file made with O_EXCL). */
  async function locked(name, body) {
    const lockFile = file(name, "lock");
    const end = Date.now() + LOCK_WAIT_MS;
    for (;;) {
      // The lock file appears with the pid in it (a hard link of a file written first), so a
      // process killed while taking it leaves no empty lock.
      const tmp = `${lockFile}.${proc().pid}.${Math.random().toString(36).slice(2)}.tmp`;
      await fs.writeFile(tmp, String(proc().pid));
      try {
        await fs.link(tmp, lockFile);
        break;
      } catch (e) {
        if (e?.code !== "EEXIST") throw e;
        // A holder that died (killed mid-save) leaves its lock: break it when stale.
        const stale = await fs
          .stat(lockFile)
          .then(async (s) => {
            const pid = Number(await fs.readFile(lockFile, "utf8"));
            return Date.now() - s.mtimeMs > LOCK_STALE_MS || (pid > 0 && !alive(pid));
          })
          .catch(() => false); // released meanwhile: try again
        if (stale) {
          await fs.rm(lockFile, { force: true });
          continue;
        }
        if (Date.now() > end) throw new Error(`profile "${name}": its lock file ${lockFile} is held by another process`);
        await new Promise((r) => setTimeout(r, 5 + Math.random() * 10));
      } finally {
        await fs.rm(tmp, { force: true });
      }
    }
    try {
      return await body();
    } finally {
      await fs.rm(lockFile, { force: true });
    }
  }

  /** The revisions of `name`'s files with `suffix`, ascending. */
  async function revisions(name, suffix) {
    const prefix = `${encode(name)}.`;
    const out = [];
    for (const f of await fs.readdir(directory)) {
      if (!f.startsWith(prefix) || !f.endsWith(`.${suffix}`)) continue;
      const middle = f.slice(prefix.length, -suffix.length - 1);
      if (/^\d+$/.test(middle)) out.push(Number(middle));
    }
    return out.sort((a, b) => a - b);
  }

  const queue = new Map(); // name -> the last write issued by this process

  return {
    elsewhere: "process",
    here: "process",
    reload: "open the profile again",

    /** Marks the profile open by this process; `shared` when another live process has it. */
    async lock(name) {
      const f = file(name, "open");
      const holder = Number(await fs.readFile(f, "utf8").catch(() => ""));
      const shared = holder > 0 && holder !== proc().pid && alive(holder);
      if (shared) return { shared: true, release() {} };
      await fs.writeFile(f, String(proc().pid));
      let released = false;
      return {
        shared: false,
        release() {
          if (released) return;
          released = true;
          // Only our own mark, and never blocking free().
          fs.readFile(f, "utf8")
            .then((pid) => Number(pid) === proc().pid && fs.rm(f, { force: true }))
            .catch(() => {});
        },
      };
    },

    load(name) {
      return locked(name, async () => {
        const header = await readRecord(file(name, "header"));
        if (header?.format !== 2) return { header, deltas: [] };
        const at = (await revisions(name, "checkpoint")).filter((r) => r <= header.revision).at(-1);
        const checkpoint = at === undefined ? undefined : await readRecord(file(name, `${at}.checkpoint`));
        const deltas = [];
        for (const r of await revisions(name, "delta")) {
          if (r > at && r <= header.revision) deltas.push(await readRecord(file(name, `${r}.delta`)));
        }
        return { header, checkpoint, deltas };
      });
    },

    write(name, accepts, { header, checkpoint, delta }) {
      // One save at a time per process, in the order issued (each then takes the lock).
      const run = () =>
        locked(name, async () => {
          const current = await readRecord(file(name, "header"));
          if (!accepts(current)) throw new StoredConflict(current);
          if (checkpoint) await writeRecord(file(name, `${checkpoint.revision}.checkpoint`), checkpoint);
          else if (delta) await writeRecord(file(name, `${delta.revision}.delta`), delta);
          await writeRecord(file(name, "header"), header); // the commit point
          if (checkpoint) {
            // What the new checkpoint holds: older checkpoints and every delta up to it, and
            // leftovers of writes killed midway.
            for (const r of await revisions(name, "checkpoint")) {
              if (r !== checkpoint.revision) await fs.rm(file(name, `${r}.checkpoint`), { force: true });
            }
            for (const r of await revisions(name, "delta")) await fs.rm(file(name, `${r}.delta`), { force: true });
            const prefix = `${encode(name)}.`;
            for (const f of await fs.readdir(directory)) {
              if (f.startsWith(prefix) && f.endsWith(".tmp")) await fs.rm(path.join(directory, f), { force: true });
            }
          }
        });
      const done = (queue.get(name) ?? Promise.resolve()).then(run, run);
      queue.set(name, done.catch(() => {}));
      return done;
    },

    remove(name) {
      return locked(name, async () => {
        await fs.rm(file(name, "header"), { force: true });
        for (const suffix of ["checkpoint", "delta"]) {
          for (const r of await revisions(name, suffix)) await fs.rm(file(name, `${r}.${suffix}`), { force: true });
        }
      });
    },
  };
}

/** True when process `pid` is alive (signal 0 only checks). */
function alive(pid) {
  if (!(pid > 0)) return false;
  try {
    proc().kill(pid, 0);
    return true;
  } catch (e) {
    return e?.code === "EPERM";
  }
}
