// Directory profiles in Node: Orchestrator.open(name, { directory }) with the
// same format 2 as IndexedDB in files, atomic writes, a revision check between processes,
// deleteProfile(name, { directory }), a process killed mid-write, two processes on one profile.
//
//   node --test tests/node/profile-files.test.mjs   (needs npm run build)
import { test } from "node:test";
import assert from "node:assert/strict";
import { fork } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Orchestrator } from "memory-player";
import * as h from "../e2e/fixtures/profile-helpers.js";

const tmp = () => mkdtempSync(join(tmpdir(), "memory-player-files-"));
const CHILD = new URL("./fixtures/profile-child.mjs", import.meta.url);

/** A child process holding a profile; `ask(message)` resolves with its reply. */
async function child() {
  const p = fork(CHILD, { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const inbox = [];
  let wake = null;
  p.on("message", (m) => {
    inbox.push(m);
    wake?.();
  });
  const next = async () => {
    while (inbox.length === 0) await new Promise((r) => (wake = r));
    return inbox.shift();
  };
  assert.deepEqual(await next(), { ready: true });
  return {
    process: p,
    next,
    ask: async (m) => {
      p.send(m);
      return next();
    },
    kill: () => p.kill("SIGKILL"),
    exited: new Promise((r) => p.on("exit", r)),
  };
}

test("open, save, reopen: the same state; stored files are a checkpoint, deltas and a header", async () => {
  const directory = tmp();
  try {
    const saves = [];
    let o = await Orchestrator.open("alice", { directory, seed: 7, saveDelayMs: 2 ** 31 - 1 });
    assert.equal(o.profileShared, false);
    o.on("save", (e) => saves.push(e));
    h.buildBig(o, 200, 200 * 20 + 200, 1);
    h.train(o, 1, { tracks: 200, edges: 0, steps: 30 });
    await o.flush();
    h.train(o, 2, { tracks: 200, edges: 0, steps: 20, forget: false }); // its rebuild: a delta with rows
    await o.flush();
    o.playNext();
    await o.stop(); // waits for the save the play asked for
    const expected = { state: h.state(o), snapshot: h.plain(o.snapshot()) };
    o.free();
    assert.deepEqual(saves.map((e) => [e.revision, e.kind]), [[1, "checkpoint"], [2, "delta"], [3, "delta"]]);
    const files = readdirSync(directory).filter((f) => !f.endsWith(".open")).sort();
    assert.deepEqual(files, ["alice.1.checkpoint", "alice.2.delta", "alice.header"]);

    o = await Orchestrator.open("alice", { directory });
    assert.deepEqual(h.state(o), expected.state);
    assert.deepEqual(h.plain(o.snapshot()), expected.snapshot);
    o.free();

    // A name that is not a file name is percent-encoded; deleteProfile removes every file.
    const odd = await Orchestrator.open("../b*b.c", { directory });
    odd.playNext();
    await odd.flush();
    odd.free();
    assert.ok(readdirSync(directory).includes("%2E%2E%2Fb%2Ab%2Ec.header"));
    await Orchestrator.deleteProfile("alice", { directory });
    await Orchestrator.deleteProfile("nobody", { directory });
    assert.deepEqual(readdirSync(directory).filter((f) => f.startsWith("alice")), []);
    const fresh = await Orchestrator.open("alice", { directory });
    assert.equal(fresh.baseGraph().edgeCount, 0);
    fresh.free();
    await assert.rejects(Orchestrator.open("x", { directory: 5 }), { name: "TypeError", message: /directory/ });
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});

test("two processes on one profile: the second sees profileShared; a stale writer gets ProfileConflictError", async () => {
  const directory = tmp();
  const a = await child();
  try {
    assert.equal((await a.ask({ op: "open", name: "p", directory })).shared, false);
    await a.ask({ op: "train", seed: 1 });
    const first = await a.ask({ op: "flush" });
    assert.equal(first.ok, true);

    // This process opens the same profile while A holds it, and saves first.
    const warn = console.warn;
    const warned = [];
    console.warn = (m) => warned.push(m);
    const o = await Orchestrator.open("p", { directory, saveDelayMs: 2 ** 31 - 1 }).finally(() => (console.warn = warn));
    assert.equal(o.profileShared, true);
    assert.match(warned.join("\n"), /already open in another process/);
    assert.ok(h.learned(o) === first.learned, "this process opened what A saved");
    h.train(o, 2, { edges: 0, forget: false });
    await o.flush();
    const mine = h.learned(o);


    // A still holds the older revision: its save is refused, and nothing is overwritten.
    await a.ask({ op: "train", seed: 3, options: { edges: 0, forget: false } });
    const stale = await a.ask({ op: "flush" });

    assert.equal(stale.name, "ProfileConflictError");
    assert.match(stale.message, /changed elsewhere/);
    o.free();
    const again = await Orchestrator.open("p", { directory });
    assert.ok(h.learned(again) === mine, "what this process saved is stored");
    again.free();
  } finally {
    a.kill();
    await a.exited;
    rmSync(directory, { recursive: true, force: true });
  }
});

test("a process killed mid-write leaves the last committed save (or the one it was writing), never a broken profile", async () => {
  const directory = tmp();
  try {
    const outcomes = [];
    for (let trial = 0; trial < 8; trial++) {
      const c = await child();
      const opened = await c.ask({ op: "open", name: "k", directory });
      c.process.send({ op: "saveLoop" });
      // Messages: { saving: state } before each save, { committed: revision } after it.
      const saving = [opened.learned]; // what was stored when it opened, then what each save holds
      let committed = 0;
      const until = Date.now() + 150 + trial * 40;
      while (Date.now() < until) {
        const m = await Promise.race([c.next(), new Promise((r) => setTimeout(() => r(null), 5))]);
        if (m?.saving) saving.push(m.saving);
        if (m?.committed) committed++;
      }
      c.kill();
      await c.exited;
      // Whatever was in flight: the file store is one save behind or has it; never broken.
      const files = readdirSync(directory);
      const o = await Orchestrator.open("k", { directory });
      const got = h.learned(o);
      assert.ok(committed === 0 || files.includes("k.header"), `trial ${trial}: ${files}`);
      o.free();
      // Index 0: nothing of this trial committed; i: its i-th save.
      const at = saving.lastIndexOf(got);
      outcomes.push({ trial, saves: saving.length - 1, committed, opened: at });
      assert.ok(at >= 0, `trial ${trial}: the opened state is none that was stored`);
      assert.ok(at >= committed, `trial ${trial}: ${committed} saves were reported committed, but save ${at} opened`);
      // The next run continues from it (removes leftovers of the killed write as it checkpoints).
    }
    console.log(`killed mid-write: ${JSON.stringify(outcomes)}`);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});
