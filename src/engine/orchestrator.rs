use std::cell::{Cell, RefCell};
use std::fmt;
use std::rc::Rc;

use futures::channel::mpsc;
use futures::task::LocalSpawn;

use super::events::EventHub;
use super::lifecycle::Lifecycle;
use super::snapshot::{BuildSnapshot, ChainSnapshot, Snapshot, SnapshotError};
use super::{
    managers, Clock, EngineError, Event, LearnKind, OptionError, Options, PlaySource, Policy,
    Stopped, Subscription,
};
use crate::model::{
    check_edge, choose_adaptive, choose_next, explain_adaptive, explain_next, repeat_window,
    AdaptiveConfig, Answer, BaseGraph, Candidate, Explained, Explanation, ModelError, Pick,
    PickConfig, PlaybackChain, Recency, Replay, Rng, Row, RuntimeGraph, Taste, TrackId, START,
};

/// One build of the runtime graph, shared: whoever holds a build keeps a consistent view of it
/// after a rebuild swaps a new one in (the single-thread form of the seed's atomic snapshot).
pub type Build = Rc<RefCell<RuntimeGraph>>;

/// Diff channel capacity, as in the seed. `futures` adds one slot per sender to the buffer it
/// is given, and each channel has exactly one sender.
const DIFF_CAPACITY: usize = 5;
/// Cooldown channel capacity, as in the seed.
const COOLDOWN_CAPACITY: usize = 1;

/// Ties the model together and runs the managers: what plays next, what is learned, and when
/// the runtime graph is rebuilt.
///
/// Cloning gives another handle on the same engine. Methods take `&self`, hold no borrow across
/// a listener call, and deliver events only once every borrow is dropped, so a listener may call
/// any method, `stop()` and `rebuild_runtime()` included.
#[derive(Clone)]
pub struct Orchestrator {
    pub(crate) inner: Rc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) options: Options,
    pick: PickConfig,
    adaptive: AdaptiveConfig,
    pub(crate) spawner: Box<dyn LocalSpawn>,
    pub(crate) clock: Rc<dyn Clock>,
    state: RefCell<State>,
    events: EventHub,
    diff_tx: RefCell<mpsc::Sender<()>>,
    pub(crate) diff_rx: RefCell<mpsc::Receiver<()>>,
    cooldown_tx: RefCell<mpsc::Sender<()>>,
    pub(crate) cooldown_rx: RefCell<mpsc::Receiver<()>>,
    /// Cooldown steps (generated plays) not yet applied: the cooldown signal carries no count,
    /// so a coalesced signal loses nothing.
    pending_steps: Cell<u32>,
    lifecycle: RefCell<Option<Rc<Lifecycle>>>,
    stopping: RefCell<Vec<Rc<Lifecycle>>>,
    pub(crate) live_managers: Rc<Cell<usize>>,
    /// Counts every mutation, so a saver can tell cheaply whether anything changed.
    changes: Cell<u64>,
}

struct State {
    base: BaseGraph,
    build: Build,
    chain: PlaybackChain,
    recency: Recency,
    rng: Rng,
    /// What the listener's answers taught (the adaptive policy's memory; kept under both).
    taste: Taste,
    /// How the current track's play relates to its previous one, for the answer to it.
    replay: Replay,
    /// Reused by every pick so the hot path allocates nothing.
    scratch: Vec<Candidate>,
    picks: Vec<Pick>,
}

impl State {
    /// Records a play of `id`: for the repeat window, and for the answer to come.
    fn record_play(&mut self, id: TrackId) {
        self.replay = match self.recency.last_played(id) {
            None => Replay::First,
            Some(at) => Replay::After(self.recency.plays() + 1 - at),
        };
        self.recency.record(id);
        self.taste.note_play(id, self.recency.plays());
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        // The managers hold only weak handles; wake them so they exit instead of waiting forever.
        if let Some(lc) = self.lifecycle.get_mut().take() {
            lc.cancel();
        }
    }
}

impl fmt::Debug for Orchestrator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Orchestrator")
            .field("running", &self.running())
            .field("live_managers", &self.running_managers())
            .finish_non_exhaustive()
    }
}

