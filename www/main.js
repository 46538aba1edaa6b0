// The demo's wiring: one memory-player Orchestrator (through the package's public API only), the
// player, the views, the simulated listener and the options. Every engine call goes through
// `guard`, so a refusal shows on the page.
//
// The orchestrator comes from the listener's profile (`Orchestrator.open`), which the package
// keeps in IndexedDB and saves by itself: a reload resumes the same chain, learned weights and
// build. "Forget me" deletes it (`Orchestrator.deleteProfile`) and starts afresh.

import { installErrorReporting, showError, guard, guardAsync } from "./errors.js";
import { h, s, byTestId, replace, formatTime, percent, clock } from "./dom.js";
import { Catalogue, seedBaseGraph, linkNewTrack, moodOf, colourOf, MOODS } from "./catalogue.js";
import { AudioPlayer } from "./audio.js";
import { renderGraph } from "./graph-view.js";
import { renderCandidates } from "./candidates-view.js";
import { renderChain } from "./chain-view.js";
import { renderManagers, RebuildTimeline } from "./managers-view.js";
import { renderCatalogue } from "./catalogue-view.js";
import { renderChart } from "./chart.js";
import { ListenerSimulation } from "./listener-sim.js";
import { DEMO_DEFAULTS, optionsFrom, valuesFrom, readForm, fillForm, renderResolved } from "./options-form.js";
import { loadPageState, savePageState, clearPageState, reconcileTimeline, ago, isConflict } from "./memory.js";
import { isAudioFile, probeDuration, enableDrop } from "./own-files.js";
import { installShortcuts } from "./keyboard.js";

installErrorReporting(claimUncaught);

const status = byTestId("status");
function setStatus(text, state) {
  status.textContent = text;
  status.dataset.state = state;
}

let mp;
try {
  mp = await import("memory-player");
} catch (err) {
  setStatus("The memory-player package could not be loaded. Build it first: npm start (or bash scripts/build.sh).", "error");
  showError("Loading the memory-player package", err);
  mp = null;
}

// ?trackSeconds=N cuts every generated track to N seconds: a quick look at tracks ending on their own.
const params = new URLSearchParams(location.search);
const trackSeconds = Number(params.get("trackSeconds"));
const catalogue = new Catalogue(trackSeconds > 0 ? trackSeconds : Infinity);

const SIM_PER_TICK = 10; // plays between two redraws
const LOG_KEPT = 6;
/** The listener's profile: one per browser (per origin) for this demo. */
const PROFILE = "memory-player-demo";
/** The package's autosave delay (its default), named because the page's own save status uses it. */
const SAVE_DELAY_MS = 2000;

const app = {
  o: null, // the Orchestrator
  options: null, // its resolved options
  values: { ...DEMO_DEFAULTS },
  unsubscribe: [],
  from: 0, // the track before the current one, for feedback
  current: undefined, // the chain's current track, as last drawn
  sim: null,
  simRunning: false,
  simStop: false,
  simTarget: undefined,
  profiled: false, // `o` came from the profile and saves itself (false: memory off)
  memory: null, // what the memory strip says: { how, plays, build, dropped, shared, reason }
  saves: newSaves(), // what this page knows of the saves of `o`
  pageDirty: false, // the timeline changed since the page state was last kept
  switching: false, // between two orchestrators (options, Forget me): the controls wait
};

const player = new AudioPlayer({
  audioElement: byTestId("file-audio"),
  onEnded: (listened, track) => guardAsync("Track end", () => trackEnded(listened, track)).finally(requestSave),
  onError: (err) => showError("Sound", err),
});
const timeline = new RebuildTimeline(byTestId("rebuild-timeline"));

// ---------------------------------------------------------------- engine

/**
 * Gives a new orchestrator the catalogue's graph (generated tracks by mood, and any own files) and
 * builds it, in one step: a profile saved between the two could not be opened again (the engine
 * refuses a snapshot whose first build predates the start node). Returns the first build.
 */
