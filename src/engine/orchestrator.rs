use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::fmt;
use std::rc::Rc;

use futures::channel::mpsc;
use futures::task::LocalSpawn;

use super::events::EventHub;
use super::lifecycle::Lifecycle;
use super::snapshot::{BuildSnapshot, ChainSnapshot, HistoryEnd, Snapshot, SnapshotError};
use super::{
    managers, Clock, EngineError, Event, HistoryPlay, HistoryReport, LearnKind, OptionError,
    Options, PlaySource, Policy, Refusal, Stopped, Subscription, MAX_QUEUE,
};
use crate::model::{
    check_edge, check_target, choose_adaptive, choose_next, explain_adaptive, explain_next,
    repeat_window, AdaptiveConfig, Answer, BaseGraph, Candidate, Explained, Explanation, Growth,
    ModelError, Pick, PickConfig, PlaybackChain, Recency, Replay, Rng, Room, Row, RuntimeGraph,
    Taste, TrackId, MAX_EDGES, MAX_TRACKS, START,
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
    /// The listener's queue, next first.
    queue: VecDeque<TrackId>,
    /// The last play a history import learned, so that the next import goes on in its session.
    history: Option<HistoryEnd>,
}

/// What the graph may still grow by: the limits, less the live base and what the current
/// build adds when it is folded.
fn room(base: &BaseGraph, build: &RuntimeGraph) -> Room {
    let grown = build.grown();
    Room {
        tracks: MAX_TRACKS.saturating_sub(base.track_count() + grown.tracks),
        edges: MAX_EDGES.saturating_sub(base.edge_count() + grown.edges),
    }
}

/// A lesson, or an edit of one edge, adds at most two tracks and two edges.
const MOST: Growth = Growth {
    tracks: 2,
    edges: 2,
};

