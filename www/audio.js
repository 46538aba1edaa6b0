// Real sound. Generated tracks are synthesised with the Web Audio API (a lookahead scheduler turns
// a track's description from catalogue.js into notes); the listener's own files play through an
// <audio> element. One AudioPlayer plays one track at a time and says when a track ends on its own.

const LOOKAHEAD_S = 1.5; // how far ahead notes are scheduled (background tabs tick about once a second)
const TICK_MS = 100;

const midiToHz = (m) => 440 * 2 ** ((m - 69) / 12);

/** The notes of a generated track, as [offset seconds, kind, parameters], sorted by time. */
export function scoreOf(track) {
  const beat = 60 / track.bpm;
  const eighth = beat / 2;
  const events = [];
  const pitch = (degree, base) => {
    const n = track.scale.length;
    const octave = Math.floor(degree / n);
    return base + track.scale[((degree % n) + n) % n] + 12 * octave;
  };
  for (let bar = 0; bar < track.bars; bar++) {
    const barStart = bar * 4 * beat;
    const motif = track.motifs[track.form[Math.floor(bar / 2) % track.form.length]];
    const half = (bar % 2) * 8;
    for (let step = 0; step < 8; step++) {
      const degree = motif[half + step];
      if (degree === null || degree === undefined) continue;
      let length = 1;
      while (step + length < 8 && motif[half + step + length] === null && length < 3) length++;
      events.push([barStart + step * eighth, "lead", { hz: midiToHz(pitch(degree, track.root + track.octaveLift)), length: length * eighth * 0.95 }]);
    }
    const bassDegree = track.bassDegrees[bar % track.bassDegrees.length];
    const bassHz = midiToHz(pitch(bassDegree, track.root - 24));
    const bassHits = track.drums ? [0, 1, 2, 3] : [0, 2];
    for (const b of bassHits) events.push([barStart + b * beat, "bass", { hz: bassHz, length: (track.drums ? 0.9 : 1.9) * beat }]);
    if (!track.drums && bar % 2 === 0) {
      const chord = [0, 2, 4].map((d) => midiToHz(pitch(bassDegree + d, track.root - 12)));
      events.push([barStart, "pad", { chord, length: 8 * beat }]);
    }
    if (track.drums) {
      for (let b = 0; b < 4; b++) {
        if (b % 2 === 0) events.push([barStart + b * beat, "kick", {}]);
        else events.push([barStart + b * beat, "snare", {}]);
        events.push([barStart + b * beat + eighth, "hat", {}]);
      }
    }
  }
  return events.filter((e) => e[0] < track.duration - 0.25).sort((a, b) => a[0] - b[0]);
}

/** Plays one generated track on an AudioContext, from its start, with pause via the context. */
class SynthVoice {
  constructor(ctx, destination, track, noise) {
    this.ctx = ctx;
    this.track = track;
    this.noise = noise;
    this.events = scoreOf(track);
    this.next = 0;
    this.sources = new Set();
    this.t0 = ctx.currentTime + 0.08;

    this.out = ctx.createGain();
    this.out.gain.setValueAtTime(0, this.t0);
    this.out.gain.linearRampToValueAtTime(1, this.t0 + 0.4);
    this.out.gain.setValueAtTime(1, this.t0 + Math.max(0.5, track.duration - 1.2));
    this.out.gain.linearRampToValueAtTime(0, this.t0 + track.duration);
    this.filter = ctx.createBiquadFilter();
    this.filter.type = "lowpass";
    this.filter.frequency.value = track.lead.cutoff;
    this.filter.Q.value = 0.7;
    this.filter.connect(this.out);
    if (track.echo > 0) {
      const delay = ctx.createDelay(1);
      delay.delayTime.value = (60 / track.bpm) * 0.75;
      const fb = ctx.createGain();
      fb.gain.value = track.echo;
      this.filter.connect(delay);
      delay.connect(fb);
      fb.connect(delay);
      fb.connect(this.out);
      this.echoNodes = [delay, fb];
    }
    this.out.connect(destination);
    this.timer = setInterval(() => this.schedule(), TICK_MS);
    this.schedule();
  }

  get position() {
    return Math.min(this.track.duration, Math.max(0, this.ctx.currentTime - this.t0));
  }

  schedule() {
    const horizon = this.position + LOOKAHEAD_S;
    while (this.next < this.events.length && this.events[this.next][0] < horizon) {
      const [offset, kind, p] = this.events[this.next++];
      const at = Math.max(this.t0 + offset, this.ctx.currentTime);
      this[kind](at, p);
    }
  }

  keep(source, end) {
    source.stop(end);
    this.sources.add(source);
    source.onended = () => this.sources.delete(source);
  }

  envelope(at, peak, attack, length, release) {
    const g = this.ctx.createGain();
    g.gain.setValueAtTime(0, at);
    g.gain.linearRampToValueAtTime(peak, at + attack);
    g.gain.setValueAtTime(peak, at + Math.max(attack, length));
    g.gain.exponentialRampToValueAtTime(0.0001, at + Math.max(attack, length) + release);
    return g;
  }

