// Typed usage of the whole JS API (the README's API section). `npm test` runs
// `tsc --noEmit -p tests/types`: this file must compile, and every @ts-expect-error
// must hit an error, so wrong or `any` types fail the build. Nothing here runs.
import { BaseGraph, Orchestrator, RuntimeGraph, wasmMemoryBytes, type Snapshot } from "memory-player";
import init, { initSync, Orchestrator as WebOrchestrator, type InitOutput } from "memory-player/web";
import { Orchestrator as FetchOrchestrator } from "memory-player/fetch";
import {
  importSpotifyHistory,
  SKIP_MS,
  type SpotifyImportReport,
  type SpotifyStreamingRecord,
} from "memory-player/import";

// Exact type equality (no `any` slips through): assertType<Equals<A, B>>().
type Equals<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(): T | void {}

type Source = "generated" | "forward" | "back" | "chosen" | "queue";
type LearnKind = "reinforce" | "penalty" | "skip" | "choice";

export async function usage(): Promise<void> {
  // Options: all optional, camelCase, each a number.
  new Orchestrator();
  new Orchestrator({});
  const o = new Orchestrator({ seed: 42 });
  // Every option at once, by its name.
  new Orchestrator({ seed: 1, policy: "seed", maxRuntimeDiffs: 50, maxRuntimeAgeMs: 3_600_000 });
  new Orchestrator({ ttlCheckIntervalMs: 60_000, giniThreshold: 0.5, topK: 10, repeatWindow: 8 });
  new Orchestrator({ historyLimit: 1000, reinforceThreshold: 1 / 3, skipThreshold: 0.1, reinforceAmount: 1 });
  new Orchestrator({ penaltyAmount: 1, penaltyCooldown: 1, skipPenalty: 2, skipCooldown: 3, choiceAmount: 1 });
  new Orchestrator({ sessionGapMs: 1_800_000, memoryHalfLife: 200, exploration: 1 });
  // @ts-expect-error an unknown option
  new Orchestrator({ sed: 42 });
  // @ts-expect-error an option of the wrong type
  new Orchestrator({ seed: "42" });

  // The resolved options carry every key, each a number but the policy.
  type Resolved = ReturnType<Orchestrator["options"]>;
  type Names = "seed" | "policy" | "maxRuntimeDiffs" | "maxRuntimeAgeMs" | "ttlCheckIntervalMs" | "giniThreshold"
    | "topK" | "repeatWindow" | "historyLimit" | "reinforceThreshold" | "skipThreshold" | "reinforceAmount"
    | "penaltyAmount" | "penaltyCooldown" | "skipPenalty" | "skipCooldown" | "choiceAmount" | "sessionGapMs"
    | "memoryHalfLife" | "exploration";
  assertType<Equals<keyof Resolved, Names>>();
  assertType<Equals<Resolved[Exclude<Names, "policy">], number>>();
  assertType<Equals<Resolved["policy"], "adaptive" | "seed">>();
  assertType<Equals<ReturnType<Orchestrator["options"]>["skipCooldown"], number>>(); // not `any`

  // BaseGraph: live.
  const base: BaseGraph = o.baseGraph();
  base.reinforce(0, 1);
  base.reinforce(0, 1, 2);
  base.penalty(0, 1);
  base.penalty(0, 1, 3);
  assertType<Equals<ReturnType<BaseGraph["edges"]>, Map<number, number>>>();
  assertType<Equals<ReturnType<BaseGraph["ids"]>, number[]>>();
  assertType<Equals<typeof base.edgeCount, number>>();
  // @ts-expect-error a track id is a number
  base.reinforce("0", 1);
  // Bulk: typed arrays or arrays of numbers, amounts optional; the whole graph out as arrays.
  base.reinforceMany(new Uint32Array([1, 2]), [2, 3]);
  base.reinforceMany([1, 2], new Int32Array([2, 3]), new Float64Array([1, 0.5]));
  const arrays = base.toArrays();
  assertType<Equals<typeof arrays.from, Uint32Array>>();
  assertType<Equals<typeof arrays.to, Uint32Array>>();
  assertType<Equals<typeof arrays.weight, Float64Array>>();
  base.reinforceMany(arrays.from, arrays.to, arrays.weight);
  // @ts-expect-error ids are numbers
  base.reinforceMany(["1"], [2]);

  // Orchestrator.
  o.rebuildRuntime("catalogue loaded");
  o.start();
  assertType<Equals<typeof o.running, boolean>>();
  const next = o.playNext();
  assertType<Equals<typeof next, number | undefined>>();
  const back = o.playBack();
  assertType<Equals<typeof back, number | undefined>>();
  o.learn(0, 1);
  o.feedback(0, 1, 185.2, 201.0);
  o.forgetTrack(1);

  // The listener's choice and the queue.
  o.playTrack(4);
  o.enqueue(5);
  o.enqueue([6, 7]);
  o.enqueue(new Uint32Array([8]));
  assertType<Equals<ReturnType<Orchestrator["queue"]>, number[]>>();
  assertType<Equals<ReturnType<Orchestrator["removeFromQueue"]>, boolean>>();
  o.removeFromQueue([6, 8]);
  o.removeFromQueue(new Uint32Array([7]));
  o.clearQueue();
  // @ts-expect-error a track id is a number
  o.playTrack("4");

  // A listening history: plays, or the same as columns.
  const report = o.learnHistory([{ id: 1, listenedSeconds: 200, durationSeconds: 200, at: Date.now() }]);
  assertType<Equals<typeof report.plays, number>>();
  assertType<Equals<typeof report.sessions, number>>();
  assertType<Equals<typeof report.transitions, number>>();
  assertType<Equals<typeof report.refused, { index: number; reason: string }[]>>();
  o.learnHistory({
    id: new Uint32Array([1, 2]),
    listenedSeconds: new Float64Array([200, 10]),
    durationSeconds: [200, 200],
    at: [0, 240_000],
  });
  // @ts-expect-error a play has an id
  o.learnHistory([{ listenedSeconds: 1, durationSeconds: 2, at: 0 }]);

  const chain = o.playbackChain();
  assertType<Equals<typeof chain.back, number[]>>();
  assertType<Equals<typeof chain.current, number | undefined>>();
  assertType<Equals<typeof chain.forward, number[]>>();
  assertType<Equals<typeof chain.learningFrozen, boolean>>();

  const explanation = o.explainNext(10);
  assertType<Equals<typeof explanation.policy, "adaptive" | "seed">>();
  assertType<Equals<typeof explanation.row, number>>();
  assertType<Equals<typeof explanation.repeatWindow, number>>();
  assertType<Equals<typeof explanation.context, number>>();
  assertType<Equals<typeof explanation.drawn, number>>();
  for (const row of o.explainNext().candidates) {
    assertType<Equals<typeof row.id, number>>();
    assertType<Equals<typeof row.transition.heard, number>>();
    assertType<Equals<typeof row.track.skipped, number>>();
    assertType<Equals<typeof row.playsAgo, number | undefined>>();
    assertType<Equals<typeof row.affinity, number>>();
    assertType<Equals<typeof row.score, number>>();
    assertType<Equals<typeof row.base, number>>();
    assertType<Equals<typeof row.bonus, number>>();
    assertType<Equals<typeof row.penalty, number>>();
    assertType<Equals<typeof row.cooldown, number>>();
    assertType<Equals<typeof row.recent, boolean>>();
    assertType<Equals<typeof row.probability, number>>();
  }

  // RuntimeGraph: one build.
  const rt: RuntimeGraph = o.runtimeGraph();
  assertType<Equals<typeof rt.buildVersion, number>>();
  assertType<Equals<typeof rt.buildReason, string>>();
  assertType<Equals<typeof rt.builtAt, number>>();
  assertType<Equals<typeof rt.diffs, number>>();
  assertType<Equals<ReturnType<RuntimeGraph["probabilities"]>, Map<number, number>>>();
  assertType<Equals<ReturnType<RuntimeGraph["bonuses"]>, Map<number, Map<number, number>>>>();
  assertType<Equals<ReturnType<RuntimeGraph["penalties"]>, Map<number, Map<number, number>>>>();
  assertType<Equals<ReturnType<RuntimeGraph["cooldowns"]>, Map<number, Map<number, number>>>>();
  rt.reinforce(0, 1);
  rt.reinforce(0, 1, 10);
  rt.penalty(0, 1);
  rt.penalty(0, 1, 2);
  rt.addCooldown(0, 1, 3);

  // Events: typed payloads, and the returned function unsubscribes.
  const offPlay: () => void = o.on("play", (e) => {
    assertType<Equals<typeof e.id, number>>();
    assertType<Equals<typeof e.source, Source>>();
  });
  o.on("rebuild", (e) => {
    assertType<Equals<typeof e.buildVersion, number>>();
    assertType<Equals<typeof e.reason, string>>();
    assertType<Equals<typeof e.diffs, number>>();
  });
  o.on("learn", (e) => {
    assertType<Equals<typeof e.from, number>>();
    assertType<Equals<typeof e.to, number>>();
    assertType<Equals<typeof e.kind, LearnKind>>();
  });
  offPlay();

  // The player API: the listener's choice, the queue.
  o.playTrack(1);
  o.enqueue(2);
  o.enqueue([3, 4]);
  assertType<Equals<ReturnType<typeof o.queue>, number[]>>();
  o.removeFromQueue(3);
  o.clearQueue();
  // @ts-expect-error an unknown event type
  o.on("pause", () => {});
  // @ts-expect-error a "play" payload has no `kind`
  o.on("play", (e) => e.kind);

  assertType<Equals<ReturnType<Orchestrator["stop"]>, Promise<void>>>();
  await o.stop();
  o.free();

  // Snapshots and IndexedDB profiles.
  const saved: Snapshot = o.snapshot();
  assertType<Equals<typeof saved.version, 1 | 2>>();
  assertType<Equals<typeof saved.queue, number[] | undefined>>();
  assertType<Equals<typeof saved.base, number[]>>();
  const affinity = saved.taste?.affinity;
  if (affinity) assertType<Equals<typeof affinity.numbers, number[]>>();
  assertType<Equals<typeof saved.drawn, number | undefined>>();
  const draws = saved.taste?.draws;
  if (draws) assertType<Equals<typeof draws, number[]>>();
  const restored: Orchestrator = Orchestrator.fromSnapshot(saved, { maxRuntimeDiffs: 10 });
  restored.free();
  const profile: Orchestrator = await Orchestrator.open("listener", { seed: 3, saveDelayMs: 500 });
  assertType<Equals<typeof profile.profileShared, boolean>>();
  assertType<Equals<ReturnType<Orchestrator["flush"]>, Promise<void>>>();
  await profile.flush();
  await profile.stop();
  profile.free();
  await Orchestrator.deleteProfile("listener");
  // Save events, and profiles in files.
  const offSave = profile.on("save", (e) => {
    assertType<Equals<typeof e.revision, number>>();
    assertType<Equals<typeof e.bytes, number>>();
    assertType<Equals<typeof e.ms, number>>();
    assertType<Equals<typeof e.kind, "delta" | "checkpoint">>();
  });
  offSave();
  profile.on("saveerror", (e) => {
    assertType<Equals<typeof e.error, Error>>();
    assertType<Equals<typeof e.revision, number>>();
  });
  profile.on("play", (e) => assertType<Equals<typeof e.id, number>>());
  // @ts-expect-error no such event
  profile.on("saved", () => {});
  const inFiles = await Orchestrator.open("listener", { directory: "/var/lib/app/profiles" });
  await Orchestrator.deleteProfile("listener", { directory: "/var/lib/app/profiles" });
  // @ts-expect-error a directory is a path
  await Orchestrator.open("listener", { directory: 5 });
  // What a store writes: typed arrays, and a mark for the next delta.
  const checkpoint = inFiles.saveCheckpoint();
  assertType<Equals<typeof checkpoint.rows, Float64Array>>();
  const delta = inFiles.saveDelta(checkpoint.mark);
  assertType<Equals<typeof delta.state.build.learned, Float64Array>>();
  assertType<Equals<typeof delta.mark.changes, number>>();
  checkpoint.mark.free();
  delta.mark.free();
  // @ts-expect-error a profile name is a string
  await Orchestrator.open(7);
  // @ts-expect-error saveDelayMs is a number
  await Orchestrator.open("listener", { saveDelayMs: "soon" });
  assertType<Equals<typeof o.changes, number>>();

  assertType<Equals<ReturnType<typeof wasmMemoryBytes>, number>>();

  // free() and [Symbol.dispose]() release the engine; `using` disposes at the end of the block.
  {
    using scoped = new Orchestrator({ seed: 4 });
    scoped.playNext();
  }
  const disposable: { [Symbol.dispose](): void } = new Orchestrator();
  disposable[Symbol.dispose]();

  // "memory-player/import": a Spotify extended streaming history.
  const records: SpotifyStreamingRecord[] = [
    { ts: "2023-03-04T18:03:30Z", ms_played: 210000, spotify_track_uri: "spotify:track:x", reason_end: "trackdone", skipped: false },
  ];
  const imported: SpotifyImportReport = await importSpotifyHistory(o, records, {
    trackId: (uri) => (uri.startsWith("spotify:track:") ? 1 : undefined),
    onProgress: ({ phase, done, total }) => {
      assertType<Equals<typeof phase, "reading" | "learning">>();
      assertType<Equals<typeof done | typeof total, number>>();
    },
  });
  assertType<Equals<typeof imported.leftOut.unmapped, number>>();
  assertType<Equals<typeof SKIP_MS, number>>();
  await importSpotifyHistory(o, [records, "[]"], { trackId: () => 1 });
  // @ts-expect-error trackId is required
  await importSpotifyHistory(o, records, {});
  // The importer takes the orchestrator of any entry.
  await importSpotifyHistory(new WebOrchestrator(), records, { trackId: () => 1 });

  // "memory-player/web": the raw web build, for a page without a bundler.
  await init();
  await init({ module_or_path: new URL("memory_player_bg.wasm", "https://example.com/") });
  await init({ module_or_path: fetch("/memory_player_bg.wasm") });
  const output: InitOutput = initSync({ module: new Uint8Array(8) });
  assertType<Equals<typeof output.memory, WebAssembly.Memory>>();
  // @ts-expect-error init takes an object ({ module_or_path }), not a number
  await init(7);
  new WebOrchestrator({ seed: 1 }).free();
  // The raw entry installs no profile API, and its types say so; the other entries have it.
  // @ts-expect-error memory-player/web has no Orchestrator.open
  WebOrchestrator.open("listener");
  // @ts-expect-error memory-player/web has no flush()
  new WebOrchestrator().flush();
  // @ts-expect-error memory-player/web has no profileShared
  new WebOrchestrator().profileShared;
  // @ts-expect-error memory-player/web has no "save" event
  new WebOrchestrator().on("save", () => {});
  assertType<Equals<ReturnType<typeof Orchestrator.open>, Promise<Orchestrator>>>();
  assertType<Equals<ReturnType<typeof FetchOrchestrator.open>, Promise<FetchOrchestrator>>>();

  // "memory-player/fetch": the same classes as ".", loaded by fetching the .wasm.
  new FetchOrchestrator({ seed: 1 }).free();
}
