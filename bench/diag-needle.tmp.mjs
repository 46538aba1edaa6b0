// scratch diagnostic (not committed): where late first plays come from, needle listener.
import { Orchestrator } from "memory-player";
import { LISTENERS } from "./blind/listeners.mjs";
import { mulberry32 } from "./plain.js";
import { SKIP } from "./blind/ear.mjs";
const which = process.argv[2] ?? "needle";
const seed = Number(process.argv[3] ?? 1);
const spec = LISTENERS.find((l) => l.name.includes(which));
const listener = spec.make({ seed, tracks: spec.tracks, plays: spec.plays });
const o = new Orchestrator({ seed, policy: "adaptive" });
listener.load(o.baseGraph());
o.rebuildRuntime("x");
o.start();
const rng = mulberry32(seed ^ 0xa45e);
const now = { at: 0, minutes: 0 };
let prev = 0;
const lateFrom = spec.plays - Math.floor(spec.plays / 3);
const stats = { first: 0, firstSkips: 0, late: 0, skips: 0, knownLikedAvail: 0, rep: 0 };
let shown = 0;
for (; now.at < spec.plays; now.at++) {
  const late = now.at >= lateFrom;
  let ex;
  if (late) ex = o.explainNext(30);
  const id = o.playNext();
  const first = listener.lastAt[id] < 0;
  const fraction = listener.hear(id, prev, now, rng);
  const d = listener.seconds[id];
  o.feedback(prev, id, fraction * d, d);
  now.minutes += (fraction * d) / 60;
  if (late) {
    stats.late++;
    stats.skips += fraction < SKIP;
    if (first) { stats.first++; stats.firstSkips += fraction < SKIP; }
    if (listener.lastAt[id] >= 0 && !first) stats.rep++;
    if (first && shown < 6) {
      shown++;
      console.log(`play ${now.at} picked ${id} (first) window ${ex.repeatWindow}, row ${ex.row}, ${ex.candidates.length} candidates`);
      for (const c of ex.candidates.slice(0, 12)) {
        const liked = listener.tasteSkip ? (1 - listener.tasteSkip(c.id, prev, now)).toFixed(2) : "?";
        console.log(`   ${String(c.id).padStart(5)} like ${liked} ago ${c.playsAgo ?? "-"} recent ${c.recent} tr ${c.track.heard.toFixed(2)}/${c.track.skipped.toFixed(2)} score ${c.score.toFixed(3)} p ${c.probability.toFixed(3)}`);
      }
    }
  }
  prev = id;
  await null;
}
// how many liked tracks did the engine ever hear out?
let known = 0;
for (let t = 1; t <= listener.tracks; t++) if (listener.lastAt[t] >= 0 && listener.tasteSkip(t, 0, now) < 0.5) known++;
console.log(stats, "liked tracks ever played", known);
await o.stop();
