//! `BaseGraph`: a live handle on the orchestrator's long-term graph.

use js_sys::{Array, Map};
use wasm_bindgen::prelude::*;

use super::js::{self, id_array, number_map, range_error, source, track};
use crate::engine::{self, Orchestrator};
use crate::model::{ModelError, TrackId};

/// The long-term graph of the orchestrator it came from; it always shows the current state.
#[wasm_bindgen]
#[derive(Debug)]
pub struct BaseGraph {
    engine: Orchestrator,
}

impl BaseGraph {
    pub(crate) fn new(engine: Orchestrator) -> Self {
        Self { engine }
    }

    /// Checks an edge change's arguments, then applies it to the live base graph.
    fn change(
        &self,
        from: &JsValue,
        to: &JsValue,
        amount: &JsValue,
        apply: fn(&Orchestrator, TrackId, TrackId, f64) -> Result<(), ModelError>,
    ) -> Result<(), JsValue> {
        let (from, to, amount) = (
            source(from, "from")?,
            track(to, "to")?,
            js::amount(amount, "amount")?,
        );
        apply(&self.engine, from, to, amount).map_err(|e| range_error(&e.to_string()))
    }
}

#[wasm_bindgen]
impl BaseGraph {
    /// Adds `amount` (default 1) to `from -> to` and to `0 -> to`.
    pub fn reinforce(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number")] from: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] to: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "number")] amount: JsValue,
    ) -> Result<(), JsValue> {
        self.change(&from, &to, &amount, engine::Orchestrator::reinforce_base)
    }

    /// Takes `amount` (default 1) from `from -> to` and from `0 -> to`, never below 0.
    pub fn penalty(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number")] from: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] to: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "number")] amount: JsValue,
    ) -> Result<(), JsValue> {
        self.change(&from, &to, &amount, engine::Orchestrator::penalty_base)
    }

    /// The weights out of `from` (zero-weight edges included).
    #[wasm_bindgen(unchecked_return_type = "Map<number, number>")]
    pub fn edges(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number")] from: JsValue,
    ) -> Result<Map, JsValue> {
        let from = source(&from, "from")?;
        let base = self.engine.base_graph();
        Ok(number_map(
            base.row(from).into_iter().flat_map(|r| r.iter()),
        ))
    }

    /// Every known track id, ascending.
    #[wasm_bindgen(unchecked_return_type = "number[]")]
    pub fn ids(&self) -> Array {
        id_array(self.engine.base_graph().ids())
    }

    /// The number of edges, the start row's included.
    #[wasm_bindgen(getter, js_name = edgeCount)]
    pub fn edge_count(&self) -> f64 {
        self.engine.base_graph().edge_count() as f64
    }
}
