// The demo's wiring: it loads the package by its public name, makes the page's parts and connects
// them to the page's controls. Each part owns its own state:
// - session.js   the page's Orchestrator, opened from the listener's profile (IndexedDB)
// - saves.js     the save status of that profile, from the package's "save" / "saveerror" events
// - playback.js  the player's controls and the sound (audio.js, synth.js)
// - views.js     everything drawn from the engine's state
// - listener-panel.js  the simulated listener: adaptive policy, seed rules and shuffle compared
// - switcher.js  replacing the orchestrator (new options, Forget me) while the controls wait
// Every engine call goes through `guard` (errors.js), so a refusal shows on the page.

import { installErrorReporting, showError, guard, guardAsync } from "./errors.js";
import { byTestId } from "./dom.js";
import { Catalogue } from "./catalogue.js";
import { RebuildTimeline } from "./managers-view.js";
import { defaultValues, readForm, fillForm, renderResolved } from "./options-form.js";
import { loadPageState } from "./memory.js";
import { enableDrop, OwnFiles } from "./own-files.js";
import { installShortcuts } from "./keyboard.js";
import { Notes } from "./notes.js";
import { SaveStatus } from "./saves.js";
import { EngineSession } from "./session.js";
import { Playback } from "./playback.js";
import { PageView, renderMemory } from "./views.js";
import { ListenerPanel } from "./listener-panel.js";
import { Comparison } from "./listener-sim.js";
import { EngineSwitch } from "./switcher.js";

/** The listener's profile: one per browser (per origin) for this demo. */
const PROFILE = "memory-player-demo";
/** The package's autosave delay (its default), named because the page's own save status uses it. */
const SAVE_DELAY_MS = 2000;

const status = byTestId("status");
function setStatus(text, state) {
  status.textContent = text;
  status.dataset.state = state;
}

const refresh = () => view.refresh();
const notes = new Notes({ lastAction: byTestId("last-action"), eventLog: byTestId("event-log") });
const saves = new SaveStatus({
  el: { state: byTestId("save-state"), reload: byTestId("reload") },
  onChange: refresh,
  showError,
});
installErrorReporting((err) => saves.claim(err));

let mp;
try {
  mp = await import("memory-player");
} catch (err) {
  setStatus("The memory-player package could not be loaded. Build it first: npm start (or bash scripts/build.sh).", "error");
  showError("Loading the memory-player package", err);
  mp = null;
}

// ?trackSeconds=N cuts every generated track to N seconds: a quick look at tracks ending on their own.
const trackSeconds = Number(new URLSearchParams(location.search).get("trackSeconds"));
const catalogue = new Catalogue(trackSeconds > 0 ? trackSeconds : Infinity);
/** What the simulated listener hears: the generated tracks (its tastes are about them). */
const listenerTracks = catalogue.tracks.filter((t) => t.kind === "synth");

const session = new EngineSession({
  mp, catalogue, profile: PROFILE, saveDelayMs: SAVE_DELAY_MS, saves, showError,
  timeline: new RebuildTimeline(byTestId("rebuild-timeline")),
  log: (text, kind) => notes.log(text, kind),
  onChange: refresh,
  onAdopt(current) {
    playback.sync();
    renderMemory(current.memory);
    renderResolved(byTestId("resolved-options"), current.options);
    fillForm(byTestId("options-form"), current.values);
  },
});
const playback = new Playback({
  session, catalogue, notes, showError,
  audioElement: byTestId("file-audio"),
  soundState: byTestId("sound-state"),
  onChange: refresh,
});
const files = new OwnFiles({ session, catalogue, playback, notes, onChange: refresh, onForgotten: () => saves.now() });
const view = new PageView({ session, playback, catalogue, saves, onForget: (track) => files.forget(track) });
const listener = new ListenerPanel({
  catalogue,
  onError: showError,
  create: () => new Comparison({ tracks: listenerTracks, seed: session.values.seed, engines: session.simulationEngines(listenerTracks) }),
});

