// The managers at work: the current build's diff counter against maxRuntimeDiffs, its age against
// the TTL, whether the managers run, and a timeline of rebuilds (from the "rebuild" event).

import { h, replace, clock, formatTime } from "./dom.js";

const KEPT = 40;

/**
 * The rebuild timeline: newest first; the newest entry is highlighted when it swaps in. `entries`
 * (oldest first) is what the page keeps with the listener's profile, so that a reload shows the
 * builds that led to the restored one.
 */
export class RebuildTimeline {
  constructor(list) {
    this.list = list;
    this.entries = [];
  }
  clear() {
    this.entries = [];
    replace(this.list);
  }
  /**
   * Shows kept entries again, without flashing; the newest, the build the engine resumed from, is
   * tagged `tag` ("restored" after a reload, "reopened" after new options).
   */
  restore(entries, tag = "restored") {
    this.clear();
    entries.forEach((e, i) => this.add({ ...e, initial: true, restored: i === entries.length - 1 ? tag : false }));
  }
  /**
   * `diffs: null`: not a rebuild (the first build), or not known; `initial`: shown without a flash;
   * `restored`: false, or the tag of the build the engine resumed from.
   */
  add({ buildVersion, reason, diffs, at = Date.now(), initial = false, restored = false }) {
    this.entries.push({ buildVersion, reason, diffs: diffs ?? null, at });
    if (this.entries.length > KEPT) this.entries.shift();
    for (const old of this.list.querySelectorAll(".newest")) old.classList.remove("newest", "flash");
    const li = h("li", { class: `newest${initial ? "" : " flash"}${restored ? " restored" : ""}`, "data-testid": "rebuild-entry", "data-version": buildVersion, "data-reason": reason },
      h("span", { class: "ver" }, `#${buildVersion}`),
      h("span", { class: "reason" }, reason, restored ? h("span", { class: "tag", title: "the build the engine resumed from, as saved in your memory" }, restored) : null),
      h("span", { class: "folded", title: "learning mutations folded into the base graph" }, diffs == null ? "—" : `${diffs} diff${diffs === 1 ? "" : "s"}`),
      h("time", { datetime: new Date(at).toISOString() }, clock(at)));
    this.list.prepend(li);
    while (this.list.children.length > KEPT) this.list.lastElementChild.remove();
  }
}

/** Updates the meters from the current build and the resolved options. */
export function renderManagers(root, { build, options, running, now = Date.now() }) {
  const diffRatio = build.diffs / options.maxRuntimeDiffs;
  const age = Math.max(0, now - build.builtAt);
  const ageRatio = age / options.maxRuntimeAgeMs;
  const set = (id, text) => (root.querySelector(`[data-testid=${id}]`).textContent = text);
  set("diff-count", `${build.diffs} / ${options.maxRuntimeDiffs}`);
  set("build-age", `${formatTime(age / 1000)} / ${formatTime(options.maxRuntimeAgeMs / 1000)}`);
  set("build-version", `#${build.buildVersion}`);
  set("build-reason", build.buildReason);
  set("ttl-check", `checked every ${formatTime(options.ttlCheckIntervalMs / 1000)}`);
  meter(root.querySelector("[data-meter=diffs]"), diffRatio);
  meter(root.querySelector("[data-meter=age]"), ageRatio);
  const state = root.querySelector("[data-testid=managers-state]");
  state.textContent = running ? "running" : "stopped";
  state.className = `pill ${running ? "on" : "off"}`;
  const toggle = root.querySelector("[data-testid=managers-toggle]");
  toggle.textContent = running ? "Stop managers" : "Start managers";
  toggle.setAttribute("aria-pressed", String(running));
}

function meter(el, ratio) {
  const clamped = Math.max(0, Math.min(1, ratio));
  el.firstElementChild.style.width = `${clamped * 100}%`;
  el.classList.toggle("over", ratio > 1);
  el.setAttribute("aria-valuenow", String(Math.round(clamped * 100)));
}
