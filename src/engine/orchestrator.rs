//! The engine's handle and its state: what every part of the engine shares. The methods live
//! beside what they do: `lessons.rs`, `playback.rs`, `graphs.rs`, `history.rs`, `running.rs`
//! (the managers' side) and `persist.rs` (snapshots).

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::fmt;
use std::rc::Rc;

use futures::channel::mpsc;
use futures::task::LocalSpawn;

use super::events::EventHub;
use super::lifecycle::Lifecycle;
use super::snapshot::HistoryEnd;
use super::{Clock, Event, OptionError, Options, Subscription};
use crate::model::{
    Answer, BaseGraph, Breadth, Candidate, Pick, PlaybackChain, Recency, Replay, Rng, Rules,
    RuntimeGraph, Taste, TrackId, START,
};

/// One build of the runtime graph, shared: whoever holds a build keeps a consistent view of it
/// after a rebuild swaps a new one in: the single-thread form of an atomic snapshot.
pub type Build = Rc<RefCell<RuntimeGraph>>;

/// Diff channel capacity: a few signals may wait, so a burst of lessons never blocks. `futures`
/// adds one slot per sender to the buffer it is given, and each channel has exactly one sender.
const DIFF_CAPACITY: usize = 5;
/// Cooldown channel capacity: one pending signal is enough, the steps are counted apart.
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
    /// Both policies' rules, from `options`.
    pub(super) rules: Rules,
    pub(crate) spawner: Box<dyn LocalSpawn>,
    pub(crate) clock: Rc<dyn Clock>,
    pub(super) state: RefCell<State>,
    pub(super) events: EventHub,
    pub(super) diff_tx: RefCell<mpsc::Sender<()>>,
    pub(crate) diff_rx: RefCell<mpsc::Receiver<()>>,
    /// A diff signal was sent and the diff manager has not checked since: lessons piling up
    /// (the managers stopped, or a burst) send no more, and cost no send each.
    pub(crate) diff_signalled: Cell<bool>,
    pub(super) cooldown_tx: RefCell<mpsc::Sender<()>>,
    pub(crate) cooldown_rx: RefCell<mpsc::Receiver<()>>,
    /// Cooldown steps (generated plays) not yet applied: the cooldown signal carries no count,
    /// so a coalesced signal loses nothing.
    pub(super) pending_steps: Cell<u32>,
    pub(super) lifecycle: RefCell<Option<Rc<Lifecycle>>>,
    pub(super) stopping: RefCell<Vec<Rc<Lifecycle>>>,
    pub(crate) live_managers: Rc<Cell<usize>>,
    /// Counts every mutation, so a saver can tell cheaply whether anything changed.
    pub(super) changes: Cell<u64>,
}

pub(super) struct State {
    pub(super) base: BaseGraph,
    pub(super) build: Build,
    pub(super) chain: PlaybackChain,
    pub(super) recency: Recency,
    pub(super) rng: Rng,
    /// What the listener's answers taught: the adaptive policy's memory.
    pub(super) taste: Taste,
    /// Whether plays and answers reach `taste` ([`Policy::reads_taste`](super::Policy::reads_taste)
    /// of the engine's policy). When not, it stays as it was made or restored (forgetting a
    /// track still removes it), and is saved so.
    pub(super) keeps_taste: bool,
    /// How the current track's play relates to its previous one, for the answer to it.
    pub(super) replay: Replay,
    /// How the current track was drawn, when it is a generated pick of the adaptive policy:
    /// the answer to it is also an answer about that way of drawing.
    pub(super) drawn: Option<Breadth>,
    /// Reused by every pick so the hot path allocates nothing.
    pub(super) scratch: Vec<Candidate>,
    pub(super) picks: Vec<Pick>,
    /// The listener's queue, next first.
    pub(super) queue: VecDeque<TrackId>,
    /// The last play a history import learned, so that the next import goes on in its session.
    pub(super) history: Option<HistoryEnd>,
}

