// The options the page lets a person change. Applying them recreates the orchestrator (options are
// fixed for an orchestrator's life) by reopening the listener's profile with them: the memory is
// kept. The TTL check interval follows the TTL so that a short TTL is
// seen to work: an eighth of it, between 1 s and the package's 60 s default.

import { h, replace, num } from "./dom.js";

/** The demo's starting options; topK 5 (package default 10) lets learning show within a few hundred plays. */
export const DEMO_DEFAULTS = { seed: 42, maxRuntimeDiffs: 50, ttlSeconds: 120, repeatWindow: 8, topK: 5 };

export function ttlCheckIntervalFor(ttlMs) {
  return Math.min(60000, Math.max(1000, Math.round(ttlMs / 8)));
}

/** Form values -> Orchestrator options. The engine validates them (and names a bad one). */
export function optionsFrom(values) {
  const ttlMs = Math.round(values.ttlSeconds * 1000);
  return {
    seed: values.seed,
    maxRuntimeDiffs: values.maxRuntimeDiffs,
    maxRuntimeAgeMs: ttlMs,
    ttlCheckIntervalMs: Number.isFinite(ttlMs) && ttlMs > 0 ? ttlCheckIntervalFor(ttlMs) : ttlMs,
    repeatWindow: values.repeatWindow,
    topK: values.topK,
  };
}

/** The form values an orchestrator's resolved options stand for (a restored profile keeps its own). */
export function valuesFrom(resolved) {
  return {
    seed: resolved.seed,
    maxRuntimeDiffs: resolved.maxRuntimeDiffs,
    ttlSeconds: resolved.maxRuntimeAgeMs / 1000,
    repeatWindow: resolved.repeatWindow,
    topK: resolved.topK,
  };
}

export function readForm(form) {
  const value = (name) => {
    const raw = form.elements[name].value.trim();
    return raw === "" ? NaN : Number(raw);
  };
  return {
    seed: value("seed"),
    maxRuntimeDiffs: value("maxRuntimeDiffs"),
    ttlSeconds: value("ttlSeconds"),
    repeatWindow: value("repeatWindow"),
    topK: value("topK"),
  };
}

export function fillForm(form, values) {
  for (const [key, value] of Object.entries(values)) if (form.elements[key]) form.elements[key].value = String(value);
}

/** The resolved options, as the engine reports them (orchestrator.options()). */
export function renderResolved(dl, resolved) {
  replace(dl, Object.entries(resolved).flatMap(([key, value]) => [h("dt", {}, key), h("dd", {}, num(value))]));
}
