// Generated tracks as sound: a lookahead scheduler turns a track's description (catalogue.js)
// into notes on a Web Audio API context. One SynthVoice plays one track from its start.

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
export class SynthVoice {
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
