use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::fmt;
use std::rc::Rc;

use crate::model::TrackId;

/// How a track came to play.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlaySource {
    Generated,
    Forward,
    Back,
    /// The listener picked the track (`play_track`).
    Chosen,
    /// The next track of the listener's queue.
    Queue,
}

/// What a lesson taught.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LearnKind {
    Reinforce,
    Penalty,
    Skip,
    /// The listener picked the track after the one before it.
    Choice,
}

/// What subscribers are told.
#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    Play {
        id: TrackId,
        source: PlaySource,
    },
    /// A new build swapped in; `diffs` is how many lessons of the old build were folded.
    Rebuild {
        build_version: u64,
        reason: String,
        diffs: u64,
    },
    Learn {
        from: TrackId,
        to: TrackId,
        kind: LearnKind,
    },
}

/// Identifies one subscription, to end it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Subscription(u64);

type Listener = Rc<dyn Fn(&Event)>;

/// Subscribers and the queue of events not yet delivered.
///
/// Engine methods queue events while they hold borrows, then call [`EventHub::deliver`] once
/// every borrow is dropped. A listener may call straight back into the orchestrator: events it
/// causes are queued and delivered by the outermost delivery loop, in order, never recursively.
#[derive(Default)]
pub(crate) struct EventHub {
    listeners: RefCell<Vec<(Subscription, Listener)>>,
    next_id: Cell<u64>,
    queue: RefCell<VecDeque<Event>>,
    delivering: Cell<bool>,
}

impl fmt::Debug for EventHub {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventHub")
            .field("listeners", &self.listeners.borrow().len())
            .field("queued", &self.queue.borrow().len())
            .finish()
    }
}

impl EventHub {
    pub(crate) fn subscribe(&self, listener: Listener) -> Subscription {
        let id = Subscription(self.next_id.get());
        self.next_id.set(self.next_id.get() + 1);
        self.listeners.borrow_mut().push((id, listener));
        id
    }

    /// True when the subscription existed.
    pub(crate) fn unsubscribe(&self, id: Subscription) -> bool {
        let mut listeners = self.listeners.borrow_mut();
        let before = listeners.len();
        listeners.retain(|(other, _)| *other != id);
        listeners.len() != before
    }

    pub(crate) fn clear(&self) {
        // Taken out first: dropping a listener must not happen while the list is borrowed.
        let listeners = std::mem::take(&mut *self.listeners.borrow_mut());
        drop(listeners);
    }

    /// True when no one listens and nothing waits to be delivered: an event would be dropped.
    pub(crate) fn quiet(&self) -> bool {
        self.listeners.borrow().is_empty() && self.queue.borrow().is_empty()
    }

    pub(crate) fn queue(&self, event: Event) {
        if !self.listeners.borrow().is_empty() {
            self.queue.borrow_mut().push_back(event);
        }
    }

    /// Delivers queued events, unless a delivery further up the stack is already doing so.
    pub(crate) fn deliver(&self) {
        if self.delivering.replace(true) {
            return;
        }
        let _reset = ResetOnDrop(&self.delivering);
        loop {
            let Some(event) = self.queue.borrow_mut().pop_front() else {
                break;
            };
            let ids: Vec<Subscription> =
                self.listeners.borrow().iter().map(|(id, _)| *id).collect();
            for id in ids {
                // Looked up afresh each time: a listener may unsubscribe another mid-delivery.
                let listener = self
                    .listeners
                    .borrow()
                    .iter()
                    .find(|(other, _)| *other == id)
                    .map(|(_, l)| l.clone());
                if let Some(listener) = listener {
                    listener(&event);
                }
            }
        }
    }
}

struct ResetOnDrop<'a>(&'a Cell<bool>);

impl Drop for ResetOnDrop<'_> {
    fn drop(&mut self) {
        self.0.set(false);
    }
}
