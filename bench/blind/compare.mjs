// A change of the policy judged against an earlier run of the blind listeners, seed by seed.
//
// One session's late skip rate moves by 0.01 to 0.13 from one seed to the next, and any change
// of the policy changes its generator's stream, so two runs' means differ by a few hundredths
// even for a change that does nothing. Paired by seed (the same hidden tastes on both sides),
// the differences are what the change did plus that stream noise; their standard error says
// how far to believe a row's move.

/** The mean of `xs`. */
export const mean = (xs) => xs.reduce((s, x) => s + x, 0) / xs.length;

/** The standard error of the mean of `xs` (0 with fewer than two). */
function standardError(xs) {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1) / xs.length);
}

/**
 * The rows of `now` against the same listeners of `before` (both `blind-results.json`
 * shapes), over the seeds both ran: per row the two means, the mean paired difference and its
 * standard error, and a verdict when the difference is over twice that; then the same for the
 * mean over the rows, over the seeds every compared row ran. Lines of text, for the console.
 * Runs that began at different seeds (`firstSeed`, 1 when absent) are not paired: one line
 * says so.
 */
export function compare(before, now) {
  const [from, to] = [before.firstSeed ?? 1, now.firstSeed ?? 1];
  if (from !== to) return [`not paired: the earlier run began at seed ${from}, this one at seed ${to}`];
  const lines = [];
  const rows = []; // each compared row's differences, seed by seed
  for (const row of now.rows) {
    const old = before.rows.find((r) => r.listener === row.listener);
    if (!old) continue;
    const n = Math.min(old.adaptiveBySeed.length, row.adaptiveBySeed.length);
    const a = old.adaptiveBySeed.slice(0, n);
    const b = row.adaptiveBySeed.slice(0, n);
    const d = b.map((x, i) => x - a[i]);
    rows.push(d);
    const means = n > 0 ? `${mean(a).toFixed(3)} -> ${mean(b).toFixed(3)}, ` : "";
    lines.push(verdict(`${row.listener}: ${means}`, d));
  }
  const seeds = Math.min(...rows.map((d) => d.length));
  if (rows.length > 0 && seeds > 0) {
    const perSeed = Array.from({ length: seeds }, (_, i) => mean(rows.map((d) => d[i])));
    lines.push(verdict("mean over the rows: ", perSeed));
  }
  return lines;
}

/** `label` then the mean of `diffs` ± its standard error, and a verdict past twice that. */
function verdict(label, diffs) {
  const d = mean(diffs);
  const se = standardError(diffs);
  const word = se > 0 && Math.abs(d) > 2 * se ? (d < 0 ? "  fewer skips" : "  more skips") : "";
  return `${label}${d >= 0 ? "+" : ""}${d.toFixed(3)} ± ${se.toFixed(3)} (${diffs.length} seeds)${word}`;
}
