//! The shared test harness: an orchestrator on a `LocalPool`, time from a `ManualClock`, every
//! event recorded, and an independent count of the tasks the engine spawned.
//!
//! `turn()` runs the executor until nothing can make progress (`run_until_stalled`), which is
//! what "the executor gets to run" means in these tests; no test ever sleeps for real time.

// Each test file uses a different part of the harness.
#![allow(dead_code)]

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use futures::executor::{LocalPool, LocalSpawner};
use futures::task::{LocalFutureObj, LocalSpawn, SpawnError};
use memory_player::engine::{
    Event, LearnKind, ManualClock, Options, Orchestrator, PlaySource, Policy, DIFF_LIMIT_REASON,
    TTL_REASON,
};
use memory_player::model::{BaseGraph, RuntimeGraph, TrackId, START};

/// Counts tasks independently of the engine: how many were spawned and how many are alive
/// (a task counts out when it ends or is dropped, polled or not).
#[derive(Clone, Debug, Default)]
pub(crate) struct TaskCount {
    pub(crate) live: Rc<Cell<usize>>,
    pub(crate) spawned: Rc<Cell<usize>>,
}

struct LiveGuard(Rc<Cell<usize>>);

impl Drop for LiveGuard {
    fn drop(&mut self) {
        self.0.set(self.0.get() - 1);
    }
}

/// A spawner over a `LocalPool` that counts the tasks it runs, and can be told to refuse
/// spawns from the n-th one on (to test a failing executor).
#[derive(Clone, Debug)]
pub(crate) struct CountingSpawner {
    inner: LocalSpawner,
    count: TaskCount,
    refuse_from: Option<usize>,
}

impl LocalSpawn for CountingSpawner {
    fn spawn_local_obj(&self, future: LocalFutureObj<'static, ()>) -> Result<(), SpawnError> {
        if self
            .refuse_from
            .is_some_and(|limit| self.count.spawned.get() >= limit)
        {
            return Err(SpawnError::shutdown());
        }
        self.count.spawned.set(self.count.spawned.get() + 1);
        self.count.live.set(self.count.live.get() + 1);
        let guard = LiveGuard(self.count.live.clone());
        let wrapped = async move {
            let _guard = guard;
            future.await;
        };
        self.inner
            .spawn_local_obj(LocalFutureObj::new(Box::new(wrapped)))
    }
}

/// The default options but the seed rules (`policy: Seed`): what the original system's rule
/// tests run against.
pub(crate) fn seed_options() -> Options {
    Options {
        policy: Policy::Seed,
        ..Options::default()
    }
}

/// An orchestrator, its executor, its clock and everything it told its subscribers.
pub(crate) struct Harness {
    pub(crate) pool: LocalPool,
    pub(crate) clock: ManualClock,
    pub(crate) o: Orchestrator,
    pub(crate) tasks: TaskCount,
    pub(crate) events: Rc<RefCell<Vec<Event>>>,
}

impl Default for Harness {
    fn default() -> Self {
        Self::new()
    }
}

impl Harness {
    /// A harness under the seed rules, which the rule tests of this harness check.
    pub(crate) fn new() -> Self {
        Self::with(seed_options())
    }

    pub(crate) fn with(options: Options) -> Self {
        Self::build(options, None)
    }

    /// A harness whose executor refuses the `n`-th spawn and every later one (0-based).
    pub(crate) fn refusing_spawn_from(options: Options, n: usize) -> Self {
        Self::build(options, Some(n))
    }

    fn build(options: Options, refuse_from: Option<usize>) -> Self {
        let pool = LocalPool::new();
        let clock = ManualClock::new(1_000.0);
        let tasks = TaskCount::default();
        let spawner = CountingSpawner {
            inner: pool.spawner(),
            count: tasks.clone(),
            refuse_from,
        };
        let o = Orchestrator::new(options, spawner, clock.clone()).unwrap();
        let events = Rc::new(RefCell::new(Vec::new()));
        let sink = events.clone();
        o.subscribe(move |e| sink.borrow_mut().push(e.clone()));
        Self {
            pool,
            clock,
            o,
            tasks,
            events,
        }
    }

    /// Lets the executor run every task that can make progress.
    pub(crate) fn turn(&mut self) {
        self.pool.run_until_stalled();
    }

    /// Moves the manual clock, then turns the executor so woken sleepers run.
    pub(crate) fn advance(&mut self, ms: f64) {
        self.clock.advance(ms);
        self.turn();
    }

    /// Live tasks as counted by the spawner (not by the engine).
    pub(crate) fn live_tasks(&self) -> usize {
        self.tasks.live.get()
    }

    /// Teaches the base graph `from -> to` with `weight` (mirrored on the start row).
    pub(crate) fn teach(&self, from: TrackId, to: TrackId, weight: f64) {
        self.o.reinforce_base(from, to, weight).unwrap();
    }

    /// Teaches every edge, then rebuilds so the current build sees them.
    pub(crate) fn teach_all(&self, edges: &[(TrackId, TrackId, f64)]) {
        for &(from, to, w) in edges {
            self.teach(from, to, w);
        }
        self.o.rebuild_runtime("test setup");
    }

