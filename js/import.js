// "memory-player/import": a listener's existing history, learned through
// `orchestrator.learnHistory()`. One format: Spotify's "Extended streaming history" (the JSON
// files of a Spotify data request, Streaming_History_Audio_*.json).
//
// It never blocks the page for long: records are read, sorted and learned in slices of about
// SLICE_MS each (reading and sorting stop at a deadline; learning is sized from the rate of
// the slice before), with a yield to the event loop between slices, and a progress callback
// after each. It imports nothing: it works with the orchestrator of any entry ("memory-player",
// "memory-player/fetch", "memory-player/web").
//
// The mapping (README, "Import a listening history"). Spotify gives no track duration, so the
// answer comes from how the play ended:
// - `reason_end` "trackdone" (played to its end): heard;
// - `skipped` true, or `reason_end` "fwdbtn", "backbtn" or "clickrow" (the listener moved on):
//   skipped under SKIP_MS of listening, else partly heard;
// - any other end ("endplay", "logout", "remote", "unexpected-exit", "trackerror", ...: playback
//   stopped, not a judgement of the track): heard from HEARD_MS on, partly heard from SKIP_MS on,
//   and left out under SKIP_MS (an interruption says nothing about the track);
// - left out too: records without `spotify_track_uri` (podcast episodes, audiobooks), those
//   whose URI `trackId` maps to nothing, incognito plays (`incognito_mode` true) unless
//   `includeIncognito`, and records without a valid `ts` or `ms_played`.
// A play starts at `ts` (when it ended) minus `ms_played`, and lasts `ms_played`: sessions are
// cut where the silence between two plays passes the engine's `sessionGapMs`. The engine
// judges a play by listened / duration against its thresholds, so the duration given is chosen
// to land where the answer above says: the whole play for heard, between the two thresholds
// for partly heard, under the skip threshold for skipped.

/** Under this much listening (ms), a play ended by the listener is a skip (Spotify counts a stream from 30 s). */
export const SKIP_MS = 30_000;
/** From this much listening (ms), a play that was stopped (not skipped) counts as heard. */
export const HEARD_MS = 120_000;
/** The time a slice of work aims at (ms): well under the 50 ms that makes a page feel stuck. */
const SLICE_MS = 12;
/** Records read between two looks at the clock. */
const CHECK_EVERY = 64;

const MOVED_ON = new Set(["fwdbtn", "backbtn", "clickrow"]);

/**
 * Learns a Spotify extended streaming history.
 *
 * @param o an Orchestrator (any entry's)
 * @param input the records of one file (an array), or several files: an array whose elements
 *   are each an array of records, a JSON text, or a Blob/File
 * @param options `trackId(uri, record)` (required): the app's track id (an integer from 1 to
 *   2^32 - 1) for a Spotify track URI, or undefined/null to leave the record out;
 *   `onProgress({ phase, done, total })`; `includeIncognito` (false); `signal` (an AbortSignal)
 * @returns what was learned and what was left out
 */
