// A catalogue as typed columns for `reinforceMany`, shared by the scripts that load one whole
// (`instructions.mjs`, `heap-load.mjs`): every track gets `successors` random successors of
// weight 1..20, from a seeded generator, so a run repeats exactly.
import { mulberry32 } from "./plain.js";

/** `{ from, to, weights, rnd }` for `tracks` x `successors` edges; `rnd` goes on from there. */
export function randomColumns(tracks, successors, seed = 20240601) {
  const rnd = mulberry32(seed);
  const from = new Uint32Array(tracks * successors);
  const to = new Uint32Array(tracks * successors);
  const weights = new Float64Array(tracks * successors);
  for (let i = 0; i < from.length; i++) {
    from[i] = 1 + Math.floor(i / successors);
    to[i] = 1 + Math.floor(rnd() * tracks);
    weights[i] = 1 + Math.floor(rnd() * 20);
  }
  return { from, to, weights, rnd };
}
