#!/usr/bin/env node
// memory-player benchmark: the engine (wasm, through its public JS API) against a plain-JS
// implementation of the same rules (bench/plain.js), in one Node process, on synthetic graphs
// made with a fixed seed: each implementation in a worker thread of its own, the two timed in
// turn, sample by sample. See bench/README.md for the method.
//
//   node bench/run.mjs                 # full run (expects the built package: bash scripts/build.sh)
//   node bench/run.mjs --plain-only    # only the plain-JS side (no package needed)
//   options: --sizes=1000,10000 --runs=7 --no-memory --out=bench/results.json
//            --only=buildMany,feedbackPileUp,... (those workloads only: no memory, no per-edge build)
//            --policy=adaptive (the engine's policy against plain JS; default seed)
//
// The script re-spawns itself with --expose-gc (for the JS heap measurement and quiet GCs
// between workloads) and a larger heap.

import { spawn, spawnSync } from "node:child_process";
import { MessageChannel, Worker, isMainThread, receiveMessageOnPort, workerData } from "node:worker_threads";
import { existsSync, readFileSync, readdirSync, writeFileSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import os from "node:os";

import { mulberry32, PlainOrchestrator } from "./plain.js";
import { alternate, makeHistory } from "./workloads.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const self = fileURLToPath(import.meta.url);

// ---------------------------------------------------------------- arguments

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(`--${name}`);
const opt = (name, dflt) => {
  const a = argv.find((x) => x.startsWith(`--${name}=`));
  return a === undefined ? dflt : a.slice(name.length + 3);
};

const PLAIN_ONLY = flag("plain-only");
const SIZES = opt("sizes", "1000,10000,100000").split(",").map(Number);
const RUNS = Number(opt("runs", "7"));
const DEGREE = 50;
const HUB_DEGREE = 5000;
const GRAPH_SEED = 20240601;
const ENGINE_SEED = 42;
const ONLY = opt("only", null)?.split(",") ?? null;
const wanted = (workload) => ONLY === null || ONLY.includes(workload);
const OUT = opt("out", join(here, PLAIN_ONLY ? "results.plain-only.json" : ONLY ? "results.only.json" : "results.json"));
/** The workloads that run at one size only (10 000 tracks): one run takes seconds. */
const AT_10K = new Set(["feedbackPileUp", "learnHistory"]);
const HISTORY_PLAYS = 1_000_000;
/** The engine's policy in the comparison with plain JS: plain.js implements the seed rules. */
const POLICY = opt("policy", "seed");

const HEAP_FLAGS = ["--expose-gc", "--max-old-space-size=8192"];

if (typeof globalThis.gc !== "function") {
  // Re-spawn with --expose-gc; pass everything through.
  const r = spawnSync(process.execPath, [...HEAP_FLAGS, ...process.execArgv, self, ...argv], { stdio: "inherit" });
  process.exit(r.status ?? 1);
}

// ---------------------------------------------------------------- helpers

function gc() {
  globalThis.gc();
  globalThis.gc();
}

function fmtNs(ns) {
  if (ns == null || !Number.isFinite(ns)) return "—";
  if (ns < 1000) return `${ns.toFixed(ns < 10 ? 2 : ns < 100 ? 1 : 0)} ns`;
  if (ns < 1e6) return `${(ns / 1e3).toFixed(ns < 1e4 ? 2 : ns < 1e5 ? 1 : 0)} µs`;
  if (ns < 1e9) return `${(ns / 1e6).toFixed(ns < 1e7 ? 2 : ns < 1e8 ? 1 : 0)} ms`;
  return `${(ns / 1e9).toFixed(2)} s`;
}

function fmtBytes(b) {
  if (b == null || !Number.isFinite(b)) return "—";
  if (b < 1024) return `${b.toFixed(0)} B`;
  return `${(b / 1024).toFixed(1)} KiB`;
}

const sizeLabel = (n) => (n >= 1000 && n % 1000 === 0 ? `${n / 1000}k` : String(n));

/** A synthetic graph: `n` tracks, `deg` distinct weighted successors each, fixed seed. */
function makeGraph(n, deg, seed) {
  const rnd = mulberry32(seed ^ n);
  const from = new Uint32Array(n * deg);
  const to = new Uint32Array(n * deg);
  const w = new Float64Array(n * deg);
  const stamp = new Uint32Array(n + 1);
  let peaked = 0;
  for (let t = 1, i = 0; t <= n; t++) {
    const rowStart = i;
    for (let j = 0; j < deg; ) {
      const c = 1 + Math.floor(rnd() * n);
      if (c === t || stamp[c] === t) continue;
      stamp[c] = t;
      from[i] = t;
      to[i] = c;
      w[i] = 1 + Math.floor(rnd() * 20);
      i++;
      j++;
    }
    // A quarter of the rows are "peaked": one favourite successor dominates (Gini under 0.5),
    // so the weighted path of the selector is exercised, not only the top-k one.
    if (rnd() < 0.25) {
      w[rowStart + Math.floor(rnd() * deg)] = 2000;
      peaked++;
    }
  }
  return { n, deg, from, to, w, peaked };
}

/** Random queries over the graph, shared by both implementations. */
function makeQueries(g, seed) {
  const rnd = mulberry32(seed);
  const Q = 1 << 16;
  const ids = new Uint32Array(Q);
  const from = new Uint32Array(Q);
  const to = new Uint32Array(Q);
  for (let k = 0; k < Q; k++) {
    ids[k] = 1 + Math.floor(rnd() * g.n);
    const t = 1 + Math.floor(rnd() * g.n);
    from[k] = t;
    to[k] = g.to[(t - 1) * g.deg + Math.floor(rnd() * g.deg)];
  }
  return { ids, from, to };
}

async function loadEngine() {
  // The package's default entry (built by scripts/build.sh, the wasm embedded).
  const entry = join(root, "pkg", "inline", "memory_player.js");
  for (const need of [entry]) {
    if (!existsSync(need)) return { error: new Error(`${relative(process.cwd(), need)} does not exist`) };
  }
  try {
    return { mod: await import(pathToFileURL(entry).href) };
  } catch (error) {
    return { error };
  }
}

// ---------------------------------------------------------------- memory (child processes)

/** Runs in a fresh process: memory growth while one implementation builds one graph. */
async function memoryChild(impl, n) {
  const g = makeGraph(n, DEGREE, GRAPH_SEED);
  const W = await import(`./workloads.mjs?memory-${impl}`);
  let out;
  if (impl === "wasm") {
    const { mod, error } = await loadEngine();
    if (error) throw error;
    const before = mod.wasmMemoryBytes();
    const o = new mod.Orchestrator({ seed: ENGINE_SEED });
    const b = W.build(o, g);
    const after = mod.wasmMemoryBytes();
    out = { impl, n, edges: b.edgeCount, before, after, bytesPerEdge: (after - before) / b.edgeCount, buildNs: b.buildNs };
  } else {
    gc();
    const before = process.memoryUsage().heapUsed;
    const o = new PlainOrchestrator({ seed: ENGINE_SEED });
    const b = W.build(o, g);
    gc();
    const after = process.memoryUsage().heapUsed;
    out = { impl, n, edges: b.edgeCount, before, after, bytesPerEdge: (after - before) / b.edgeCount, buildNs: b.buildNs };
    if (o.runtimeGraph().diffs !== 0) throw new Error("unreachable"); // keeps `o` alive until after the measurement
  }
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

function runChild(impl, n) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...HEAP_FLAGS, self, "--child=memory", `--impl=${impl}`, `--size=${n}`], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let text = "";
    child.stdout.on("data", (d) => (text += d));
    child.on("close", (code) => {
      try {
        if (code !== 0) throw new Error(`exit ${code}`);
        resolve(JSON.parse(text.trim().split("\n").pop()));
      } catch (e) {
        resolve({ impl, n, error: String(e) });
      }
    });
  });
}

