// The page's engine session: one memory-player Orchestrator at a time (through the package's
// public API only), opened from the listener's profile, which the package keeps in IndexedDB and
// saves by itself: a reload resumes the same chain, learned weights and build. New options make a
// new orchestrator on the same profile; Forget me deletes the profile and starts afresh.
//
// The session owns the orchestrator and what goes with it (its options, its event subscriptions,
// the rebuild timeline, what the memory strip says) in private fields; others read them through
// its getters.

import { seedBaseGraph, linkNewTrack } from "./catalogue.js";
import { optionsFrom, valuesFrom } from "./options-form.js";
import { savePageState, clearPageState, reconcileTimeline, isConflict } from "./memory.js";

export class EngineSession {
  /** The orchestrator, or null between two (while switching). */
  #engine = null;
  /** Its resolved options (`o.options()`), and the form values they stand for. */
  #resolved = null;
  #formValues = null;
  /** What the memory strip says: { how, plays, build, dropped, shared, reason }. */
  #memoryState = null;
  #unsubscribe = [];
  /** The timeline changed since the page state was last kept. */
  #pageDirty = false;

  /**
   * `mp`: the package; `profile`: the profile's name; `saveDelayMs`: the package's autosave
   * delay; `timeline`: the RebuildTimeline; `saves`: the SaveStatus; `log(text, kind)`: the event
   * log; `onAdopt(session)`: a new orchestrator is in place; `onChange()`: redraw; `showError`.
   */
  constructor({ mp, catalogue, profile, saveDelayMs, timeline, saves, log, onAdopt, onChange, showError }) {
    Object.assign(this, { mp, catalogue, profile, saveDelayMs, timeline, saves, log, onAdopt, onChange, showError });
  }