function seed(o) {
  const first = o.runtimeGraph();
  seedBaseGraph(o, catalogue.tracks.filter((t) => t.kind === "synth"));
  for (const t of catalogue.tracks.filter((t) => t.kind === "file")) linkNewTrack(o, t, catalogue.tracks);
  o.rebuildRuntime("catalogue loaded");
  return first;
}

/** An orchestrator saved nowhere (memory off: the profile could not be opened), seeded. */
function createEngine(values) {
  const o = new mp.Orchestrator(optionsFrom(values)); // throws a named TypeError/RangeError on a bad value
  try {
    return { o, first: seed(o) };
  } catch (err) {
    o.free();
    throw err;
  }
}

/** True when the engine takes these form values (checked on a throwaway orchestrator). */
function acceptable(values) {
  new mp.Orchestrator(optionsFrom(values)).free();
  return true;
}

/**
 * Opens the listener's profile with these options (they override the saved ones, key by key). A
 * new profile (no known track) gets the catalogue's graph. A restored one forgets the tracks this
 * page cannot play any more (own files are not kept across reloads) and links the catalogue's
 * tracks it does not know.
 */
async function openEngine(values) {
  const o = await mp.Orchestrator.open(PROFILE, { ...optionsFrom(values), saveDelayMs: SAVE_DELAY_MS });
  try {
    const known = o.baseGraph().ids().filter((id) => id !== 0);
    if (known.length === 0) return { o, first: seed(o), fresh: true, dropped: 0, clean: undefined };
    const clean = o.changes; // as stored
    let dropped = 0;
    for (const id of known) if (!catalogue.get(id) && o.forgetTrack(id)) dropped++;
    const isKnown = new Set(known);
    for (const t of catalogue.tracks) if (!isKnown.has(t.id)) linkNewTrack(o, t, catalogue.tracks);
    return { o, fresh: false, dropped, clean: o.changes === clean ? clean : undefined };
  } catch (err) {
    o.free();
    throw err;
  }
}

/**
 * Opens the profile and makes it the page's engine. `how`: "restored" (page load), "reopened"
 * (new options) or "forgotten" (after Forget me); a profile found empty is a fresh start. When
 * the profile cannot be opened the page still works, with its memory off (and says so).
 */
async function startEngine(values, how, kept = []) {
  let opened;
  try {
    opened = await openEngine(values);
  } catch (err) {
    showError("Opening your memory (Orchestrator.open)", err);
    const { o, first } = createEngine(values);
    adopt(o, { how: "off", first, reason: err?.message ?? String(err) });
    return;
  }
  const { o, first, fresh, dropped, clean } = opened;
  if (fresh) how = how === "forgotten" ? "forgotten" : "fresh";
  else if (how === "forgotten") how = "restored"; // deleteProfile failed, or another tab saved it again
  adopt(o, { how, first, kept, dropped, clean });
}

/**
 * Makes `o` the page's engine: subscribes to its events, shows its builds (`first`: the one before
 * the catalogue was loaded, for a new engine), starts its managers.
 */
