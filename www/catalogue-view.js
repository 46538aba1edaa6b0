// The catalogue: the generated tracks grouped by mood, and the listener's own files.

import { h, replace, formatTime } from "./dom.js";
import { MOODS, colourOf } from "./catalogue.js";

/**
 * `onChoose(track)`: the listener picked it (playTrack); `onEnqueue(track)`: "play next"
 * (enqueue); `queue`: the engine's queue, next first; `onUnqueue(id)`, `onClearQueue()`.
 */
export function renderCatalogue(root, { catalogue, current, onForget, onChoose, onEnqueue, queue, onUnqueue, onClearQueue }) {
  const groups = MOODS.map((mood) => {
    const tracks = catalogue.tracks.filter((t) => t.mood === mood.key);
    return h("div", { class: "mood" },
      h("h3", {}, h("span", { class: "dot", style: { background: mood.colour } }), mood.name),
      h("ul", { class: "tracks" }, tracks.map((t) => trackItem(t, current, onChoose, onEnqueue))));
  });
  replace(root.querySelector("[data-testid=queue]"),
    queue.length === 0
      ? h("li", { class: "empty" }, "Empty: Next plays the engine's pick.")
      : queue.map((id) => h("li", { "data-testid": "queued", "data-id": id },
          h("span", { class: "tid" }, id),
          h("span", { class: "title" }, catalogue.get(id)?.title ?? `Track ${id}`),
          h("button", { type: "button", class: "small", onclick: () => onUnqueue(id), title: "removeFromQueue()" }, "Remove"))));
  root.querySelector("[data-testid=queue-clear]").onclick = onClearQueue;
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

function trackItem(t, current, onChoose, onEnqueue) {
  return h("li", { class: t.id === current ? "current" : "", "data-testid": "catalogue-track", "data-id": t.id, title: `${t.bpm} bpm · ${formatTime(t.duration)}`, style: { "--c": colourOf(t) } },
    h("button", { type: "button", class: "pick", "data-testid": "choose", onclick: () => onChoose(t), title: "Play it now: playTrack()" },
      h("span", { class: "tid" }, t.id),
      h("span", { class: "title" }, t.title)),
    h("button", { type: "button", class: "small", "data-testid": "enqueue", onclick: () => onEnqueue(t), title: "Play next: enqueue()" }, "Next"));
}
