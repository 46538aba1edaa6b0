// The player's controls: Play/Pause, Next, Skip, Back, and a track that ends on its own. Each one
// asks the engine first (playNext, playBack, feedback) and updates the page with its answer; the
// sound follows when the audio output can start, and never holds a pick up (AudioPlayer.play
// returns at once). When sound cannot start, the page says so and everything else works.

import { guard } from "./errors.js";
import { h, replace } from "./dom.js";
import { AudioPlayer } from "./audio.js";

export class Playback {
  /**
   * `session`: the EngineSession (its `o`); `notes`: say(); `soundState`: the status line about
   * sound; `onChange()`: redraw; `showError(context, err)`. (The package saves what the engine
   * learns by itself.)
   */
  constructor({ session, catalogue, audioElement, notes, soundState, onChange, showError }) {
    Object.assign(this, { session, catalogue, notes, soundState, onChange });
    this.from = 0; // the track before the current one, for feedback
    this.player = new AudioPlayer({
      audioElement,
      onEnded: (listened, track) => {
        guard("Track end", () => this.trackEnded(listened, track));
      },
      onError: (err) => showError("Sound", err),
      onSound: (state, detail) => this.showSound(state, detail),
    });
  }

  get o() {
    return this.session.o;
  }

  chain() {
    return this.o.playbackChain();
  }

  /** A new orchestrator: its chain says which track came before the current one. */
  sync() {
    this.from = this.chain().back.at(-1) ?? 0;
  }

  /** Stops the sound (before another orchestrator takes over). */
  stop() {
    this.player.stop();
  }

  durationOf(id) {
    const player = this.player;
    if (player.track?.id === id && Number.isFinite(player.duration) && player.duration > 0) return player.duration;
    return this.catalogue.get(id)?.duration;
  }

  playPause() {
    const player = this.player;
    if (player.track) {
      if (player.playing) player.pause();
      else player.resume();
    } else {
      const current = this.chain().current;
      if (current === undefined) this.advance();
      else this.startTrack(current);
    }
    this.onChange();
  }

  next() {
    this.player.stop();
    this.advance();
    this.notes.say(`Next: playNext() → ${this.chain().current ?? "nothing"} (no feedback given).`, true);
  }

  skip() {
    const current = this.chain().current;
    if (current === undefined) return this.next();
    const listened = this.player.track?.id === current ? this.player.stop() : 0;
    this.teach(this.from, current, listened, this.durationOf(current), "Skipped");
    this.advance();
  }

  back() {
    const id = guard("playBack()", () => this.o.playBack());
    if (id === undefined) {
      this.notes.say("Nothing to go back to.");
      return;
    }
    this.player.stop();
    this.startTrack(id);
    this.notes.say(`Back: playBack() → ${id}. Learning is frozen until a new track is picked.`, true);
  }

  /**
   * The listener picked `id` in the catalogue: what was playing counts as heard as far as it
   * was (a skip if barely started), then playTrack() makes `id` current and learns the choice.
   */
  choose(id) {
    const current = this.chain().current;
    if (current !== undefined && this.player.track?.id === current) {
      const listened = this.player.stop();
      this.teach(this.from, current, listened, this.durationOf(current), "Left");
    }
    this.player.stop();
    this.o.playTrack(id);
    this.startTrack(id);
    this.notes.say(`Chosen: playTrack(${id}). The engine learns that you wanted it after ${current ?? "the start"}.`, true);
  }

  /** "Play next": the track joins the engine's queue, which playNext() takes before its pick. */
  enqueue(id) {
    this.o.enqueue(id);
    this.notes.say(`Queued: enqueue(${id}); the queue is ${this.o.queue().join(", ")}.`, true);
    this.onChange();
  }

  unqueue(id) {
    this.o.removeFromQueue(id);
    this.onChange();
  }

  clearQueue() {
    this.o.clearQueue();
    this.onChange();
  }

  /** Asks the engine for the next track, shows it, and starts its sound. */
  advance() {
    const id = guard("playNext()", () => this.o.playNext());
    if (id === undefined) {
      this.player.stop();
      this.notes.say("The engine has nothing to play.");
      this.onChange();
      return;
    }
    this.startTrack(id);
  }

  /** The engine's current track `id`: shown now, its sound from its beginning when it can. */
  startTrack(id) {
    this.from = this.chain().back.at(-1) ?? 0;
    const track = this.catalogue.get(id);
    this.onChange();
    if (!track) {
      this.player.stop();
      this.notes.say(`Track ${id} is not in the catalogue any more.`);
      return;
    }
    this.player.play(track);
  }

  /** Tells the engine how much of `to` was heard after `from`. */
  teach(from, to, listened, duration, how) {
    if (!(duration > 0)) {
      this.notes.say(`No feedback for ${to}: its duration is not known yet.`);
      return;
    }
    const heard = Math.min(Math.max(0, listened), duration);
    guard("feedback()", () => this.o.feedback(from, to, heard, duration));
    const frozen = this.chain().learningFrozen ? " (learning is frozen: revisiting, so nothing is learned)" : "";
    const f = (x) => x.toFixed(1);
    this.notes.say(`${how} ${to} after ${f(heard)} s of ${f(duration)} s → feedback(${from}, ${to}, ${f(heard)}, ${f(duration)})${frozen}`);
  }

  trackEnded(listened, track) {
    if (!this.o) return;
    const current = this.chain().current;
    if (track.id !== current) return;
    this.teach(this.from, current, listened, this.durationOf(current) ?? listened, "Heard");
    this.advance();
  }

  /** The status line about sound: shown only when sound cannot start. */
  showSound(state, detail) {
    const el = this.soundState;
    el.dataset.state = state;
    el.hidden = state !== "unavailable";
    if (state === "unavailable") {
      replace(el, h("strong", {}, "Sound unavailable:"), ` ${detail}. Picks, skips and learning work without it; Play tries again.`);
    }
    this.onChange();
  }
}