function adopt(o, { how, first, kept = [], dropped = 0, clean, reason }) {
  app.o = o;
  app.profiled = how !== "off";
  app.options = o.options();
  app.values = valuesFrom(app.options);
  app.saves = newSaves(clean);
  app.unsubscribe = [
    o.on("rebuild", (e) => {
      timeline.add(e);
      app.pageDirty = true;
      log(`rebuild #${e.buildVersion}: ${e.reason} (${e.diffs} folded)`, "rebuild");
      refresh();
    }),
    o.on("learn", (e) => {
      log(`learn ${e.from} → ${e.to}: ${e.kind}`, e.kind);
      refresh();
    }),
    o.on("play", (e) => {
      log(`play ${e.id} (${e.source})`, "play");
      refresh();
    }),
  ];
  if (how === "restored" || how === "reopened") {
    // The build and what it learned come back as they were: no rebuild here.
    timeline.restore(reconcileTimeline(kept, o.runtimeGraph()), how);
    const build = o.runtimeGraph();
    log(`memory ${how}: build #${build.buildVersion}, ${o.playbackChain().back.length} back`, "rebuild");
  } else {
    const build = o.runtimeGraph();
    timeline.clear();
    timeline.add({ buildVersion: first.buildVersion, reason: first.buildReason, diffs: null, at: first.builtAt, initial: true });
    timeline.add({ buildVersion: build.buildVersion, reason: build.buildReason, diffs: 0, at: build.builtAt });
    log(`rebuild #${build.buildVersion}: ${build.buildReason} (0 folded)`, "rebuild");
  }
  app.from = o.playbackChain().back.at(-1) ?? 0;
  o.start();
  app.memory = {
    how,
    plays: o.snapshot().recency.plays,
    build: o.runtimeGraph().buildVersion,
    dropped,
    shared: o.profileShared === true,
    reason,
  };
  renderMemory();
  keepPageState();
  renderResolved(byTestId("resolved-options"), app.options);
  fillForm(byTestId("options-form"), app.values);
  requestSave(); // a new profile exists from now on (nothing when restored as stored)
  refresh();
}

/** Stops `o`'s managers (which saves what changed, for a profile) and frees it. */
async function retire(o) {
  for (const off of app.unsubscribe) off();
  app.unsubscribe = [];
  try {
    await o.stop();
  } catch (err) {
    if (!isConflict(err)) throw err; // a conflict is on the page already
  } finally {
    o.free();
  }
}

/** Stops the listener, the sound and the engine, before another one takes over. */
async function leaveEngine() {
  app.simStop = true;
  app.sim = null;
  app.simTarget = undefined;
  player.stop();
  keepPageState();
  const old = app.o;
  app.o = null;
  if (old) await guardAsync("Stopping the previous orchestrator", () => retire(old));
  replace(logList);
  replace(byTestId("sim-tastes-body"), h("p", { class: "muted" }, "Run the listener to meet it."));
}

// ---------------------------------------------------------------- memory

function newSaves(clean) {
  return {
    changes: clean, // o.changes when the last save this page knows of was asked for
    at: 0, // when that save committed (0: it is the stored profile this page opened)
    asked: 0, // when this page last asked for a save
    busy: false,
    again: false, // a save was asked for while one was running
    error: null, // a refused save: a conflict stays; another error is retried later
  };
}

/**
 * The page asks for saves itself (`flush()`), on top of the package's autosave:
 * - every SAVE_DELAY_MS at most while the engine changes (the simulated listener, the managers),
 *   because the package does not tell when it saved, and the page shows it;
 * - right after each of the listener's actions (at a human pace), because a save started when
 *   the page is going away (pagehide) does not complete in Chromium: without this, a reload
 *   within SAVE_DELAY_MS of a skip would forget it.
 */
function saveTick() {
  const o = app.o;
  const s = app.saves;
  if (!o || !app.profiled || s.busy || s.error || o.changes === s.changes) return;
  if (Date.now() - s.asked < SAVE_DELAY_MS) return;
  void saveNow(o, s);
}

/** A save now, after the listener did something; one at a time (a second one waits its turn). */
function requestSave() {
  const o = app.o;
  const s = app.saves;
  if (!o || !app.profiled || s.error || app.simRunning) return;
  if (s.busy) s.again = true;
  else if (o.changes !== s.changes) void saveNow(o, s);
}

async function saveNow(o, s) {
  const changes = o.changes;
  s.busy = true;
  s.again = false;
  s.asked = Date.now();
  try {
    await o.flush();
    s.at = Date.now();
    s.changes = changes;
  } catch (err) {
    if (app.saves === s) saveFailed(err);
  } finally {
    s.busy = false;
    if (s.again && app.saves === s) requestSave();
    refresh();
  }
}