async function measureMemory(impls) {
  const jobs = [];
  for (const n of SIZES) for (const impl of impls) jobs.push([impl, n]);
  const results = [];
  // Two at a time (this runs before any timing, so it disturbs nothing).
  const workers = Array.from({ length: Math.min(2, jobs.length) }, async () => {
    while (jobs.length) {
      const [impl, n] = jobs.shift();
      results.push(await runChild(impl, n));
    }
  });
  await Promise.all(workers);
  return results;
}

// ---------------------------------------------------------------- download size

function gz(path) {
  return gzipSync(readFileSync(path), { level: 9 }).length;
}

function downloadSize() {
  const web = join(root, "pkg", "web");
  const out = { files: {}, gzipBytes: null, source: null };
  const sizeJson = join(root, "pkg", "size.json");
  if (existsSync(sizeJson)) {
    try {
      out.sizeJson = JSON.parse(readFileSync(sizeJson, "utf8"));
    } catch (e) {
      out.sizeJsonError = String(e);
    }
  }
  // What a web app downloads: the wasm, its JS glue (with any wasm-bindgen snippets) and the
  // browser entry, each gzipped -9 on its own as a server would send them (the files
  // scripts/size.mjs counts).
  const list = [join(web, "memory_player_bg.wasm"), join(web, "memory_player.js")];
  const walk = (dir) => {
    if (!existsSync(dir)) return;
    for (const f of readdirSync(dir)) {
      const p = join(dir, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (f.endsWith(".js")) list.push(p);
    }
  };
  walk(join(web, "snippets"));
  list.push(join(root, "js", "browser.js"));
  for (const p of list) {
    if (existsSync(p)) out.files[relative(root, p)] = { bytes: statSync(p).size, gzipBytes: gz(p) };
  }
  if (out.files["pkg/web/memory_player_bg.wasm"] && out.files["pkg/web/memory_player.js"]) {
    const files = Object.values(out.files);
    out.gzipBytes = files.reduce((s, f) => s + f.gzipBytes, 0);
    out.rawBytes = files.reduce((s, f) => s + f.bytes, 0);
    out.source = "gzip -9 of each file, summed: " + Object.keys(out.files).join(", ");
  }
  const fromJson = out.sizeJson && findGzipTotal(out.sizeJson);
  if (fromJson != null) out.gzipBytesFromSizeJson = fromJson;
  out.plainGzipBytes = gz(join(here, "plain.js"));
  return out;
}

/** Best effort: the total gzipped bytes in pkg/size.json, whatever its exact shape. */
function findGzipTotal(j) {
  if (typeof j !== "object" || j === null) return null;
  for (const key of ["totalGzip", "gzipTotal", "totalGzip", "gzip_total", "total_gzip", "gzipBytes", "gzip"]) {
    if (typeof j[key] === "number") return j[key];
    if (typeof j[key] === "object" && j[key] !== null && typeof j[key].total === "number") return j[key].total;
  }
  if (typeof j.total === "object" && j.total !== null) return findGzipTotal(j.total);
  return null;
}

// ---------------------------------------------------------------- cross-check

/** Both implementations must agree on every probability after the same lessons. */
function crossCheck(mod) {
  const g = makeGraph(300, 20, GRAPH_SEED);
  const q = makeQueries(g, 99);
  const a = new mod.Orchestrator({ seed: 1 });
  const b = new PlainOrchestrator({ seed: 1 });
  const listened = [200, 60, 10];
  for (const o of [a, b]) {
    const bg = o.baseGraph();
    for (let t = 1, i = 0; t <= g.n; t++) for (let j = 0; j < g.deg; j++, i++) bg.reinforce(t, g.to[i], g.w[i]);
    o.rebuildRuntime("x");
    for (let k = 0; k < 2000; k++) {
      if (k % 4 === 0) o.learn(q.from[k], q.to[k]);
      else o.feedback(q.from[k], q.to[k], listened[k % 3], 200);
    }
    o.rebuildRuntime("y");
    for (let k = 2000; k < 2600; k++) o.feedback(q.from[k], q.to[k], listened[k % 3], 200);
  }
  let rows = 0;
  for (let from = 0; from <= g.n; from++) {
    const pa = a.runtimeGraph().probabilities(from);
    const pb = b.runtimeGraph().probabilities(from);
    if (pa.size !== pb.size) throw new Error(`cross-check: row ${from}: ${pa.size} vs ${pb.size} candidates`);
    for (const [id, p] of pa) {
      if (!(Math.abs(p - (pb.get(id) ?? NaN)) < 1e-12)) throw new Error(`cross-check: ${from}->${id}: ${p} vs ${pb.get(id)}`);
    }
    const ea = a.baseGraph().edges(from);
    const eb = b.baseGraph().edges(from);
    for (const [id, w] of ea) if (w !== eb.get(id)) throw new Error(`cross-check: base ${from}->${id}: ${w} vs ${eb.get(id)}`);
    rows++;
  }
  if (a.baseGraph().edgeCount !== b.baseGraph().edgeCount) throw new Error("cross-check: edge counts differ");
  a.free();
  return { rows, edges: b.baseGraph().edgeCount, lessons: 2600 };
}

// ---------------------------------------------------------------- timing, in one worker per side

const log = (s) => process.stderr.write(`${s}\n`);

/**
 * The workloads both implementations run, in the order each engine goes through them (so each
 * carries what the ones before left), and how one is prepared on an engine: its side.
 */
const PAIRED = {
  probabilities: ({ W, o, q }) => W.probabilities(o, q, RUNS),
  probabilitiesCached: ({ W, o, q }) => W.probabilitiesCached(o, q, RUNS),
  playNext: ({ W, o }) => W.playNext(o, RUNS),
  rebuild50: ({ W, o, q }) => W.rebuildAfter50(o, q, RUNS),
  learn: ({ W, o, q }) => W.learn(o, q, RUNS),
  feedback: ({ W, o, q }) => W.feedback(o, q, RUNS),
  learnPileUp: ({ W, o, q }) => W.learnPileUp(o, q, RUNS),
  hub: ({ W, o, n }) => W.hub(o, n, RUNS, HUB_DEGREE),
  buildMany: ({ W, create, g }) => W.buildMany(create, g),
  feedbackPileUp: ({ W, o, q }) => W.feedbackPileUp(o, q, Math.min(RUNS, 5)),
  playTrack: ({ W, o, q }) => W.playTrack(o, q, RUNS),
  queue: ({ W, o, q }) => W.queue(o, q, RUNS),
  learnHistory: ({ W, create, n }) => W.learnHistory(create, makeHistory(HISTORY_PLAYS, n, GRAPH_SEED)),
};

/**
 * The default (adaptive) policy has no plain-JS twin: its picks are timed alone, on an engine of
 * its own that has answered 3 000 plays, so that it has evidence, rings and a window to work with.
 */
const ADAPTIVE = {
  playNextAdaptive: ({ W, o }) => W.playNext(o, RUNS),
  explainAdaptive: ({ W, o }) => W.explainNext(o, RUNS),
};

/**
 * Runs in a worker thread: one implementation's engines and workloads, driven one call at a
 * time by the main thread. Each implementation gets a JS heap of its own, as when each ran in
 * its own stretch of the run: wasm memory grows in steps as an engine fills, and V8 counts each
 * step as new external memory and marks the JS heap; beside plain JS's graph in one heap, that
 * marking took seconds of wasm's samples (30 s for one sample of buildMany at 100k).
 */
async function sideWorker({ impl, port, flag: done }) {
  let ops = null;
  let failed;
  try {
    ops = await sideOps(impl);
  } catch (e) {
    failed = String(e?.message ?? e);
  }
  port.on("message", ({ op, args }) => {
    let reply;
    try {
      reply = ops ? { value: ops[op](...args) } : { error: failed };
    } catch (e) {
      reply = { error: String(e?.message ?? e) };
    }
    port.postMessage(reply);
    Atomics.store(done, 0, 1);
    Atomics.notify(done, 0);
  });
}

/** What a side's worker does when asked, by name. */
async function sideOps(impl) {
  const W = await import(`./workloads.mjs?impl=${impl}`);
  const { mod, error } = impl === "wasm" ? await loadEngine() : {};
  if (error) throw error;
  // The comparison with bench/plain.js runs the rules it implements: the seed rules, unless
  // --policy=adaptive asks what the default policy's extra bookkeeping costs.
  const create =
    impl === "wasm" ? () => new mod.Orchestrator({ seed: ENGINE_SEED, policy: POLICY }) : () => new PlainOrchestrator({ seed: ENGINE_SEED });
  let at = null; // what the workloads of one size work on: { W, o, create, n, g, q }
  let side = null;
  return {
    gc,
    /** Builds the size's engine; returns the per-edge build's timing, if it was built so. */
    setup(n) {
      const g = makeGraph(n, DEGREE, GRAPH_SEED);
      const o = create();
      at = { W, o, create, n, g, q: makeQueries(g, GRAPH_SEED + 1) };
      if (wanted("build")) return W.build(o, g);
      o.baseGraph().reinforceMany(g.from, g.to, g.w);
      o.rebuildRuntime("catalogue loaded");
      return null;
    },
    /** Swaps the size's engine for one under the default policy that has answered 3 000 plays. */
    setupAdaptive() {
      at.o.free?.();
      at.o = new mod.Orchestrator({ seed: ENGINE_SEED });
      W.build(at.o, at.g);
      W.listen(at.o, 3000);
    },
    teardown() {
      at.o.free?.();
      at = null;
    },
    prepare(workload) {
      side = (PAIRED[workload] ?? ADAPTIVE[workload])(at);
      return { runs: side.runs, warmups: side.warmups, batch: side.batch };
    },
    start() {
      side.start?.();
      return side.batch;
    },
    sample: () => side.sample(),
    rewarm: () => side.rewarm?.(),
    end: () => side.end?.(),
  };
}

/**
 * The main thread's handle on one side's worker. `call` blocks until the worker answers: the
 * main thread runs one side at a time, so the two sides never run at once.
 */
class SideThread {
  constructor(impl) {
    const { port1, port2 } = new MessageChannel();
    this.impl = impl;
    this.port = port1;
    this.done = new Int32Array(new SharedArrayBuffer(4));
    this.worker = new Worker(self, { argv, workerData: { impl, port: port2, flag: this.done }, transferList: [port2] });
  }

  call(op, ...args) {
    Atomics.store(this.done, 0, 0);
    this.port.postMessage({ op, args });
    if (Atomics.wait(this.done, 0, 0, 30 * 60_000) === "timed-out") throw new Error(`${this.impl} worker: no answer to ${op}`);
    const reply = receiveMessageOnPort(this.port)?.message;
    if (reply === undefined) throw new Error(`${this.impl} worker: no answer to ${op}`);
    if (reply.error !== undefined) throw new Error(reply.error);
    return reply.value;
  }

  /** The worker's side of `workload`, prepared, as `alternate` takes it. */
  prepare(workload) {
    const { runs, warmups, batch } = this.call("prepare", workload);
    const side = this;
    return {
      runs,
      warmups,
      batch,
      start() {
        this.batch = side.call("start");
      },
      sample: () => side.call("sample"),
      rewarm: () => side.call("rewarm"),
      end: () => side.call("end"),
    };
  }
}

/**
 * Prepares one workload on each side and times the sides in alternation; records and logs each
 * implementation's result or error.
 */
function timeWorkload(out, sides, workload, n) {
  const ready = [];
  for (const side of sides) {
    try {
      side.call("gc");
      ready.push({ impl: side.impl, side: side.prepare(workload) });
    } catch (e) {
      out.timings.push({ workload, n, impl: side.impl, error: String(e?.message ?? e) });
      log(`[${side.impl} ${sizeLabel(n)}] ${workload}: FAILED: ${e?.message ?? e}`);
    }
  }
  if (ready.length === 0) return;
  alternate(ready.map((r) => r.side)).forEach((r, k) => {
    const impl = ready[k].impl;
    out.timings.push({ workload, n, impl, ...r });
    if (r.error) log(`[${impl} ${sizeLabel(n)}] ${workload}: FAILED: ${r.error}`);
    else log(`[${impl} ${sizeLabel(n)}] ${workload}: ${fmtNs(r.medianNs)} (batch ${r.batch})`);
  });
}

/**
 * Every workload at every size: per size, each side builds its engine (wasm's first, then plain
 * JS's, one right after the other), then each workload that both run is timed on both in
 * alternation (`alternate` in workloads.mjs), so the machine's drift over minutes slows both
 * alike; then the adaptive policy's workloads, on wasm alone.
 */
function timeAll(out, sides) {
  for (const n of SIZES) {
    for (const side of sides) {
      side.call("gc");
      const b = side.call("setup", n);
      if (b === null) continue;
      out.builds.push({ impl: side.impl, n, ...b, perCallNs: b.buildNs / b.calls });
      log(`[${side.impl} ${sizeLabel(n)}] built ${b.edgeCount} edges in ${fmtNs(b.buildNs)} (${fmtNs(b.buildNs / b.calls)}/reinforce)`);
    }
    for (const workload of Object.keys(PAIRED)) {
      if (wanted(workload) && (!AT_10K.has(workload) || n === 10000)) timeWorkload(out, sides, workload, n);
    }
    const wasm = sides.find((side) => side.impl === "wasm");
    for (const side of sides) if (side !== wasm) side.call("teardown");
    if (wasm) {
      wasm.call("gc");
      wasm.call("setupAdaptive");
      for (const workload of Object.keys(ADAPTIVE)) timeWorkload(out, [wasm], workload, n);
      wasm.call("teardown");
    }
  }
}

// ---------------------------------------------------------------- main

async function main() {
  const started = Date.now();
  const engine = PLAIN_ONLY ? null : await loadEngine();
  if (engine?.error) {
    console.error(`memory-player package not found or not loadable: ${engine.error.message ?? engine.error}`);
    console.error("Build it first (bash scripts/build.sh), or run with --plain-only.");
    process.exit(2);
  }
  const mod = engine?.mod;

  const impls = mod ? ["wasm", "plain"] : ["plain"];

  const meta = {
    date: new Date().toISOString(),
    node: process.version,
    v8: process.versions.v8,
    cpu: os.cpus()[0]?.model ?? "unknown",
    cores: os.cpus().length,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    totalMemGB: +(os.totalmem() / 2 ** 30).toFixed(1),
    loadAvgAtStart: os.loadavg().map((x) => +x.toFixed(2)),
    command: `node ${relative(process.cwd(), self)} ${argv.join(" ")}`.trim(),
    sizes: SIZES,
    degree: DEGREE,
    hubDegree: HUB_DEGREE,
    runs: RUNS,
    graphSeed: GRAPH_SEED,
    engineSeed: ENGINE_SEED,
    policy: POLICY,
  };
  if (meta.loadAvgAtStart[0] > meta.cores / 2) {
    log(`warning: load average ${meta.loadAvgAtStart[0]} on ${meta.cores} cores: other work is running, timings will be noisy`);
  }
  log(`memory-player bench: ${meta.cpu} x${meta.cores}, Node ${meta.node}, sizes ${SIZES.join("/")}, ${RUNS} runs${mod ? "" : " (plain JS only)"}`);

  let cross = null;
  if (mod) {
    try {
      cross = crossCheck(mod);
      log(`cross-check: both implementations agree on ${cross.rows} rows after ${cross.lessons} lessons`);
    } catch (e) {
      cross = { error: String(e?.message ?? e) };
      log(`cross-check FAILED: ${cross.error}`);
    }
  }

  const memory = flag("no-memory") || ONLY !== null ? [] : await measureMemory(impls);
  if (memory.length) log(`memory: measured in ${memory.length} fresh processes`);

  const out = { timings: [], builds: [] };
  const sides = impls.map((impl) => new SideThread(impl));
  try {
    timeAll(out, sides);
  } finally {
    await Promise.all(sides.map((side) => side.worker.terminate()));
  }
  const { timings, builds } = out;

  const download = mod ? downloadSize() : { plainGzipBytes: gz(join(here, "plain.js")) };
  meta.loadAvgAtEnd = os.loadavg().map((x) => +x.toFixed(2));
  const report = buildReport(meta, timings, builds, memory, download, cross, !!mod);
  report.elapsedSeconds = (Date.now() - started) / 1000;
  writeFileSync(OUT, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(report.markdown);
  log(`\nwrote ${relative(process.cwd(), OUT)} in ${report.elapsedSeconds.toFixed(0)} s`);
}

// ---------------------------------------------------------------- report

const WORKLOADS = {
  playNextAdaptive: { label: "playNext, default (adaptive) policy, after 3 000 answered plays" },
  explainAdaptive: { label: "explainNext() (50 candidates at most), adaptive policy" },
  playNext: { label: "playNext, seed rules (generated, repeat window 8)" },
  hub: { label: `playNext out of a ${HUB_DEGREE}-successor track (hub pick + return pick)` },
  learn: { label: "learn (≤ 50 lessons per build)" },
  feedback: { label: "feedback: reinforce / partial / skip (≤ 50 per build)" },
  learnPileUp: { label: `learn, ${5000 * (RUNS + 1)} lessons piling up in one build` },
  rebuild50: { label: "rebuildRuntime after 50 learn calls" },
  probabilities: { label: "runtimeGraph().probabilities(id)" },
  probabilitiesCached: { label: "probabilities(id) on a kept handle" },
  buildMany: { label: "build: baseGraph().reinforceMany, one call (+ first rebuild)", total: true },
  feedbackPileUp: { label: "feedback, 100 000 piling up in one build (managers stopped)", only: 10000 },
  playTrack: { label: "playTrack(id): a choice, played and learned (≤ 50 per build)" },
  queue: { label: "enqueue(id) + playNext() from the queue" },
  learnHistory: { label: `learnHistory, ${HISTORY_PLAYS / 1e6}M plays of a simulated listener, one call`, total: true, only: 10000 },
};

/** The target of a row and whether it is met; null when no target applies. */
function target(workload, n, wasmNs, ratio) {
  switch (workload) {
    case "playNext":
      return n === 10000 ? { text: "≤ 2 µs and ≥ 10x", met: wasmNs <= 2000 && ratio >= 10 } : null;
    case "playNextAdaptive":
      return n === 10000 ? { text: "≤ 2 µs", met: wasmNs <= 2000 } : null;
    case "hub":
      return { text: "≤ 50 µs", met: wasmNs <= 50000 };
    case "learn":
    case "feedback":
      return { text: "≤ 1 µs", met: wasmNs <= 1000 };
    case "rebuild50":
      return n === 10000 ? { text: "≤ 5 ms (500k edges)", met: wasmNs <= 5e6 } : null;
    case "feedbackPileUp":
      return { text: "≥ 2x plain JS", met: ratio >= 2 };
    case "learnHistory":
      return { text: "≤ 3 s", met: wasmNs <= 3e9 };
    case "buildMany":
      return n === 100000 ? { text: "≤ 2 s (5.1M edges)", met: wasmNs <= 2e9 } : null;
    default:
      return null;
  }
}

function buildReport(meta, timings, builds, memory, download, cross, haveWasm) {
  const rows = [];
  const get = (list, pred) => list.find(pred);
  for (const workload of Object.keys(WORKLOADS)) {
    for (const n of meta.sizes) {
      const w = get(timings, (t) => t.workload === workload && t.n === n && t.impl === "wasm");
      const p = get(timings, (t) => t.workload === workload && t.n === n && t.impl === "plain");
      if (!w && !p) continue;
      const ratio = w?.medianNs && p?.medianNs ? p.medianNs / w.medianNs : null;
      const t = haveWasm && w?.medianNs != null ? target(workload, n, w.medianNs, ratio) : null;
      rows.push({
        workload,
        label: WORKLOADS[workload].label,
        size: n,
        unit: WORKLOADS[workload].total ? "ns total" : "ns/call",
        wasm: w?.medianNs ?? null,
        plain: p?.medianNs ?? null,
        ratio,
        target: t?.text ?? (workload === "playNext" || workload === "rebuild50" ? "(at 10k)" : null),
        met: t ? t.met : null,
        wasmRange: w ? [w.minNs, w.maxNs] : null,
        plainRange: p ? [p.minNs, p.maxNs] : null,
        batch: { wasm: w?.batch ?? null, plain: p?.batch ?? null },
        errors: [w?.error && `wasm: ${w.error}`, p?.error && `plain: ${p.error}`].filter(Boolean),
      });
    }
  }
  for (const n of meta.sizes) {
    const w = get(builds, (b) => b.impl === "wasm" && b.n === n);
    const p = get(builds, (b) => b.impl === "plain" && b.n === n);
    if (!w && !p) continue;
    rows.push({
      workload: "build",
      label: "build: baseGraph().reinforce per edge (+ first rebuild)",
      size: n,
      unit: "ns total",
      wasm: w ? w.buildNs + w.firstRebuildNs : null,
      plain: p ? p.buildNs + p.firstRebuildNs : null,
      ratio: w && p ? (p.buildNs + p.firstRebuildNs) / (w.buildNs + w.firstRebuildNs) : null,
      target: null,
      met: null,
      edges: (w ?? p).edgeCount,
      perReinforceNs: { wasm: w?.perCallNs ?? null, plain: p?.perCallNs ?? null },
    });
  }
  for (const n of meta.sizes) {
    const w = get(memory, (m) => m.impl === "wasm" && m.n === n);
    const p = get(memory, (m) => m.impl === "plain" && m.n === n);
    if (!w && !p) continue;
    const wb = w && !w.error ? w.bytesPerEdge : null;
    const pb = p && !p.error ? p.bytesPerEdge : null;
    rows.push({
      workload: "memoryPerEdge",
      label: "memory per edge (wasm memory growth / JS heap growth)",
      size: n,
      unit: "bytes/edge",
      wasm: wb,
      plain: pb,
      ratio: wb && pb ? pb / wb : null,
      target: haveWasm ? "≤ 24 B" : null,
      met: haveWasm && wb != null ? wb <= 24 : null,
      edges: (w ?? p).edges,
      errors: [w?.error, p?.error].filter(Boolean),
    });
  }
  if (haveWasm) {
    const bytes = download.gzipBytesFromSizeJson ?? download.gzipBytes;
    rows.push({
      workload: "gzipSize",
      label: "download, gzipped (wasm + JS glue)",
      size: null,
      unit: "bytes",
      wasm: bytes,
      plain: download.plainGzipBytes,
      ratio: bytes ? download.plainGzipBytes / bytes : null,
      target: "≤ 80 KB",
      met: bytes != null ? bytes <= 80 * 1000 : null,
    });
  }

  const fmt = (r, v) => (r.unit === "bytes/edge" ? (v == null ? "—" : `${v.toFixed(1)} B`) : r.unit === "bytes" ? fmtBytes(v) : fmtNs(v));
  const lines = [];
  lines.push(`## memory-player benchmark`);
  lines.push("");
  lines.push(
    `${meta.date.slice(0, 10)} · Node ${meta.node} · ${meta.cpu} (${meta.cores} cores, ${meta.totalMemGB} GB) · ${meta.platform} · load average ${meta.loadAvgAtStart[0]} at start, ${meta.loadAvgAtEnd[0]} at end`,
  );
  lines.push(
    `Graphs: N tracks x ${meta.degree} weighted successors (+ the start row), seed ${meta.graphSeed}; median of ${meta.runs} runs, per call. Command: \`${meta.command}\``,
  );
  lines.push("");
  lines.push("| workload | size | memory-player | plain JS | ratio (plain/wasm) | target | met? |");
  lines.push("|---|---|---|---|---|---|---|");
  for (const r of rows) {
    const size = r.size == null ? "—" : `${sizeLabel(r.size)}${r.workload === "memoryPerEdge" || r.workload === "build" ? ` (${(r.edges / 1e6).toFixed(2)}M edges)` : ""}`;
    const ratio = r.ratio == null ? "—" : `${r.ratio.toFixed(r.ratio < 10 ? 2 : 1)}x`;
    const met = r.met == null ? "" : r.met ? "yes" : "**no**";
    const cell = (v, impl) => (v == null && r.errors?.some((e) => e.startsWith(impl)) ? "error" : fmt(r, v));
    lines.push(`| ${r.label} | ${size} | ${cell(r.wasm, "wasm")} | ${cell(r.plain, "plain")} | ${ratio} | ${r.target ?? ""} | ${met} |`);
  }
  lines.push("");
  const errors = rows.flatMap((r) => (r.errors ?? []).map((e) => `${r.workload} ${r.size ?? ""}: ${e}`));
  if (errors.length) lines.push(`Errors: ${[...new Set(errors)].join("; ")}`, "");
  if (cross?.error) lines.push(`**Cross-check failed**: ${cross.error}`);
  else if (cross) lines.push(`Cross-check: both implementations give identical probabilities and base weights on ${cross.rows} rows after ${cross.lessons} lessons and 2 rebuilds.`);
  const b = builds.filter((x) => x.impl === "wasm");
  if (b.length) lines.push(`Build cost per baseGraph().reinforce call (wasm): ${b.map((x) => `${sizeLabel(x.n)}: ${fmtNs(x.perCallNs)}`).join(", ")}.`);
  const bulk = b
    .map((x) => [x, get(timings, (t) => t.workload === "buildMany" && t.impl === "wasm" && t.n === x.n)])
    .filter(([, m]) => m?.medianNs);
  if (bulk.length) {
    lines.push(
      `reinforceMany against reinforce per edge (wasm, + first rebuild each): ${bulk
        .map(([x, m]) => `${sizeLabel(x.n)}: ${((x.buildNs + x.firstRebuildNs) / m.medianNs).toFixed(1)}x`)
        .join(", ")} (target ≥ 10x).`,
    );
  }
  lines.push("");
  return { meta, rows, timings, builds, memory, download, crossCheck: cross, markdown: `${lines.join("\n")}\n` };
}

// ---------------------------------------------------------------- entry

const child = opt("child", null);
if (!isMainThread) {
  await sideWorker(workerData);
} else if (child === "memory") {
  await memoryChild(opt("impl", "plain"), Number(opt("size", "1000")));
} else {
  await main();
}
