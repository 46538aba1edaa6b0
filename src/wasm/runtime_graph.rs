//! `RuntimeGraph`: one build of the short-term view.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::Map;
use wasm_bindgen::prelude::*;

use super::edge_changes::edge_changes;
use super::error::Freed;
use super::js::{self, integer, number_map, source_id, NumberMap};
use super::slot::{HeldBuild, Slot};
use crate::engine::{Build, Orchestrator};
use crate::model::Learned;

/// One build. It keeps describing that build after a rebuild swaps a newer one in.
#[wasm_bindgen]
#[derive(Debug)]
pub struct RuntimeGraph {
    /// The orchestrator's slot and the build; empty once this handle was freed. The build is
    /// emptied too when the orchestrator is freed.
    held: RefCell<Option<(Rc<Slot>, HeldBuild)>>,
}

impl RuntimeGraph {
    pub(crate) fn new(slot: Rc<Slot>, build: HeldBuild) -> Self {
        Self {
            held: RefCell::new(Some((slot, build))),
        }
    }

    /// The engine and the build, or the error of a freed handle or orchestrator.
    fn parts(&self) -> Result<(Orchestrator, Build), JsValue> {
        let held = self.held.borrow().clone();
        let (slot, build) = held.ok_or(Freed("RuntimeGraph"))?;
        let engine = slot.engine()?;
        let build = build.borrow().clone().ok_or(Freed("Orchestrator"))?;
        Ok((engine, build))
    }

    fn build(&self) -> Result<Build, JsValue> {
        Ok(self.parts()?.1)
    }

    /// One `Map<from, Map<to, value>>` of a learned quantity. Takes a plain function pointer:
    /// one copy of this code serves all three quantities.
    fn learned_map(&self, value: fn(&Learned) -> f64) -> Result<Map, JsValue> {
        let outer = Map::new();
        let build = self.build()?;
        let learned: Vec<_> = build.borrow().learned().collect();
        for (from, row) in learned {
            let inner = number_map(
                row.iter()
                    .map(|l| (l.to, value(l)))
                    .filter(|(_, v)| *v != 0.0),
            );
            if inner.size() > 0 {
                outer.set(&JsValue::from(from), &inner);
            }
        }
        Ok(outer)
    }

    /// One edit of one edge of this build (one function for all three: less wasm), with its
    /// value as JS gave it: an amount, or the cooldown's plays.
    fn change(
        &self,
        from: &JsValue,
        to: &JsValue,
        value: &JsValue,
        edit: Edit,
    ) -> Result<(), JsValue> {
        let (from, to) = js::edge(from, to, ("from", "to"))?;
        let (amount, plays) = match edit {
            Edit::Reinforce | Edit::Penalty => (js::amount(value, "amount")?, 0),
            Edit::Cooldown => (0.0, integer(value, "value", 0, u32::MAX.into())? as u32),
        };
        let (engine, build) = self.parts()?;
        engine.edit_build(&build, |b| match edit {
            Edit::Reinforce => b.reinforce(from, to, amount),
            Edit::Penalty => b.penalty(from, to, amount),
            Edit::Cooldown => b.add_cooldown(from, to, plays),
        })?;
        Ok(())
    }
}

/// An edit of one edge of a build.
#[derive(Clone, Copy, Debug)]
enum Edit {
    Reinforce,
    Penalty,
    Cooldown,
}

edge_changes!(RuntimeGraph {
    #[doc = "A bonus of `amount` (default 1) on `from -> to` in this build (one diff)."]
    reinforce => Edit::Reinforce;
    #[doc = "A penalty of `amount` (default 1) on `from -> to` in this build (one diff)."]
    penalty => Edit::Penalty;
});

#[wasm_bindgen]
impl RuntimeGraph {
    #[wasm_bindgen(getter, js_name = buildVersion)]
    pub fn build_version(&self) -> Result<f64, JsValue> {
        Ok(self.build()?.borrow().build_version() as f64)
    }

    #[wasm_bindgen(getter, js_name = buildReason)]
    pub fn build_reason(&self) -> Result<String, JsValue> {
        Ok(self.build()?.borrow().build_reason().to_owned())
    }

    /// Milliseconds since the epoch when the build was made.
    #[wasm_bindgen(getter, js_name = builtAt)]
    pub fn built_at(&self) -> Result<f64, JsValue> {
        Ok(self.build()?.borrow().built_at())
    }

    /// Learning mutations since the build.
    #[wasm_bindgen(getter)]
    pub fn diffs(&self) -> Result<f64, JsValue> {
        Ok(self.build()?.borrow().diffs() as f64)
    }

    /// The probabilities out of `from` (positive ones only; empty when every fined weight is 0).
    pub fn probabilities(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number")] from: JsValue,
    ) -> Result<NumberMap, JsValue> {
        let from = source_id(&from, "from")?;
        let probabilities = self.build()?.borrow().probabilities(from);
        Ok(number_map(probabilities))
    }

    #[wasm_bindgen(unchecked_return_type = "Map<number, Map<number, number>>")]
    pub fn bonuses(&self) -> Result<Map, JsValue> {
        self.learned_map(|l| l.bonus)
    }

    #[wasm_bindgen(unchecked_return_type = "Map<number, Map<number, number>>")]
    pub fn penalties(&self) -> Result<Map, JsValue> {
        self.learned_map(|l| l.penalty)
    }

    #[wasm_bindgen(unchecked_return_type = "Map<number, Map<number, number>>")]
    pub fn cooldowns(&self) -> Result<Map, JsValue> {
        self.learned_map(|l| f64::from(l.cooldown))
    }

    /// A cooldown of `value` plays on `from -> to` (kept if already longer).
    #[wasm_bindgen(js_name = addCooldown)]
    pub fn add_cooldown(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number")] from: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] to: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] value: JsValue,
    ) -> Result<(), JsValue> {
        self.change(&from, &to, &value, Edit::Cooldown)
    }

    /// Lets go of the build and the orchestrator. Idempotent; `free()` and
    /// `[Symbol.dispose]()` call it.
    #[wasm_bindgen(js_name = __release, skip_typescript)]
    pub fn release(&self) {
        let held = self.held.borrow_mut().take();
        drop(held);
    }
}