  // Read-only views of the state above, which only this class writes.
  get o() { return this.#engine; }
  get options() { return this.#resolved; }
  get values() { return this.#formValues; }
  get memory() { return this.#memoryState; }
  /** True when the orchestrator came from the profile and saves itself (false: memory off). */
  get profiled() { return this.#memoryState !== null && this.#memoryState.how !== "off"; }

  /** True when the engine takes these form values (checked on a throwaway orchestrator). */
  acceptable(values) {
    new this.mp.Orchestrator(optionsFrom(values)).free(); // throws a named TypeError/RangeError
    return true;
  }

  /**
   * Opens the profile and makes it the page's engine. `how`: "restored" (page load), "reopened"
   * (new options) or "forgotten" (after Forget me); a profile found empty is a fresh start. When
   * the profile cannot be opened the page still works, with its memory off (and says so).
   */
  async start(values, how, kept = []) {
    let opened;
    try {
      opened = await this.openProfile(values);
    } catch (err) {
      this.showError("Opening your memory (Orchestrator.open)", err);
      const { o, first } = this.createUnsaved(values);
      this.adopt(o, { how: "off", first, reason: err?.message ?? String(err) });
      return;
    }
    const { o, first, fresh, dropped, clean } = opened;
    if (fresh) how = how === "forgotten" ? "forgotten" : "fresh";
    else if (how === "forgotten") how = "restored"; // deleteProfile failed, or another tab saved it again
    this.adopt(o, { how, first, kept, dropped, clean });
  }

  /** New options: the same profile reopened with them (or, memory off, a new unsaved engine). */
  async apply(values) {
    const kept = this.timeline.entries.slice();
    const profiled = this.profiled;
    const reason = this.#memoryState?.reason;
    await this.leave();
    if (profiled) await this.start(values, "reopened", kept);
    else {
      const { o, first } = this.createUnsaved(values);
      this.adopt(o, { how: "off", first, reason });
    }
    return profiled;
  }

  /** Forget me: stops the engine, deletes the profile and what the page kept, starts afresh. */
  async forget() {
    const values = this.#formValues;
    await this.leave();
    clearPageState();
    try {
      await this.mp.Orchestrator.deleteProfile(this.profile);
    } catch (err) {
      this.showError("Forget me (Orchestrator.deleteProfile)", err);
    }
    await this.start(values, "forgotten");
  }

  /** Stops and frees the orchestrator (its managers save what changed, for a profile). */
  async leave() {
    this.keepPageState();
    const o = this.#engine;
    this.#engine = null;
    this.saves.follow(null); // "switching…"
    for (const off of this.#unsubscribe) off();
    this.#unsubscribe = [];
    if (!o) return;
    try {
      await o.stop();
    } catch (err) {
      if (!isConflict(err)) this.showError("Stopping the previous orchestrator", err); // a conflict is on the page already
    } finally {
      o.free();
    }
  }

  /** Keeps the page's part of the memory when the timeline changed since it was last kept. */
  keepPageStateIfChanged() {
    if (this.#pageDirty) this.keepPageState();
  }

  /** Keeps the page's part of the memory (options, timeline) next to the profile. */
  keepPageState() {
    this.#pageDirty = false;
    if (this.#engine && this.profiled) savePageState(this.profile, { values: this.#formValues, timeline: this.timeline.entries });
  }

  /**
   * Two new orchestrators with the page's options, one per policy, knowing `tracks` (for the
   * simulated listener: they are saved nowhere and the page's engine does not see them).
   */
  simulationEngines(tracks) {
    const make = (policy) => {
      const o = new this.mp.Orchestrator({ ...optionsFrom(this.#formValues), policy });
      try {
        seedBaseGraph(o, tracks);
        o.rebuildRuntime("catalogue loaded");
        o.start();
        return o;
      } catch (err) {
        o.free();
        throw err;
      }
    };
    const adaptive = make("adaptive");
    try {
      return { adaptive, seed: make("seed") };
    } catch (err) {
      adaptive.free();
      throw err;
    }
  }

  // ------------------------------------------------------------ inside

  /**
   * Gives a new orchestrator the catalogue's graph (generated tracks by mood, and any own files)
   * and builds it, in one step: a profile saved between the two could not be opened again (the
   * engine refuses a snapshot whose first build predates the start node). Returns the first build.
   */
  seed(o) {
    const first = o.runtimeGraph();
    const tracks = this.catalogue.tracks;
    seedBaseGraph(o, tracks.filter((t) => t.kind === "synth"));
    for (const t of tracks.filter((t) => t.kind === "file")) linkNewTrack(o, t, tracks);
    o.rebuildRuntime("catalogue loaded");
    return first;
  }

  /** An orchestrator saved nowhere (memory off: the profile could not be opened), seeded. */
  createUnsaved(values) {
    const o = new this.mp.Orchestrator(optionsFrom(values));
    try {
      return { o, first: this.seed(o) };
    } catch (err) {
      o.free();
      throw err;
    }
  }

  /**
   * Opens the listener's profile with these options (they override the saved ones, key by key). A
   * new profile (no known track) gets the catalogue's graph. A restored one forgets the tracks this
   * page cannot play any more (own files are not kept across reloads) and links the catalogue's
   * tracks it does not know.
   */
  async openProfile(values) {
    const o = await this.mp.Orchestrator.open(this.profile, { ...optionsFrom(values), saveDelayMs: this.saveDelayMs });
    try {
      const known = o.baseGraph().ids().filter((id) => id !== 0);
      if (known.length === 0) return { o, first: this.seed(o), fresh: true, dropped: 0, clean: undefined };
      const clean = o.changes; // as stored
      let dropped = 0;
      for (const id of known) if (!this.catalogue.get(id) && o.forgetTrack(id)) dropped++;
      const isKnown = new Set(known);
      for (const t of this.catalogue.tracks) if (!isKnown.has(t.id)) linkNewTrack(o, t, this.catalogue.tracks);
      return { o, fresh: false, dropped, clean: o.changes === clean ? clean : undefined };
    } catch (err) {
      o.free();
      throw err;
    }
  }

  /**
   * Makes `o` the page's engine: subscribes to its events, shows its builds (`first`: the one
   * before the catalogue was loaded, for a new engine), starts its managers.
   */
  adopt(o, { how, first, kept = [], dropped = 0, clean, reason }) {
    this.#engine = o;
    this.#resolved = o.options();
    this.#formValues = valuesFrom(this.#resolved);
    this.#unsubscribe = [
      o.on("rebuild", (e) => {
        this.timeline.add(e);
        this.#pageDirty = true;
        this.log(`rebuild #${e.buildVersion}: ${e.reason} (${e.diffs} folded)`, "rebuild");
        this.onChange();
      }),
      o.on("learn", (e) => {
        this.log(`learn ${e.from} → ${e.to}: ${e.kind}`, e.kind);
        this.onChange();
      }),
      o.on("play", (e) => {
        this.log(`play ${e.id} (${e.source})`, "play");
        this.onChange();
      }),
    ];
    const build = o.runtimeGraph();
    if (how === "restored" || how === "reopened") {
      // The build and what it learned come back as they were: no rebuild here.
      this.timeline.restore(reconcileTimeline(kept, build), how);
      this.log(`memory ${how}: build #${build.buildVersion}, ${o.playbackChain().back.length} back`, "rebuild");
    } else {
      this.timeline.clear();
      this.timeline.add({ buildVersion: first.buildVersion, reason: first.buildReason, diffs: null, at: first.builtAt, initial: true });
      this.timeline.add({ buildVersion: build.buildVersion, reason: build.buildReason, diffs: 0, at: build.builtAt });
      this.log(`rebuild #${build.buildVersion}: ${build.buildReason} (0 folded)`, "rebuild");
    }
    o.start();
    this.#memoryState = {
      how,
      plays: o.plays,
      build: build.buildVersion,
      dropped,
      shared: o.profileShared === true,
      reason,
    };
    this.saves.follow(o, { profiled: how !== "off", clean });
    this.keepPageState();
    this.onAdopt(this);
    // A new profile exists from now on; one changed when it opened (tracks dropped) is saved.
    if (clean === undefined) this.saves.now();
    this.onChange();
  }
}
