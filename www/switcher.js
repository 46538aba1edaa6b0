// Replacing the page's orchestrator: new options make a new one (options are fixed for an
// orchestrator's life), and Forget me starts over. What plays stops first, and the page's
// controls wait until the new orchestrator is in place (`busy`).

export class EngineSwitch {
  #busy = false;

  /** `session`: the EngineSession; `playback`, `listener`, `notes`: what stops or clears first;
   * `onDone()`: redraw once the switch is over (whether it worked or not). */
  constructor({ session, playback, listener, notes, onDone }) {
    Object.assign(this, { session, playback, listener, notes, onDone });
  }

  /** True between two orchestrators. */
  get busy() {
    return this.#busy;
  }

  /** The profile is saved, closed and reopened with `values`, so what was learned is kept. */
  async apply(values) {
    await this.#switch(async () => {
      const same = await this.session.apply(values);
      this.notes.say(`New orchestrator, ${same ? "same memory" : "fresh (memory off)"}: policy ${values.policy}, seed ${values.seed}, diff limit ${values.maxRuntimeDiffs}, TTL ${values.ttlSeconds} s, repeat window ${values.repeatWindow}.`);
    });
  }

  /** Forget me: the profile deleted, a new one started. */
  async forget() {
    await this.#switch(async () => {
      await this.session.forget();
      this.notes.say("Forget me: deleteProfile() and a new profile; the engine knows only the catalogue now.");
    });
  }

  /** Stops what plays on the page's engine, then lets `change` replace the engine. */
  async #switch(change) {
    if (this.#busy) return;
    this.#busy = true;
    try {
      this.playback.stop();
      await this.listener.reset();
      this.notes.clearLog();
      await change();
    } finally {
      this.#busy = false;
      this.onDone();
    }
  }
}
