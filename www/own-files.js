// The listener's own audio files: picked with a file input or dropped onto the page, added to the
// catalogue and linked into the engine's graph, then played with an <audio> element when picked.

import { guard, showError } from "./errors.js";
import { linkNewTrack } from "./catalogue.js";

const AUDIO_EXT = /\.(mp3|m4a|aac|ogg|oga|opus|wav|flac|webm)$/i;

export function isAudioFile(file) {
  return file.type.startsWith("audio/") || AUDIO_EXT.test(file.name);
}

/** Reads a file's duration through a throwaway <audio> element (rejects when it cannot be decoded). */
export function probeDuration(url) {
  return new Promise((resolve, reject) => {
    const probe = new Audio();
    probe.preload = "metadata";
    const done = () => {
      probe.removeAttribute("src");
      probe.load();
    };
    probe.addEventListener("loadedmetadata", () => {
      const d = probe.duration;
      done();
      if (Number.isFinite(d) && d > 0) resolve(d);
      else reject(new Error("the file reports no duration"));
    }, { once: true });
    probe.addEventListener("error", () => {
      done();
      reject(new Error("this browser cannot decode the file"));
    }, { once: true });
    probe.src = url;
  });
}

/** Calls `onFiles(files)` for files dropped anywhere on the page; shows `overlay` while dragging. */
export function enableDrop(target, overlay, onFiles) {
  let depth = 0;
  const hasFiles = (e) => [...(e.dataTransfer?.types ?? [])].includes("Files");
  target.addEventListener("dragenter", (e) => {
    if (!hasFiles(e)) return;
    depth++;
    overlay.hidden = false;
  });
  target.addEventListener("dragleave", () => {
    depth = Math.max(0, depth - 1);
    if (depth === 0) overlay.hidden = true;
  });
  target.addEventListener("dragover", (e) => {
    if (hasFiles(e)) e.preventDefault();
  });
  target.addEventListener("drop", (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    depth = 0;
    overlay.hidden = true;
    onFiles([...e.dataTransfer.files]);
  });
}

/**
 * The listener's files in the page's engine: `add(files)` links each one into the graph and
 * rebuilds; `forget(track)` removes one everywhere (`forgetTrack`).
 */
export class OwnFiles {
  /** `onChange()`: redraw; `onForgotten()`: the engine changed (a save is due). */
  constructor({ session, catalogue, playback, notes, onChange, onForgotten }) {
    Object.assign(this, { session, catalogue, playback, notes, onChange, onForgotten });
  }

  async add(files) {
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
      const o = this.session.o;
      if (duration === null || !o) continue;
      const track = this.catalogue.addFile(file, url, duration);
      guard("baseGraph().reinforce()", () => linkNewTrack(o, track, this.catalogue.tracks));
      added++;
    }
    if (added) {
      const s = added > 1 ? "s" : "";
      guard("rebuildRuntime()", () => this.session.o.rebuildRuntime(`${added} file${s} added`));
      this.notes.say(`Added ${added} file${s}: linked from every track, so the engine will try ${added > 1 ? "them" : "it"} soon.`);
    }
    this.onChange();
  }

  forget(track) {
    guard("forgetTrack()", () => this.session.o.forgetTrack(track.id));
    this.catalogue.remove(track);
    if (this.playback.player.track !== track) URL.revokeObjectURL(track.url);
    this.notes.say(`forgetTrack(${track.id}): "${track.title}" is gone from both graphs and the chain.`);
    this.onForgotten();
    this.onChange();
  }
}
