// The demo's catalogue: 30 short pieces generated deterministically (no download), in three moods,
// plus the listener's own audio files once added. Pure data: no DOM, no audio here.

import { randomTools } from "./random.js";

/** The moods: each has its own scale, tempo range and instrument, so tracks sound like a family. */
export const MOODS = [
  { key: "dawn", name: "Dawn", colour: "#e9a23b", scale: [0, 2, 4, 7, 9], bpm: [72, 88], root: [60, 65],
    lead: { type: "sine", attack: 0.04, release: 0.9, cutoff: 3200, detune: 4, gain: 0.28 }, bassType: "sine", drums: false, echo: 0.25 },
  { key: "rain", name: "Rain", colour: "#2fa59a", scale: [0, 2, 3, 5, 7, 8, 10], bpm: [84, 100], root: [57, 62],
    lead: { type: "triangle", attack: 0.02, release: 0.6, cutoff: 2600, detune: 3, gain: 0.26 }, bassType: "sine", drums: false, echo: 0.35 },
  { key: "neon", name: "Neon", colour: "#b25bd1", scale: [0, 2, 3, 5, 7, 9, 10], bpm: [122, 140], root: [52, 57],
    lead: { type: "sawtooth", attack: 0.005, release: 0.22, cutoff: 1800, detune: 9, gain: 0.1 }, bassType: "sawtooth", drums: true, echo: 0.18 },
];

const ADJECTIVES = ["Amber", "Velvet", "Paper", "Silver", "Hollow", "Quiet", "Golden", "Electric", "Northern",
  "Glass", "Lunar", "Copper", "Wild", "Slow", "Midnight", "Cobalt", "Distant", "Neon", "Salt", "Blue"];
const NOUNS = ["Harbor", "Lanterns", "Orchard", "Circuit", "Tide", "Static", "Meadow", "Signal", "Rooftops",
  "Comet", "Drift", "Echoes", "Atlas", "Mirage", "Window", "Highway", "Garden", "Pulse", "Rain", "Arcade"];

// Ten a mood: more than the default repeat window of 8, so a listener can stay in a mood.
export const TRACKS_PER_MOOD = 10;
/** Ids of the listener's own files start here, clear of the generated ones. */
export const FIRST_FILE_ID = 1001;

/** One generated track: everything the synthesiser needs, derived from its id alone. */
function makeTrack(id, mood, usedTitles, maxSeconds) {
  const r = randomTools(0x5eed + id * 7919);
  let title;
  do title = `${r.pick(ADJECTIVES)} ${r.pick(NOUNS)}`; while (usedTitles.has(title));
  usedTitles.add(title);

  const bpm = r.int(mood.bpm[0], mood.bpm[1]);
  const root = r.int(mood.root[0], mood.root[1]);
  const secondsPerBar = (4 * 60) / bpm;
  // 24 to 40 seconds, a whole number of 4-bar phrases.
  const phrases = Math.max(2, Math.round(r.between(24, 40) / (secondsPerBar * 4)));
  const bars = phrases * 4;

  // A 2-bar motif of eighth notes (16 steps): scale degrees, or null for a rest.
  const motif = (restChance) => {
    const steps = [];
    let degree = r.int(0, mood.scale.length - 1);
    for (let s = 0; s < 16; s++) {
      if (s > 0 && r.chance(restChance)) { steps.push(null); continue; }
      degree = Math.max(-2, Math.min(mood.scale.length + 3, degree + r.pick([-2, -1, -1, 0, 1, 1, 2, 3])));
      steps.push(degree);
    }
    return steps;
  };
  const a = motif(mood.drums ? 0.3 : 0.4);
  const b = motif(0.35);
  const form = r.pick([["a", "a", "b", "a"], ["a", "b", "a", "b"], ["a", "a", "b", "b"]]);
  const bassDegrees = [0, r.pick([3, 4, 5]), r.pick([5, 3]), r.pick([4, 0])];

  return {
    id, kind: "synth", title, mood: mood.key, bpm, root, bars,
    duration: Math.min(bars * secondsPerBar, maxSeconds),
    lead: { ...mood.lead, type: r.chance(0.25) ? "triangle" : mood.lead.type, cutoff: mood.lead.cutoff * r.between(0.7, 1.3) },
    form, motifs: { a, b }, bassDegrees, scale: mood.scale, bassType: mood.bassType,
    drums: mood.drums, echo: mood.echo, octaveLift: r.chance(0.3) ? 12 : 0,
  };
}

/**
 * The generated catalogue: ids 1..30, ten per mood, the same on every load. `maxSeconds` cuts
 * every track short (the page's `?trackSeconds=N`, for a quick look at tracks ending on their own).
 */
export function generatedTracks(maxSeconds = Infinity, perMood = TRACKS_PER_MOOD, moods = MOODS) {
  const used = new Set();
  const tracks = [];
  let id = 1;
  for (const mood of moods) {
    for (let i = 0; i < perMood; i++) tracks.push(makeTrack(id++, mood, used, maxSeconds));
  }
  return tracks;
}

export function moodOf(track) {
  return MOODS.find((m) => m.key === track?.mood);
}

/** The colour of a track's mood (own files are grey). */
export function colourOf(track) {
  return moodOf(track)?.colour ?? "#8a8f98";
}

/** Catalogue: generated tracks plus added files, looked up by id. */
export class Catalogue {
  constructor(maxSeconds = Infinity) {
    this.tracks = generatedTracks(maxSeconds);
    this.nextFileId = FIRST_FILE_ID;
  }
  get(id) {
    return this.tracks.find((t) => t.id === id);
  }
  /** Adds one of the listener's files, whose duration its metadata gave. */
  addFile(file, url, duration) {
    const track = { id: this.nextFileId++, kind: "file", title: file.name.replace(/\.[^.]+$/, ""), mood: "file", url, duration };
    this.tracks.push(track);
    return track;
  }
  remove(track) {
    this.tracks = this.tracks.filter((t) => t !== track);
  }
}

/**
 * Gives the engine some structure to start from, through its public API only: every track
 * reachable from the start node, strong edges inside a mood, weak ones across moods.
 */
export const SEED_WEIGHTS = { start: 1, inMood: 2, crossMood: 1 };

export function seedBaseGraph(orchestrator, tracks, weights = SEED_WEIGHTS) {
  const graph = orchestrator.baseGraph();
  for (const t of tracks) graph.reinforce(0, t.id, weights.start);
  for (const from of tracks) {
    for (const to of tracks) {
      if (from.id === to.id) continue;
      graph.reinforce(from.id, to.id, from.mood === to.mood ? weights.inMood : weights.crossMood);
    }
  }
}

/**
 * Adds a new track (an own file) to the graph: reachable from the start node, and from every track
 * a little more strongly than a same-mood neighbour (so the engine tries it soon), and weakly out
 * to every track.
 */
export function linkNewTrack(orchestrator, track, tracks, weights = SEED_WEIGHTS) {
  const graph = orchestrator.baseGraph();
  graph.reinforce(0, track.id, weights.start);
  for (const other of tracks) {
    if (other.id === track.id) continue;
    graph.reinforce(other.id, track.id, weights.inMood + 1);
    graph.reinforce(track.id, other.id, weights.crossMood);
  }
}
