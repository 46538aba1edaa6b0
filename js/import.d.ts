// Types of "memory-player/import" (js/import.js): a Spotify "Extended streaming history",
// learned through an orchestrator's learnHistory(). DOM-free: Blob and AbortSignal are
// described by what the importer uses of them. scripts/entries.mjs writes its CommonJS twin
// (pkg/import/import.d.cts, for require() and `.cts` files).
import type { HistoryColumns, HistoryReport } from "./index.js";

/** What the importer needs of an orchestrator (that of any entry). */
export interface HistoryLearner {
  learnHistory(plays: HistoryColumns): HistoryReport;
  options(): { reinforceThreshold: number; skipThreshold: number };
}

/** One record of Spotify's extended streaming history (the fields the importer reads). */
export interface SpotifyStreamingRecord {
  /** When the play stopped, UTC, e.g. "2023-04-01T18:22:05Z". */
  ts: string;
  ms_played: number;
  /** "spotify:track:…"; null for podcast episodes and audiobooks. */
  spotify_track_uri?: string | null;
  reason_start?: string | null;
  /** "trackdone", "fwdbtn", "backbtn", "clickrow", "endplay", "logout", "remote", … */
  reason_end?: string | null;
  skipped?: boolean | null;
  incognito_mode?: boolean | null;
  [field: string]: unknown;
}

/** A file's contents: its records, its JSON text, or the file itself (a Blob or File). */
export type SpotifyHistoryFile = SpotifyStreamingRecord[] | string | { text(): Promise<string>; readonly size: number };

export interface ImportProgress {
  /** "reading": records mapped to plays; "learning": plays learned. */
  phase: "reading" | "learning";
  done: number;
  total: number;
}

export interface SpotifyImportOptions {
  /** The app's track id (an integer from 1 to 2^32 - 1) for a Spotify track URI; undefined or null leaves the record out. */
  trackId: (uri: string, record: SpotifyStreamingRecord) => number | null | undefined;
  /** Called after every slice of work (each takes about 12 ms). */
  onProgress?: (progress: ImportProgress) => void;
  /** Learn incognito plays too (default false). */
  includeIncognito?: boolean;
  /** Stops the import between two slices. */
  signal?: { readonly aborted: boolean; throwIfAborted(): void };
}

export interface SpotifyImportReport extends HistoryReport {
  /** Records read. */
  records: number;
  /** How the plays learned were judged. */
  answers: { heard: number; partly: number; skipped: number };
  /** Records not learned, by why. */
  leftOut: { notTrack: number; unmapped: number; incognito: number; interrupted: number; malformed: number };
  /** Plays learnHistory refused, by index in the records given (across files, in order). */
  refused: { index: number; reason: string }[];
}

/** Learns a Spotify extended streaming history (one file's records, or several files). */
export function importSpotifyHistory(
  o: HistoryLearner,
  input: SpotifyStreamingRecord[] | SpotifyHistoryFile[] | SpotifyHistoryFile,
  options: SpotifyImportOptions,
): Promise<SpotifyImportReport>;

/** Under this much listening (ms), a play the listener ended is a skip. */
export const SKIP_MS: number;
/** From this much listening (ms), a play that was stopped counts as heard. */
export const HEARD_MS: number;