/** Shows a refused save once. After a conflict this page saves nothing more (reload to resume). */
function saveFailed(err) {
  const s = app.saves;
  if (s.error) return;
  s.error = err;
  showError(isConflict(err) ? "Saving your memory: another tab changed it" : "Saving your memory", err);
  if (!isConflict(err)) setTimeout(() => s.error === err && (s.error = null), 10 * SAVE_DELAY_MS);
  refresh();
}

/** The package reports a refused autosave as an uncaught error: a conflict is shown here, once. */
function claimUncaught(err) {
  if (!isConflict(err)) return false;
  if (app.o && app.profiled) saveFailed(err);
  else showError("Saving your memory: another tab changed it", err);
  return true;
}

/** Keeps the page's part of the memory (options, timeline) next to the profile. */
function keepPageState() {
  app.pageDirty = false;
  if (app.o && app.profiled) savePageState(PROFILE, { values: app.values, timeline: timeline.entries });
}

function renderMemory() {
  const m = app.memory;
  if (!m) return;
  const el = byTestId("memory-state");
  el.dataset.state = m.how;
  const plays = m.plays === 0 ? "nothing played yet" : `${m.plays} play${m.plays === 1 ? "" : "s"} remembered`;
  const files = m.dropped ? ` Your own files are not kept across reloads: ${m.dropped} forgotten.` : "";
  const [lead, rest] = {
    fresh: ["Fresh start:", " nothing remembered yet. What you play and skip is kept in this browser."],
    restored: ["Welcome back:", ` ${plays}, build #${m.build}.${files}`],
    reopened: ["Options applied", ` to the same memory: ${plays}, build #${m.build}.`],
    forgotten: ["Forgotten.", " Your memory was deleted: a fresh start from the catalogue."],
    off: ["Memory off:", ` your profile could not be opened (${m.reason}). Nothing is saved; Forget me starts a new one.`],
  }[m.how];
  replace(el, h("strong", {}, lead), rest);
  byTestId("profile-shared").hidden = !m.shared;
}

function renderSaveState() {
  const el = byTestId("save-state");
  const o = app.o;
  const s = app.saves;
  let state;
  let text;
  if (!o) [state, text] = ["saving", "switching…"];
  else if (!app.profiled) [state, text] = ["off", "not saved"];
  else if (s.error) [state, text] = isConflict(s.error) ? ["conflict", "not saved: changed in another tab"] : ["error", "not saved: retrying soon"];
  else if (s.busy) [state, text] = ["saving", "saving…"];
  else if (o.changes !== s.changes) [state, text] = ["pending", "saving soon"];
  else [state, text] = ["saved", s.at ? `saved ${ago(Date.now() - s.at)}` : "saved"];
  el.dataset.state = state;
  el.textContent = text;
  byTestId("reload").hidden = state !== "conflict";
}

/** Forget me: stop, delete the profile and what the page kept, and start afresh. */
async function forgetMe() {
  if (app.switching) return;
  app.switching = true;
  try {
    const values = app.values;
    await leaveEngine();
    clearPageState();
    await guardAsync("Forget me (Orchestrator.deleteProfile)", () => mp.Orchestrator.deleteProfile(PROFILE));
    await startEngine(values, "forgotten");
    say("Forget me: deleteProfile() and a new profile; the engine knows only the catalogue now.");
  } finally {
    app.switching = false;
    refresh();
  }
}

function askForgetMe() {
  const dialog = byTestId("forget-dialog");
  if (dialog.open || app.switching) return;
  dialog.returnValue = "";
  dialog.showModal(); // focuses "Keep my memory" (autofocus); Escape cancels
}

// ---------------------------------------------------------------- playing

function chain() {
  return app.o.playbackChain();
}

function durationOf(id) {
  if (player.track?.id === id && Number.isFinite(player.duration) && player.duration > 0) return player.duration;
  return catalogue.get(id)?.duration;
}

