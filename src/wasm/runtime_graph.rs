//! `RuntimeGraph`: one build of the short-term view.

use js_sys::Map;
use wasm_bindgen::prelude::*;

use super::js::{self, integer, number_map, range_error, source, track};
use crate::engine::{Build, Orchestrator};
use crate::model::{Learned, TrackId};

/// One build. It keeps describing that build after a rebuild swaps a newer one in.
#[wasm_bindgen]
#[derive(Debug)]
pub struct RuntimeGraph {
    engine: Orchestrator,
    build: Build,
}

impl RuntimeGraph {
    pub(crate) fn new(engine: Orchestrator, build: Build) -> Self {
        Self { engine, build }
    }

    /// One `Map<from, Map<to, value>>` of a learned quantity.
    /// One `Map<from, Map<to, value>>` of a learned quantity. Takes a plain function pointer:
    /// one copy of this code serves all three quantities.
    fn learned_map(&self, value: fn(&Learned) -> f64) -> Map {
        let outer = Map::new();
        for (from, row) in self.build.borrow().learned() {
            let inner = number_map(
                row.iter()
                    .map(|l| (l.to, value(l)))
                    .filter(|(_, v)| *v != 0.0),
            );
            if inner.size() > 0 {
                outer.set(&JsValue::from(from), &inner);
            }
        }
        outer
    }

    fn edit(
        &self,
        edit: impl FnOnce(&mut crate::model::RuntimeGraph) -> Result<(), crate::model::ModelError>,
    ) -> Result<(), JsValue> {
        self.engine
            .edit_build(&self.build, edit)
            .map_err(|e| range_error(&e.to_string()))
    }
}

fn edge(from: &JsValue, to: &JsValue) -> Result<(TrackId, TrackId), JsValue> {
    Ok((source(from, "from")?, track(to, "to")?))
}

#[wasm_bindgen]
impl RuntimeGraph {
    #[wasm_bindgen(getter, js_name = buildVersion)]
    pub fn build_version(&self) -> f64 {
        self.build.borrow().build_version() as f64
    }

    #[wasm_bindgen(getter, js_name = buildReason)]
    pub fn build_reason(&self) -> String {
        self.build.borrow().build_reason().to_owned()
    }

    /// Milliseconds since the epoch when the build was made.
    #[wasm_bindgen(getter, js_name = builtAt)]
    pub fn built_at(&self) -> f64 {
        self.build.borrow().built_at()
    }

    /// Learning mutations since the build.
    #[wasm_bindgen(getter)]
    pub fn diffs(&self) -> f64 {
        self.build.borrow().diffs() as f64
    }

    /// The probabilities out of `from` (positive ones only; empty when every fined weight is 0).
    #[wasm_bindgen(unchecked_return_type = "Map<number, number>")]
    pub fn probabilities(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number")] from: JsValue,
    ) -> Result<Map, JsValue> {
        let from = source(&from, "from")?;
        Ok(number_map(self.build.borrow().probabilities(from)))
    }

    #[wasm_bindgen(unchecked_return_type = "Map<number, Map<number, number>>")]
    pub fn bonuses(&self) -> Map {
        self.learned_map(|l| l.bonus)
    }

    #[wasm_bindgen(unchecked_return_type = "Map<number, Map<number, number>>")]
    pub fn penalties(&self) -> Map {
        self.learned_map(|l| l.penalty)
    }

    #[wasm_bindgen(unchecked_return_type = "Map<number, Map<number, number>>")]
    pub fn cooldowns(&self) -> Map {
        self.learned_map(|l| f64::from(l.cooldown))
    }

    /// A bonus of 1 on `from -> to` in this build (one diff).
    pub fn reinforce(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number")] from: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] to: JsValue,
    ) -> Result<(), JsValue> {
        let (from, to) = edge(&from, &to)?;
        self.edit(|b| b.reinforce(from, to, 1.0))
    }

    /// A penalty of `amount` (default 1) on `from -> to` in this build (one diff).
    pub fn penalty(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number")] from: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] to: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "number")] amount: JsValue,
    ) -> Result<(), JsValue> {
        let (from, to) = edge(&from, &to)?;
        let amount = js::amount(&amount, "amount")?;
        self.edit(|b| b.penalty(from, to, amount))
    }

    /// A cooldown of `value` plays on `from -> to` (kept if already longer).
    #[wasm_bindgen(js_name = addCooldown)]
    pub fn add_cooldown(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number")] from: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] to: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] value: JsValue,
    ) -> Result<(), JsValue> {
        let (from, to) = edge(&from, &to)?;
        let plays = integer(&value, "value", 0, u32::MAX.into())? as u32;
        self.edit(|b| b.add_cooldown(from, to, plays))
    }
}