impl Orchestrator {
    /// An engine with an empty base graph and build 0 ("initialization"); managers not running.
    pub fn new(
        options: Options,
        spawner: impl LocalSpawn + 'static,
        clock: impl Clock + 'static,
    ) -> Result<Self, OptionError> {
        options.validate()?;
        let base = BaseGraph::new();
        let build = RuntimeGraph::new(base.clone(), 0, "initialization", clock.now_ms());
        let state = State {
            base,
            build: Rc::new(RefCell::new(build)),
            chain: PlaybackChain::new(options.history_limit),
            recency: Recency::new(),
            rng: Rng::new(options.seed),
            taste: Taste::new(options.memory_half_life, options.repeat_window as u64),
            replay: Replay::Unknown,
            scratch: Vec::new(),
            picks: Vec::new(),
        };
        Ok(Self::from_state(
            options,
            Box::new(spawner),
            Rc::new(clock),
            state,
            0,
        ))
    }

    /// An engine resumed from a snapshot, exactly where it was saved; managers not running.
    /// A snapshot that fails any check is refused whole.
    pub fn restore(
        snapshot: &Snapshot,
        spawner: impl LocalSpawn + 'static,
        clock: impl Clock + 'static,
    ) -> Result<Self, SnapshotError> {
        let restored = snapshot.validate()?;
        let state = State {
            base: restored.base,
            build: Rc::new(RefCell::new(restored.build)),
            chain: restored.chain,
            recency: restored.recency,
            rng: Rng::from_state(snapshot.rng_state),
            taste: restored.taste,
            replay: restored.replay,
            scratch: Vec::new(),
            picks: Vec::new(),
        };
        let options = snapshot.options.clone();
        let pending = snapshot.pending_cooldown_steps;
        Ok(Self::from_state(
            options,
            Box::new(spawner),
            Rc::new(clock),
            state,
            pending,
        ))
    }

    fn from_state(
        options: Options,
        spawner: Box<dyn LocalSpawn>,
        clock: Rc<dyn Clock>,
        state: State,
        pending_steps: u32,
    ) -> Self {
        let (diff_tx, diff_rx) = mpsc::channel(DIFF_CAPACITY - 1);
        let (cooldown_tx, cooldown_rx) = mpsc::channel(COOLDOWN_CAPACITY - 1);
        Self {
            inner: Rc::new(Inner {
                pick: options.pick_config(),
                adaptive: options.adaptive_config(),
                options,
                spawner,
                clock,
                state: RefCell::new(state),
                events: EventHub::default(),
                diff_tx: RefCell::new(diff_tx),
                diff_rx: RefCell::new(diff_rx),
                cooldown_tx: RefCell::new(cooldown_tx),
                cooldown_rx: RefCell::new(cooldown_rx),
                pending_steps: Cell::new(pending_steps),
                lifecycle: RefCell::new(None),
                stopping: RefCell::new(Vec::new()),
                live_managers: Rc::new(Cell::new(0)),
                changes: Cell::new(0),
            }),
        }
    }

    /// Everything needed to resume this engine exactly (see [`Orchestrator::restore`]).
    pub fn snapshot(&self) -> Snapshot {
        self.snapshot_parts(true)
    }

    /// The snapshot, with its base graph only when `with_base` (a delta carries changed rows).
    pub(crate) fn snapshot_parts(&self, with_base: bool) -> Snapshot {
        let state = self.inner.state.borrow();
        let build = state.build.borrow();
        let saved = |row: &Row| row.iter().collect::<Vec<_>>();
        let chain = &state.chain;
        Snapshot {
            options: self.inner.options.clone(),
            base: if with_base {
                state
                    .base
                    .all_rows()
                    .map(|(id, row)| (id, saved(row)))
                    .collect()
            } else {
                Vec::new()
            },
            build: BuildSnapshot {
                version: build.build_version(),
                reason: build.build_reason().to_owned(),
                built_at: build.built_at(),
                diffs: build.diffs(),
                base_changes: build
                    .base()
                    .diff_from(&state.base)
                    .into_iter()
                    .map(|(id, row)| (id, row.as_ref().map(saved)))
                    .collect(),
                learned: build
                    .learned()
                    .map(|(from, row)| (from, row.to_vec()))
                    .collect(),
            },
            chain: ChainSnapshot {
                back: chain.back_stack().collect(),
                current: chain.current(),
                forward: chain.forward_stack().to_vec(),
                learning_frozen: chain.learning_frozen(),
                current_removed: chain.current_removed(),
            },
            plays: state.recency.plays(),
            last_played: state.recency.entries(),
            rng_state: state.rng.state(),
            pending_cooldown_steps: self.inner.pending_steps.get(),
            taste: Some(state.taste.parts()),
            replay: state.replay,
        }
    }

