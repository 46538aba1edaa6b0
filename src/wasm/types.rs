//! TypeScript declarations that wasm-bindgen cannot derive: options, events and the shapes
//! of plain objects the API returns.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
/** Engine options; every key is optional. Unknown keys are a TypeError. */
export interface Options {
  /** PRNG seed, an integer from 0 to 2^53 - 1 (default 0). */
  seed?: number;
  /** Rebuild once the build's diffs exceed this (default 50). */
  maxRuntimeDiffs?: number;
  /** Rebuild once the build is older than this (default 3 600 000). */
  maxRuntimeAgeMs?: number;
  /** How often the TTL manager looks (default 60 000). */
  ttlCheckIntervalMs?: number;
  /** Above this Gini impurity, pick uniformly among the topK (default 0.5). */
  giniThreshold?: number;
  /** default 10 */
  topK?: number;
  /** The last N plays are not repeated while another candidate exists (default 8). */
  repeatWindow?: number;
  /** Bound of the back stack (default 1000). */
  historyLimit?: number;
  /** Progress at or above: reinforce (default 1/3). */
  reinforceThreshold?: number;
  /** Progress under: skip (default 0.1). */
  skipThreshold?: number;
  /** default 1 */
  reinforceAmount?: number;
  /** Penalty of a partial listen (default 1). */
  penaltyAmount?: number;
  /** Cooldown in plays of a partial listen (default 1). */
  penaltyCooldown?: number;
  /** Penalty of a skip (default 2). */
  skipPenalty?: number;
  /** Cooldown in plays of a skip (default 3). */
  skipCooldown?: number;
}

export interface PlaybackChain {
  /** Oldest first; the last element is the track before the current one. */
  back: number[];
  current: number | undefined;
  /** The last element is what the next playNext() returns. */
  forward: number[];
  learningFrozen: boolean;
}

export interface Explanation {
  id: number;
  base: number;
  bonus: number;
  penalty: number;
  cooldown: number;
  /** Held back by the repeat window. */
  recent: boolean;
  /** The chance that the next generated pick is this track. */
  probability: number;
}

export interface PlayEvent { id: number; source: "generated" | "forward" | "back"; }
export interface RebuildEvent { buildVersion: number; reason: string; diffs: number; }
export interface LearnEvent { from: number; to: number; kind: "reinforce" | "penalty" | "skip"; }
export interface OrchestratorEventMap { play: PlayEvent; rebuild: RebuildEvent; learn: LearnEvent; }

/** Everything needed to resume an engine exactly; plain and JSON-serialisable. */
export interface Snapshot {
  format: "memory-player";
  version: 1;
  options: Required<Options>;
  /** Flat rows: [id, edgeCount, to, weight, ..., id, edgeCount, ...], every known track. */
  base: number[];
  build: {
    version: number;
    reason: string;
    builtAt: number;
    diffs: number;
    /** Rows the build sees differently from the base: [id, edgeCount | -1, to, weight, ...]. */
    baseChanges: number[];
    /** [from, to, bonus, penalty, cooldown, ...] */
    learned: number[];
  };
  chain: { back: number[]; current: number | null; forward: number[]; learningFrozen: boolean; currentRemoved?: boolean };
  recency: { plays: number; last: number[] };
  /** The PRNG state, 16 hexadecimal digits. */
  rng: string;
  pendingCooldownSteps: number;
}

/** Options of a profile: the engine's, plus how soon a change is saved. */
export interface ProfileOptions extends Options {
  /** A change is saved within this many milliseconds (default 2000). */
  saveDelayMs?: number;
}

export interface Orchestrator {
  /** Subscribes to an event type; returns the function that unsubscribes. */
  on<K extends keyof OrchestratorEventMap>(type: K, listener: (event: OrchestratorEventMap[K]) => void): () => void;
  /** Saves the profile now (resolves once committed); resolves at once when not opened from a profile. */
  flush(): Promise<void>;
  /** True when another tab or window had the same profile open when this one was opened (false when not opened from a profile). */
  readonly profileShared: boolean;
}

export namespace Orchestrator {
  /** Opens (or creates) a listener profile in IndexedDB; the orchestrator saves itself. */
  function open(name: string, options?: ProfileOptions): Promise<Orchestrator>;
  /** Deletes a saved profile. */
  function deleteProfile(name: string): Promise<void>;
}
"#;
