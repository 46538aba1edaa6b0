use std::cell::{Cell, RefCell};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use futures::future::AbortHandle;

/// One run of the managers, from a `start()` to its `stop()`: cancellation plus a count of the
/// tasks still alive. Tasks hold their own lifecycle, so one from an old run never acts on a
/// new one.
#[derive(Default)]
pub(crate) struct Lifecycle {
    cancelled: Cell<bool>,
    aborts: RefCell<Vec<AbortHandle>>,
    live: Cell<usize>,
    exit_wakers: RefCell<Vec<Waker>>,
}

impl fmt::Debug for Lifecycle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Lifecycle")
            .field("cancelled", &self.cancelled.get())
            .field("live", &self.live.get())
            .finish()
    }
}

impl Lifecycle {
    pub(crate) fn is_cancelled(&self) -> bool {
        self.cancelled.get()
    }

    /// Cancels every task: each one is dropped the next time the executor polls it.
    pub(crate) fn cancel(&self) {
        self.cancelled.set(true);
        for abort in self.aborts.borrow_mut().drain(..) {
            abort.abort();
        }
    }

    pub(crate) fn is_finished(&self) -> bool {
        self.live.get() == 0
    }

    fn register_exit(&self, waker: &Waker) {
        let mut wakers = self.exit_wakers.borrow_mut();
        if !wakers.iter().any(|w| w.will_wake(waker)) {
            wakers.push(waker.clone());
        }
    }
}

/// Counts one task alive from the moment it is spawned; dropping it (when the task ends, or is
/// dropped unpolled with its executor) counts the task out.
pub(crate) struct TaskGuard {
    lifecycle: Rc<Lifecycle>,
    total: Rc<Cell<usize>>,
}

impl TaskGuard {
    pub(crate) fn new(
        lifecycle: Rc<Lifecycle>,
        total: Rc<Cell<usize>>,
        abort: AbortHandle,
    ) -> Self {
        lifecycle.live.set(lifecycle.live.get() + 1);
        lifecycle.aborts.borrow_mut().push(abort);
        total.set(total.get() + 1);
        Self { lifecycle, total }
    }
}

impl Drop for TaskGuard {
    fn drop(&mut self) {
        self.total.set(self.total.get().saturating_sub(1));
        let live = self.lifecycle.live.get().saturating_sub(1);
        self.lifecycle.live.set(live);
        if live == 0 {
            let wakers = std::mem::take(&mut *self.lifecycle.exit_wakers.borrow_mut());
            wakers.into_iter().for_each(Waker::wake);
        }
    }
}

/// Completes once every manager of the lifecycles stopped so far has exited.
#[must_use = "a stop completes only when awaited (the managers are cancelled either way)"]
pub struct Stopped {
    pub(crate) lifecycles: Vec<Rc<Lifecycle>>,
}

impl fmt::Debug for Stopped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Stopped")
            .field("waiting_on", &self.lifecycles.len())
            .finish()
    }
}

impl Future for Stopped {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.lifecycles.retain(|lc| !lc.is_finished());
        for lc in &self.lifecycles {
            lc.register_exit(cx.waker());
        }
        if self.lifecycles.is_empty() {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}
