// Loading a catalogue beside a large JS heap: what `memory.grow` costs a page that holds a lot.
//
// In V8 every `memory.grow` replaces the wasm memory's ArrayBuffer and reports external memory,
// which can set off a garbage collection that marks the whole JS heap. With the memory grown
// page by page, loading 100 000 tracks x 50 (5.1 M edges) took 1 400 grows: 149-275 s beside a
// 700 MB heap, against 2 s without it. The allocator now grows the memory a quarter at a time
// (src/wasm/alloc.rs). This script shows the difference on the built package:
//
//   node --max-old-space-size=8000 bench/heap-load.mjs               (100k tracks, 700 MB heap)
//   node --max-old-space-size=8000 bench/heap-load.mjs --maps=0      (the same, no heap)
//   options: --tracks=100000 --maps=200000 (each map holds 50 small objects, about 3.5 KB)
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

import { randomColumns } from "./columns.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const arg = (name, otherwise) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? otherwise);
const TRACKS = arg("tracks", 100_000);
const MAPS = arg("maps", 200_000);
const SUCCESSORS = 50;

const { Orchestrator } = await import(pathToFileURL(join(here, "..", "pkg", "inline", "memory_player.js")).href);

// The page's own data: a heap of small objects the collector has to mark.
const heap = [];
for (let i = 0; i < MAPS; i++) {
  const m = new Map();
  for (let j = 0; j < SUCCESSORS; j++) m.set(j * 7 + i, { w: j });
  heap.push(m);
}

const { from, to, weights } = randomColumns(TRACKS, SUCCESSORS);

const o = new Orchestrator({ seed: 7 });
const t0 = performance.now();
o.baseGraph().reinforceMany(from, to, weights);
const t1 = performance.now();
o.rebuildRuntime("catalogue loaded");
const t2 = performance.now();
const heapMB = (process.memoryUsage().heapUsed / 1e6).toFixed(0);
console.log(
  `${heap.length} maps (${heapMB} MB of JS heap), ${from.length} edges: ` +
    `reinforceMany ${(t1 - t0).toFixed(0)} ms, first rebuild ${(t2 - t1).toFixed(0)} ms`,
);
o.free();