const switcher = new EngineSwitch({ session, playback, listener, notes, onDone: refresh });

/** New options (checked first: a refused value leaves the current orchestrator as it is). */
async function applyOptions(event) {
  event.preventDefault();
  if (switcher.busy) return;
  const values = readForm(event.target);
  if (!guard("Options (new Orchestrator)", () => session.acceptable(values), false)) return;
  await switcher.apply(values);
}

function askForgetMe() {
  const dialog = byTestId("forget-dialog");
  if (dialog.open || switcher.busy) return;
  dialog.returnValue = "";
  dialog.showModal(); // focuses "Keep my memory" (autofocus); Escape cancels
}

/** Runs a control's action, unless the page is between two orchestrators (the package saves it). */
function run(label, fn) {
  if (!session.o || switcher.busy) return;
  return guardAsync(label, fn);
}

const actions = {
  playPause: () => playback.playPause(),
  next: () => playback.next(),
  skip: () => playback.skip(),
  back: () => playback.back(),
  rebuild() {
    guard("rebuildRuntime()", () => session.o.rebuildRuntime("rebuilt by hand"));
    refresh();
  },
  async toggleManagers() {
    const o = session.o;
    if (o.running) await guardAsync("stop()", () => o.stop());
    else guard("start()", () => o.start());
    refresh();
  },
  toggleListener: () => listener.toggle(),
};

function wire() {
  const on = (id, fn, label) => byTestId(id).addEventListener("click", () => run(label, fn));
  on("btn-play", actions.playPause, "Play");
  on("btn-next", actions.next, "Next");
  on("btn-back", actions.back, "Back");
  on("btn-skip", actions.skip, "Skip");
  on("rebuild-now", actions.rebuild, "Rebuild now");
  on("managers-toggle", actions.toggleManagers, "Managers");
  on("sim-run", actions.toggleListener, "Simulated listener");
  const form = byTestId("options-form");
  form.addEventListener("submit", (e) => guardAsync("Options", () => applyOptions(e)));
  byTestId("options-reset").addEventListener("click", () => fillForm(form, defaultValues(mp.Orchestrator)));
  const input = byTestId("file-input");
  input.addEventListener("change", () => run("Adding files", async () => {
    await files.add([...input.files]);
    input.value = "";
  }));
  enableDrop(document.body, byTestId("drop-overlay"), (list) => run("Adding files", () => files.add(list)));
  installShortcuts({
    " ": actions.playPause,
    n: actions.next,
    b: actions.back,
    s: actions.skip,
    r: actions.rebuild,
    m: actions.toggleManagers,
    l: actions.toggleListener,
  }, run);
  byTestId("forget-me").addEventListener("click", askForgetMe);
  const dialog = byTestId("forget-dialog");
  dialog.addEventListener("close", () => {
    byTestId("forget-me").focus();
    if (dialog.returnValue === "forget") guardAsync("Forget me", () => switcher.forget());
  });
  byTestId("reload").addEventListener("click", () => location.reload());
  // Leaving (reload, close, another page): the page's part of the memory (the package has
  // already saved the profile: it saves each action as it happens).
  window.addEventListener("pagehide", () => session.keepPageState());
  // The build age and "saved … ago" move with the clock, not with events.
  setInterval(() => {
    session.keepPageStateIfChanged();
    refresh();
  }, 1000);
}

if (mp) {
  wire();
  try {
    // The options last applied to this profile, or the package's defaults, so a reload keeps them.
    const kept = loadPageState(PROFILE);
    const values = kept?.values && guard("Kept options", () => session.acceptable(kept.values), false) ? kept.values : defaultValues(mp.Orchestrator);
    await session.start(values, "restored", kept?.timeline ?? []);
    setStatus(`Ready: ${catalogue.tracks.length} tracks, engine from the memory-player package.`, "ready");
  } catch (err) {
    setStatus("The engine could not start.", "error");
    showError("Starting the engine", err);
  }
  view.startProgressLoop();
}
