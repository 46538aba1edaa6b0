// Errors are shown on the page, never swallowed: window errors, unhandled rejections and every
// engine call made through `guard`.

import { h, byTestId } from "./dom.js";

let list;

function describe(err) {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  if (typeof err === "string") return err;
  try {
    return JSON.stringify(err);
  } catch {
    return String(err);
  }
}

/** Shows an error in the page's error panel (and the console, for developers). */
export function showError(context, err) {
  console.warn(`[memory-player demo] ${context}:`, err);
  list ??= byTestId("error-list");
  const panel = byTestId("errors");
  if (!list || !panel) return;
  list.append(h("li", { "data-testid": "error-item" }, h("strong", {}, context), " — ", describe(err)));
  while (list.children.length > 8) list.firstElementChild.remove();
  panel.hidden = false;
}

/** Calls `fn`; on a throw shows it with `context` and returns `fallback`. */
export function guard(context, fn, fallback = undefined) {
  try {
    return fn();
  } catch (err) {
    showError(context, err);
    return fallback;
  }
}

/** Same for async work. */
export async function guardAsync(context, fn, fallback = undefined) {
  try {
    return await fn();
  } catch (err) {
    showError(context, err);
    return fallback;
  }
}

/**
 * Catches what nothing else caught, and wires the panel's dismiss button. `handle(err)` may claim
 * an uncaught error by returning true: it then shows the error itself, and the browser does not
 * log it again.
 */
export function installErrorReporting(handle = () => false) {
  window.addEventListener("error", (e) => {
    if (e.error !== undefined && handle(e.error)) e.preventDefault();
    else showError("Uncaught error", e.error ?? e.message);
  });
  window.addEventListener("unhandledrejection", (e) => showError("Unhandled promise rejection", e.reason));
  byTestId("errors-dismiss")?.addEventListener("click", () => {
    byTestId("error-list").replaceChildren();
    byTestId("errors").hidden = true;
  });
}
