//! TypeScript declarations that wasm-bindgen cannot derive: options, events and the shapes
//! of plain objects the API returns.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
/** Engine options; every key is optional. Unknown keys are a TypeError. */
export interface Options {
  /** Seed of the PRNG: the same seed and the same calls give the same picks (default 0). */
  seed?: number;
  /** How picks are chosen: "adaptive" (learns the listener) or "seed" (the original rules) (default "adaptive"). */
  policy?: "adaptive" | "seed";
  /** The diff manager rebuilds once the current build's diffs exceed this (default 50). */
  maxRuntimeDiffs?: number;
  /** The TTL manager rebuilds once the current build is older than this (ms) (default 3600000). */
  maxRuntimeAgeMs?: number;
  /** How often the TTL manager looks at the build's age (ms) (default 60000). */
  ttlCheckIntervalMs?: number;
  /** Seed rules: above this Gini impurity the pick is uniform among the topK most probable (default 0.5). */
  giniThreshold?: number;
  /** Seed rules: how many of the most probable candidates a spread-out row picks among (default 10). */
  topK?: number;
  /** Seed rules: the fixed repeat window; adaptive: the window's starting guess (plays) (default 8). */
  repeatWindow?: number;
  /** The back stack keeps at most this many tracks (default 1000). */
  historyLimit?: number;
  /** Listened at least this fraction of a track: heard (a reinforcement) (default 1/3). */
  reinforceThreshold?: number;
  /** Listened less than this fraction: a skip (default 0.1). */
  skipThreshold?: number;
  /** The bonus a heard track gives its edge (default 1). */
  reinforceAmount?: number;
  /** The penalty of a partial listen (default 1). */
  penaltyAmount?: number;
  /** The cooldown of a partial listen (plays) (default 1). */
  penaltyCooldown?: number;
  /** The penalty of a skip (default 2). */
  skipPenalty?: number;
  /** The cooldown of a skip (plays) (default 3). */
  skipCooldown?: number;
  /** The bonus a track the listener picked (playTrack) gives the edge from the track before it (default 1). */
  choiceAmount?: number;
  /** In a history (learnHistory), a silence longer than this (ms) between two plays starts a new session (default 1800000). */
  sessionGapMs?: number;
  /** Adaptive: answers older by this many lessons weigh half as much (default 500). */
  memoryHalfLife?: number;
  /** Adaptive: how far uncertainty raises a candidate (0: never explore on purpose) (default 1). */
  exploration?: number;
}

export interface PlaybackChain {
  /** Oldest first; the last element is the track before the current one. */
  back: number[];
  /** The track playing; undefined when none is. */
  current: number | undefined;
  /** The last element is what the next playNext() returns. */
  forward: number[];
  learningFrozen: boolean;
  /** The current track was forgotten (forgetTrack) while it played. */
  currentRemoved: boolean;
}

/** Decayed sums of the listener's answers: how much was heard, how much skipped. */
export interface Evidence { heard: number; skipped: number; }

/** One candidate of the next generated pick, and why it is as likely as it is. */
export interface ExplainedCandidate {
  id: number;
  /** The build's view of the edge from the explained row (zeros when it is not an edge of it). */
  base: number;
  bonus: number;
  penalty: number;
  cooldown: number;
  /** The listener's answers to this transition (row -> id), decayed to now. */
  transition: Evidence;
  /** The listener's answers to this track after any track, decayed to now. */
  track: Evidence;
  /** The shift of the track's mean by its learned affinity after the row's track, on the logit scale (0 under the seed rules, or while `context` is 0). */
  affinity: number;
  /** Plays since it last played (0: it is playing); undefined when it never played. */
  playsAgo: number | undefined;
  /** Held back by the repeat window. */
  recent: boolean;
  /** What the policy weighs it by: its worth (adaptive) or its fined weight (seed rules). */
  score: number;
  /** The chance that the next generated pick is this track. */
  probability: number;
}

/** Why the next generated pick will be what it will be. */
export interface Explanation {
  policy: "adaptive" | "seed";
  /** The row the pick draws from: the current track, or 0 (the start row). */
  row: number;
  /** The repeat window now, in plays (learned under the adaptive policy). */
  repeatWindow: number;
  /** How far picks heed the learned affinities between tracks, from 0 (not at all: the listener's answers do not depend on the track before in a way they capture) to 1. */
  context: number;
  /** How many of the best candidates the next pick draws among: 5, or 3 while the listener's answers favour the narrower draw (and in one random pick in 10 either way; always 5 for 500 plays after a change of taste); 0 under the seed rules, or when one track is left. */
  drawn: number;
  /** The most likely first, at most the limit asked for (default 50). */
  candidates: ExplainedCandidate[];
}

/** How a track came to play: a generated pick, history navigation, the listener's pick (playTrack) or the queue. */
export interface PlayEvent { id: number; source: "generated" | "forward" | "back" | "chosen" | "queue"; }
export interface RebuildEvent { buildVersion: number; reason: string; diffs: number; }
/** What a lesson taught; "choice": the listener picked `to` after `from` (playTrack). */
export interface LearnEvent { from: number; to: number; kind: "reinforce" | "penalty" | "skip" | "choice"; }
export interface OrchestratorEventMap { play: PlayEvent; rebuild: RebuildEvent; learn: LearnEvent; }

/** Everything needed to resume an engine exactly; plain and JSON-serialisable. (`Flat` is
 * the type of its flat number arrays: `Float64Array` in what a profile store writes.) */