export async function importSpotifyHistory(o, input, options) {
  if (o === null || typeof o !== "object" || typeof o.learnHistory !== "function") {
    throw new TypeError("importSpotifyHistory: the first argument must be an Orchestrator");
  }
  const { trackId, onProgress, includeIncognito = false, signal } = options ?? {};
  if (typeof trackId !== "function") {
    throw new TypeError("importSpotifyHistory: options.trackId must be a function (uri, record) => track id");
  }
  if (onProgress !== undefined && typeof onProgress !== "function") {
    throw new TypeError("importSpotifyHistory: options.onProgress must be a function");
  }
  const progress = (phase, done, total) => onProgress?.({ phase, done, total });
  const check = () => signal?.throwIfAborted?.();

  // 1. The records, file by file (a big JSON text is parsed whole: one file at a time).
  const files = await filesOf(input, check);
  let total = 0;
  for (const f of files) total += f.length;

  // 2. Each record to a play (or left out), a slice at a time.
  const { reinforceThreshold, skipThreshold } = o.options();
  const progressOf = {
    heard: 1,
    partly: (reinforceThreshold + skipThreshold) / 2,
    skipped: skipThreshold / 2,
  };
  const cols = {
    id: new Float64Array(total),
    listenedSeconds: new Float64Array(total),
    durationSeconds: new Float64Array(total),
    at: new Float64Array(total),
  };
  const record = new Uint32Array(total); // the record index of each play
  const leftOut = { notTrack: 0, unmapped: 0, incognito: 0, interrupted: 0, malformed: 0 };
  const answers = { heard: 0, partly: 0, skipped: 0 };
  let plays = 0;
  let index = 0;
  for (const file of files) {
    for (let i = 0; i < file.length; ) {
      // A slice ends at its deadline, looked at every CHECK_EVERY records.
      const deadline = now() + SLICE_MS;
      for (let end = i; i < file.length; i++, index++) {
        if (i === end) {
          if (now() > deadline) break;
          end = i + CHECK_EVERY;
        }
        const r = file[i];
        if (r === null || typeof r !== "object") {
          leftOut.malformed++;
          continue;
        }
        const uri = r.spotify_track_uri;
        if (typeof uri !== "string" || uri === "") {
          leftOut.notTrack++;
          continue;
        }
        if (r.incognito_mode === true && !includeIncognito) {
          leftOut.incognito++;
          continue;
        }
        const ms = r.ms_played;
        const ended = typeof r.ts === "string" ? Date.parse(r.ts) : NaN;
        if (typeof ms !== "number" || !(ms >= 0) || !Number.isFinite(ended)) {
          leftOut.malformed++;
          continue;
        }
        const answer = answerOf(r, ms);
        if (answer === undefined) {
          leftOut.interrupted++;
          continue;
        }
        const id = trackId(uri, r);
        if (id === undefined || id === null) {
          leftOut.unmapped++;
          continue;
        }
        answers[answer]++;
        const listened = ms / 1000;
        // A duration that puts listened / duration where the answer says (see the top).
        const p = progressOf[answer];
        cols.id[plays] = typeof id === "number" ? id : NaN; // learnHistory refuses a bad id
        cols.listenedSeconds[plays] = listened;
        cols.durationSeconds[plays] = listened > 0 && p > 0 ? listened / p : 1;
        cols.at[plays] = ended - ms;
        record[plays] = index;
        plays++;
      }
      progress("reading", index, total);
      check();
      await yieldToPage();
    }
  }

  // 3. In time order (Spotify's files are; concatenated ones may not be), sorted in slices.
  const order = await sortedOrder(cols.at, plays, check);
  if (order !== null) {
    for (const key of Object.keys(cols)) cols[key] = permuted(cols[key], order, plays);
    const rec = new Uint32Array(plays);
    for (let k = 0; k < plays; k++) rec[k] = record[order[k]];
    record.set(rec);
  }

  // 4. Learned a slice at a time: the engine goes on in one session across calls.
  const report = {
    records: total,
    plays: 0,
    transitions: 0,
    sessions: 0,
    answers,
    leftOut,
    refused: [],
  };
  progress("learning", 0, plays);
  const learning = new Slicer(); // sized by how long the slices before it took
  for (let start = 0; start < plays; ) {
    const end = Math.min(plays, start + learning.size);
    const slice = {};
    for (const key of Object.keys(cols)) slice[key] = cols[key].subarray(start, end);
    const t0 = now();
    const r = o.learnHistory(slice);
    learning.took(now() - t0);
    report.plays += r.plays;
    report.transitions += r.transitions;
    report.sessions += r.sessions;
    for (const { index: i, reason } of r.refused) report.refused.push({ index: record[start + i], reason });
    start = end;
    progress("learning", start, plays);
    check();
    if (start < plays) await yieldToPage();
  }
  return report;
}

/** How a record answered: "heard", "partly", "skipped", or undefined (left out). */
function answerOf(r, ms) {
  if (r.reason_end === "trackdone") return ms > 0 ? "heard" : undefined;
  if (r.skipped === true || MOVED_ON.has(r.reason_end)) return ms < SKIP_MS ? "skipped" : "partly";
  if (ms >= HEARD_MS) return "heard";
  return ms >= SKIP_MS ? "partly" : undefined;
}

