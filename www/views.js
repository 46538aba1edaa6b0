// Draws the page from the engine's state: the graph, the explained candidates, the chain, the
// managers, the catalogue, the player's now-playing card and progress, the save status and the
// memory strip. Redraws are coalesced into one per animation frame (`refresh()`).

import { guard } from "./errors.js";
import { h, svgEl, byTestId, replace, formatTime } from "./dom.js";
import { moodOf, colourOf } from "./catalogue.js";
import { renderGraph } from "./graph-view.js";
import { renderCandidates } from "./candidates-view.js";
import { renderChain } from "./chain-view.js";
import { renderManagers } from "./managers-view.js";
import { renderCatalogue } from "./catalogue-view.js";

export class PageView {
  /** `onForget(track)`: the Forget button of an own file. */
  constructor({ session, playback, catalogue, saves, onForget }) {
    Object.assign(this, { session, playback, catalogue, saves, onForget });
    this.queued = false;
    this.current = undefined; // the chain's current track, as last drawn
  }

  refresh() {
    if (this.queued) return;
    this.queued = true;
    requestAnimationFrame(() => {
      this.queued = false;
      guard("Drawing the page", () => this.render());
    });
  }

  render() {
    this.saves.render();
    const o = this.session.o;
    if (!o) return;
    const c = o.playbackChain();
    this.current = c.current;
    const ex = o.explainNext();
    const build = o.runtimeGraph();
    try {
      renderManagers(byTestId("managers"), { build, options: this.session.options, running: o.running });
    } finally {
      build.free();
    }
    renderGraph(byTestId("graph"), { tracks: this.catalogue.tracks, current: c.current, ex });
    renderCandidates({ tbody: byTestId("candidates"), head: byTestId("explain-head") }, { ex, catalogue: this.catalogue, current: c.current });
    renderChain(byTestId("chain"), c, this.catalogue);
    const pb = this.playback;
    renderCatalogue(byTestId("catalogue"), {
      catalogue: this.catalogue, current: c.current, onForget: this.onForget, queue: o.queue(),
      onChoose: (t) => guard("playTrack()", () => pb.choose(t.id)),
      onEnqueue: (t) => guard("enqueue()", () => pb.enqueue(t.id)),
      onUnqueue: (id) => guard("removeFromQueue()", () => pb.unqueue(id)),
      onClearQueue: () => guard("clearQueue()", () => pb.clearQueue()),
    });
    this.renderNow(c);
  }

  renderNow(c) {
    const id = c.current;
    const track = this.catalogue.get(id);
    const cover = byTestId("now-cover");
    cover.style.background = track ? colourOf(track) : "";
    cover.textContent = id ?? "–";
    byTestId("now-title").textContent = track ? track.title : id === undefined ? "Nothing yet — press Play" : `Track ${id}`;
    byTestId("now-playing").dataset.id = id ?? "";
    const from = this.playback.from;
    byTestId("now-meta").textContent = !track
      ? "The engine picks the first track from the start row."
      : [track.kind === "file" ? "your file" : `${moodOf(track)?.name} · ${track.bpm} bpm`, `id ${id}`, from ? `after ${from}` : "first play"].join(" · ");
    const play = byTestId("btn-play");
    const playing = this.playback.player.playing;
    if (play.dataset.shows !== String(playing)) {
      play.dataset.shows = String(playing);
      replace(play, svgEl("svg", { class: "icon" }, svgEl("use", { href: playing ? "#i-pause" : "#i-play" })), playing ? " Pause" : " Play");
    }
    play.setAttribute("aria-pressed", String(playing));
  }

  tickProgress() {
    const player = this.playback.player;
    const bar = byTestId("progress");
    const shown = player.track !== undefined && player.track.id === this.current;
    const pos = shown ? player.position : 0;
    const dur = shown ? player.duration : this.playback.durationOf(this.current) ?? 0;
    const ratio = dur > 0 ? Math.min(1, pos / dur) : 0;
    bar.firstElementChild.style.width = `${(ratio * 100).toFixed(2)}%`;
    bar.setAttribute("aria-valuenow", String(Math.round(ratio * 100)));
    bar.dataset.position = pos.toFixed(2);
    byTestId("time-pos").textContent = formatTime(pos);
    byTestId("time-dur").textContent = formatTime(dur);
  }

  /** Moves the progress bar every frame. */
  startProgressLoop() {
    const loop = () => {
      guard("Progress", () => this.tickProgress());
      requestAnimationFrame(loop);
    };
    requestAnimationFrame(loop);
  }
}

/** The memory strip: what the page remembered of the listener, and whether another tab has it too. */
export function renderMemory(m) {
  if (!m) return;
  const el = byTestId("memory-state");
  el.dataset.state = m.how;
  const plays = m.plays === 0 ? "nothing played yet" : `${m.plays} play${m.plays === 1 ? "" : "s"} remembered`;
  const files = m.dropped ? ` Your own files are not kept across reloads: ${m.dropped} forgotten.` : "";
  const [lead, rest] = {
    fresh: ["Fresh start:", " nothing remembered yet. What you play and skip is kept in this browser."],
    restored: ["Welcome back:", ` ${plays}, build #${m.build}.${files}`],
    reopened: ["Options applied", ` to the same memory: ${plays}, build #${m.build}.`],
    forgotten: ["Forgotten.", " Your memory was deleted: a fresh start from the catalogue."],
    off: ["Memory off:", ` your profile could not be opened (${m.reason}). Nothing is saved; Forget me starts a new one.`],
  }[m.how];
  replace(el, h("strong", {}, lead), rest);
  byTestId("profile-shared").hidden = !m.shared;
}
