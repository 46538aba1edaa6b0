// Keyboard shortcuts (listed on the page). Ignored while typing in a field, with a modifier held,
// while a modal dialog is open, or for Space on a focused button or link (which Space already
// activates).

export function installShortcuts(map, run) {
  document.addEventListener("keydown", (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey || e.repeat) return;
    if (document.querySelector("dialog[open]")) return;
    const target = e.target;
    if (target instanceof HTMLElement && (target.isContentEditable || target.closest("input, textarea, select"))) return;
    const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
    if (key === " " && target instanceof HTMLElement && target.closest("button, a, summary")) return;
    const action = map[key];
    if (!action) return;
    e.preventDefault();
    run(`Shortcut ${key === " " ? "Space" : key.toUpperCase()}`, action);
  });
}
