use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use futures::future::LocalBoxFuture;

/// Time, as the engine sees it: milliseconds now, and a future that completes after a delay.
///
/// Dropping a sleep future must cancel its timer, since a stopped manager drops the one it
/// was waiting on.
pub trait Clock {
    fn now_ms(&self) -> f64;
    fn sleep(&self, ms: f64) -> LocalBoxFuture<'static, ()>;
}

/// A clock that moves only when told to, so tests never wait for real time.
#[derive(Clone, Default)]
pub struct ManualClock {
    state: Rc<RefCell<ManualState>>,
}

#[derive(Default)]
struct ManualState {
    now: f64,
    /// (deadline, sleep id, waker) of every sleep that has been polled and not yet woken.
    sleepers: Vec<(f64, u64, Waker)>,
    next_sleep: u64,
}

impl fmt::Debug for ManualClock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.state.borrow();
        f.debug_struct("ManualClock")
            .field("now", &state.now)
            .field("sleepers", &state.sleepers.len())
            .finish()
    }
}

impl ManualClock {
    pub fn new(now: f64) -> Self {
        let clock = Self::default();
        clock.state.borrow_mut().now = now;
        clock
    }

    /// Moves time forward and wakes every sleeper whose deadline has come. The woken tasks run
    /// when the test next turns the executor.
    pub fn advance(&self, ms: f64) {
        let due: Vec<Waker> = {
            let mut state = self.state.borrow_mut();
            state.now += ms;
            let now = state.now;
            let (due, pending) = std::mem::take(&mut state.sleepers)
                .into_iter()
                .partition(|(at, _, _)| *at <= now);
            state.sleepers = pending;
            due.into_iter().map(|(_, _, waker)| waker).collect()
        };
        due.into_iter().for_each(Waker::wake);
    }

    /// Sleepers still waiting (a dropped sleep future is no longer counted).
    pub fn pending_sleepers(&self) -> usize {
        self.state.borrow().sleepers.len()
    }
}

impl Clock for ManualClock {
    fn now_ms(&self) -> f64 {
        self.state.borrow().now
    }

    fn sleep(&self, ms: f64) -> LocalBoxFuture<'static, ()> {
        let mut state = self.state.borrow_mut();
        let deadline = state.now + ms.max(0.0);
        state.next_sleep += 1;
        Box::pin(ManualSleep {
            state: self.state.clone(),
            deadline,
            id: state.next_sleep,
        })
    }
}

struct ManualSleep {
    state: Rc<RefCell<ManualState>>,
    deadline: f64,
    id: u64,
}

impl Future for ManualSleep {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut state = self.state.borrow_mut();
        if state.now >= self.deadline {
            return Poll::Ready(());
        }
        let id = self.id;
        state.sleepers.retain(|(_, other, _)| *other != id);
        state.sleepers.push((self.deadline, id, cx.waker().clone()));
        Poll::Pending
    }
}

impl Drop for ManualSleep {
    fn drop(&mut self) {
        // Cancel: forget the waker of a sleep nobody waits for any more.
        if let Ok(mut state) = self.state.try_borrow_mut() {
            let id = self.id;
            state.sleepers.retain(|(_, other, _)| *other != id);
        }
    }
}
