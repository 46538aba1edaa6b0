// The playback chain (a copy from playbackChain()): back stack, current, forward stack, and whether
// learning is frozen (going back or forward revisits; a new pick unfreezes).

import { h, replace } from "./dom.js";
import { colourOf } from "./catalogue.js";

const SHOWN = 10;

function chip(catalogue, id, extra = "") {
  const track = catalogue.get(id);
  return h("span", { class: `chip ${extra}`, title: track ? `${id} · ${track.title}` : String(id), style: { "--c": colourOf(track) } }, String(id));
}

export function renderChain(root, chain, catalogue) {
  const back = chain.back.slice(-SHOWN);
  const hiddenBack = chain.back.length - back.length;
  replace(root.querySelector("[data-testid=chain-back]"),
    hiddenBack > 0 ? h("span", { class: "more" }, `+${hiddenBack}`) : null,
    back.length ? back.map((id) => chip(catalogue, id)) : h("span", { class: "empty" }, "empty"));
  replace(root.querySelector("[data-testid=chain-current]"),
    chain.current === undefined ? h("span", { class: "empty" }, "nothing") : chip(catalogue, chain.current, "big"));
  // The forward stack pops from its end: show the next one first.
  const forward = [...chain.forward].reverse();
  replace(root.querySelector("[data-testid=chain-forward]"),
    forward.length ? forward.slice(0, SHOWN).map((id) => chip(catalogue, id)) : h("span", { class: "empty" }, "empty"));
  const frozen = root.querySelector("[data-testid=chain-frozen]");
  frozen.textContent = chain.learningFrozen ? "learning frozen (revisiting)" : "learning on";
  frozen.className = `pill ${chain.learningFrozen ? "frozen" : "on"}`;
  root.querySelector("[data-testid=chain-counts]").textContent = `${chain.back.length} back · ${chain.forward.length} forward`;
}
