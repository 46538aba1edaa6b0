// Instructions per call of the two hot calls, counted rather than timed. On a shared VM a
// timing moves by up to 2x from minute to minute; this count moves by about 1 %, so it can
// show a 3 % change, and which function it came from (see bench/README.md).
//
// It runs the built package (`pkg/`, made by scripts/build.sh) in Node under valgrind twice,
// with N and 3N calls, and divides the difference by 2N: loading, the graph and the warm-up
// cancel out. Node runs with `--no-liftoff --single-threaded`, so that the wasm is compiled
// once, by the optimising compiler, and the count does not depend on when a background tier-up
// lands. The workloads are those of two rows of `node bench/run.mjs`: `playNext` with the
// default policy after 3 000 answered plays, and `feedback` piling up in one build, on a
// catalogue of 10 000 tracks x 50 successors. Last, it prints what the `playNext` workload's
// picks meet (see `playNextState`): two counts compare code only when that line matches.
//
//   node bench/instructions.mjs               (needs valgrind: apt-get install valgrind)
//   node bench/instructions.mjs --calls=20000
import { spawn } from "node:child_process";
import { fileURLToPath, pathToFileURL } from "node:url";
import { dirname, join } from "node:path";

import { randomColumns } from "./columns.mjs";
import { listen } from "./workloads.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const arg = (name, otherwise) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? otherwise;

const TRACKS = 10_000;
const SUCCESSORS = 50;
const QUERIES = 1 << 16;

const WORKLOADS = {
  playNext: "playNext, default (adaptive) policy, after 3 000 answered plays",
  feedbackPileUp: "feedback piling up in one build (managers stopped)",
};

if (arg("child")) {
  await child(arg("child"), Number(arg("calls")));
} else {
  await parent(Number(arg("calls", "100000")));
}

/** The engine of both workloads: the catalogue loaded into the built package's default entry. */
async function engine() {
  const { Orchestrator } = await import(pathToFileURL(join(here, "..", "pkg", "inline", "memory_player.js")).href);
  const { from, to, weights, rnd } = randomColumns(TRACKS, SUCCESSORS);
  const o = new Orchestrator({ seed: 7 });
  o.baseGraph().reinforceMany(from, to, weights);
  o.rebuildRuntime("catalogue loaded");
  return { o, from, to, rnd };
}

/** Runs `workload` `calls` times after its set-up: what valgrind counts. */
async function child(workload, calls) {
  const { o, from, to, rnd } = await engine();
  if (workload === "playNext") {
    listen(o, 3000);
    let sink = 0;
    for (let i = 0; i < calls; i++) sink += o.playNext();
    if (!(sink > 0)) throw new Error("playNext returned no track");
  } else {
    const qFrom = new Uint32Array(QUERIES);
    const qTo = new Uint32Array(QUERIES);
    for (let k = 0; k < QUERIES; k++) {
      const edge = Math.floor(rnd() * from.length);
      qFrom[k] = from[edge];
      qTo[k] = to[edge];
    }
    const listened = [200, 60, 10];
    o.rebuildRuntime("start clean");
    for (let i = 0; i < calls; i++) o.feedback(qFrom[i & (QUERIES - 1)], qTo[i & (QUERIES - 1)], listened[i % 3], 200);
  }
  o.free();
}

/** The instructions valgrind counts for one child run. */
function count(workload, calls) {
  const args = ["--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null"];
  const node = [process.execPath, "--no-liftoff", "--single-threaded", fileURLToPath(import.meta.url)];
  const run = spawn("valgrind", [...args, ...node, `--child=${workload}`, `--calls=${calls}`]);
  let err = "";
  run.stderr.on("data", (d) => (err += d));
  return new Promise((resolve, reject) => {
    run.on("error", reject);
    run.on("close", (code) => {
      const refs = /I\s+refs:\s+([\d,]+)/.exec(err);
      if (code !== 0 || !refs) reject(new Error(`valgrind failed (exit ${code}):\n${err.slice(-2000)}`));
      else resolve(Number(refs[1].replaceAll(",", "")));
    });
  });
}

async function parent(calls) {
  console.log(`instructions per call (valgrind, Node ${process.version}, ${calls} and ${3 * calls} calls)\n`);
  console.log("| workload | instructions per call |\n|---|---|");
  for (const [workload, label] of Object.entries(WORKLOADS)) {
    // The two runs of a workload in parallel: a count does not depend on the machine's load.
    const [few, many] = await Promise.all([count(workload, calls), count(workload, 3 * calls)]);
    console.log(`| ${label} | ${Math.round((many - few) / (2 * calls))} |`);
  }
  console.log(`\n${await playNextState()}`);
}

/**
 * What the `playNext` workload's picks meet, outside valgrind. Its listener answers 150, 40 and
 * 5 seconds in turn whatever the track, so the change detector fires now and then, and a
 * change clears the rings of recent answers: where the last one lands decides how many
 * candidates a pick gathers, and any change of the policy's draws moves it. Two counts are
 * comparable as a change of the code only when this line is the same for both.
 */
async function playNextState() {
  const { o } = await engine();
  listen(o, 3000);
  const changedAt = o.snapshot().taste.change?.[0] ?? 0;
  const window = o.explainNext(1).repeatWindow;
  const picks = 2000;
  let candidates = 0;
  for (let i = 0; i < picks; i++) {
    candidates += o.explainNext(1_000_000).candidates.length;
    o.playNext();
  }
  o.free();
  return `playNext's workload after its 3 000 answered plays: the latest change of taste noticed at play ${changedAt}, ` +
    `the repeat window ${window} plays, ${(candidates / picks).toFixed(1)} candidates a pick (explainNext before each of the first ${picks} counted picks)`;
}

