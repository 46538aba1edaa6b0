// The transition graph out of the current track, in SVG: every track on a ring (coloured by mood),
// the current one in the middle, and an edge to each candidate of the next pick whose thickness and
// opacity follow its probability. Penalised edges are red, cooled-down edges dashed with a count,
// and tracks held back by the repeat window are drawn hollow.

import { svgEl, replace } from "./dom.js";
import { colourOf } from "./catalogue.js";

const SIZE = 420;
const CENTRE = SIZE / 2;
const RING = 168;

/**
 * Draws into `svg`. `ex` is explainNext() ({ row, candidates, ... }); `current` the playing id
 * (undefined: nothing plays, the start row is explained).
 */
export function renderGraph(svg, { tracks, current, ex }) {
  svg.setAttribute("viewBox", `0 0 ${SIZE} ${SIZE}`);
  const explanation = ex.candidates;
  // The current track's row had nothing to offer: the pick falls back to the start row.
  const fallback = current !== undefined && ex.row === 0;
  const byId = new Map(explanation.map((e) => [e.id, e]));
  const maxP = Math.max(1e-9, ...explanation.map((e) => e.probability));
  const position = new Map(
    tracks.map((t, i) => {
      const angle = -Math.PI / 2 + (2 * Math.PI * i) / tracks.length;
      return [t.id, { x: CENTRE + RING * Math.cos(angle), y: CENTRE + RING * Math.sin(angle), angle }];
    }),
  );

  const edges = svgEl("g", { class: "edges" });
  const marks = svgEl("g", { class: "marks" });
  for (const e of [...explanation].sort((a, b) => a.probability - b.probability)) {
    const to = position.get(e.id);
    if (!to || e.id === current) continue; // the playing track itself: it is the centre
    const strength = e.probability / maxP;
    const fined = e.penalty > 0 || e.cooldown > 0;
    const edgeClass = ["edge", e.penalty > 0 && "penalised", e.cooldown > 0 && "cooling", e.recent && "held", e.probability === 0 && "zero"]
      .filter(Boolean)
      .join(" ");
    // Stop the line at the node's rim.
    const dx = to.x - CENTRE;
    const dy = to.y - CENTRE;
    const len = Math.hypot(dx, dy);
    const x2 = CENTRE + (dx * (len - 14)) / len;
    const y2 = CENTRE + (dy * (len - 14)) / len;
    edges.append(
      svgEl(
        "line",
        {
          class: edgeClass,
          x1: CENTRE, y1: CENTRE, x2, y2,
          "stroke-width": e.probability > 0 ? (1 + 9 * strength).toFixed(2) : 1,
          "stroke-opacity": e.probability > 0 ? (0.25 + 0.75 * strength).toFixed(2) : 0.35,
          "data-testid": "graph-edge",
          "data-id": e.id,
        },
        svgEl("title", {}, `${ex.row} → ${e.id}: p=${(e.probability * 100).toFixed(1)}%` +
          `${e.penalty ? `, penalty ${e.penalty}` : ""}${e.cooldown ? `, cooldown ${e.cooldown}` : ""}${e.recent ? ", held (recently played)" : ""}`),
      ),
    );
    if (fined) {
      // A badge on the edge, two thirds of the way out: "−2" for a penalty, "❄3" for a cooldown.
      const bx = CENTRE + dx * 0.62;
      const by = CENTRE + dy * 0.62;
      const label = [e.penalty > 0 && `−${trim(e.penalty)}`, e.cooldown > 0 && `❄${trim(e.cooldown)}`].filter(Boolean).join(" ");
      marks.append(
        svgEl("g", { class: `badge${e.cooldown > 0 ? " cooling" : ""}`, transform: `translate(${bx.toFixed(1)} ${by.toFixed(1)})` },
          svgEl("rect", { x: -4 - label.length * 3.3, y: -8, width: 8 + label.length * 6.6, height: 16, rx: 8 }),
          svgEl("text", { "text-anchor": "middle", y: 4 }, label)),
      );
    }
  }

  const nodes = svgEl("g", { class: "nodes" });
  for (const t of tracks) {
    const p = position.get(t.id);
    const e = byId.get(t.id);
    const cls = ["node", e ? "candidate" : "other", e?.recent && "held", t.id === current && "current-ring"].filter(Boolean).join(" ");
    const labelR = RING + 24;
    nodes.append(
      svgEl("g", { class: cls, "data-testid": "graph-node", "data-id": t.id },
        svgEl("circle", { cx: p.x.toFixed(1), cy: p.y.toFixed(1), r: 12, fill: colourOf(t), stroke: colourOf(t) }),
        svgEl("text", { x: p.x.toFixed(1), y: (p.y + 4).toFixed(1), "text-anchor": "middle", class: "node-id" }, t.id > 999 ? "♫" : t.id),
        e && e.probability > 0
          ? svgEl("text", {
              x: (CENTRE + labelR * Math.cos(p.angle)).toFixed(1),
              y: (CENTRE + labelR * Math.sin(p.angle) + 4).toFixed(1),
              "text-anchor": "middle",
              class: "node-p",
            }, `${Math.round(e.probability * 100)}%`)
          : null,
        svgEl("title", {}, `${t.id} · ${t.title}`),
      ),
    );
  }

  const currentTrack = tracks.find((t) => t.id === current);
  const centre = svgEl("g", { class: "centre", "data-testid": "graph-current", "data-id": current ?? 0 },
    svgEl("circle", { cx: CENTRE, cy: CENTRE, r: 30, fill: currentTrack ? colourOf(currentTrack) : "#3a4254" }),
    svgEl("text", { x: CENTRE, y: CENTRE + 2, "text-anchor": "middle", class: "centre-id" }, current ?? "start"),
    svgEl("text", { x: CENTRE, y: CENTRE + 16, "text-anchor": "middle", class: "centre-sub" }, fallback ? "via start" : current ? "now" : "node 0"),
  );

  replace(svg, edges, marks, nodes, centre);
}

function trim(x) {
  return Number.isInteger(x) ? x : x.toFixed(1);
}
