// Nothing lost: after feedback() and at once a reload, a closed page or a killed
// browser, with and without flush(), the lessons are there when the profile opens again; and
// what is stored is what snapshot() said (checkpoint + deltas replayed), including after
// stop() (the pendingCooldownSteps defect). Headless Chromium on a user-data directory on disk.
//
//   node --test tests/e2e/profile-durability.test.mjs
//   TRIALS=20 (default) reloads and closes per row; KILL_TRIALS=5 (default) killed browsers per row.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { profileSuite } from "./harness.mjs";

const TRIALS = Number(process.env.TRIALS ?? 20);
const KILL_TRIALS = Number(process.env.KILL_TRIALS ?? 5);

const withBrowser = profileSuite();

const ready = (page) => page.waitForFunction(() => document.documentElement.dataset.ready === "1");

/**
 * In the page: opens profile `name` (managers on, as an app runs it), makes a catalogue the
 * first time, then `n` plays each with its feedback; `flush`: awaits flush() after them.
 * Returns what must be stored: the parts of the snapshot that the lessons change and that no
 * manager's rebuild touches (taste, recency, chain, PRNG, replay), as JSON.
 */
function lessons(page, name, n, flush) {
  return page.evaluate(
    async ({ name, n, flush }) => {
      const o = (window.o ??= await mp.Orchestrator.open(name, { seed: 3 }));
      o.start();
      if (o.baseGraph().edgeCount === 0) {
        const g = o.baseGraph();
        for (let i = 1; i <= 30; i++) for (let k = 1; k <= 5; k++) g.reinforce(i, ((i + k * 7) % 30) + 1, k);
        g.free();
        o.rebuildRuntime("catalogue");
        await o.flush();
      }
      let prev = o.playbackChain().current ?? 0;
      for (let i = 0; i < n; i++) {
        const next = o.playNext();
        o.feedback(prev, next, [5, 60, 200][i % 3], 200);
        prev = next;
      }
      if (flush) await o.flush();
      window.lastLesson = performance.now();
      return h.learned(o);
    },
    { name, n, flush },
  );
}

/** What a fresh page opens from profile `name`: the same parts as `lessons()` returns. */
function reopened(page, name) {
  return page.evaluate(async (name) => {
    const o = (window.o = await mp.Orchestrator.open(name));
    return h.learned(o);
  }, name);
}

for (const how of ["reload", "close"]) {
  for (const flush of [false, true]) {
    for (const n of [1, 10, 1000]) {
      test(`${how}${flush ? " after flush()" : " at once"}: ${n} lesson${n > 1 ? "s" : ""}, ${TRIALS} trials, none lost`, async () => {
        await withBrowser(async (browser) => {
          let page = await browser.newPage();
          const lost = [];
          for (let t = 0; t < TRIALS; t++) {
            const expected = await lessons(page, "dur", n, flush);
            if (how === "reload") {
              await page.reload();
              await ready(page);
            } else {
              await page.close();
              page = await browser.newPage();
            }
            const got = await reopened(page, "dur");
            if (got !== expected) lost.push(t);
          }
          assert.deepEqual(lost, [], `trials whose lessons were lost: ${lost.join(", ")} of ${TRIALS}`);
        });
      });
    }
  }
}

/** The pid of the main Chromium process of `dataDir` (the one without --type=). */
function browserPid(dataDir) {
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    let cmd;
    try {
      cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
    } catch {
      continue;
    }
    if (cmd.some((a) => a === `--user-data-dir=${dataDir}`) && !cmd.some((a) => a.startsWith("--type="))) {
      return Number(pid);
    }
  }
  return undefined;
}

