// The simulated listener's chart: rolling skip rate of the engine against a plain shuffle, per play.

import { s, replace } from "./dom.js";

const W = 420;
const H = 200;
const PAD = { left: 34, right: 10, top: 10, bottom: 24 };

export function renderChart(svg, points, { window, planned }) {
  svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const xMax = Math.max(planned || 0, points.length, 10);
  const x = (play) => PAD.left + (play / xMax) * plotW;
  const y = (rate) => PAD.top + (1 - rate) * plotH;

  const grid = s("g", { class: "grid" });
  for (const rate of [0, 0.25, 0.5, 0.75, 1]) {
    grid.append(s("line", { x1: PAD.left, x2: W - PAD.right, y1: y(rate), y2: y(rate) }));
    grid.append(s("text", { x: PAD.left - 5, y: y(rate) + 4, "text-anchor": "end" }, `${rate * 100}%`));
  }
  const step = niceStep(xMax);
  for (let play = 0; play <= xMax; play += step) {
    grid.append(s("text", { x: x(play), y: H - 6, "text-anchor": "middle" }, play));
  }
  // A rolling rate over a handful of plays is noise: draw from the 10th play on.
  const drawn = points.slice(9);
  const line = (key) => drawn.map((p) => `${x(p.play).toFixed(1)},${y(p[key]).toFixed(1)}`).join(" ");
  const engine = s("polyline", { class: "series engine", points: line("engine"), "data-testid": "chart-engine", "data-count": drawn.length });
  const shuffle = s("polyline", { class: "series shuffle", points: line("shuffle"), "data-testid": "chart-shuffle", "data-count": drawn.length });
  const note = points.length === 0
    ? s("text", { x: PAD.left + plotW / 2, y: PAD.top + plotH / 2, "text-anchor": "middle", class: "empty" }, "Run the listener to plot its skip rate")
    : s("text", { x: W - PAD.right, y: PAD.top + 12, "text-anchor": "end", class: "axis-note" }, `rolling over ${window} plays`);
  replace(svg, grid, shuffle, engine, note);
}

function niceStep(max) {
  for (const step of [10, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000]) if (max / step <= 6) return step;
  return 10000;
}