export interface Snapshot<Flat extends ArrayLike<number> = number[]> {
  format: "memory-player";
  /** 2; a version 1 snapshot (no taste, no replay) still restores. */
  version: 1 | 2;
  options: Required<Options>;
  /** Flat rows: [id, edgeCount, to, weight, ..., id, edgeCount, ...], every known track. */
  base: Flat;
  build: {
    version: number;
    reason: string;
    builtAt: number;
    diffs: number;
    /** Rows the build sees differently from the base: [id, edgeCount | -1, to, weight, ...]. */
    baseChanges: Flat;
    /** [from, to, bonus, penalty, cooldown, ...] */
    learned: Flat;
  };
  /** `playbackChain()`'s shape; `current` is absent (or `null`, in older snapshots) when nothing plays. */
  chain: { back: number[]; current?: number | null; forward: number[]; learningFrozen: boolean; currentRemoved?: boolean };
  recency: { plays: number; last: Flat };
  /** The PRNG state, 16 hexadecimal digits. */
  rng: string;
  pendingCooldownSteps: number;
  /** What the listener's answers taught (version 2). */
  taste?: {
    lessons: number;
    factor: number;
    gapDecay: number;
    fitDecay: number;
    /** [id, heard, skipped, last answer (0 skipped, 1 partly heard, 2 heard out), ...] */
    tracks: Flat;
    /** [from, to, heard, skipped, ...] */
    transitions: Flat;
    /** [heard, skipped] per replay-gap bucket */
    gaps: Flat;
    /** [heard, skipped] of first plays */
    first: Flat;
    /** The ring of recent answers "heard out", oldest first. */
    heard: number[];
    /** The ring of recent answers "partly heard", oldest first. */
    partly: number[];
    /** The recent rate of confident predictions missed. */
    surprise: number;
    /** The usual rate of confident predictions missed, over a longer span. Absent in snapshots made before it was kept. */
    surpriseUsual?: number;
    /** [play, heard, skipped, heard, skipped, heard, skipped]: the play at which the latest change of taste was noticed (0: none), and the answers since to tracks last played before it, by their last answer then (heard out, partly heard, skipped). Snapshots made before the three were told apart have two pairs (not last heard out, then last heard out). */
    change?: Flat;
    /** Which tracks go well after which: the gate's measure, the tracks with learned numbers (ascending), and per track its bias and 8 vector numbers in turn (32-bit floats: a `Float32Array` in what a profile store writes). Absent in snapshots made before they were learned. */
    affinity?: { gain: number; ids: Flat; numbers: Flat extends number[] ? number[] : Float32Array };
    /** [heard, skipped, heard, skipped]: the answers to picks drawn among the best five, then among the best three, each fading by 0.99 an answer. Absent in snapshots made before picks chose how to draw. */
    draws?: Flat;
    /** Six [heard, skipped] pairs: the answers to picks on the playing track's row, then off it, after a track heard out, then partly heard, then skipped. Absent in snapshots made before they were kept. */
    follow?: Flat;
  };
  /** How the current track's play relates to its previous play: -1 unknown, 0 first play, else the gap (version 2). */
  replay?: number;
  /** How many of the best candidates the pick playing was drawn among: 5 or 3, or 0 when it is not a generated pick of the default policy (version 2; absent in snapshots made before picks chose it). */
  drawn?: number;
  /** The listener's queue, next first (version 2). */
  queue?: number[];
  /** Where the last history given to learnHistory ended, so the next one goes on in its session: [] or [id, start, end] (version 2). */
  history?: number[];
}

/** One play of a listening history. */
export interface HistoryPlay {
  id: number;
  listenedSeconds: number;
  durationSeconds: number;
  /** When the play started, in milliseconds since the epoch. */
  at: number;
}

/** A listening history as columns of one length: typed arrays or arrays of numbers. */
export interface HistoryColumns {
  id: ArrayLike<number>;
  listenedSeconds: ArrayLike<number>;
  durationSeconds: ArrayLike<number>;
  at: ArrayLike<number>;
}

/** What learnHistory learned. */
export interface HistoryReport {
  /** Plays learned. */
  plays: number;
  /** Plays learned after another track of the same session (the others started a session). */
  transitions: number;
  /** Sessions started. */
  sessions: number;
  /** Plays refused (each changed nothing), by index in the history given. */
  refused: { index: number; reason: string }[];
}

/** Every edge of the base graph but the start row's, as typed arrays of one length. */
export interface GraphArrays {
  from: Uint32Array;
  to: Uint32Array;
  weight: Float64Array;
}

/** What a profile store writes: `saveCheckpoint()` (every row) or `saveDelta(mark)` (the rows
 * changed since the save marked). The checkpoint's rows, then each delta's rows in order, with
 * the last `state`, make the snapshot of the last save. */
export interface SavedDelta {
  /** The orchestrator's `changes` at this instant. */
  changes: number;
  /** True for a checkpoint. */
  full: boolean;
  /** Base rows [id, edgeCount | -1, to, weight, ...]: -1 is a track forgotten since the mark. */
  rows: Float64Array;
  /** The rest of the snapshot, whole. */
  state: Omit<Snapshot<Float64Array>, "base">;
  /** This instant, for the next delta; free it once it is no longer needed. */
  mark: SaveMark;
}

export interface Orchestrator {
  /** Subscribes to an event type; returns the function that unsubscribes. */
  on<K extends keyof OrchestratorEventMap>(type: K, listener: (event: OrchestratorEventMap[K]) => void): () => void;
}
"#;
