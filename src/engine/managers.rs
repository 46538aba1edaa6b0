//! The three managers: async tasks of one lifecycle, spawned on the caller's executor.
//!
//! They hold only a weak handle on the engine and upgrade it just while acting, never across an
//! `.await`, so dropping the last orchestrator handle ends them. Each reads the engine's *state*
//! (pending cooldown steps, current diffs, build age) rather than counting messages, so a
//! coalesced signal loses nothing.

use std::cell::RefCell;
use std::future::{poll_fn, Future};
use std::rc::{Rc, Weak};
use std::task::Poll;

use futures::channel::mpsc::Receiver;
use futures::future::{AbortHandle, Abortable, LocalBoxFuture};
use futures::task::LocalSpawnExt;
use futures::{FutureExt, StreamExt};

use super::lifecycle::{Lifecycle, TaskGuard};
use super::orchestrator::Inner;
use super::{EngineError, Orchestrator};

/// Reason of a rebuild by the diff manager.
pub const DIFF_LIMIT_REASON: &str = "diff limit exceeded";
/// Reason of a rebuild by the TTL manager.
pub const TTL_REASON: &str = "time to live is up";

pub(crate) fn spawn_all(inner: &Rc<Inner>, lifecycle: &Rc<Lifecycle>) -> Result<(), EngineError> {
    let weak = Rc::downgrade(inner);
    let tasks: [LocalBoxFuture<'static, ()>; 3] = [
        cooldowns(weak.clone(), lifecycle.clone()).boxed_local(),
        diff_limit(weak.clone(), lifecycle.clone()).boxed_local(),
        time_to_live(weak, lifecycle.clone()).boxed_local(),
    ];
    for task in tasks {
        let (abort, registration) = AbortHandle::new_pair();
        // Made before spawning and moved into the task, so the count is right even when the
        // executor drops the task without ever polling it.
        let guard = TaskGuard::new(lifecycle.clone(), inner.live_managers.clone(), abort);
        let task = async move {
            let _guard = guard;
            let _ = Abortable::new(task, registration).await;
        };
        inner
            .spawner
            .spawn_local(task)
            .map_err(|_| EngineError::Spawn)?;
    }
    Ok(())
}

/// Acts on the engine if it still exists and this lifecycle is still running.
fn act(weak: &Weak<Inner>, lifecycle: &Lifecycle, f: impl FnOnce(&Orchestrator)) -> bool {
    if lifecycle.is_cancelled() {
        return false;
    }
    match weak.upgrade() {
        Some(inner) => {
            f(&Orchestrator { inner });
            true
        }
        None => false,
    }
}

/// Waits for the next signal on one of the engine's channels; false once the engine is gone.
fn signal(
    weak: &Weak<Inner>,
    channel: fn(&Inner) -> &RefCell<Receiver<()>>,
) -> impl Future<Output = bool> + '_ {
    poll_fn(move |cx| {
        let Some(inner) = weak.upgrade() else {
            return Poll::Ready(false);
        };
        let polled = channel(&inner).borrow_mut().poll_next_unpin(cx);
        polled.map(|message| message.is_some())
    })
}

/// Applies pending cooldown steps to the current build, at start and at every signal.
async fn cooldowns(weak: Weak<Inner>, lifecycle: Rc<Lifecycle>) {
    while act(&weak, &lifecycle, Orchestrator::apply_pending_cooldowns) {
        if !signal(&weak, |inner| &inner.cooldown_rx).await {
            return;
        }
    }
}

/// Rebuilds once the current build's diffs exceed the limit: once per crossing, since the new
/// build starts at 0 diffs.
async fn diff_limit(weak: Weak<Inner>, lifecycle: Rc<Lifecycle>) {
    let check = |o: &Orchestrator| {
        // Checked from here on: the next lesson signals again.
        o.inner.diff_signalled.set(false);
        let (diffs, _) = o.build_diffs_and_age();
        if diffs > o.options().max_runtime_diffs {
            o.rebuild_runtime(DIFF_LIMIT_REASON);
        }
    };
    while act(&weak, &lifecycle, check) {
        if !signal(&weak, |inner| &inner.diff_rx).await {
            return;
        }
    }
}

/// Every `ttl_check_interval_ms`, rebuilds when the current build is older than
/// `max_runtime_age_ms`.
async fn time_to_live(weak: Weak<Inner>, lifecycle: Rc<Lifecycle>) {
    loop {
        let Some(sleep) = weak.upgrade().map(|inner| {
            inner
                .clock
                .sleep(inner.options.ttl_check_interval_ms as f64)
        }) else {
            return;
        };
        sleep.await;
        let check = |o: &Orchestrator| {
            let (_, age) = o.build_diffs_and_age();
            if age > o.options().max_runtime_age_ms as f64 {
                o.rebuild_runtime(TTL_REASON);
            }
        };
        if !act(&weak, &lifecycle, check) {
            return;
        }
    }
}
