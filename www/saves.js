// The save status of the page's orchestrator, from the package's own save events: the package
// saves a profile by itself (every play, lesson and rebuild at once, other changes within
// saveDelayMs) and says so with `on("save", e)` ({ revision, bytes, ms, kind }) and
// `on("saveerror", e)` ({ error, revision }). The page only listens and shows it.

import { ago, isConflict } from "./memory.js";

export class SaveStatus {
  /** `el`: { state, reload } elements; `onChange()`: redraw; `showError(context, err)`. */
  constructor({ el, onChange, showError }) {
    Object.assign(this, { el, onChange, showError });
    this.off = [];
    this.follow(null);
  }

  /**
   * Follows the saves of `o` (null: between two orchestrators). `profiled`: false when `o` saves
   * nowhere (memory off). `clean`: `o.changes` as stored, when `o` was opened unchanged.
   */
  follow(o, { profiled = false, clean } = {}) {
    for (const off of this.off) off();
    this.off = [];
    this.o = o;
    this.profiled = profiled;
    // One record per orchestrator: an event of the previous one is not mistaken for this one's.
    const rec = (this.rec = {
      changes: clean, // o.changes when the last save committed (as far as this page knows)
      at: 0, // when that save committed (0: it is the stored profile this page opened)
      last: null, // the last save event
      error: null, // a refused save: a conflict stays; another error until the next save
    });
    if (!o || !profiled) return;
    this.off.push(
      o.on("save", (e) => {
        rec.changes = o.changes;
        rec.at = Date.now();
        rec.last = e;
        if (!isConflict(rec.error)) rec.error = null;
        this.onChange();
      }),
      o.on("saveerror", (e) => {
        if (this.rec === rec) this.failed(e.error);
      }),
    );
  }

  /** Shows a refused save once. After a conflict this page saves nothing more (reload to resume). */
  failed(err) {
    const rec = this.rec;
    if (rec.error === err || isConflict(rec.error)) return;
    rec.error = err;
    this.showError(isConflict(err) ? "Saving your memory: another tab changed it" : "Saving your memory", err);
    this.onChange();
  }

  /** A save now, for a change the package hears of only within saveDelayMs (a forgotten track). */
  now() {
    if (this.o && this.profiled && !this.rec.error) this.o.flush().catch(() => {}); // failures: "saveerror"
  }

  /** The package also reports a refused autosave as an uncaught error: a conflict is shown here, once. */
  claim(err) {
    if (!isConflict(err)) return false;
    if (this.o && this.profiled) this.failed(err);
    else this.showError("Saving your memory: another tab changed it", err);
    return true;
  }

  render() {
    const { o, rec } = this;
    let state;
    let text;
    if (!o) [state, text] = ["saving", "switching…"];
    else if (!this.profiled) [state, text] = ["off", "not saved"];
    else if (rec.error) [state, text] = isConflict(rec.error) ? ["conflict", "not saved: changed in another tab"] : ["error", "not saved: retrying soon"];
    else if (o.changes !== rec.changes) [state, text] = ["saving", "saving…"];
    else [state, text] = ["saved", rec.at ? `saved ${ago(Date.now() - rec.at)}` : "saved"];
    this.el.state.dataset.state = state;
    this.el.state.textContent = text;
    this.el.state.title = rec.last ? `revision ${rec.last.revision}: ${rec.last.kind}, ${rec.last.bytes} bytes in ${rec.last.ms.toFixed(1)} ms` : "";
    this.el.reload.hidden = state !== "conflict";
  }
}
