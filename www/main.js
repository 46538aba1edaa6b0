// The demo's wiring: one memory-player Orchestrator (through the package's public API only), the
// player, the views, the simulated listener and the options. Every engine call goes through
// `guard`, so a refusal shows on the page.

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
import { DEMO_DEFAULTS, optionsFrom, readForm, fillForm, renderResolved } from "./options-form.js";
import { isAudioFile, probeDuration, enableDrop } from "./own-files.js";
import { installShortcuts } from "./keyboard.js";

installErrorReporting();

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
};

const player = new AudioPlayer({
  audioElement: byTestId("file-audio"),
  onEnded: (listened, track) => guardAsync("Track end", () => trackEnded(listened, track)),
  onError: (err) => showError("Sound", err),
});
const timeline = new RebuildTimeline(byTestId("rebuild-timeline"));

// ---------------------------------------------------------------- engine

/** Makes an orchestrator from the form values and seeds its base graph with the catalogue. */
function createEngine(values) {
  const o = new mp.Orchestrator(optionsFrom(values)); // throws a named TypeError/RangeError on a bad value
  try {
    seedBaseGraph(o, catalogue.tracks.filter((t) => t.kind === "synth"));
    for (const t of catalogue.tracks.filter((t) => t.kind === "file")) linkNewTrack(o, t, catalogue.tracks);
  } catch (err) {
    o.free();
    throw err;
  }
  return o;
}

/** Makes `o` the page's engine: subscribes to its events, builds, starts its managers. */
function adopt(o) {
  app.o = o;
  app.options = o.options();
  app.from = 0;
  timeline.clear();
  const first = o.runtimeGraph();
  timeline.add({ buildVersion: first.buildVersion, reason: first.buildReason, diffs: 0, at: first.builtAt, initial: true });
  app.unsubscribe = [
    o.on("rebuild", (e) => {
      timeline.add(e);
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
  o.rebuildRuntime("catalogue loaded");
  o.start();
  renderResolved(byTestId("resolved-options"), app.options);
  fillForm(byTestId("options-form"), app.values);
  refresh();
}

async function retire(o) {
  for (const off of app.unsubscribe) off();
  app.unsubscribe = [];
  await o.stop();
  o.free();
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
  refresh();
}

// ---------------------------------------------------------------- options

async function applyOptions(event) {
  event.preventDefault();
  const values = readForm(event.target);
  const fresh = guard("Options (new Orchestrator)", () => createEngine(values));
  if (!fresh) return;
  app.simStop = true;
  app.sim = null;
  app.simTarget = undefined;
  player.stop();
  const old = app.o;
  app.o = null;
  await guardAsync("Stopping the previous orchestrator", () => retire(old));
  app.values = values;
  replace(logList);
  replace(byTestId("sim-tastes-body"), h("p", { class: "muted" }, "Run the listener to meet it."));
  adopt(fresh);
  say(`New orchestrator: seed ${values.seed}, diff limit ${values.maxRuntimeDiffs}, TTL ${values.ttlSeconds} s, repeat window ${values.repeatWindow}, top K ${values.topK}.`);
}

// ---------------------------------------------------------------- start

function wire() {
  const on = (id, fn, label) => byTestId(id).addEventListener("click", () => guardAsync(label, fn));
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
  input.addEventListener("change", () => guardAsync("Adding files", async () => {
    await addFiles([...input.files]);
    input.value = "";
  }));
  enableDrop(document.body, byTestId("drop-overlay"), (files) => guardAsync("Adding files", () => addFiles(files)));
  installShortcuts({
    " ": actions.playPause,
    n: actions.next,
    b: actions.back,
    s: actions.skip,
    r: actions.rebuild,
    m: actions.toggleManagers,
    l: actions.toggleListener,
  }, (label, fn) => guardAsync(label, fn));
  // The build age moves with the clock, not with events.
  setInterval(refresh, 1000);
}

if (mp) {
  wire();
  try {
    adopt(createEngine(app.values));
    setStatus(`Ready: ${catalogue.tracks.length} tracks, engine from the memory-player package.`, "ready");
  } catch (err) {
    setStatus("The engine could not start.", "error");
    showError("Starting the engine", err);
  }
  requestAnimationFrame(loop);
}
