//! The managers' side of the engine: starting and stopping them, the cooldown steps they
//! apply, and the rebuild they trigger.

use std::cell::RefCell;
use std::rc::Rc;

use super::lifecycle::Lifecycle;
use super::{managers, EngineError, Event, Orchestrator, Stopped};
use crate::model::RuntimeGraph;

impl Orchestrator {
    /// Spawns the three managers. Idempotent: starting twice never runs six.
    pub fn start(&self) -> Result<(), EngineError> {
        if self.running() {
            return Ok(());
        }
        let lifecycle = Rc::new(Lifecycle::default());
        *self.inner.lifecycle.borrow_mut() = Some(lifecycle.clone());
        if let Err(e) = managers::spawn_all(&self.inner, &lifecycle) {
            drop(self.stop());
            return Err(e);
        }
        Ok(())
    }

    /// Cancels the managers; the future completes once every manager stopped so far has exited.
    /// Idempotent, fine before `start()`, and legal from inside a listener or a manager. The
    /// orchestrator stays usable: only the automatic rebuilds stop.
    pub fn stop(&self) -> Stopped {
        let stopped = self.inner.lifecycle.borrow_mut().take();
        if let Some(lifecycle) = stopped {
            lifecycle.cancel();
            self.inner.stopping.borrow_mut().push(lifecycle);
            // Nobody will apply pending cooldown steps now; apply them here.
            self.apply_pending_cooldowns();
        }
        let mut stopping = self.inner.stopping.borrow_mut();
        stopping.retain(|lc| !lc.is_finished());
        Stopped {
            lifecycles: stopping.clone(),
        }
    }

    /// True between `start()` and `stop()`.
    pub fn running(&self) -> bool {
        self.inner.lifecycle.borrow().is_some()
    }

    /// Manager tasks alive right now, of any lifecycle (3 while running, once the executor has
    /// let stopped ones exit).
    pub fn running_managers(&self) -> usize {
        self.inner.live_managers.get()
    }

    /// Folds what the current build learned into the base graph, builds the next version from
    /// it with the still-active cooldowns, and swaps it in. Returns the new build version.
    pub fn rebuild_runtime(&self, reason: &str) -> u64 {
        let (build_version, diffs) = {
            let mut state = self.inner.state.borrow_mut();
            let state = &mut *state;
            let (next, diffs) = {
                let old = state.build.borrow();
                old.fold_into(&mut state.base);
                let version = old.build_version() + 1;
                (
                    old.rebuild(
                        state.base.clone(),
                        version,
                        reason,
                        self.inner.clock.now_ms(),
                    ),
                    old.diffs(),
                )
            };
            let build_version = next.build_version();
            state.build = Rc::new(RefCell::new(next));
            (build_version, diffs)
        };
        self.emit(Event::Rebuild {
            build_version,
            reason: reason.to_owned(),
            diffs,
        });
        build_version
    }

    /// One generated play: handed to the cooldown manager while it runs, applied here otherwise.
    pub(super) fn cooldown_step(&self) {
        let steps = &self.inner.pending_steps;
        steps.set(steps.get().saturating_add(1));
        if self.running() {
            let _ = self.inner.cooldown_tx.borrow_mut().try_send(());
        } else {
            self.apply_pending_cooldowns();
        }
    }

    /// Applies every pending cooldown step to the current build. It changes the state (the
    /// snapshot's `pendingCooldownSteps` and the cooldowns), so it counts as a change: a saver
    /// that compares `changes()` must see it, or what it stored would differ from `snapshot()`.
    pub(crate) fn apply_pending_cooldowns(&self) {
        if self.inner.pending_steps.get() > 0 {
            let state = self.inner.state.borrow();
            self.apply_pending_cooldowns_to(&mut state.build.borrow_mut());
        }
    }

    /// [`Orchestrator::apply_pending_cooldowns`] to the current build, already borrowed.
    pub(crate) fn apply_pending_cooldowns_to(&self, build: &mut RuntimeGraph) {
        let steps = self.inner.pending_steps.replace(0);
        if steps > 0 {
            self.changed();
            build.reduce_cooldowns(steps);
        }
    }

    /// The current build's diffs and its age in clock milliseconds.
    pub(crate) fn build_diffs_and_age(&self) -> (u64, f64) {
        let state = self.inner.state.borrow();
        let build = state.build.borrow();
        (build.diffs(), self.inner.clock.now_ms() - build.built_at())
    }
}