    /// A number that grows with every change to the engine's state (plays, lessons, rebuilds,
    /// edits, forgetting): a saver compares it with the value at its last save.
    pub fn changes(&self) -> u64 {
        self.inner.changes.get()
    }

    fn changed(&self) {
        self.inner.changes.set(self.inner.changes.get() + 1);
    }

    pub fn options(&self) -> &Options {
        &self.inner.options
    }

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

    /// A bonus of 1 on `from -> to` in the current build. A no-op (returning false) while
    /// learning is frozen.
    pub fn learn(&self, from: TrackId, to: TrackId) -> Result<bool, EngineError> {
        check_edge(to, 1.0)?;
        {
            let state = self.inner.state.borrow();
            if state.chain.learning_frozen() {
                return Ok(false);
            }
            state.build.borrow_mut().reinforce(from, to, 1.0)?;
        }
        self.inner
            .state
            .borrow_mut()
            .taste
            .record(from, to, Answer::Heard, Replay::Unknown);
        self.signal_diffs();
        self.emit(Event::Learn {
            from,
            to,
            kind: LearnKind::Reinforce,
        });
        Ok(true)
    }

    /// Learns from how much of `to` was heard after `from`: a reinforcement from
    /// `reinforce_threshold` on, a skip (penalty and cooldown) under `skip_threshold`, a
    /// partial listen (a smaller penalty and cooldown) in between. `None` while learning is
    /// frozen. Bad input is an error and changes nothing.
    pub fn feedback(
        &self,
        from: TrackId,
        to: TrackId,
        listened_secs: f64,
        duration_secs: f64,
    ) -> Result<Option<LearnKind>, EngineError> {
        if !(listened_secs.is_finite() && listened_secs >= 0.0) {
            return Err(EngineError::InvalidFeedback {
                argument: "listened",
            });
        }
        if !(duration_secs.is_finite() && duration_secs > 0.0) {
            return Err(EngineError::InvalidFeedback {
                argument: "duration",
            });
        }
        check_edge(to, 0.0)?;
        let o = &self.inner.options;
        let progress = (listened_secs / duration_secs).min(1.0);
        let (kind, amount, cooldown) = if progress >= o.reinforce_threshold {
            (LearnKind::Reinforce, o.reinforce_amount, 0)
        } else if progress < o.skip_threshold {
            (LearnKind::Skip, o.skip_penalty, o.skip_cooldown)
        } else {
            (LearnKind::Penalty, o.penalty_amount, o.penalty_cooldown)
        };
        if self.inner.state.borrow().chain.learning_frozen() {
            return Ok(None);
        }
        if cooldown > 0 {
            // Steps still pending belong to plays made before this cooldown: apply them first,
            // or they would shorten it (a cooldown of 3 plays lasting 2).
            self.apply_pending_cooldowns();
        }
        {
            let state = self.inner.state.borrow();
            let mut build = state.build.borrow_mut();
            match kind {
                LearnKind::Reinforce => build.reinforce(from, to, amount)?,
                LearnKind::Penalty | LearnKind::Skip => {
                    build.penalty(from, to, amount)?;
                    if cooldown > 0 {
                        build.add_cooldown(from, to, cooldown)?;
                    }
                }
            }
        }
        {
            let mut state = self.inner.state.borrow_mut();
            let state = &mut *state;
            // Only the answer to the track playing knows when it played before; a second
            // answer to the same play teaches nothing more about gaps.
            let replay = if state.chain.current() == Some(to) {
                std::mem::replace(&mut state.replay, Replay::Unknown)
            } else {
                Replay::Unknown
            };
            let answer = match kind {
                LearnKind::Reinforce => Answer::Heard,
                LearnKind::Penalty => Answer::Partial,
                LearnKind::Skip => Answer::Skipped,
            };
            state.taste.record(from, to, answer, replay);
        }
        self.signal_diffs();
        self.emit(Event::Learn { from, to, kind });
        Ok(Some(kind))
    }