/** The files of the input, each an array of records. */
async function filesOf(input, check) {
  const one = (x) => typeof x === "string" || isBlob(x);
  let list;
  if (one(input)) list = [input];
  else if (Array.isArray(input)) {
    const nested = input.length > 0 && input.every((x) => Array.isArray(x) || one(x));
    list = nested ? input : [input];
  } else {
    throw new TypeError("importSpotifyHistory: the history must be an array of records, or an array of files (arrays of records, JSON texts or Blobs)");
  }
  const files = [];
  for (const [i, f] of list.entries()) {
    let records = f;
    if (isBlob(f)) records = await f.text();
    if (typeof records === "string") {
      try {
        records = JSON.parse(records);
      } catch (e) {
        throw new SyntaxError(`importSpotifyHistory: file ${i} is not JSON: ${e.message}`, { cause: e });
      }
      check();
      await yieldToPage();
    }
    if (!Array.isArray(records)) {
      throw new TypeError(`importSpotifyHistory: file ${i} is not an array of streaming history records`);
    }
    files.push(records);
  }
  return files;
}

function isBlob(x) {
  return x !== null && typeof x === "object" && typeof x.text === "function" && typeof x.size === "number";
}

/**
 * The order that sorts `keys[0..n)` ascending (stable), or null when they already are. A
 * bottom-up merge sort of indices: runs of 2048 are sorted, then merged pairwise; a deadline
 * is looked at between runs and between merges (a merge of up to a few hundred thousand
 * elements takes a few milliseconds), with a yield when it has passed.
 */
async function sortedOrder(keys, n, check) {
  let sorted = true;
  for (let i = 1; i < n && sorted; i++) sorted = keys[i - 1] <= keys[i];
  if (sorted) return null;
  let a = new Uint32Array(n);
  let b = new Uint32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  const RUN = 2048;
  let budget = now();
  for (let lo = 0; lo < n; lo += RUN) {
    if (now() - budget > SLICE_MS) {
      check();
      await yieldToPage();
      budget = now();
    }
    const hi = Math.min(n, lo + RUN);
    // Insertion sort of a short run: stable.
    for (let i = lo + 1; i < hi; i++) {
      const x = a[i];
      let j = i - 1;
      while (j >= lo && keys[a[j]] > keys[x]) {
        a[j + 1] = a[j];
        j--;
      }
      a[j + 1] = x;
    }
  }
  await yieldToPage();
  budget = now();
  for (let width = RUN; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(n, lo + width);
      const hi = Math.min(n, lo + 2 * width);
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) b[k++] = keys[a[j]] < keys[a[i]] ? a[j++] : a[i++];
      while (i < mid) b[k++] = a[i++];
      while (j < hi) b[k++] = a[j++];
      if (now() - budget > SLICE_MS) {
        check();
        await yieldToPage();
        budget = now();
      }
    }
    [a, b] = [b, a];
  }
  return a;
}

function permuted(values, order, n) {
  const out = new Float64Array(n);
  for (let k = 0; k < n; k++) out[k] = values[order[k]];
  return out;
}

/**
 * Sizes the slices of one call that cannot be cut at a deadline (a `learnHistory` call) so
 * that each takes about SLICE_MS: from the rate of the slice before, growing at most twice
 * per slice, so that one slow moment (a collection, a cache gone cold) cannot make the next
 * slice overshoot far.
 */
class Slicer {
  constructor() {
    this.size = 128;
  }

  took(ms) {
    const scaled = ms > 0.25 ? Math.floor((this.size * SLICE_MS) / ms) : this.size * 2;
    this.size = Math.max(64, Math.min(1 << 16, scaled, this.size * 2));
  }
}

const now = () => globalThis.performance?.now?.() ?? Date.now();

/**
 * Lets the page handle input and render: the next slice is a task of its own, posted with
 * scheduler.postTask() where there is one, else setTimeout(). Not scheduler.yield(): its
 * continuations go before the page's rendering, and in headless Chromium a 300 000-record
 * import went 117-150 ms without a frame that way, against none missed (16.8 ms at most)
 * with postTask at the same speed (tests/e2e/import.test.mjs); setTimeout is as smooth but
 * about 1.6 times slower, its delays clamped to 4 ms once nested.
 */
function yieldToPage() {
  const scheduler = globalThis.scheduler;
  if (typeof scheduler?.postTask === "function") return new Promise((resolve) => scheduler.postTask(resolve));
  return new Promise((resolve) => setTimeout(resolve, 0));
}
