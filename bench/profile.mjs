#!/usr/bin/env node
// Save and open times of a large IndexedDB profile in headless Chromium: a
// profile of 10 000 tracks and 500 000 edges (the start row's included), built in the page
// with baseGraph().reinforce, plus a build with learned bonuses, penalties and cooldowns and a
// playback history. Rows: a save after 50 lessons (a delta), a save after a rebuild (a delta
// with rows), a compaction (a checkpoint), and opening. The browser keeps its data on disk (a
// temporary user-data directory).
//
//   node bench/profile.mjs [--runs=5] [--out=bench/profile-results.json]
// (expects the built package: bash scripts/build.sh). tests/e2e/profile.test.mjs runs the
// same measurement and asserts the targets: a save after 50 lessons <= 5 ms on the
// main thread, opening <= 300 ms.
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import os from "node:os";
import { fileURLToPath } from "node:url";

export const TRACKS = 10_000;
export const EDGES = 500_000;

/**
 * Runs the measurement in `page` (tests/e2e/fixtures/profile.html) on profile `name`:
 * - compaction: the first save of the big profile, a checkpoint (every row);
 * - save after 50 lessons: 50 plays with feedback, then a save (a delta: the build's lessons,
 *   chain, recency and taste whole, no base row), `runs` times;
 * - open: `Orchestrator.open(name)` (one read transaction, checkpoint + deltas merged,
 *   fromSnapshot), `runs` times.
 * "main" is the main thread's share of a save: the synchronous part of flush() (saveDelta or
 * saveCheckpoint) plus every IndexedDB put() call (where the record is structured-cloned);
 * "total" is until the transaction has committed (durability "strict").
 */
export function measureProfile(page, { runs = 5, tracks = TRACKS, edges = EDGES, name = "bench" } = {}) {
  return page.evaluate(
    async ({ runs, tracks, edges, name }) => {
      const { Orchestrator } = window.mp;
      const h = window.h;
      const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
      // Main-thread time spent in put() (structured clone of the record).
      let putMs = 0;
      const put = IDBObjectStore.prototype.put;
      IDBObjectStore.prototype.put = function (...args) {
        const t = performance.now();
        try {
          return put.apply(this, args);
        } finally {
          putMs += performance.now() - t;
        }
      };
      const events = [];
      /** One flush: its main-thread share, its time to commit, and its save event. */
      const save = async (o) => {
        putMs = 0;
        const t = performance.now();
        const p = o.flush();
        const sync = performance.now() - t;
        await p;
        const total = performance.now() - t;
        return { mainMs: sync + putMs, syncMs: sync, putMs, totalMs: total, event: events.at(-1) };
      };
      // Autosave off but for flush() (no rebuild while timing, the longest delay).
      const options = { seed: 1, saveDelayMs: 2 ** 31 - 1, maxRuntimeDiffs: 1e9 };
      await Orchestrator.deleteProfile(name);
      let o = await Orchestrator.open(name, options);
      o.on("save", (e) => events.push(e));
      const t0 = performance.now();
      const edgeCount = h.buildBig(o, tracks, edges);
      const buildGraphMs = performance.now() - t0;
      o.rebuildRuntime("catalogue");
      h.train(o, 7, { tracks, edges: 0, steps: 2000, forget: false }); // lessons, a history, a taste
      // The diff manager (default maxRuntimeDiffs 50) rebuilds every 50 lessons or so, so a
      // build holds about 50 lessons: fold the 2000 into the base, as it would have.
      o.rebuildRuntime("trained");
      // The first save: a checkpoint of the whole profile.
      const compaction = await save(o);
      const lesson = [];
      let prev = o.playbackChain().current ?? 0;
      for (let r = 0; r < runs; r++) {
        for (let i = 0; i < 50; i++) {
          const next = o.playNext();
          o.feedback(prev, next, [5, 60, 200][i % 3], 200);
          prev = next;
        }
        lesson.push(await save(o));
      }
      // A rebuild folds the lessons into the base: a delta with the changed rows.
      o.rebuildRuntime("bench");
      const rebuild = await save(o);
      const expected = JSON.stringify(h.state(o));
      const snapshotMs = [];
      for (let i = 0; i < runs; i++) {
        const t = performance.now();
        o.snapshot();
        snapshotMs.push(performance.now() - t);
      }
      const loadMs = [];
      let same = true;
      for (let i = 0; i < runs; i++) {
        o.free();
        const t = performance.now();
        o = await Orchestrator.open(name, options);
        loadMs.push(performance.now() - t);
        if (i === 0) same = JSON.stringify(h.state(o)) === expected;
      }
      const header = await h.rawRecord(name);
      const deltas = (await h.rawDeltas(name)).length;
      o.free();
      await Orchestrator.deleteProfile(name);
      IDBObjectStore.prototype.put = put;
      const pick = (xs, k) => xs.map((x) => x[k]);
      return {
        tracks,
        edges: edgeCount,
        runs,
        restoredStateEqual: same,
        revision: header.revision,
        deltasStored: deltas,
        buildGraphMs,
        compaction: { mainMs: compaction.mainMs, totalMs: compaction.totalMs, bytes: compaction.event.bytes, kind: compaction.event.kind },
        saveAfter50Lessons: {
          mainMs: pick(lesson, "mainMs"),
          syncMs: pick(lesson, "syncMs"),
          putMs: pick(lesson, "putMs"),
          totalMs: pick(lesson, "totalMs"),
          bytes: lesson.map((x) => x.event.bytes),
          kinds: lesson.map((x) => x.event.kind),
        },
        saveAfterRebuild: { mainMs: rebuild.mainMs, totalMs: rebuild.totalMs, bytes: rebuild.event.bytes, kind: rebuild.event.kind },
        loadMs,
        snapshotMs,
        median: {
          saveAfter50LessonsMainMs: median(pick(lesson, "mainMs")),
          saveAfter50LessonsTotalMs: median(pick(lesson, "totalMs")),
          loadMs: median(loadMs),
          snapshotMs: median(snapshotMs),
        },
      };
    },
    { runs, tracks, edges, name },
  );
}

