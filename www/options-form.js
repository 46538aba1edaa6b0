// The options the page lets a person change. Applying them recreates the orchestrator (options are
// fixed for an orchestrator's life) by reopening the listener's profile with them: the memory is
// kept. The page starts from the package's own defaults. The TTL check interval follows the TTL so
// that a short TTL is seen to work: an eighth of it, between 1 s and the package's 60 s default.

import { h, replace, num } from "./dom.js";

/** The form's fields: numbers, except `policy`. */
export const VALUE_KEYS = ["seed", "policy", "maxRuntimeDiffs", "ttlSeconds", "repeatWindow", "topK", "memoryHalfLife", "exploration"];
export const POLICIES = ["adaptive", "seed"];

/** The form values of the package's default options (asked of the package: one source of truth). */
export function defaultValues(Orchestrator) {
  const o = new Orchestrator();
  try {
    return valuesFrom(o.options());
  } finally {
    o.free();
  }
}

export function ttlCheckIntervalFor(ttlMs) {
  return Math.min(60000, Math.max(1000, Math.round(ttlMs / 8)));
}

/** Form values -> Orchestrator options. The engine validates them (and names a bad one). */
export function optionsFrom(values) {
  const ttlMs = Math.round(values.ttlSeconds * 1000);
  return {
    seed: values.seed,
    policy: values.policy,
    maxRuntimeDiffs: values.maxRuntimeDiffs,
    maxRuntimeAgeMs: ttlMs,
    ttlCheckIntervalMs: Number.isFinite(ttlMs) && ttlMs > 0 ? ttlCheckIntervalFor(ttlMs) : ttlMs,
    repeatWindow: values.repeatWindow,
    topK: values.topK,
    memoryHalfLife: values.memoryHalfLife,
    exploration: values.exploration,
  };
}

/** The form values an orchestrator's resolved options stand for (a restored profile keeps its own). */
export function valuesFrom(resolved) {
  return {
    seed: resolved.seed,
    policy: resolved.policy,
    maxRuntimeDiffs: resolved.maxRuntimeDiffs,
    ttlSeconds: resolved.maxRuntimeAgeMs / 1000,
    repeatWindow: resolved.repeatWindow,
    topK: resolved.topK,
    memoryHalfLife: resolved.memoryHalfLife,
    exploration: resolved.exploration,
  };
}

/** True when `values` has every field, of the right kind (the engine checks the ranges). */
export function wellFormed(values) {
  return values !== null && typeof values === "object" &&
    VALUE_KEYS.every((k) => (k === "policy" ? POLICIES.includes(values[k]) : Number.isFinite(values[k])));
}

export function readForm(form) {
  const value = (name) => {
    const raw = form.elements[name].value.trim();
    return raw === "" ? NaN : Number(raw);
  };
  return Object.fromEntries(VALUE_KEYS.map((k) => [k, k === "policy" ? form.elements.policy.value : value(k)]));
}

export function fillForm(form, values) {
  for (const [key, value] of Object.entries(values)) if (form.elements[key]) form.elements[key].value = String(value);
}

/** The resolved options, as the engine reports them (orchestrator.options()). */
export function renderResolved(dl, resolved) {
  replace(dl, Object.entries(resolved).flatMap(([key, value]) => [h("dt", {}, key), h("dd", {}, typeof value === "number" ? num(value) : String(value))]));
}