    /// Takes every start-row weight but those of `keep` down to 0 in the base (the tracks stay
    /// known), then rebuilds: the first generated pick is then one of `keep`.
    pub(crate) fn drain_start_row_except(&self, keep: &[TrackId]) {
        let base = self.o.base_graph();
        if let Some(row) = base.row(START) {
            for (to, w) in row.iter() {
                if !keep.contains(&to) {
                    self.o.penalty_base(START, to, w).unwrap();
                }
            }
        }
        self.o.rebuild_runtime("test setup");
    }

    pub(crate) fn events(&self) -> Vec<Event> {
        self.events.borrow().clone()
    }

    pub(crate) fn clear_events(&self) {
        self.events.borrow_mut().clear();
    }

    /// (version, reason, diffs) of every rebuild event so far.
    pub(crate) fn rebuilds(&self) -> Vec<(u64, String, u64)> {
        self.events
            .borrow()
            .iter()
            .filter_map(|e| match e {
                Event::Rebuild {
                    build_version,
                    reason,
                    diffs,
                } => Some((*build_version, reason.clone(), *diffs)),
                _ => None,
            })
            .collect()
    }

    pub(crate) fn rebuilds_with_reason(&self, reason: &str) -> usize {
        self.rebuilds().iter().filter(|r| r.1 == reason).count()
    }

    pub(crate) fn diff_rebuilds(&self) -> usize {
        self.rebuilds_with_reason(DIFF_LIMIT_REASON)
    }

    pub(crate) fn ttl_rebuilds(&self) -> usize {
        self.rebuilds_with_reason(TTL_REASON)
    }

    /// (id, source) of every play event so far.
    pub(crate) fn plays(&self) -> Vec<(TrackId, PlaySource)> {
        self.events
            .borrow()
            .iter()
            .filter_map(|e| match e {
                Event::Play { id, source } => Some((*id, *source)),
                _ => None,
            })
            .collect()
    }

    pub(crate) fn lessons(&self) -> Vec<(TrackId, TrackId, LearnKind)> {
        self.events
            .borrow()
            .iter()
            .filter_map(|e| match e {
                Event::Learn { from, to, kind } => Some((*from, *to, *kind)),
                _ => None,
            })
            .collect()
    }

    /// `n` generated (or forward) plays; panics if the engine has nothing to play.
    pub(crate) fn play(&self, n: usize) -> Vec<TrackId> {
        (0..n).map(|_| self.o.play_next().unwrap()).collect()
    }

    pub(crate) fn version(&self) -> u64 {
        self.o.runtime_graph().borrow().build_version()
    }

    pub(crate) fn diffs(&self) -> u64 {
        self.o.runtime_graph().borrow().diffs()
    }

    pub(crate) fn current(&self) -> Option<TrackId> {
        self.o.playback_chain().current()
    }

    /// The cooldown left on one edge of the current build (0 when none).
    pub(crate) fn cooldown(&self, from: TrackId, to: TrackId) -> u32 {
        self.o
            .runtime_graph()
            .borrow()
            .learned_edge(from, to)
            .map_or(0, |l| l.cooldown)
    }

    /// Sets a cooldown on one edge of the current build, as a lesson would.
    pub(crate) fn edit_cooldown(&self, from: TrackId, to: TrackId, plays: u32) {
        let build = self.o.runtime_graph();
        self.o
            .edit_build(&build, |g| g.add_cooldown(from, to, plays))
            .unwrap();
    }

    /// The probability of `from -> to` in the current build (0 when not a candidate).
    pub(crate) fn probability(&self, from: TrackId, to: TrackId) -> f64 {
        probability(&self.o.runtime_graph().borrow(), from, to)
    }
}

pub(crate) fn probability(build: &RuntimeGraph, from: TrackId, to: TrackId) -> f64 {
    build
        .probabilities(from)
        .into_iter()
        .find(|(id, _)| *id == to)
        .map_or(0.0, |(_, p)| p)
}

/// The bonus the current build has learned on `from -> to` (0 when it learned nothing there).
pub(crate) fn bonus(o: &Orchestrator, from: TrackId, to: TrackId) -> f64 {
    o.runtime_graph()
        .borrow()
        .learned_edge(from, to)
        .map_or(0.0, |l| l.bonus)
}

/// Every edge of a base graph as (from, to, weight), in order.
pub(crate) fn edges(base: &BaseGraph) -> Vec<(TrackId, TrackId, f64)> {
    base.rows()
        .flat_map(|(from, row)| row.iter().map(move |(to, w)| (from, to, w)))
        .collect()
}

/// Every source a build can be asked about: the start node and every known track.
pub(crate) fn sources(build: &RuntimeGraph) -> Vec<TrackId> {
    std::iter::once(START).chain(build.ids()).collect()
}

/// Asserts two floats are equal up to rounding.
#[track_caller]
pub(crate) fn assert_close(actual: f64, expected: f64) {
    assert!(
        (actual - expected).abs() <= 1e-9 * expected.abs().max(1.0),
        "expected {expected}, got {actual}"
    );
}