  lead(at, { hz, length }) {
    const { type, attack, release, detune, gain } = this.track.lead;
    const env = this.envelope(at, gain, attack, length * 0.6, release);
    env.connect(this.filter);
    for (const cents of [-detune, detune]) {
      const osc = this.ctx.createOscillator();
      osc.type = type;
      osc.frequency.value = hz;
      osc.detune.value = cents;
      osc.connect(env);
      osc.start(at);
      this.keep(osc, at + length + release + 0.05);
    }
  }

  bass(at, { hz, length }) {
    const env = this.envelope(at, this.track.bassType === "sawtooth" ? 0.09 : 0.22, 0.01, length * 0.5, 0.25);
    env.connect(this.out);
    const osc = this.ctx.createOscillator();
    osc.type = this.track.bassType;
    osc.frequency.value = hz;
    if (this.track.bassType === "sawtooth") {
      const lp = this.ctx.createBiquadFilter();
      lp.frequency.value = 600;
      osc.connect(lp);
      lp.connect(env);
    } else osc.connect(env);
    osc.start(at);
    this.keep(osc, at + length + 0.3);
  }

  pad(at, { chord, length }) {
    const env = this.envelope(at, 0.05, 1.2, length - 1.5, 1.2);
    env.connect(this.out);
    for (const hz of chord) {
      const osc = this.ctx.createOscillator();
      osc.type = "sine";
      osc.frequency.value = hz;
      osc.connect(env);
      osc.start(at);
      this.keep(osc, at + length + 0.2);
    }
  }

  kick(at) {
    const osc = this.ctx.createOscillator();
    osc.frequency.setValueAtTime(130, at);
    osc.frequency.exponentialRampToValueAtTime(42, at + 0.12);
    const env = this.envelope(at, 0.5, 0.003, 0.02, 0.2);
    osc.connect(env);
    env.connect(this.out);
    osc.start(at);
    this.keep(osc, at + 0.3);
  }

  noiseHit(at, { peak, length, highpass }) {
    const src = this.ctx.createBufferSource();
    src.buffer = this.noise;
    const hp = this.ctx.createBiquadFilter();
    hp.type = "highpass";
    hp.frequency.value = highpass;
    const env = this.envelope(at, peak, 0.002, 0.005, length);
    src.connect(hp);
    hp.connect(env);
    env.connect(this.out);
    src.start(at);
    this.keep(src, at + length + 0.05);
  }

  snare(at) {
    this.noiseHit(at, { peak: 0.12, length: 0.14, highpass: 1500 });
  }

  hat(at) {
    this.noiseHit(at, { peak: 0.04, length: 0.04, highpass: 7000 });
  }

  stop() {
    clearInterval(this.timer);
    for (const source of this.sources) {
      try {
        source.stop();
      } catch {
        /* already stopped */
      }
    }
    this.sources.clear();
    this.out.disconnect();
    this.filter.disconnect();
    for (const n of this.echoNodes ?? []) n.disconnect();
  }
}

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

/**
 * The demo's player. `onEnded(listenedSeconds)` is called when a track ends on its own;
 * `onError(err)` when sound fails. The AudioContext is made on the first play (a user gesture).
 */
export class AudioPlayer {
  constructor({ audioElement, onEnded, onError }) {
    this.audioElement = audioElement;
    this.onEnded = onEnded;
    this.onError = onError;
    this.ctx = null;
    this.voice = null;
    this.paused = false;
    this.generation = 0;
    this.watch = setInterval(() => this.checkEnd(), 200);
  }

  /** Creates or resumes the AudioContext; call from a click or key press. */
  async unlock() {
    if (!this.ctx) {
      const Ctx = window.AudioContext ?? window.webkitAudioContext;
      if (!Ctx) throw new Error("this browser has no Web Audio API");
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
    }
    if (this.ctx.state !== "running" && !this.paused) await this.ctx.resume();
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

  /** Starts `track` from its beginning (stopping what played). The last call wins. */
  async play(track) {
    this.stop();
    const generation = this.generation;
    if (track.kind === "file") {
      if (this.ctx?.state === "suspended") await this.ctx.resume();
    } else {
      await this.unlock();
    }
    if (generation !== this.generation) return; // stopped, or another track started meanwhile
    this.voice = track.kind === "file"
      ? new FileVoice(this.audioElement, track, () => this.finish(), this.onError)
      : new SynthVoice(this.ctx, this.master, track, this.noise);
  }

  async pause() {
    if (!this.voice || this.paused) return;
    this.paused = true;
    if (this.voice instanceof FileVoice) this.voice.pause();
    else await this.ctx.suspend();
  }

  async resume() {
    if (!this.voice || !this.paused) return;
    this.paused = false;
    if (this.voice instanceof FileVoice) await this.voice.resume();
    else await this.ctx.resume();
  }

  /** Stops the track (and any play() still starting); returns how many seconds of it were heard. */
  stop() {
    this.generation++;
    const listened = this.position;
    this.voice?.stop();
    this.voice = null;
    if (this.paused && this.ctx?.state === "suspended") this.ctx.resume().catch(this.onError);
    this.paused = false;
    return listened;
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