/// Refuses a lesson on `from -> to` that would take the graph past its limits. Far from them
/// nothing is looked up; near them, what the build adds is counted exactly first.
fn lesson_fits(
    base: &BaseGraph,
    build: &mut RuntimeGraph,
    from: TrackId,
    to: TrackId,
) -> Result<(), ModelError> {
    if MOST.fits(room(base, build)) {
        return Ok(());
    }
    build.recount_growth(base);
    if build.growth_over(base, from, to).fits(room(base, build)) {
        Ok(())
    } else {
        Err(ModelError::Full)
    }
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
            queue: VecDeque::new(),
            history: None,
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
            queue: snapshot.queue.iter().copied().collect(),
            history: snapshot.history,
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
                learned: build.learned().collect(),
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
            queue: state.queue.iter().copied().collect(),
            history: state.history,
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
            let mut build = state.build.borrow_mut();
            lesson_fits(&state.base, &mut build, from, to)?;
            build.reinforce(from, to, 1.0)?;
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
        let (kind, amount, cooldown) = judge(&self.inner.options, listened_secs, duration_secs)?;
        check_target(to)?;
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
            lesson_fits(&state.base, &mut build, from, to)?;
            teach(&mut build, from, to, kind, amount, cooldown)?;
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
            state.taste.record(from, to, answer(kind), replay);
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
            } else if let Some(id) = state.queue.pop_front() {
                state.chain.next(id);
                state.record_play(id);
                (id, PlaySource::Queue)
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
        if source != PlaySource::Forward {
            self.cooldown_step();
        }
        self.emit(Event::Play { id, source });
        Some(id)
    }

    /// The listener picked `id`: it becomes current as a generated pick would (the back stack
    /// grows, the forward stack is cleared, learning thaws), the repeat window counts it, it
    /// is a cooldown step, and the transition from the track before it (the start node when
    /// none) is learned as a choice: a bonus of `choice_amount`, and for the listener's taste
    /// an answer "heard". Picking the track that plays teaches nothing; neither does a choice
    /// when the graph is full (it still plays). Returns true when the choice was learned.
    pub fn play_track(&self, id: TrackId) -> Result<bool, EngineError> {
        check_target(id)?;
        let learned_from = {
            let mut state = self.inner.state.borrow_mut();
            let state = &mut *state;
            // A track deleted while it played is no source to learn from.
            let from = match state.chain.current() {
                Some(current) if !state.chain.current_removed() => current,
                _ => START,
            };
            state.chain.next(id);
            state.record_play(id);
            let learned = from != id && {
                let mut build = state.build.borrow_mut();
                lesson_fits(&state.base, &mut build, from, id).is_ok()
                    && build
                        .reinforce(from, id, self.inner.options.choice_amount)
                        .is_ok()
            };
            if learned {
                // A choice says the listener wanted this track after that one; how long they
                // listen is the answer `feedback` gives, with what it says about replay gaps.
                state.taste.record(from, id, Answer::Heard, Replay::Unknown);
            }
            learned.then_some(from)
        };
        self.cooldown_step();
        if learned_from.is_some() {
            self.signal_diffs();
        }
        self.emit(Event::Play {
            id,
            source: PlaySource::Chosen,
        });
        if let Some(from) = learned_from {
            self.emit(Event::Learn {
                from,
                to: id,
                kind: LearnKind::Choice,
            });
        }
        Ok(learned_from.is_some())
    }

    /// Appends tracks to the queue, which `play_next` plays before any generated pick (after
    /// the forward stack). The whole list is refused when it holds the start node or would
    /// take the queue past [`MAX_QUEUE`].
    pub fn enqueue(&self, ids: &[TrackId]) -> Result<(), EngineError> {
        if ids.contains(&START) {
            return Err(ModelError::StartAsTarget.into());
        }
        {
            let mut state = self.inner.state.borrow_mut();
            if state.queue.len() + ids.len() > MAX_QUEUE {
                return Err(EngineError::QueueFull);
            }
            state.queue.extend(ids);
        }
        self.changed();
        Ok(())
    }

    /// The queue, next first (a copy).
    pub fn queue(&self) -> Vec<TrackId> {
        self.inner.state.borrow().queue.iter().copied().collect()
    }

    /// Removes every occurrence of `id` from the queue; true when it was queued.
    pub fn remove_from_queue(&self, id: TrackId) -> bool {
        let removed = {
            let mut state = self.inner.state.borrow_mut();
            let before = state.queue.len();
            state.queue.retain(|q| *q != id);
            state.queue.len() != before
        };
        if removed {
            self.changed();
        }
        removed
    }

    /// Empties the queue.
    pub fn clear_queue(&self) {
        self.inner.state.borrow_mut().queue.clear();
        self.changed();
    }

    /// Learns an ordered listening history as if it had been played: each play is a play (the
    /// repeat window and the replay gaps count it, and it is a cooldown step) and a lesson by
    /// the rules of [`Orchestrator::feedback`], from the play before it, or from the start node
    /// when it starts a session: when it is the first, or starts more than `session_gap_ms`
    /// after the one before it ended (`at_ms + listened`). A play that is refused changes
    /// nothing; the one after it follows the last play learned. A history given in several
    /// calls goes on in one session when the next call's first play follows within the gap.
    ///
    /// The playback chain and the queue are left alone, learning is not frozen by navigation,
    /// and no event is emitted: the report says what was learned.
    pub fn learn_history(
        &self,
        plays: impl IntoIterator<Item = Result<HistoryPlay, Refusal>>,
    ) -> HistoryReport {
        self.apply_pending_cooldowns();
        let o = &self.inner.options;
        let mut report = HistoryReport::default();
        {
            let mut state = self.inner.state.borrow_mut();
            let state = &mut *state;
            // The last play learned, and whether this call learned it.
            let mut last = state.history.map(|h| (h, false));
            for (index, play) in plays.into_iter().enumerate() {
                let play = play.and_then(|p| {
                    if !p.at_ms.is_finite() {
                        return Err(Refusal::At);
                    }
                    if last.is_some_and(|(h, this_call)| this_call && p.at_ms < h.start) {
                        return Err(Refusal::OutOfOrder);
                    }
                    Ok(p)
                });
                let judged = play.and_then(|p| {
                    let judged =
                        judge(o, p.listened_secs, p.duration_secs).map_err(|e| match e {
                            EngineError::InvalidListened => Refusal::Listened,
                            _ => Refusal::Duration,
                        })?;
                    Ok((p, judged))
                });
                let (p, (kind, amount, cooldown)) = match judged {
                    Ok(ok) => ok,
                    Err(why) => {
                        report.refused.push((index, why));
                        continue;
                    }
                };
                let follows = last.and_then(|(h, this_call)| {
                    let silence = p.at_ms - h.end;
                    let in_order = this_call || p.at_ms >= h.start;
                    (in_order && silence <= o.session_gap_ms as f64).then_some(h.id)
                });
                let from = follows.unwrap_or(START);
                let mut build = state.build.borrow_mut();
                if p.id == START || lesson_fits(&state.base, &mut build, from, p.id).is_err() {
                    report.refused.push((
                        index,
                        if p.id == START {
                            Refusal::Id
                        } else {
                            Refusal::Full
                        },
                    ));
                    continue;
                }
                // The play: a cooldown step for what earlier plays set, then the record of it.
                build.reduce_cooldowns(1);
                if teach(&mut build, from, p.id, kind, amount, cooldown).is_err() {
                    report.refused.push((index, Refusal::Id));
                    continue;
                }
                drop(build);
                state.record_play(p.id);
                let replay = std::mem::replace(&mut state.replay, Replay::Unknown);
                state.taste.record_bulk(from, p.id, answer(kind), replay);
                report.plays += 1;
                if follows.is_some() {
                    report.transitions += 1;
                } else {
                    report.sessions += 1;
                }
                last = Some((
                    HistoryEnd {
                        id: p.id,
                        start: p.at_ms,
                        end: p.at_ms + p.listened_secs * 1000.0,
                    },
                    true,
                ));
            }
            state.history = last.map(|(h, _)| h);
            state.taste.finish_bulk();
        }
        if report.plays > 0 {
            self.signal_diffs();
        }
        self.changed();
        report
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
        state.queue.retain(|q| *q != id);
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
        self.edit_base(from, to, |base| base.reinforce(from, to, amount))
    }

    /// Penalises the live base graph, never below 0.
    pub fn penalty_base(&self, from: TrackId, to: TrackId, amount: f64) -> Result<(), ModelError> {
        self.edit_base(from, to, |base| base.penalty(from, to, amount))
    }

    fn edit_base(
        &self,
        from: TrackId,
        to: TrackId,
        edit: impl FnOnce(&mut BaseGraph) -> Result<(), ModelError>,
    ) -> Result<(), ModelError> {
        {
            let mut state = self.inner.state.borrow_mut();
            let state = &mut *state;
            let room = room(&state.base, &state.build.borrow());
            check_target(to)?;
            if !state.base.growth(from, to).fits(room) {
                return Err(ModelError::Full);
            }
            edit(&mut state.base)?;
        }
        self.changed();
        Ok(())
    }

    /// Reinforces many edges of the live base graph at once, exactly as one
    /// [`Orchestrator::reinforce_base`] per edge in that order would, in one pass per run of
    /// equal sources. Every edge is checked first; a bad one, or growth past the limits, is an
    /// error naming its index, and then nothing changes.
    pub fn reinforce_base_many(
        &self,
        edges: &[(TrackId, TrackId, f64)],
    ) -> Result<Growth, (usize, ModelError)> {
        let grown = {
            let mut state = self.inner.state.borrow_mut();
            let state = &mut *state;
            let room = room(&state.base, &state.build.borrow());
            // Each edge adds at most two tracks and two edges: far from the limits the graph
            // is changed in place; near them, a copy (O(1), shared) is kept only on success.
            let bound = edges.len().saturating_mul(2);
            if bound <= room.tracks && bound <= room.edges {
                state.base.reinforce_many(edges, room)?
            } else {
                let mut next = state.base.clone();
                let grown = next.reinforce_many(edges, room)?;
                state.base = next;
                grown
            }
        };
        self.changed();
        Ok(grown)
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
        let current = Rc::ptr_eq(build, &self.inner.state.borrow().build);
        if current {
            // Pending steps belong to earlier plays: a cooldown set here must not pay for them.
            self.apply_pending_cooldowns();
            // An edit of one edge adds at most two tracks and two edges when it is folded.
            let state = self.inner.state.borrow();
            let mut b = build.borrow_mut();
            if !MOST.fits(room(&state.base, &b)) {
                b.recount_growth(&state.base);
                if !MOST.fits(room(&state.base, &b)) {
                    return Err(ModelError::Full);
                }
            }
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

/// What a listen of `listened_secs` of `duration_secs` teaches: a reinforcement from
/// `reinforce_threshold` on, a skip under `skip_threshold`, a partial listen in between; with
/// its amount and cooldown.
fn judge(
    o: &Options,
    listened_secs: f64,
    duration_secs: f64,
) -> Result<(LearnKind, f64, u32), EngineError> {
    if !(listened_secs.is_finite() && listened_secs >= 0.0) {
        return Err(EngineError::InvalidListened);
    }
    if !(duration_secs.is_finite() && duration_secs > 0.0) {
        return Err(EngineError::InvalidDuration);
    }
    let progress = (listened_secs / duration_secs).min(1.0);
    Ok(if progress >= o.reinforce_threshold {
        (LearnKind::Reinforce, o.reinforce_amount, 0)
    } else if progress < o.skip_threshold {
        (LearnKind::Skip, o.skip_penalty, o.skip_cooldown)
    } else {
        (LearnKind::Penalty, o.penalty_amount, o.penalty_cooldown)
    })
}

/// Puts what `judge` decided into a build.
fn teach(
    build: &mut RuntimeGraph,
    from: TrackId,
    to: TrackId,
    kind: LearnKind,
    amount: f64,
    cooldown: u32,
) -> Result<(), ModelError> {
    match kind {
        LearnKind::Reinforce | LearnKind::Choice => build.reinforce(from, to, amount),
        LearnKind::Penalty | LearnKind::Skip => {
            build.penalty(from, to, amount)?;
            if cooldown > 0 {
                build.add_cooldown(from, to, cooldown)?;
            }
            Ok(())
        }
    }
}

/// The answer a lesson gives the listener's taste.
fn answer(kind: LearnKind) -> Answer {
    match kind {
        LearnKind::Reinforce | LearnKind::Choice => Answer::Heard,
        LearnKind::Penalty => Answer::Partial,
        LearnKind::Skip => Answer::Skipped,
    }
}
