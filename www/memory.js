// The listener's memory as the page shows it: the few things the demo keeps next to the package's
// IndexedDB profile (in localStorage: the options last applied and the rebuild timeline, which the
// engine does not record), and the wording of the save status. The profile itself (graph, learned
// weights, chain, build) is the package's business: Orchestrator.open() restores it.

import { formatTime } from "./dom.js";
import { VALUE_KEYS, wellFormed } from "./options-form.js";

const KEY = "memory-player-demo/ui";
const MAX_ENTRIES = 40;

const isCount = (x) => Number.isSafeInteger(x) && x >= 0;

function validEntry(e) {
  return e !== null && typeof e === "object" && isCount(e.buildVersion) && typeof e.reason === "string" &&
    (isCount(e.diffs) || e.diffs === null) && Number.isFinite(e.at);
}

/**
 * What the page kept for `profile`, or null (none, another profile's, or unreadable). Only
 * well-formed parts are returned: the engine checks the option values again when it opens. Values
 * kept by an older page (without today's fields) are dropped: the page's defaults apply.
 */
export function loadPageState(profile) {
  let raw;
  try {
    raw = JSON.parse(localStorage.getItem(KEY) ?? "null");
  } catch {
    return null;
  }
  if (raw === null || typeof raw !== "object" || raw.profile !== profile) return null;
  const values = wellFormed(raw.values) ? Object.fromEntries(VALUE_KEYS.map((k) => [k, raw.values[k]])) : null;
  const timeline = Array.isArray(raw.timeline) ? raw.timeline.filter(validEntry).slice(-MAX_ENTRIES) : [];
  return { values, timeline };
}

/** Keeps the page's part of the memory; a full or disabled localStorage only loses the timeline. */
export function savePageState(profile, { values, timeline }) {
  try {
    localStorage.setItem(KEY, JSON.stringify({ profile, values, timeline: timeline.slice(-MAX_ENTRIES) }));
  } catch {
    /* private mode or full: the engine's memory is in IndexedDB all the same */
  }
}

export function clearPageState() {
  try {
    localStorage.removeItem(KEY);
  } catch {
    /* nothing to clear */
  }
}

/**
 * The timeline to show for a restored build: the kept entries up to it, when the newest of them
 * is that build; else (the page state is older or newer than the profile) the build alone.
 */
export function reconcileTimeline(entries, build) {
  const kept = entries.filter((e) => e.buildVersion <= build.buildVersion);
  const last = kept.at(-1);
  if (last && last.buildVersion === build.buildVersion && last.reason === build.buildReason) return kept;
  return [{ buildVersion: build.buildVersion, reason: build.buildReason, diffs: null, at: build.builtAt }];
}

/** "just now", "12 s ago", "3:05 ago". */
export function ago(ms) {
  const s = Math.max(0, ms) / 1000;
  if (s < 2) return "just now";
  if (s < 60) return `${Math.floor(s)} s ago`;
  return `${formatTime(s)} ago`;
}

/** A save refused because another tab or window changed the profile (the package's error name). */
export function isConflict(err) {
  return err?.name === "ProfileConflictError";
}