/** Starts the engine's current track `id` from its beginning. */
async function startTrack(id) {
  app.from = chain().back.at(-1) ?? 0;
  const track = catalogue.get(id);
  refresh();
  if (!track) {
    player.stop();
    say(`Track ${id} is not in the catalogue any more.`);
    return;
  }
  await player.play(track);
  refresh();
}

/** Asks the engine for the next track and plays it. */
async function advance() {
  const id = guard("playNext()", () => app.o.playNext());
  if (id === undefined) {
    player.stop();
    say("The engine has nothing to play.");
    refresh();
    return;
  }
  await startTrack(id);
}

/** Tells the engine how much of `to` was heard after `from`. */
function teach(from, to, listened, duration, how) {
  if (!(duration > 0)) {
    say(`No feedback for ${to}: its duration is not known yet.`);
    return;
  }
  const heard = Math.min(Math.max(0, listened), duration);
  guard("feedback()", () => app.o.feedback(from, to, heard, duration));
  const frozen = chain().learningFrozen ? " (learning is frozen: revisiting, so nothing is learned)" : "";
  say(`${how} ${to} after ${heard.toFixed(1)} s of ${duration.toFixed(1)} s → feedback(${from}, ${to}, ${heard.toFixed(1)}, ${duration.toFixed(1)})${frozen}`);
}

async function trackEnded(listened, track) {
  if (app.simRunning) return;
  const current = chain().current;
  if (track.id !== current) return;
  teach(app.from, current, listened, durationOf(current) ?? listened, "Heard");
  await advance();
}

const actions = {
  async playPause() {
    if (app.simRunning) return;
    await player.unlock();
    if (player.track) {
      if (player.playing) await player.pause();
      else await player.resume();
    } else {
      const current = chain().current;
      if (current === undefined) await advance();
      else await startTrack(current);
    }
    refresh();
  },
  async next() {
    if (app.simRunning) return;
    player.stop();
    await player.unlock();
    await advance();
    say(`Next: playNext() → ${chain().current ?? "nothing"} (no feedback given).`, true);
  },
  async skip() {
    if (app.simRunning) return;
    const current = chain().current;
    if (current === undefined) return actions.next();
    const listened = player.track?.id === current ? player.stop() : 0;
    await player.unlock();
    teach(app.from, current, listened, durationOf(current), "Skipped");
    await advance();
  },
  async back() {
    if (app.simRunning) return;
    const id = guard("playBack()", () => app.o.playBack());
    if (id === undefined) {
      say("Nothing to go back to.");
      return;
    }
    player.stop();
    await player.unlock();
    await startTrack(id);
    say(`Back: playBack() → ${id}. Learning is frozen until a new track is picked.`, true);
  },
  rebuild() {
    guard("rebuildRuntime()", () => app.o.rebuildRuntime("rebuilt by hand"));
    refresh();
  },
  async toggleManagers() {
    if (app.o.running) await guardAsync("stop()", () => app.o.stop());
    else guard("start()", () => app.o.start());
    refresh();
  },
  async toggleListener() {
    if (app.simRunning) app.simStop = true;
    else await runListener();
  },
};

// ---------------------------------------------------------------- simulated listener

async function runListener() {
  const planned = Number(byTestId("sim-plays").value);
  if (!Number.isInteger(planned) || planned < 1 || planned > 20000) {
    showError("Simulated listener", new RangeError("plays must be a whole number from 1 to 20000"));
    return;
  }
  player.stop();
  app.sim ??= new ListenerSimulation({ orchestrator: app.o, catalogue, seed: app.values.seed });
  const sim = app.sim;
  const target = sim.plays + planned;
  app.simRunning = true;
  app.simStop = false;
  app.simTarget = target;
  renderTastes(sim);
  refresh();
  try {
    while (sim.plays < target && !app.simStop && app.sim === sim) {
      for (let i = 0; i < SIM_PER_TICK && sim.plays < target; i++) {
        const step = guard("Simulated listener (playNext/feedback)", () => sim.step(), null);
        if (step === null) app.simStop = true;
        if (!step) break;
        // Let the managers (tasks on this page's microtask queue) act between two plays, as they
        // would between two real tracks: the diff manager rebuilds as soon as the limit is crossed.
        await null;
        if (app.simStop || app.sim !== sim) break;
      }
      refresh();
      await new Promise((resolve) => setTimeout(resolve, 16));
    }
  } finally {
    app.simRunning = false;
    if (app.o) app.from = chain().back.at(-1) ?? 0;
    refresh();
  }
}

