//! The browser's executor and clock, handed to the engine: `spawn_local` (the microtask queue)
//! and `Date.now()` with `setTimeout`, taken from the global object so pages, workers and Node
//! all have them.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::channel::oneshot;
use futures::future::LocalBoxFuture;
use futures::task::{LocalFutureObj, LocalSpawn, SpawnError};
use futures::FutureExt;
use js_sys::Reflect;
use wasm_bindgen::prelude::*;

use crate::engine::Clock;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &JsValue, ms: f64) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(handle: &JsValue);
}

/// Runs the managers on the page's (or worker's, or Node's) own event loop.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BrowserSpawner;

impl LocalSpawn for BrowserSpawner {
    fn spawn_local_obj(&self, future: LocalFutureObj<'static, ()>) -> Result<(), SpawnError> {
        wasm_bindgen_futures::spawn_local(future);
        Ok(())
    }
}

/// Wall-clock time and real timers.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BrowserClock;

impl Clock for BrowserClock {
    fn now_ms(&self) -> f64 {
        js_sys::Date::now()
    }

    fn sleep(&self, ms: f64) -> LocalBoxFuture<'static, ()> {
        Timeout::new(ms).boxed_local()
    }
}

/// A `setTimeout` as a future; dropping it clears the timer (a stopped manager drops its sleep).
struct Timeout {
    handle: JsValue,
    done: oneshot::Receiver<()>,
    _callback: Closure<dyn FnMut()>,
}

impl Timeout {
    fn new(ms: f64) -> Self {
        let (tx, done) = oneshot::channel();
        let mut tx = Some(tx);
        let callback = Closure::<dyn FnMut()>::new(move || {
            if let Some(tx) = tx.take() {
                let _ = tx.send(());
            }
        });
        let handle = set_timeout(callback.as_ref(), ms);
        // In Node a pending timer keeps the process alive; a background manager should not.
        if let Ok(unref) = Reflect::get(&handle, &JsValue::from_str("unref")) {
            if let Some(unref) = unref.dyn_ref::<js_sys::Function>() {
                let _ = unref.call0(&handle);
            }
        }
        Self {
            handle,
            done,
            _callback: callback,
        }
    }
}

impl Future for Timeout {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        // A dropped sender (impossible while the callback lives) also counts as done.
        self.done.poll_unpin(cx).map(|_| ())
    }
}

impl Drop for Timeout {
    fn drop(&mut self) {
        clear_timeout(&self.handle);
    }
}
