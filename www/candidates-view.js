// Why the next pick will be what it will be (the package's explainNext()): which row is explained
// (the current track's, or the start row), the repeat window's size now, and per candidate the
// build's edge (base, bonus, penalty, cooldown), what the listener's answers say about the
// transition and about the track, when it last played, whether the window holds it back, the
// policy's score (with the shift its learned affinity after the row's track gives it, while
// affinities are heeded) and the chance of being picked; and how many of the best candidates
// the pick is drawn among.

import { h, replace, num, percent } from "./dom.js";
import { colourOf } from "./catalogue.js";

/** 0.94 -> "0.9", 2 -> "2", 0 -> "0": decayed answer counts, one decimal. */
const one = (x) => (Number.isFinite(x) ? x.toFixed(1).replace(/\.0$/, "") : "–");

/**
 * Draws the explanation `ex` ({ policy, row, repeatWindow, context, drawn, candidates }). `current`:
 * the playing track (undefined: nothing plays yet).
 */
export function renderCandidates({ tbody, head }, { ex, catalogue, current }) {
  const rows = [...ex.candidates].sort((a, b) => b.probability - a.probability || b.score - a.score || a.id - b.id);
  const maxP = Math.max(1e-9, ...rows.map((r) => r.probability));
  const pickable = rows.filter((r) => r.probability > 0).length;
  renderHead(head, ex, current, rows.length, pickable);
  replace(tbody, rows.map((r) => row(r, catalogue.get(r.id), maxP)));
}

function renderHead(head, ex, current, count, pickable) {
  const fallback = current !== undefined && ex.row === 0;
  const rowText = ex.row !== 0
    ? ["after track ", h("strong", {}, ex.row), " (the current track)"]
    : fallback
      ? ["from the ", h("strong", {}, "start row"), ` (track ${current} has no edge left)`]
      : ["from the ", h("strong", {}, "start row"), " (nothing plays yet)"];
  replace(head,
    h("span", { class: "fact", "data-testid": "explain-row", "data-row": ex.row }, "Explains the next pick ", rowText),
    h("span", { class: "fact", "data-testid": "explain-window", "data-window": ex.repeatWindow },
      "Repeat window ", h("strong", {}, `${ex.repeatWindow} play${ex.repeatWindow === 1 ? "" : "s"}`),
      ex.policy === "adaptive" ? " (learned)" : " (fixed)"),
    h("span", { class: "fact", "data-testid": "explain-policy", "data-policy": ex.policy }, "Policy ", h("strong", {}, ex.policy),
      ex.policy === "seed" ? " (keeps no taste: the answers shown are as they were)" : null),
    ex.policy === "adaptive"
      ? h("span", { class: "fact", "data-testid": "explain-context", "data-context": ex.context,
          title: "how far picks heed the affinities learned between tracks: only once they predict the listener's answers better than the track and transition answers alone" },
        "Affinities heeded ", h("strong", {}, percent(ex.context, 0)))
      : null,
    ex.drawn > 0
      ? h("span", { class: "fact", "data-testid": "explain-drawn", "data-drawn": ex.drawn,
          title: "the pick is drawn among the best 5 candidates, or the best 3 while picks drawn so were heard out more (and one pick in 10 either way, to keep measuring both; always the best 5 for a while after a change of taste)" },
        "Drawn among the best ", h("strong", {}, ex.drawn))
      : null,
    h("span", { class: "fact muted", "data-testid": "explain-count" },
      count === 0 ? "No candidates: the engine knows no track yet." : `${pickable} of ${count} candidates can be picked`));
}

function row(r, track, maxP) {
  const classes = [r.recent && "held", r.probability === 0 && "zero"].filter(Boolean).join(" ");
  return h("tr", { "data-testid": "candidate-row", "data-id": r.id, class: classes },
    h("td", { class: "track-cell" },
      h("span", { class: "dot", style: { background: colourOf(track) } }),
      h("span", { class: "tid" }, r.id),
      h("span", { class: "title" }, track?.title ?? "(unknown)")),
    edgeCell(r),
    evidenceCell(r.transition, "transition", "this transition"),
    evidenceCell(r.track, "track", "this track, after any track"),
    h("td", { class: "n ago", "data-ago": r.playsAgo ?? "", "data-held": String(r.recent) },
      r.recent ? h("span", { class: "pill held", title: "played within the repeat window: held back" }, "held") : null,
      h("span", {}, r.playsAgo === undefined ? "never" : r.playsAgo === 0 ? "now" : r.playsAgo)),
    h("td", { class: "n score", "data-affinity": r.affinity, title: scoreTitle(r) }, num(r.score),
      r.affinity !== 0 ? h("span", { class: r.affinity > 0 ? "plus" : "minus" }, ` ${r.affinity > 0 ? "↑" : "↓"}`) : null),
    h("td", { class: "p", "data-p": r.probability },
      h("span", { class: "pbar" }, h("span", { style: { width: `${(100 * r.probability) / maxP}%` } })),
      h("span", { class: "pval" }, percent(r.probability, 0))),
  );
}

/** What the policy weighs a candidate by, and the affinity's part in it. */
function scoreTitle(r) {
  if (!r.affinity) return "what the policy weighs it by";
  return `what the policy weighs it by; its learned affinity after the row's track shifts its mean by ${num(r.affinity)} on the logit scale`;
}

/** The build's edge from the row: its base weight, then what this build learned on it. */
function edgeCell(r) {
  const title = `base ${num(r.base)}, bonus ${num(r.bonus)}, penalty ${num(r.penalty)}, cooldown ${num(r.cooldown)} plays`;
  return h("td", { class: "n edge", title },
    h("span", { class: "w", "data-part": "base" }, num(r.base)),
    r.bonus > 0 ? h("span", { class: "plus", "data-part": "bonus" }, `+${num(r.bonus)}`) : null,
    r.penalty > 0 ? h("span", { class: "minus", "data-part": "penalty" }, `−${num(r.penalty)}`) : null,
    r.cooldown > 0 ? h("span", { class: "cool", "data-part": "cooldown" }, `❄${num(r.cooldown)}`) : null);
}

/** Heard / skipped answers (decayed: recent ones weigh more). */
function evidenceCell(e, kind, what) {
  const none = e.heard === 0 && e.skipped === 0;
  return h("td", {
    class: `n evidence ${kind}${none ? " none" : ""}`,
    "data-heard": e.heard,
    "data-skipped": e.skipped,
    title: `${what}: heard ${e.heard.toFixed(2)}, skipped ${e.skipped.toFixed(2)} (recent answers weigh more)`,
  }, none ? "–" : [h("span", { class: "plus" }, one(e.heard)), h("span", { class: "sep" }, "/"), h("span", { class: "minus" }, one(e.skipped))]);
}