async function main() {
  const arg = (name, dflt) =>
    process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? dflt;
  const runs = Number(arg("runs", "5"));
  const load = Number(os.loadavg()[0].toFixed(2));
  const out = arg("out", fileURLToPath(new URL("./profile-results.json", import.meta.url)));
  const { profileSite } = await import("../tests/e2e/harness.mjs");
  const site = await profileSite();
  const browser = await site.launch();
  try {
    const page = await browser.newPage(site.url);
    const r = await measureProfile(page, { runs });
    const ms = (x) => `${x.toFixed(1)} ms`;
    const kb = (x) => `${(x / 1024).toFixed(0)} KB`;
    console.log(`IndexedDB profile, ${r.tracks} tracks, ${r.edges} edges; medians of ${runs}:`);
    console.log(`  save after 50 lessons (${r.saveAfter50Lessons.kinds[0]}, ${kb(r.saveAfter50Lessons.bytes[0])})  main thread ${ms(r.median.saveAfter50LessonsMainMs)}, committed in ${ms(r.median.saveAfter50LessonsTotalMs)}`);
    console.log(`  save after a rebuild (${r.saveAfterRebuild.kind}, ${kb(r.saveAfterRebuild.bytes)})  main thread ${ms(r.saveAfterRebuild.mainMs)}, committed in ${ms(r.saveAfterRebuild.totalMs)}`);
    console.log(`  compaction (${r.compaction.kind}, ${kb(r.compaction.bytes)})  main thread ${ms(r.compaction.mainMs)}, committed in ${ms(r.compaction.totalMs)}`);
    console.log(`  open          ${ms(r.median.loadMs)}   (snapshot() alone: ${ms(r.median.snapshotMs)})`);
    console.log(`  restored state equal to the saved one: ${r.restoredStateEqual}`);
    const result = {
      date: new Date().toISOString(),
      machine: {
        cpu: os.cpus()[0]?.model,
        cores: os.cpus().length,
        memoryGiB: Math.round(os.totalmem() / 2 ** 30),
        platform: `${os.platform()} ${os.release()}`,
        // Other work on the machine shows in the times: the 1-minute load when the run began.
        loadAverage1m: load,
      },
      browser: execFileSync(process.env.CHROMIUM ?? "/usr/bin/chromium", ["--version"], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "ignore"],
      }).trim(),
      node: process.version,
      ...r,
    };
    writeFileSync(out, JSON.stringify(result, null, 2) + "\n");
    console.log(`wrote ${out}`);
  } catch (e) {
    console.error(browser.printed());
    throw e;
  } finally {
    await browser.close();
    await site.close();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
