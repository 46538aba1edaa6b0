// The simulated listener's chart: the rolling skip rate of each picker, per play.

import { svgEl, replace } from "./dom.js";

const W = 420;
const H = 200;
const PAD = { left: 34, right: 10, top: 10, bottom: 24 };
/** A rolling rate over fewer plays is noise: lines start at this play. */
export const FIRST_DRAWN = 10;
/** At most this many points a line (the chart is ~400 px wide): longer runs are thinned. */
const MAX_POINTS = 480;

/**
 * Draws into `svg`. `series`: [{ key, rates }] (rates[i]: the rolling skip rate after play i + 1),
 * drawn in order (the last on top); `window`: plays the rate rolls over; `planned`: the x range.
 */
export function renderChart(svg, series, { window, planned }) {
  svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const plays = Math.max(0, ...series.map((l) => l.rates.length));
  const xMax = Math.max(planned || 0, plays, 10);
  const x = (play) => PAD.left + (play / xMax) * plotW;
  const y = (rate) => PAD.top + (1 - rate) * plotH;

  const grid = svgEl("g", { class: "grid" });
  for (const rate of [0, 0.25, 0.5, 0.75, 1]) {
    grid.append(svgEl("line", { x1: PAD.left, x2: W - PAD.right, y1: y(rate), y2: y(rate) }));
    grid.append(svgEl("text", { x: PAD.left - 5, y: y(rate) + 4, "text-anchor": "end" }, `${rate * 100}%`));
  }
  const step = niceStep(xMax);
  for (let play = 0; play <= xMax; play += step) {
    grid.append(svgEl("text", { x: x(play), y: H - 6, "text-anchor": "middle" }, play));
  }

  const lines = series.map(({ key, rates }) => {
    const drawn = Math.max(0, rates.length - FIRST_DRAWN + 1);
    const every = Math.max(1, Math.ceil(drawn / MAX_POINTS));
    const points = [];
    for (let play = FIRST_DRAWN; play <= rates.length; play += every) points.push(point(play));
    if (drawn > 0 && (rates.length - FIRST_DRAWN) % every !== 0) points.push(point(rates.length)); // end on the last play
    function point(play) {
      return `${x(play).toFixed(1)},${y(rates[play - 1]).toFixed(1)}`;
    }
    return svgEl("polyline", {
      class: `series ${key}`,
      points: points.join(" "),
      "data-testid": `chart-${key}`,
      "data-plays": drawn,
      "data-last": drawn > 0 ? rates.at(-1).toFixed(4) : "",
    });
  });
  const note = plays === 0
    ? svgEl("text", { x: PAD.left + plotW / 2, y: PAD.top + plotH / 2, "text-anchor": "middle", class: "empty" }, "Run the listener to plot its skip rates")
    : svgEl("text", { x: W - PAD.right, y: PAD.top + 12, "text-anchor": "end", class: "axis-note" }, `skip rate, rolling over ${window} plays`);
  replace(svg, grid, lines, note);
}

function niceStep(max) {
  for (const step of [10, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000]) if (max / step <= 6) return step;
  return 10000;
}
