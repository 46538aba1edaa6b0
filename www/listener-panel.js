// The simulated-listener panel: runs the comparison (listener-sim.js) a frame at a time, charts
// the three skip rates as they learn, and shows the numbers and, on request, the hidden tastes.
// The engines of the comparison are its own: the page's engine and your memory are untouched.

import { h, replace, byTestId, percent } from "./dom.js";
import { MOODS, colourOf } from "./catalogue.js";
import { renderChart } from "./chart.js";
import { LANES } from "./listener-sim.js";

/** A run lasts about this many frames (~1 s), however many plays it has, if the engines keep up. */
const FRAMES_PER_RUN = 60;
/** Engine time a frame may take (ms): the page stays responsive on a slow machine. */
const FRAME_BUDGET_MS = 12;
const MAX_PLAYS = 20000;

const nextFrame = () => new Promise((resolve) => requestAnimationFrame(resolve));

export class ListenerPanel {
  /**
   * `create()` returns a new Comparison (with its own engines, from the page's options);
   * `catalogue` names the tracks; `onError(context, err)` shows a failure on the page.
   */
  constructor({ root = document, create, catalogue, onError }) {
    this.el = (id) => byTestId(id, root);
    this.create = create;
    this.catalogue = catalogue;
    this.onError = onError;
    this.comparison = null;
    this.running = false;
    this.stopping = false;
    this.target = undefined;
    this.render();
  }

  /** Runs the number of plays in the form (more plays of the same listener), or stops a run. */
  async toggle() {
    if (this.running) {
      this.stopping = true;
      return;
    }
    const planned = Number(this.el("sim-plays").value);
    if (!Number.isInteger(planned) || planned < 1 || planned > MAX_PLAYS) {
      this.onError("Simulated listener", new RangeError(`plays must be a whole number from 1 to ${MAX_PLAYS}`));
      return;
    }
    await this.run(planned);
  }

  async run(planned) {
    if (!this.comparison) {
      this.comparison = this.create();
      this.renderTastes();
    }
    const c = this.comparison;
    this.target = c.plays + planned;
    this.running = true;
    this.stopping = false;
    const perFrame = Math.max(5, Math.ceil(planned / FRAMES_PER_RUN));
    const started = performance.now();
    try {
      while (c.plays < this.target && !this.stopping && this.comparison === c) {
        const frameStart = performance.now();
        for (let i = 0; i < perFrame && c.plays < this.target && performance.now() - frameStart < FRAME_BUDGET_MS; i++) {
          c.step();
          // The engines' managers are tasks on this page's microtask queue: let them act between
          // two plays, as they would between two real tracks (the diff manager rebuilds).
          await null;
          if (this.comparison !== c) break;
        }
        this.render();
        await nextFrame();
      }
      this.lastRunMs = performance.now() - started;
    } catch (err) {
      this.onError("Simulated listener (playNext/feedback)", err);
    } finally {
      this.running = false;
      this.render();
    }
  }

  /** Drops the comparison (new options, or Forget me): the next run meets a new listener. */
  async reset() {
    const c = this.comparison;
    this.comparison = null;
    this.stopping = true;
    this.target = undefined;
    replace(this.el("sim-tastes-body"), h("p", { class: "muted" }, "Run the listener to meet it."));
    this.render();
    if (c) await c.close().catch((err) => this.onError("Simulated listener: freeing its engines", err));
  }

  render() {
    const c = this.comparison;
    // The x axis: the run's target while it runs, the plays made once it is over (a run stopped
    // early shrinks to what it played), the planned plays before the first run.
    const planned = this.running ? this.target : c?.plays || Number(this.el("sim-plays").value);
    renderChart(this.el("chart"), LANES.map(({ key }) => ({ key, rates: c?.run(key).rates ?? [] })), { window: c?.window ?? 50, planned });
    const button = this.el("sim-run");
    button.textContent = this.running ? "Stop listener" : c?.plays ? "Listen more" : "Run listener";
    button.setAttribute("aria-pressed", String(this.running));
    const progress = this.el("sim-progress");
    progress.textContent = !c ? "not started" : this.running ? `${c.plays} plays of ${this.target}` : `${c.plays} plays`;
    progress.dataset.plays = String(c?.plays ?? 0);
    progress.dataset.state = this.running ? "running" : c ? "done" : "idle";
    if (!c || c.plays === 0) {
      replace(this.el("sim-stats"), h("p", { class: "muted" }, "The listener plays fast-forwarded: no sound, real engine calls (playNext + feedback), three pickers side by side."));
      return;
    }
    // Skip rates over the first and the latest 100 plays (or fewer, early on).
    const span = Math.min(100, Math.max(1, Math.floor(c.plays / 2)));
    const boxes = LANES.map(({ key, label }) => {
      const run = c.run(key);
      const last = run.rate(c.plays - span);
      return h("div", { class: `stat ${key}`, "data-testid": "sim-stat", "data-lane": key, "data-last": last.toFixed(4) },
        h("span", { class: "l" }, h("span", { class: `lg-line ${key}` }), label),
        h("span", { class: "v" }, percent(last, 0)),
        h("span", { class: "sub" }, `first ${span}: ${percent(run.rate(0, span), 0)}`));
    });
    const adaptive = c.run("adaptive").lane;
    const seedRules = c.run("seed").lane;
    replace(this.el("sim-stats"),
      h("p", { class: "stats-head" }, `Skips over the last ${span} plays`),
      boxes,
      h("p", { class: "stats-foot", "data-testid": "sim-window" },
        "Repeat window: the adaptive engine learned ", h("strong", {}, `${adaptive.repeatWindow} plays`),
        `; the seed rules keep ${seedRules.repeatWindow}.`));
  }

  renderTastes() {
    const t = this.comparison.tastes;
    const mood = (key) => MOODS.find((m) => m.key === key)?.name ?? key;
    const ids = (set) => [...set].sort((a, b) => a - b).map((id) => h("span", { class: "chip", style: { "--c": colourOf(this.catalogue.get(id)) } }, id));
    replace(this.el("sim-tastes-body"),
      h("p", {}, "Loves ", h("strong", {}, mood(t.favouriteMood)), ", avoids ", h("strong", {}, mood(t.avoidedMood)),
        ", likes to stay in the mood of the last track, and skips a track heard again within ", h("strong", {}, `${t.tolerance} plays`), "."),
      h("p", { class: "chip-row" }, "Liked: ", ids(t.liked)),
      h("p", { class: "chip-row" }, "Disliked: ", ids(t.disliked)));
  }
}