    /// The next track: the forward stack first (learning stays frozen), else a generated pick
    /// that thaws learning and is one cooldown step. `None` only when no track is known.
    pub fn play_next(&self) -> Option<TrackId> {
        // Steps of earlier plays that the cooldown manager has not applied yet (a burst before
        // the executor ran) are applied first, so a pick never depends on executor timing.
        self.apply_pending_cooldowns();
        let (id, source) = {
            let mut state = self.inner.state.borrow_mut();
            let state = &mut *state;
            if let Some(id) = state.chain.forward() {
                state.record_play(id);
                (id, PlaySource::Forward)
            } else {
                let id = {
                    let build = state.build.borrow();
                    let current = state.chain.current();
                    match self.inner.options.policy {
                        Policy::Seed => choose_next(
                            &build,
                            current,
                            &state.recency,
                            self.inner.pick,
                            &mut state.rng,
                            &mut state.scratch,
                        ),
                        Policy::Adaptive => choose_adaptive(
                            &build,
                            current,
                            &state.recency,
                            &state.taste,
                            self.inner.adaptive,
                            &mut state.rng,
                            &mut state.picks,
                        ),
                    }?
                };
                state.chain.next(id);
                state.record_play(id);
                (id, PlaySource::Generated)
            }
        };
        if source == PlaySource::Generated {
            self.cooldown_step();
        }
        self.emit(Event::Play { id, source });
        Some(id)
    }

    /// Steps back in the chain (freezing learning); `None` when there is nothing to go back to.
    pub fn play_back(&self) -> Option<TrackId> {
        let id = {
            let mut state = self.inner.state.borrow_mut();
            let id = state.chain.back()?;
            state.record_play(id);
            id
        };
        self.emit(Event::Play {
            id,
            source: PlaySource::Back,
        });
        Some(id)
    }

    /// The candidates of the next generated pick and the chance of each, the most likely
    /// first and at most `limit` of them. It consumes no randomness.
    pub fn explain_next(&self, limit: usize) -> Explanation {
        self.apply_pending_cooldowns();
        let state = self.inner.state.borrow();
        let build = state.build.borrow();
        let current = state.chain.current();
        match self.inner.options.policy {
            Policy::Seed => explain_next(
                &build,
                current,
                &state.recency,
                &state.taste,
                self.inner.pick,
                limit,
            ),
            Policy::Adaptive => {
                let row = current.unwrap_or(START);
                let window = repeat_window(&build, &state.taste);
                let candidates = explain_adaptive(
                    &build,
                    current,
                    &state.recency,
                    &state.taste,
                    self.inner.adaptive,
                    &state.rng,
                )
                .into_iter()
                .take(limit)
                .map(|(s, probability)| {
                    let learned = build.learned_edge(row, s.id).copied().unwrap_or_default();
                    Explained {
                        id: s.id,
                        base: build.base().weight(row, s.id),
                        bonus: learned.bonus,
                        penalty: learned.penalty,
                        cooldown: learned.cooldown,
                        transition: s.transition,
                        track: s.track,
                        plays_ago: s.plays_ago,
                        recent: s.plays_ago.is_some_and(|ago| ago + 1 < window),
                        score: s.worth,
                        probability,
                    }
                })
                .collect();
                Explanation {
                    row,
                    repeat_window: window,
                    candidates,
                }
            }
        }
    }

