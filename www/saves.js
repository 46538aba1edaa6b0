// What the page knows of the saves of the page's orchestrator, and the save status it shows.
//
// The package saves a profile by itself (after a rebuild, on stop(), within saveDelayMs of a
// change) but does not say when it did, so the page asks for saves itself (`flush()`) on top:
// - every `delayMs` at most while the engine changes (the managers), so it can show "saved";
// - right after each of the listener's actions (at a human pace), because a save started when
//   the page is going away (pagehide) does not complete in Chromium: without this, a reload
//   within `delayMs` of a skip would forget it.

import { ago, isConflict } from "./memory.js";

export class SaveStatus {
  /**
   * `el`: { state, reload } elements; `delayMs`: the package's autosave delay; `onChange()`:
   * redraw; `showError(context, err)`.
   */
  constructor({ el, delayMs, onChange, showError }) {
    Object.assign(this, { el, delayMs, onChange, showError });
    this.follow(null);
  }

  /**
   * Follows the saves of `o` (null: between two orchestrators). `profiled`: false when `o` saves
   * nowhere (memory off). `clean`: `o.changes` as stored, when `o` was opened unchanged.
   */
  follow(o, { profiled = false, clean } = {}) {
    this.o = o;
    this.profiled = profiled;
    // One record per orchestrator: a save that ends after a switch is not mistaken for a newer one's.
    this.rec = {
      changes: clean, // o.changes when the last save this page knows of was asked for
      at: 0, // when that save committed (0: it is the stored profile this page opened)
      asked: 0, // when this page last asked for a save
      busy: false,
      again: false, // a save was asked for while one was running
      error: null, // a refused save: a conflict stays; another error is retried later
    };
  }

  /** Called every second: a save when the engine changed and the last one was asked long enough ago. */
  tick() {
    const { o, rec } = this;
    if (!o || !this.profiled || rec.busy || rec.error || o.changes === rec.changes) return;
    if (Date.now() - rec.asked < this.delayMs) return;
    void this.saveNow();
  }

  /** A save now, after the listener did something; one at a time (a second one waits its turn). */
  request() {
    const { o, rec } = this;
    if (!o || !this.profiled || rec.error) return;
    if (rec.busy) rec.again = true;
    else if (o.changes !== rec.changes) void this.saveNow();
  }

  async saveNow() {
    const { o, rec } = this;
    const changes = o.changes;
    rec.busy = true;
    rec.again = false;
    rec.asked = Date.now();
    try {
      await o.flush();
      rec.at = Date.now();
      rec.changes = changes;
    } catch (err) {
      if (this.rec === rec) this.failed(err);
    } finally {
      rec.busy = false;
      if (rec.again && this.rec === rec) this.request();
      this.onChange();
    }
  }

  /** Shows a refused save once. After a conflict this page saves nothing more (reload to resume). */
  failed(err) {
    const rec = this.rec;
    if (rec.error) return;
    rec.error = err;
    this.showError(isConflict(err) ? "Saving your memory: another tab changed it" : "Saving your memory", err);
    if (!isConflict(err)) setTimeout(() => rec.error === err && (rec.error = null), 10 * this.delayMs);
    this.onChange();
  }

  /** The package reports a refused autosave as an uncaught error: a conflict is shown here, once. */
  claim(err) {
    if (!isConflict(err)) return false;
    if (this.o && this.profiled) this.failed(err);
    else this.showError("Saving your memory: another tab changed it", err);
    return true;
  }

  /**
   * Leaving the page: a last save. Chromium drops a save started this late on a reload (hence
   * the saves after each action); it is still worth asking, for the browsers and cases where it
   * completes. (A conflict is reported by the package, and shown.)
   */
  leaving() {
    const { o, rec } = this;
    if (o && this.profiled && !rec.error && o.changes !== rec.changes) o.flush().catch(() => {});
  }

  render() {
    const { o, rec } = this;
    let state;
    let text;
    if (!o) [state, text] = ["saving", "switching…"];
    else if (!this.profiled) [state, text] = ["off", "not saved"];
    else if (rec.error) [state, text] = isConflict(rec.error) ? ["conflict", "not saved: changed in another tab"] : ["error", "not saved: retrying soon"];
    else if (rec.busy) [state, text] = ["saving", "saving…"];
    else if (o.changes !== rec.changes) [state, text] = ["pending", "saving soon"];
    else [state, text] = ["saved", rec.at ? `saved ${ago(Date.now() - rec.at)}` : "saved"];
    this.el.state.dataset.state = state;
    this.el.state.textContent = text;
    this.el.reload.hidden = state !== "conflict";
  }
}