impl State {
    /// Records a play of `id`: for the repeat window, and for the answer to come.
    pub(super) fn record_play(&mut self, id: TrackId) {
        let before = self.recency.record(id);
        let play = self.recency.plays();
        self.replay = match before {
            None => Replay::First,
            Some(at) => Replay::After(play - at),
        };
        self.drawn = None;
        if let Some(taste) = self.kept_taste() {
            taste.note_play(id, play);
        }
    }

    /// Records the answer `a` to `to`, played after `from`, in the taste when this policy keeps
    /// it (`bulk`: one of a history's run, see [`Taste::record_bulk`]); returns the taste then.
    /// A first play along an edge of the base graph also teaches what such links are worth
    /// ([`Taste::record_first_along_link`]): no play of the listener's leads to a track never
    /// played, so the app gave that edge. The start node's row, the catalogue itself, links
    /// nothing. The answer to a play after a track also says whether picks on its row serve
    /// the listener ([`Taste::record_along_row`]).
    pub(super) fn record_answer(
        &mut self,
        from: TrackId,
        to: TrackId,
        a: Answer,
        replay: Replay,
        bulk: bool,
    ) -> Option<&mut Taste> {
        // Only the answer to the play itself answers a pick after `from`: a second answer to
        // it, or a lesson about another pair, says nothing of where rows lead (and costs no
        // lookup in the base graph, nor does any answer under a policy that keeps no taste).
        let pick = self.keeps_taste && replay != Replay::Unknown && from != START;
        let along = pick && self.base.weight(from, to) > 0.0;
        let linked = along && replay == Replay::First;
        let taste = self.kept_taste()?;
        if pick {
            taste.record_along_row(from, a, along);
        }
        if linked {
            // A first play teaches nothing about gaps, where alone a bulk run differs.
            taste.record_first_along_link(from, to, a);
        } else if bulk {
            taste.record_bulk(from, to, a, replay);
        } else {
            taste.record(from, to, a, replay);
        }
        Some(taste)
    }

    /// The taste, to record a play or an answer in, when this policy keeps it.
    pub(super) fn kept_taste(&mut self) -> Option<&mut Taste> {
        self.keeps_taste.then_some(&mut self.taste)
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
            keeps_taste: options.policy.reads_taste(),
            replay: Replay::Unknown,
            drawn: None,
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

    pub(super) fn from_state(
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
                rules: options.rules(),
                options,
                spawner,
                clock,
                state: RefCell::new(state),
                events: EventHub::default(),
                diff_tx: RefCell::new(diff_tx),
                diff_rx: RefCell::new(diff_rx),
                diff_signalled: Cell::new(false),
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

    /// A number that grows with every change to the engine's state (plays, lessons, rebuilds,
    /// edits, forgetting): a saver compares it with the value at its last save.
    pub fn changes(&self) -> u64 {
        self.inner.changes.get()
    }

    /// How many tracks have played (generated, chosen, queued or from the forward stack): the
    /// clock the repeat window and the cooldowns count in.
    pub fn plays(&self) -> u64 {
        self.inner.state.borrow().recency.plays()
    }

    pub(super) fn changed(&self) {
        self.inner.changes.set(self.inner.changes.get() + 1);
    }

    pub fn options(&self) -> &Options {
        &self.inner.options
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
    pub(super) fn emit(&self, event: Event) {
        self.changed();
        // With no listener and nothing queued there is no one to tell: the common case of a
        // lesson, which would otherwise pay for the queue and the delivery loop.
        if self.inner.events.quiet() {
            return;
        }
        self.inner.events.queue(event);
        self.inner.events.deliver();
    }

    pub(super) fn signal_diffs(&self) {
        // One signal pending is enough: the manager reads the diff count itself.
        if !self.inner.diff_signalled.replace(true) {
            let _ = self.inner.diff_tx.borrow_mut().try_send(());
        }
    }
}
