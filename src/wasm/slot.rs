//! Where the binding keeps the engine: one slot per orchestrator, shared by the JS object and
//! every handle made from it (`baseGraph()`, `runtimeGraph()`, the unsubscribe functions).
//!
//! `free()` empties the slot, so the engine is released whatever JS still holds: a handle or
//! an unsubscribe function kept afterwards holds the empty slot (a few bytes) and says "this
//! Orchestrator was freed". Every call takes its own reference to the engine for its
//! duration, so `free()` from a listener in the middle of a call takes effect when the call
//! returns, and no call ever holds a borrow of the slot while JS runs.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use wasm_bindgen::prelude::*;

use super::error::Freed;
use crate::engine::{self, Build};

/// A build held by a `RuntimeGraph` handle: emptied when the engine is freed.
pub(crate) type HeldBuild = Rc<RefCell<Option<Build>>>;

#[derive(Debug, Default)]
pub(crate) struct Slot {
    engine: RefCell<Option<engine::Orchestrator>>,
    /// The builds `RuntimeGraph` handles hold, so that `free()` releases them too (a build
    /// holds a snapshot of the whole graph).
    builds: RefCell<Vec<Weak<RefCell<Option<Build>>>>>,
}

impl Slot {
    pub(crate) fn new(engine: engine::Orchestrator) -> Rc<Self> {
        Rc::new(Self {
            engine: RefCell::new(Some(engine)),
            builds: RefCell::default(),
        })
    }

    /// The engine, or the error of a freed orchestrator.
    pub(crate) fn engine(&self) -> Result<engine::Orchestrator, JsValue> {
        self.engine
            .borrow()
            .as_ref()
            .cloned()
            .ok_or_else(|| Freed("Orchestrator").into())
    }

    /// The engine, if it was not freed.
    pub(crate) fn get(&self) -> Option<engine::Orchestrator> {
        self.engine.borrow().as_ref().cloned()
    }

    /// A build for a new `RuntimeGraph` handle, registered so that `free()` releases it.
    pub(crate) fn hold(&self, build: Build) -> HeldBuild {
        let held = Rc::new(RefCell::new(Some(build)));
        let mut builds = self.builds.borrow_mut();
        builds.retain(|b| b.strong_count() > 0);
        builds.push(Rc::downgrade(&held));
        held
    }

    /// Ends the engine: its managers stop, its listeners are dropped, the builds handed out
    /// are released, and the slot is emptied. Idempotent. A call in progress keeps its own
    /// reference until it returns, and then the engine is dropped.
    pub(crate) fn release(&self) {
        let engine = self.engine.borrow_mut().take();
        let builds = std::mem::take(&mut *self.builds.borrow_mut());
        for held in builds.iter().filter_map(Weak::upgrade) {
            let build = held.borrow_mut().take();
            drop(build);
        }
        if let Some(engine) = engine {
            drop(engine.stop());
            engine.unsubscribe_all();
        }
    }
}