    /// Deletes a track everywhere: both graphs, cooldowns, the chain's stacks. A playing track
    /// stays current until the next play. Returns true when the track was known.
    pub fn forget_track(&self, id: TrackId) -> bool {
        let mut state = self.inner.state.borrow_mut();
        let state = &mut *state;
        let mut known = state.base.forget(id);
        known |= state.build.borrow_mut().forget(id);
        state.taste.forget(id);
        self.changed();
        state.chain.remove(id);
        if state.chain.current() != Some(id) {
            state.recency.forget(id);
        } else if let Some(at) = state.recency.last_played(id) {
            // A playing track stays current: its last play is still known.
            state.taste.note_play(id, at);
        }
        known
    }

    /// A snapshot of the long-term graph (O(1): it shares everything with the live one).
    pub fn base_graph(&self) -> BaseGraph {
        self.inner.state.borrow().base.clone()
    }

    /// Reinforces the live base graph (`from -> to` and `0 -> to`).
    pub fn reinforce_base(
        &self,
        from: TrackId,
        to: TrackId,
        amount: f64,
    ) -> Result<(), ModelError> {
        self.inner
            .state
            .borrow_mut()
            .base
            .reinforce(from, to, amount)?;
        self.changed();
        Ok(())
    }

    /// Penalises the live base graph, never below 0.
    pub fn penalty_base(&self, from: TrackId, to: TrackId, amount: f64) -> Result<(), ModelError> {
        self.inner
            .state
            .borrow_mut()
            .base
            .penalty(from, to, amount)?;
        self.changed();
        Ok(())
    }

    /// The current build.
    pub fn runtime_graph(&self) -> Build {
        self.inner.state.borrow().build.clone()
    }

    /// Edits a build directly. When it is the current build, the diff manager is told, as for
    /// any lesson. Do not hold a borrow of `build` while calling this.
    pub fn edit_build<R>(
        &self,
        build: &Build,
        edit: impl FnOnce(&mut RuntimeGraph) -> Result<R, ModelError>,
    ) -> Result<R, ModelError> {
        if Rc::ptr_eq(build, &self.inner.state.borrow().build) {
            // Pending steps belong to earlier plays: a cooldown set here must not pay for them.
            self.apply_pending_cooldowns();
        }
        let result = edit(&mut build.borrow_mut())?;
        self.changed();
        if Rc::ptr_eq(build, &self.inner.state.borrow().build) {
            self.signal_diffs();
        }
        Ok(result)
    }

    /// A copy of the playback chain.
    pub fn playback_chain(&self) -> PlaybackChain {
        self.inner.state.borrow().chain.clone()
    }

    /// Calls `listener` for every event until unsubscribed.
    pub fn subscribe(&self, listener: impl Fn(&Event) + 'static) -> Subscription {
        self.inner.events.subscribe(Rc::new(listener))
    }

    /// True when the subscription existed.
    pub fn unsubscribe(&self, subscription: Subscription) -> bool {
        self.inner.events.unsubscribe(subscription)
    }

    /// Ends every subscription: a listener that holds a handle on this engine keeps it alive,
    /// so whoever disposes of the engine breaks that cycle here.
    pub fn unsubscribe_all(&self) {
        self.inner.events.clear();
    }

    /// Every event marks a change of state; then listeners hear of it.
    fn emit(&self, event: Event) {
        self.changed();
        self.inner.events.queue(event);
        self.inner.events.deliver();
    }

    fn signal_diffs(&self) {
        // Full means a signal is already pending; the manager reads the diff count itself.
        let _ = self.inner.diff_tx.borrow_mut().try_send(());
    }

    /// One generated play: handed to the cooldown manager while it runs, applied here otherwise.
    fn cooldown_step(&self) {
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
        let steps = self.inner.pending_steps.replace(0);
        if steps > 0 {
            self.changed();
            self.inner
                .state
                .borrow()
                .build
                .borrow_mut()
                .reduce_cooldowns(steps);
        }
    }

    /// The current build's diffs and its age in clock milliseconds.
    pub(crate) fn build_diffs_and_age(&self) -> (u64, f64) {
        let state = self.inner.state.borrow();
        let build = state.build.borrow();
        (build.diffs(), self.inner.clock.now_ms() - build.built_at())
    }
}
