#!/usr/bin/env node
// Save and load times of a large IndexedDB profile in headless Chromium (issue 5): a profile
// of 10 000 tracks and 500 000 edges (the start row's included), built in the page with
// baseGraph().reinforce, plus a build with learned bonuses, penalties and cooldowns and a
// playback history. Save = `await o.flush()` (snapshot() + one IndexedDB transaction,
// durability "strict"); load = `await Orchestrator.open(name)` (read + fromSnapshot()).
// The browser keeps its data on disk (a temporary user-data directory).
//
//   node bench/profile.mjs [--runs=3] [--out=bench/profile-results.json]
// (expects the built package: bash scripts/build.sh). tests/e2e/profile.test.mjs runs the
// same measurement and asserts each median is under 1 s.
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import os from "node:os";
import { fileURLToPath } from "node:url";

export const TRACKS = 10_000;
export const EDGES = 500_000;

/**
 * Runs the measurement in `page` (tests/e2e/fixtures/profile.html): `runs` saves and `runs`
 * loads of profile `name`. Returns every time in ms, their medians, and what was saved.
 */
export function measureProfile(page, { runs = 3, tracks = TRACKS, edges = EDGES, name = "bench" } = {}) {
  return page.evaluate(
    async ({ runs, tracks, edges, name }) => {
      const { Orchestrator } = window.mp;
      const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
      const time = async (f) => {
        const t = performance.now();
        const value = await f();
        return [performance.now() - t, value];
      };
      // Autosave off (longest delay, no rebuilds while timing): only flush() saves.
      const options = { seed: 1, saveDelayMs: 2 ** 31 - 1, maxRuntimeDiffs: 1e9 };
      await Orchestrator.deleteProfile(name);
      let o = await Orchestrator.open(name, options);
      const [buildMs, edgeCount] = await time(() => window.h.buildBig(o, tracks, edges));
      o.rebuildRuntime("catalogue");
      window.h.train(o, 7, { tracks, edges: 0, steps: 2000, forget: false }); // a build with lessons, a history
      const expected = window.h.state(o);
      const saveMs = [];
      const snapshotMs = [];
      for (let i = 0; i < runs; i++) {
        saveMs.push((await time(() => o.flush()))[0]);
        snapshotMs.push((await time(() => o.snapshot()))[0]); // the engine's share of a save
      }
      const snapshot = o.snapshot();
      const restoreMs = [];
      for (let i = 0; i < runs; i++) {
        restoreMs.push((await time(() => Orchestrator.fromSnapshot(snapshot).free()))[0]);
      }
      const loadMs = [];
      let same = true;
      for (let i = 0; i < runs; i++) {
        o.free();
        const [ms, opened] = await time(() => Orchestrator.open(name, options));
        loadMs.push(ms);
        o = opened;
        if (i === 0) same = JSON.stringify(window.h.state(o)) === JSON.stringify(expected);
      }
      const record = await window.h.rawRecord(name);
      o.free();
      await Orchestrator.deleteProfile(name);
      return {
        tracks,
        edges: edgeCount,
        runs,
        restoredStateEqual: same,
        revision: record.revision,
        snapshotJsonBytes: JSON.stringify(record.snapshot).length,
        buildGraphMs: buildMs,
        saveMs,
        loadMs,
        snapshotMs,
        fromSnapshotMs: restoreMs,
        median: {
          saveMs: median(saveMs),
          loadMs: median(loadMs),
          snapshotMs: median(snapshotMs),
          fromSnapshotMs: median(restoreMs),
        },
      };
    },
    { runs, tracks, edges, name },
  );
}

async function main() {
  const arg = (name, dflt) =>
    process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? dflt;
  const runs = Number(arg("runs", "3"));
  const load = Number(os.loadavg()[0].toFixed(2));
  const out = arg("out", fileURLToPath(new URL("./profile-results.json", import.meta.url)));
  const { profileSite } = await import("../tests/e2e/harness.mjs");
  const site = await profileSite();
  const browser = await site.launch();
  try {
    const page = await browser.newPage(site.url);
    const r = await measureProfile(page, { runs });
    const ms = (x) => `${x.toFixed(1)} ms`;
    console.log(`IndexedDB profile, ${r.tracks} tracks, ${r.edges} edges, ` +
      `snapshot ${(r.snapshotJsonBytes / 1e6).toFixed(1)} MB as JSON; medians of ${runs}:`);
    console.log(`  save (flush)  ${ms(r.median.saveMs)}   of which snapshot() ${ms(r.median.snapshotMs)}`);
    console.log(`  load (open)   ${ms(r.median.loadMs)}   of which fromSnapshot() ${ms(r.median.fromSnapshotMs)}`);
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
