// The catalogue: the generated tracks grouped by mood, and the listener's own files.

import { h, replace, formatTime } from "./dom.js";
import { MOODS, colourOf } from "./catalogue.js";

export function renderCatalogue(root, { catalogue, current, onForget }) {
  const groups = MOODS.map((mood) => {
    const tracks = catalogue.tracks.filter((t) => t.mood === mood.key);
    return h("div", { class: "mood" },
      h("h3", {}, h("span", { class: "dot", style: { background: mood.colour } }), mood.name),
      h("ul", { class: "tracks" }, tracks.map((t) => trackItem(t, current))));
  });
  const files = catalogue.tracks.filter((t) => t.kind === "file");
  replace(root.querySelector("[data-testid=catalogue-list]"), groups);
  replace(root.querySelector("[data-testid=own-files]"),
    files.length === 0
      ? h("li", { class: "empty" }, "No files yet.")
      : files.map((t) => h("li", { class: t.id === current ? "current" : "", "data-testid": "own-file", "data-id": t.id },
          h("span", { class: "tid" }, t.id),
          h("span", { class: "title" }, t.title),
          h("span", { class: "dur" }, formatTime(t.duration)),
          h("button", { type: "button", class: "small", onclick: () => onForget(t), title: "forgetTrack(): the engine forgets it everywhere" }, "Forget"))));
  root.querySelector("[data-testid=catalogue-count]").textContent = `${catalogue.tracks.length} tracks`;
}

function trackItem(t, current) {
  return h("li", { class: t.id === current ? "current" : "", "data-testid": "catalogue-track", "data-id": t.id, title: `${t.bpm} bpm · ${formatTime(t.duration)}`, style: { "--c": colourOf(t) } },
    h("span", { class: "tid" }, t.id),
    h("span", { class: "title" }, t.title));
}
