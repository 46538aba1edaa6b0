// Real sound. Generated tracks are synthesised with the Web Audio API (synth.js); the listener's
// own files play through an <audio> element. One AudioPlayer plays one track at a time and says
// when a track ends on its own, and whether sound could start.

import { SynthVoice } from "./synth.js";

/** Plays one of the listener's files through an <audio> element. */
class FileVoice {
  constructor(element, track, onEnded, onError) {
    this.element = element;
    this.track = track;
    element.src = track.url;
    element.currentTime = 0;
    this.ended = () => onEnded();
    this.failed = () => onError(new Error(`cannot play "${track.title}" (${element.error?.message || "unsupported or broken file"})`));
    element.addEventListener("ended", this.ended);
    element.addEventListener("error", this.failed);
    element.play().catch((err) => {
      if (err.name !== "AbortError") onError(err);
    });
  }
  get position() {
    return this.element.currentTime || 0;
  }
  get duration() {
    return Number.isFinite(this.element.duration) ? this.element.duration : this.track.duration;
  }
  pause() {
    this.element.pause();
  }
  resume() {
    return this.element.play();
  }
  stop() {
    this.element.removeEventListener("ended", this.ended);
    this.element.removeEventListener("error", this.failed);
    this.element.pause();
    this.element.removeAttribute("src");
    this.element.load();
  }
}

/** How long a start of the audio output may take before the page says sound is unavailable. */
export const SOUND_TIMEOUT_MS = 1500;

/**
 * The demo's player. Nothing in it waits on the audio output: `play(track)` returns at once and
 * the sound starts when the AudioContext runs. Some browsers never settle `AudioContext.resume()`
 * (Firefox on a machine with no audio output): after SOUND_TIMEOUT_MS the player reports the sound
 * as unavailable, and a later start still plays.
 *
 * `onEnded(listenedSeconds, track)`: a track ended on its own. `onError(err)`: sound failed.
 * `onSound(state, detail)`: "starting" | "on" | "unavailable" (detail: why), as it changes.
 */
export class AudioPlayer {
  constructor({ audioElement, onEnded, onError, onSound = () => {} }) {
    this.audioElement = audioElement;
    this.onEnded = onEnded;
    this.onError = onError;
    this.onSound = onSound;
    this.sound = "idle";
    this.ctx = null;
    this.voice = null;
    this.paused = false;
    this.generation = 0;
    this.watch = setInterval(() => this.checkEnd(), 200);
  }

  get track() {
    return this.voice?.track;
  }
  get playing() {
    return Boolean(this.voice) && !this.paused;
  }
  get position() {
    return this.voice?.position ?? 0;
  }
  get duration() {
    return this.voice?.duration ?? this.voice?.track.duration ?? 0;
  }

  /**
   * Starts `track` from its beginning (stopping what played); returns at once. The last call
   * wins: a track still waiting for the audio output is dropped by the next play() or stop().
   */
  play(track) {
    this.stop();
    const generation = this.generation;
    if (track.kind === "file") {
      this.voice = new FileVoice(this.audioElement, track, () => this.finish(), this.onError);
      return;
    }
    if (!this.context()) return;
    this.whenRunning(() => {
      if (generation === this.generation) this.voice = new SynthVoice(this.ctx, this.master, track, this.noise);
    });
  }

  /** Pauses; returns at once. */
  pause() {
    if (!this.voice || this.paused) return;
    this.paused = true;
    if (this.voice instanceof FileVoice) this.voice.pause();
    else this.ctx.suspend().catch(this.onError);
  }

  /** Resumes a paused track; returns at once (the sound follows when the output runs). */
  resume() {
    if (!this.voice || !this.paused) return;
    this.paused = false;
    if (this.voice instanceof FileVoice) this.voice.resume().catch(this.onError);
    else this.whenRunning(() => {});
  }

  /** Stops the track (and any play() still starting); returns how many seconds of it were heard. */
  stop() {
    this.generation++;
    const listened = this.position;
    this.voice?.stop();
    this.voice = null;
    if (this.paused && this.ctx?.state === "suspended") this.whenRunning(() => {});
    this.paused = false;
    return listened;
  }

  /**
   * The AudioContext, made on the first play (call from a click or a key press: browsers let a
   * page start sound from a user's gesture). Null, and reported, when there is no Web Audio API.
   */
  context() {
    if (this.ctx) return this.ctx;
    const Ctx = window.AudioContext ?? window.webkitAudioContext;
    if (!Ctx) {
      this.setSound("unavailable", "this browser has no Web Audio API");
      return null;
    }
    this.ctx = new Ctx();
    this.master = this.ctx.createDynamicsCompressor();
    this.master.connect(this.ctx.destination);
    const length = this.ctx.sampleRate;
    this.noise = this.ctx.createBuffer(1, length, this.ctx.sampleRate);
    const data = this.noise.getChannelData(0);
    let x = 1;
    for (let i = 0; i < length; i++) {
      x = (x * 16807) % 2147483647;
      data[i] = (x / 2147483647) * 2 - 1;
    }
    return this.ctx;
  }

  /**
   * Calls `start` once the context runs: now when it does, else when resume() settles. Raced with
   * SOUND_TIMEOUT_MS: past it the sound is reported unavailable (a late resume still starts it).
   */
  whenRunning(start) {
    const ctx = this.ctx;
    if (ctx.state === "running") {
      start();
      this.setSound("on");
      return;
    }
    if (this.sound !== "unavailable") this.setSound("starting"); // once unavailable, it says so until sound starts
    const timer = setTimeout(() => {
      if (ctx.state !== "running") this.setSound("unavailable", `the audio output did not start within ${SOUND_TIMEOUT_MS / 1000} s`);
    }, SOUND_TIMEOUT_MS);
    let resumed;
    try {
      resumed = Promise.resolve(ctx.resume());
    } catch (err) {
      resumed = Promise.reject(err);
    }
    resumed.then(
      () => {
        clearTimeout(timer);
        if (ctx.state !== "running") return; // suspended again meanwhile (a pause)
        start();
        this.setSound("on");
      },
      (err) => {
        clearTimeout(timer);
        this.setSound("unavailable", err?.message || String(err));
      },
    );
  }

  setSound(state, detail = "") {
    if (this.sound === state && state !== "unavailable") return;
    this.sound = state;
    this.onSound(state, detail);
  }

  checkEnd() {
    if (this.voice instanceof SynthVoice && !this.paused && this.voice.position >= this.voice.track.duration) this.finish();
  }

  finish() {
    const voice = this.voice;
    if (!voice) return;
    const listened = Math.max(voice.position, Number.isFinite(this.duration) ? this.duration : 0);
    this.stop();
    this.onEnded(listened, voice.track);
  }
}
