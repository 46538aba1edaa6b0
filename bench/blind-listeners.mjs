#!/usr/bin/env node
// Blind listeners: an out-of-sample check of what the adaptive policy learns.
//
// The policy was tuned on one family of simulated listeners (tests/listeners/, `cargo bench
// --bench learning`): three-level tastes by mood or by track, a fixed replay tolerance in
// plays, tracks of one length. A check by someone else will use listeners we have not seen.
// These were written apart from that family, in JavaScript, through the package's public API
// only, and shaped differently on purpose (bench/blind/listeners.mjs says how). Each runs over
// several seeds against the engine (`adaptive`, the default, and `seed`), a plain shuffle and
// an oracle that reads the listener's hidden chances. The figure is the late skip rate: plays
// heard under 10 %, over the last third of the session.
//
//   node bench/blind-listeners.mjs     # every listener, seeds 1-5 (expects `bash scripts/build.sh`)
//   options: --seeds=5 --first=1 (seeds first..first+seeds-1) --only=needle --out=bench/blind-results.json
//            --set=holdout (the hold-out listeners of bench/blind/holdout.mjs instead, written
//            to bench/holdout-results.json: measured, never tuned on)
//            --against=earlier.json (each row against an earlier run, paired by seed: see
//            bench/blind/compare.mjs; to judge a change, 30 seeds on each side)

import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { compare, mean } from "./blind/compare.mjs";
import { HOLDOUT } from "./blind/holdout.mjs";
import { LISTENERS } from "./blind/listeners.mjs";
import { PICKERS, session } from "./blind/session.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const opt = (name, dflt) => {
  const arg = process.argv.slice(2).find((a) => a.startsWith(`--${name}=`));
  return arg === undefined ? dflt : arg.slice(name.length + 3);
};
const SEEDS = Number(opt("seeds", "5"));
// Fresh seeds (say --first=31) judge a change that was chosen on seeds 1-30: on the seeds it was
// chosen by, a change's gain includes the luck that made it look good there.
const FIRST = Number(opt("first", "1"));
const LAST = FIRST + SEEDS - 1;
// A seed that is no whole number would run no session at all and write an empty table.
for (const [name, n] of [["seeds", SEEDS], ["first", FIRST]]) {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`--${name} must be a whole number from 1, not ${opt(name, "")}`);
}
const ONLY = opt("only", "");
const HOLDING_OUT = opt("set", "blind") === "holdout";
const OUT = opt("out", join(here, HOLDING_OUT ? "holdout-results.json" : "blind-results.json"));
const AGAINST = opt("against", "");

/** Why a row is flagged: the targets the learning benchmark holds the tuned population to. */
function flags(row) {
  const { adaptive, seed, shuffle } = row.lateSkip;
  return [
    adaptive > shuffle / 2 && "over half the shuffle's",
    adaptive > 0.1 && "over 0.10",
    adaptive > seed && "worse than seed",
  ].filter(Boolean);
}

async function run(spec) {
  const sessions = Object.fromEntries(PICKERS.map((p) => [p, []]));
  for (let seed = FIRST; seed <= LAST; seed++) {
    for (const picker of PICKERS) sessions[picker].push(await session(spec, seed, picker));
  }
  const over = (key) => Object.fromEntries(PICKERS.map((p) => [p, mean(sessions[p].map((s) => s[key]))]));
  const row = {
    listener: spec.name,
    tracks: spec.tracks,
    plays: spec.plays,
    lateSkip: over("lateSkip"),
    lateHeard: over("lateHeard"),
    lateFirstPlays: over("lateFirstPlays"),
    lateTasteChance: over("lateTasteChance"),
    lateRepeatChance: over("lateRepeatChance"),
    adaptiveBySeed: sessions.adaptive.map((s) => s.lateSkip),
    adaptiveWindow: sessions.adaptive.map((s) => s.window),
    stalls: [...sessions.adaptive, ...sessions.seed].reduce((n, s) => n + s.stalls, 0),
  };
  row.flags = flags(row);
  return row;
}

const f = (x) => x.toFixed(3);
const HEADER = [
  "listener",
  "tracks",
  "plays",
  "adaptive (default)",
  "seed rules",
  "shuffle",
  "oracle",
  "adaptive: skip chance, taste / repeat",
  "adaptive: first plays",
  "heard, adaptive / oracle",
  "flags",
];

/** One table row: the late skip rates, then where the adaptive policy's skips come from. */
function cells(row) {
  const { lateSkip: s, lateHeard: heard } = row;
  return [
    row.listener,
    row.tracks,
    row.plays,
    ...[s.adaptive, s.seed, s.shuffle, s.oracle].map(f),
    `${f(row.lateTasteChance.adaptive)} / ${f(row.lateRepeatChance.adaptive)}`,
    f(row.lateFirstPlays.adaptive),
    `${f(heard.adaptive)} / ${f(heard.oracle)}`,
    row.flags.length ? `**${row.flags.join("; ")}**` : "",
  ];
}

const started = performance.now();
const rows = [];
console.log(`seeds ${FIRST}-${LAST}; late skip rate (heard < 10 %, last third), mean over seeds\n`);
console.log(`| ${HEADER.join(" | ")} |\n|${"---|".repeat(HEADER.length)}`);
for (const spec of (HOLDING_OUT ? HOLDOUT : LISTENERS).filter((l) => l.name.includes(ONLY))) {
  const row = await run(spec);
  rows.push(row);
  console.log(`| ${cells(row).join(" | ")} |`);
}
const meanAdaptive = mean(rows.map((r) => r.lateSkip.adaptive));
const flagged = rows.filter((r) => r.flags.length).length;
const stalls = rows.reduce((n, r) => n + r.stalls, 0);
const seconds = ((performance.now() - started) / 1000).toFixed(0);
console.log(`\nmean adaptive late skip ${f(meanAdaptive)}; flagged ${flagged} of ${rows.length}; stalls ${stalls}; ${seconds} s`);
const results = { date: new Date().toISOString(), seeds: SEEDS, firstSeed: FIRST, meanAdaptive, stalls, rows };
writeFileSync(OUT, `${JSON.stringify(results, null, 2)}\n`);
if (AGAINST) {
  console.log(`\nagainst ${AGAINST}, paired by seed (difference ± its standard error):`);
  for (const line of compare(JSON.parse(readFileSync(AGAINST, "utf8")), results)) console.log(line);
}