for (const n of [1, 10, 1000]) {
  test(`browser killed 250 ms after the last of ${n} lesson${n > 1 ? "s" : ""}: none lost (${KILL_TRIALS} trials)`, async () => {
    const { mkdtempSync, rmSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const dataDir = mkdtempSync(join(tmpdir(), "memory-player-kill-"));
    try {
      const lost = [];
      for (let t = 0; t < KILL_TRIALS; t++) {
        let expected;
        await withBrowser(async (browser) => {
          const page = await browser.newPage();
          expected = await lessons(page, "kill", n, false);
          await new Promise((r) => setTimeout(r, 250));
          const pid = browserPid(dataDir);
          assert.ok(pid, "the browser's pid");
          process.kill(pid, "SIGKILL");
        }, dataDir);
        await withBrowser(async (browser) => {
          const page = await browser.newPage();
          const got = await reopened(page, "kill");
          if (got !== expected) lost.push(t);
        }, dataDir);
      }
      assert.deepEqual(lost, [], `trials whose lessons were lost: ${lost.join(", ")} of ${KILL_TRIALS}`);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
}

test("a large state is kept apart from its header, in parts under 64 KiB, rewritten and dropped with it", async () => {
  await withBrowser(async (browser) => {
    const page = await browser.newPage();
    const r = await page.evaluate(async () => {
      const { MOST_STATE_PARTS, STATE_PART_BYTES } = await import("/memory-player/js/profile.js");
      const out = { limit: STATE_PART_BYTES, most: MOST_STATE_PARTS };
      const look = async (o) => {
        const header = await h.rawRecord("apart");
        const parts = await h.rawStateParts("apart");
        return {
          stateParts: header.stateParts,
          tracksApart: header.state.taste.tracks.apart,
          numbers: parts.map((p) => p.part),
          largest: Math.max(...parts.map((p) => p.bytes.byteLength)),
          stored: await h.storedSnapshot("apart"),
          live: h.plain(o.snapshot()),
        };
      };
      const o = await mp.Orchestrator.open("apart", { seed: 3, saveDelayMs: 2 ** 31 - 1 });
      h.buildBig(o, 3000, 30_000, 1);
      o.rebuildRuntime("catalogue");
      h.train(o, 7, { tracks: 3000, edges: 0, steps: 2000, forget: false });
      await o.flush();
      out.big = await look(o);
      // A smaller state: fewer parts, and none left over from the larger one.
      for (let id = 1; id <= 2900; id++) o.forgetTrack(id);
      await o.flush();
      out.small = await look(o);
      o.free();
      const again = await mp.Orchestrator.open("apart");
      out.reopened = h.plain(again.snapshot());
      again.free();
      // A part lost: the profile does not open as something else.
      await new Promise((resolve, reject) => {
        const req = indexedDB.open("memory-player");
        req.onsuccess = () => {
          const tx = req.result.transaction("states", "readwrite");
          tx.objectStore("states").delete(["apart", 0]);
          tx.oncomplete = () => (req.result.close(), resolve());
          tx.onabort = () => reject(tx.error);
        };
      });
      out.partLost = await h.failure(mp.Orchestrator.open("apart"));
      await mp.Orchestrator.deleteProfile("apart");
      out.afterDelete = (await h.rawStateParts("apart")).length;
      return out;
    });
    assert.ok(r.big.stateParts >= 3 && r.big.stateParts <= r.most, `a state of several parts (${r.big.stateParts})`);
    assert.equal(r.big.tracksApart, "Float64Array");
    assert.ok(r.big.largest <= r.limit && r.limit < 64 * 1024);
    assert.deepEqual(r.big.numbers, [...Array(r.big.stateParts).keys()]);
    assert.deepEqual(r.big.stored, r.big.live);
    assert.ok(r.small.stateParts < r.big.stateParts, `${r.small.stateParts} parts after forgetting`);
    assert.deepEqual(r.small.numbers, [...Array(r.small.stateParts).keys()]);
    assert.deepEqual(r.small.stored, r.small.live);
    assert.deepEqual(r.reopened, r.small.live);
    assert.equal(r.partLost?.name, "TypeError");
    assert.match(r.partLost.message, /profile "apart": the parts of its state/);
    assert.equal(r.afterDelete, 0);
  });
});

test("what is stored equals snapshot() at that revision: after stop(), after deltas, after a compaction", async () => {
  await withBrowser(async (browser) => {
    const page = await browser.newPage();
    const r = await page.evaluate(async () => {
      const out = {};
      const saves = [];
      const o = await mp.Orchestrator.open("eq", { seed: 9, saveDelayMs: 2 ** 31 - 1 });
      o.on("save", (e) => saves.push(e));
      h.buildBig(o, 400, 8_000, 1);
      h.train(o, 5, { tracks: 400, edges: 0, steps: 20 });
      await o.flush();
      // A defect once: a generated play while the managers run leaves a pending cooldown
      // step; stop() applies it. The stored profile must say what snapshot() says.
      o.start();
      o.playNext();
      await o.flush(); // stored with the step pending
      await o.stop();
      out.afterStop = { stored: await h.storedSnapshot("eq"), live: h.plain(o.snapshot()) };
      // Lessons only: deltas without rows.
      h.train(o, 6, { tracks: 400, edges: 0, steps: 20, forget: false });
      await o.flush();
      out.afterLessons = { stored: await h.storedSnapshot("eq"), live: h.plain(o.snapshot()) };
      // A rebuild and graph edits: deltas with rows; a forgotten track: a removed row.
      o.rebuildRuntime("by hand");
      const g = o.baseGraph();
      g.reinforce(3, 4, 2);
      g.free();
      o.forgetTrack(7);
      await o.flush();
      out.afterRows = { stored: await h.storedSnapshot("eq"), live: h.plain(o.snapshot()) };
      out.deltasBeforeCompaction = (await h.rawDeltas("eq")).length;
      // A big change: the deltas would outgrow a quarter of the checkpoint, so it compacts.
      h.buildBig(o, 400, 8_000, 2); // every row again
      await o.flush();
      out.afterCompaction = { stored: await h.storedSnapshot("eq"), live: h.plain(o.snapshot()) };
      out.deltasAfterCompaction = (await h.rawDeltas("eq")).length;
      out.kinds = saves.map((e) => e.kind);
      out.revisions = saves.map((e) => e.revision);
      out.eventsWellFormed = saves.every((e) => e.bytes > 0 && e.ms >= 0 && Number.isInteger(e.revision));
      o.free();
      // And it opens to the same state.
      const again = await mp.Orchestrator.open("eq");
      out.reopened = h.plain(again.snapshot());
      return out;
    });
    for (const k of ["afterStop", "afterLessons", "afterRows", "afterCompaction"]) {
      assert.deepEqual(r[k].stored, r[k].live, k);
    }
    assert.equal(r.afterStop.stored.pendingCooldownSteps, 0);
    assert.ok(r.deltasBeforeCompaction >= 1, "the rebuild and the edits wrote a delta with rows");
    assert.equal(r.deltasAfterCompaction, 0, "a checkpoint drops the deltas");
    assert.equal(r.kinds[0], "checkpoint");
    assert.equal(r.kinds.at(-1), "checkpoint");
    assert.ok(r.kinds.includes("delta"));
    assert.deepEqual(r.revisions, r.revisions.map((_, i) => i + 1));
    assert.ok(r.eventsWellFormed);
    assert.deepEqual(r.reopened, r.afterCompaction.live);
  });
});

test("a format 1 record (one whole snapshot) still opens, and its next save writes a checkpoint", async () => {
  await withBrowser(async (browser) => {
    const page = await browser.newPage();
    const r = await page.evaluate(async () => {
      const o = new mp.Orchestrator({ seed: 4 });
      h.train(o, 8);
      const snapshot = o.snapshot();
      const v1 = { ...snapshot, version: 1 };
      delete v1.taste;
      delete v1.replay;
      await h.writeRecord({ name: "old", id: "abc", revision: 5, savedAt: Date.now(), snapshot: v1 });
      const kinds = [];
      const opened = await mp.Orchestrator.open("old");
      opened.on("save", (e) => kinds.push([e.kind, e.revision]));
      const state = { edges: h.state(opened).edges, chain: opened.playbackChain() };
      opened.playNext();
      await opened.flush();
      const header = await h.rawRecord("old");
      const live = h.plain(opened.snapshot());
      const stored = await h.storedSnapshot("old");
      const { format, revision, id } = header;
      return { state, expected: { edges: h.state(o).edges, chain: o.playbackChain() }, kinds, header: { format, revision, id }, live, stored };
    });
    assert.deepEqual(r.state, r.expected);
    assert.deepEqual(r.kinds, [["checkpoint", 6]]);
    assert.deepEqual(r.header, { format: 2, revision: 6, id: "abc" });
    assert.deepEqual(r.stored, r.live);
  });
});
