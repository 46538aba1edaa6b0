// Types of the "." and "./fetch" entries: the API as the wasm-bindgen build declares it,
// without init()/initSync(), which these entries call themselves, plus the profile API that
// they install on Orchestrator (js/profile.js). pkg/types is made by scripts/entries.mjs, which
// also writes this file's CommonJS twin (pkg/types/index.d.cts, for require() and `.cts`
// files). It names no DOM type, so this checks with or without the DOM lib. It also brings the
// type of Symbol.dispose (every class declares [Symbol.dispose]()) to a tsconfig whose "lib"
// stops at es2022, as most web apps' do.
//
// The raw "./web" entry has no profile API: js/web.d.ts re-exports another copy of the
// declarations (pkg/types/web.d.ts), which this augmentation does not reach.
import type { Options } from "../pkg/types/memory_player.js";

export * from "../pkg/types/memory_player.js";

/** A save that committed, as `on("save")` reports it. */
export interface SaveEvent {
  /** The profile's revision now stored. */
  revision: number;
  /** Bytes written (the typed arrays' bytes plus a small estimate for the rest). */
  bytes: number;
  /** From taking the state to the commit, in milliseconds. */
  ms: number;
  /** Only what changed since the last save, or the whole profile (a compaction). */
  kind: "delta" | "checkpoint";
}

/** A save that failed, as `on("saveerror")` reports it. A ProfileConflictError ends autosaving. */
export interface SaveErrorEvent {
  error: Error;
  /** The revision the failed save would have written. */
  revision: number;
}

/** Events of an orchestrator opened from a profile (never emitted by others). */
export interface ProfileEventMap { save: SaveEvent; saveerror: SaveErrorEvent; }

/** Options of a profile: the engine's, plus where it is kept and how soon a change without an event is saved. */
export interface ProfileOptions extends Options {
  /** Plays, lessons and rebuilds are saved at once; other changes (graph edits, forgetTrack)
   * within this many milliseconds (default 2000). */
  saveDelayMs?: number;
  /** Keep the profile in files in this directory (Node, Electron, Bun, Deno) instead of IndexedDB. */
  directory?: string;
}

declare module "../pkg/types/memory_player.js" {
  interface Orchestrator {
    /** Subscribes to the saves of a profile (see `Orchestrator.open`); returns the function that unsubscribes. */
    on<K extends keyof ProfileEventMap>(type: K, listener: (event: ProfileEventMap[K]) => void): () => void;
    /** Saves the profile now (resolves once committed); resolves at once when not opened from a profile. */
    flush(): Promise<void>;
    /** True when another tab or window had the same profile open when this one was opened (false when not opened from a profile). */
    readonly profileShared: boolean;
  }

  namespace Orchestrator {
    /** Opens (or creates) a listener profile in IndexedDB, or in files with `{ directory }`; the
     * orchestrator saves itself (see `on("save")`). */
    function open(name: string, options?: ProfileOptions): Promise<Orchestrator>;
    /** Deletes a saved profile (in `directory` when given, else in IndexedDB). */
    function deleteProfile(name: string, options?: { directory?: string }): Promise<void>;
  }
}