function renderTastes(sim) {
  const t = sim.tastes;
  const mood = (key) => MOODS.find((m) => m.key === key)?.name ?? key;
  const ids = (set) => [...set].sort((a, b) => a - b).map((id) => h("span", { class: "chip", style: { "--c": colourOf(catalogue.get(id)) } }, id));
  replace(byTestId("sim-tastes-body"),
    h("p", {}, "Loves ", h("strong", {}, mood(t.favouriteMood)), ", avoids ", h("strong", {}, mood(t.avoidedMood)), ", and likes to stay in the mood of the last track."),
    h("p", { class: "chip-row" }, "Liked: ", ids(t.liked)),
    h("p", { class: "chip-row" }, "Disliked: ", ids(t.disliked)));
}

function renderSim() {
  const sim = app.sim;
  const points = sim?.points ?? [];
  renderChart(byTestId("chart"), points, { window: sim?.window ?? 50, planned: app.simTarget ?? Number(byTestId("sim-plays").value) });
  const button = byTestId("sim-run");
  button.textContent = app.simRunning ? "Stop listener" : sim?.plays ? "Listen more" : "Run listener";
  button.setAttribute("aria-pressed", String(app.simRunning));
  byTestId("sim-progress").textContent = sim ? `${sim.plays} plays${app.simRunning ? ` of ${app.simTarget}` : ""}` : "not started";
  if (!sim || sim.plays === 0) {
    replace(byTestId("sim-stats"), h("span", { class: "muted" }, "The listener plays fast-forwarded: no sound, real engine calls."));
    return;
  }
  // Skip rates over the first and the latest 100 plays (or fewer), and over every play.
  const span = Math.min(100, Math.max(1, Math.floor(points.length / 2)));
  const rate = (list, key) => list.filter((p) => p[key]).length / list.length;
  replace(byTestId("sim-stats"),
    stat(`Engine, first ${span}`, percent(rate(points.slice(0, span), "engineSkipped"), 0), "engine"),
    stat(`Engine, last ${span}`, percent(rate(points.slice(-span), "engineSkipped"), 0), "engine"),
    stat("Shuffle, all plays", percent(sim.shuffleSkips / sim.plays, 0), "shuffle"));
}

function stat(label, value, kind) {
  return h("div", { class: `stat ${kind}` }, h("span", { class: "v" }, value), h("span", { class: "l" }, label));
}

// ---------------------------------------------------------------- views

let refreshQueued = false;
function refresh() {
  if (refreshQueued) return;
  refreshQueued = true;
  requestAnimationFrame(() => {
    refreshQueued = false;
    guard("Drawing the page", render);
  });
}

function render() {
  renderSaveState();
  const o = app.o;
  if (!o) return;
  const c = o.playbackChain();
  app.current = c.current;
  const build = o.runtimeGraph();
  const explanation = o.explainNext();
  const fallback = c.current !== undefined && build.probabilities(c.current).size === 0;

  renderGraph(byTestId("graph"), { tracks: catalogue.tracks, current: c.current, explanation, fallback });
  renderCandidates(byTestId("candidates"), byTestId("candidates-caption"), { explanation, catalogue, current: c.current, fallback });
  renderChain(byTestId("chain"), c, catalogue);
  renderManagers(byTestId("managers"), { build, options: app.options, running: o.running });
  renderCatalogue(byTestId("catalogue"), { catalogue, current: c.current, onForget: forget });
  renderNow(c);
  renderSim();
  for (const id of ["btn-play", "btn-next", "btn-back", "btn-skip"]) byTestId(id).disabled = app.simRunning;
}

