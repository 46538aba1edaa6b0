// The candidates of the next pick (the package's explainNext()): why each track is as likely as it
// is. Final weight = max(0, base + bonus − penalty − cooldown); tracks played within the repeat
// window are held back while another candidate exists.

import { h, replace, num, percent } from "./dom.js";
import { colourOf } from "./catalogue.js";

export function renderCandidates(tbody, caption, { explanation, catalogue, current, fallback }) {
  const rows = [...explanation].sort((a, b) => b.probability - a.probability || a.recent - b.recent || a.id - b.id);
  const maxP = Math.max(1e-9, ...rows.map((r) => r.probability));
  const picked = rows.filter((r) => r.probability > 0).length;
  replace(
    caption,
    rows.length === 0
      ? "No candidates: the engine knows no track yet."
      : `${picked} of ${rows.length} candidates can be picked next` +
          (current === undefined ? " (from the start node: nothing plays yet)" : fallback ? ` (track ${current} has no edge left: falling back to the start node)` : ` after track ${current}`),
  );
  replace(
    tbody,
    rows.map((r) => {
      const track = catalogue.get(r.id);
      const final = Math.max(0, r.base + r.bonus - r.penalty - r.cooldown);
      return h("tr", { "data-testid": "candidate-row", "data-id": r.id, class: [r.recent && "held", r.probability === 0 && "zero"].filter(Boolean).join(" ") },
        h("td", { class: "track-cell" },
          h("span", { class: "dot", style: { background: colourOf(track) } }),
          h("span", { class: "tid" }, r.id),
          h("span", { class: "title" }, track?.title ?? "(unknown)")),
        h("td", { class: "n" }, num(r.base)),
        h("td", { class: `n${r.bonus > 0 ? " plus" : ""}` }, r.bonus > 0 ? `+${num(r.bonus)}` : "0"),
        h("td", { class: `n${r.penalty > 0 ? " minus" : ""}` }, r.penalty > 0 ? `−${num(r.penalty)}` : "0"),
        h("td", { class: `n${r.cooldown > 0 ? " cool" : ""}` }, r.cooldown > 0 ? `❄${num(r.cooldown)}` : "0"),
        h("td", { class: "n final", title: `final weight ${num(final)}` }, num(final)),
        h("td", { class: "hold" }, r.recent ? h("span", { class: "pill held", title: "played within the repeat window" }, "held") : ""),
        h("td", { class: "p" },
          h("span", { class: "pbar" }, h("span", { style: { width: `${(100 * r.probability) / maxP}%` } })),
          h("span", { class: "pval" }, percent(r.probability, 0))),
      );
    }),
  );
}
