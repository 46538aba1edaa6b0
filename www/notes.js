// What the page tells the person as it goes: the last action (under the player) and the engine's
// recent events (the event log).

import { h, replace, clock } from "./dom.js";

const LOG_KEPT = 6;

export class Notes {
  constructor({ lastAction, eventLog }) {
    this.lastAction = lastAction;
    this.eventLog = eventLog;
  }

  /** Says what the last action did; `quiet`: without the pulse that draws the eye. */
  say(text, quiet = false) {
    const el = this.lastAction;
    el.textContent = text;
    if (!quiet) {
      el.classList.remove("pulse");
      void el.offsetWidth; // restarts the animation
      el.classList.add("pulse");
    }
  }

  /** One line in the event log, newest first. */
  log(text, kind) {
    const list = this.eventLog;
    list.prepend(h("li", { class: kind }, h("time", {}, clock(Date.now())), " ", text));
    while (list.children.length > LOG_KEPT) list.lastElementChild.remove();
  }

  clearLog() {
    replace(this.eventLog);
  }
}