function renderNow(c) {
  const id = c.current;
  const track = catalogue.get(id);
  const cover = byTestId("now-cover");
  cover.style.background = track ? colourOf(track) : "";
  cover.textContent = id ?? "–";
  byTestId("now-title").textContent = track ? track.title : id === undefined ? "Nothing yet — press Play" : `Track ${id}`;
  byTestId("now-playing").dataset.id = id ?? "";
  const mood = moodOf(track);
  byTestId("now-meta").textContent = !track
    ? "The engine picks the first track from the start node."
    : [track.kind === "file" ? "your file" : `${mood?.name} · ${track.bpm} bpm`, `id ${id}`, app.from ? `after ${app.from}` : "first play"].join(" · ");
  const play = byTestId("btn-play");
  const playing = player.playing;
  if (play.dataset.shows !== String(playing)) {
    play.dataset.shows = String(playing);
    replace(play, s("svg", { class: "icon" }, s("use", { href: playing ? "#i-pause" : "#i-play" })), playing ? " Pause" : " Play");
  }
  play.setAttribute("aria-pressed", String(playing));
}

function tickProgress() {
  const bar = byTestId("progress");
  const playingId = player.track?.id;
  const shown = playingId !== undefined && playingId === app.current;
  const pos = shown ? player.position : 0;
  const dur = shown ? player.duration : durationOf(app.current) ?? 0;
  const ratio = dur > 0 ? Math.min(1, pos / dur) : 0;
  bar.firstElementChild.style.width = `${(ratio * 100).toFixed(2)}%`;
  bar.setAttribute("aria-valuenow", String(Math.round(ratio * 100)));
  bar.dataset.position = pos.toFixed(2);
  byTestId("time-pos").textContent = formatTime(pos);
  byTestId("time-dur").textContent = formatTime(dur);
}

function loop() {
  guard("Progress", tickProgress);
  requestAnimationFrame(loop);
}

const logList = byTestId("event-log");
function log(text, kind) {
  if (app.simRunning) return; // hundreds a second: the chart and the timeline tell that story
  logList.prepend(h("li", { class: kind }, h("time", {}, clock(Date.now())), " ", text));
  while (logList.children.length > LOG_KEPT) logList.lastElementChild.remove();
}

function say(text, quiet = false) {
  const el = byTestId("last-action");
  el.textContent = text;
  if (!quiet) el.classList.remove("pulse"), void el.offsetWidth, el.classList.add("pulse");
}

// ---------------------------------------------------------------- own files

async function addFiles(files) {
  const audio = files.filter(isAudioFile);
  for (const f of files.filter((f) => !isAudioFile(f))) showError("Adding files", new TypeError(`"${f.name}" is not an audio file`));
  if (audio.length === 0) return;
  let added = 0;
  for (const file of audio) {
    const url = URL.createObjectURL(file);
    const duration = await probeDuration(url).catch((err) => {
      showError(`Adding "${file.name}"`, err);
      URL.revokeObjectURL(url);
      return null;
    });
    if (duration === null) continue;
    const track = catalogue.addFile(file, url);
    track.duration = duration;
    guard("baseGraph().reinforce()", () => linkNewTrack(app.o, track, catalogue.tracks));
    added++;
  }
  if (added) {
    guard("rebuildRuntime()", () => app.o.rebuildRuntime(`${added} file${added > 1 ? "s" : ""} added`));
    say(`Added ${added} file${added > 1 ? "s" : ""}: linked from every track, so the engine will try ${added > 1 ? "them" : "it"} soon.`);
  }
  refresh();
}

function forget(track) {
  guard("forgetTrack()", () => app.o.forgetTrack(track.id));
  catalogue.tracks = catalogue.tracks.filter((t) => t !== track);
  if (player.track !== track) URL.revokeObjectURL(track.url);
  say(`forgetTrack(${track.id}): "${track.title}" is gone from both graphs and the chain.`);
  requestSave();
  refresh();
}

