// The managers at work: the current build's diff counter against maxRuntimeDiffs, its age against
// the TTL, whether the managers run, and a timeline of rebuilds (from the "rebuild" event).

import { h, replace, clock, formatTime } from "./dom.js";

const KEPT = 40;

/** The rebuild timeline: newest first; the newest entry is highlighted when it swaps in. */
export class RebuildTimeline {
  constructor(list) {
    this.list = list;
    this.entries = [];
  }
  clear() {
    this.entries = [];
    replace(this.list);
  }
  add({ buildVersion, reason, diffs, at = Date.now(), initial = false }) {
    this.entries.push({ buildVersion, reason, diffs, at });
    for (const old of this.list.querySelectorAll(".newest")) old.classList.remove("newest", "flash");
    const li = h("li", { class: `newest${initial ? "" : " flash"}`, "data-testid": "rebuild-entry", "data-version": buildVersion, "data-reason": reason },
      h("span", { class: "ver" }, `#${buildVersion}`),
      h("span", { class: "reason" }, reason),
      h("span", { class: "folded", title: "learning mutations folded into the base graph" }, initial ? "—" : `${diffs} diff${diffs === 1 ? "" : "s"}`),
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