// ---------------------------------------------------------------- options

/**
 * New options make a new orchestrator (options are fixed for an orchestrator's life): the profile is
 * saved, closed and reopened with them, so what was learned is kept. Forget me starts over.
 */
async function applyOptions(event) {
  event.preventDefault();
  if (app.switching) return;
  const values = readForm(event.target);
  // Checked first: a refused value leaves the current orchestrator as it is.
  if (!guard("Options (new Orchestrator)", () => acceptable(values), false)) return;
  app.switching = true;
  try {
    const kept = timeline.entries.slice();
    const profiled = app.profiled;
    await leaveEngine();
    if (profiled) await startEngine(values, "reopened", kept);
    else {
      const { o, first } = createEngine(values);
      adopt(o, { how: "off", first, reason: app.memory?.reason });
    }
    say(`New orchestrator, ${profiled ? "same memory" : "fresh (memory off)"}: seed ${values.seed}, diff limit ${values.maxRuntimeDiffs}, TTL ${values.ttlSeconds} s, repeat window ${values.repeatWindow}, top K ${values.topK}.`);
  } finally {
    app.switching = false;
    refresh();
  }
}

// ---------------------------------------------------------------- start

/** Runs a control's action, unless the page is between two orchestrators. */
function run(label, fn) {
  if (!app.o || app.switching) return;
  return guardAsync(label, fn).finally(requestSave);
}

function wire() {
  const on = (id, fn, label) => byTestId(id).addEventListener("click", () => run(label, fn));
  on("btn-play", actions.playPause, "Play");
  on("btn-next", actions.next, "Next");
  on("btn-back", actions.back, "Back");
  on("btn-skip", actions.skip, "Skip");
  on("rebuild-now", actions.rebuild, "Rebuild now");
  on("managers-toggle", actions.toggleManagers, "Managers");
  on("sim-run", actions.toggleListener, "Simulated listener");
  byTestId("options-form").addEventListener("submit", (e) => guardAsync("Options", () => applyOptions(e)));
  byTestId("options-reset").addEventListener("click", () => fillForm(byTestId("options-form"), DEMO_DEFAULTS));
  const input = byTestId("file-input");
  input.addEventListener("change", () => run("Adding files", async () => {
    await addFiles([...input.files]);
    input.value = "";
  }));
  enableDrop(document.body, byTestId("drop-overlay"), (files) => run("Adding files", () => addFiles(files)));
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
    if (dialog.returnValue === "forget") guardAsync("Forget me", forgetMe);
  });
  byTestId("reload").addEventListener("click", () => location.reload());
  // Leaving (reload, close, another page): a last save, and the page's part of the memory.
  window.addEventListener("pagehide", () => {
    keepPageState();
    const o = app.o;
    // Chromium drops a save started this late on a reload (hence the saves after each action);
    // it is still worth asking, for the browsers and cases where it completes.
    // (A conflict is reported by the package, and shown.)
    if (o && app.profiled && !app.saves.error && o.changes !== app.saves.changes) o.flush().catch(() => {});
  });
  // The build age and "saved … ago" move with the clock, not with events.
  setInterval(() => {
    saveTick();
    if (app.pageDirty && !app.simRunning) keepPageState();
    refresh();
  }, 1000);
}

if (mp) {
  wire();
  try {
    // The options last applied to this profile (or the demo's), so a reload does not undo them.
    const kept = loadPageState(PROFILE);
    const values = kept?.values && guard("Kept options", () => acceptable(kept.values), false) ? kept.values : { ...DEMO_DEFAULTS };
    await startEngine(values, "restored", kept?.timeline ?? []);
    setStatus(`Ready: ${catalogue.tracks.length} tracks, engine from the memory-player package.`, "ready");
  } catch (err) {
    setStatus("The engine could not start.", "error");
    showError("Starting the engine", err);
  }
  requestAnimationFrame(loop);
}
