//! `BaseGraph`: a live handle on the orchestrator's long-term graph.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Array, Float64Array, Map, Uint32Array};
use wasm_bindgen::prelude::*;

use super::arrays::{self, Check, CHUNK};
use super::js::{self, id_array, number_map, object, range_error, source, track};
use super::slot::{freed, Slot};
use crate::engine::{self, Orchestrator};
use crate::model::{ModelError, TrackId, START};

/// The long-term graph of the orchestrator it came from; it always shows the current state.
#[wasm_bindgen]
#[derive(Debug)]
pub struct BaseGraph {
    /// Empty once this handle was freed.
    slot: RefCell<Option<Rc<Slot>>>,
}

impl BaseGraph {
    pub(crate) fn new(slot: Rc<Slot>) -> Self {
        Self {
            slot: RefCell::new(Some(slot)),
        }
    }

    fn engine(&self) -> Result<Orchestrator, JsValue> {
        let slot = self.slot.borrow().clone();
        slot.ok_or_else(|| freed("BaseGraph"))?.engine()
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
        apply(&self.engine()?, from, to, amount).map_err(|e| range_error(&e.to_string()))
    }
}

/// Fills typed arrays from wasm memory a chunk at a time, so that no second copy of the whole
/// output is ever made in wasm memory.
struct Filler {
    from: Uint32Array,
    to: Uint32Array,
    weight: Float64Array,
    at: u32,
    buf: (Vec<u32>, Vec<u32>, Vec<f64>),
}

impl Filler {
    fn push(&mut self, from: TrackId, to: TrackId, weight: f64) {
        self.buf.0.push(from);
        self.buf.1.push(to);
        self.buf.2.push(weight);
        if self.buf.0.len() == CHUNK as usize {
            self.flush();
        }
    }

    fn flush(&mut self) {
        let n = self.buf.0.len() as u32;
        let end = (self.at + n).min(self.from.length());
        self.from.subarray(self.at, end).copy_from(&self.buf.0);
        self.to.subarray(self.at, end).copy_from(&self.buf.1);
        self.weight.subarray(self.at, end).copy_from(&self.buf.2);
        self.at = end;
        self.buf.0.clear();
        self.buf.1.clear();
        self.buf.2.clear();
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

    /// `reinforce(from[i], to[i], amounts[i])` for every `i`, in one call: typed arrays or
    /// arrays of numbers of one length (`amounts` default to 1). Everything is checked before
    /// anything changes; a bad entry is an error naming its index.
    #[wasm_bindgen(js_name = reinforceMany)]
    pub fn reinforce_many(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ArrayLike<number>")] from: JsValue,
        #[wasm_bindgen(unchecked_param_type = "ArrayLike<number>")] to: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "ArrayLike<number>")] amounts: JsValue,
    ) -> Result<(), JsValue> {
        let engine = self.engine()?;
        let n = arrays::length(&from, "from")?;
        let same = |len: usize, name: &str| {
            if len == n {
                Ok(())
            } else {
                Err(range_error(&format!(
                    "{name} has {len} entries and from has {n}: they must have the same length"
                )))
            }
        };
        same(arrays::length(&to, "to")?, "to")?;
        if !amounts.is_undefined() {
            same(arrays::length(&amounts, "amounts")?, "amounts")?;
        }
        // Read straight into the edges: 16 bytes an edge in wasm memory, no more.
        let mut edges: Vec<(TrackId, TrackId, f64)> = vec![(START, START, 1.0); n];
        arrays::each(&from, "from", Check::Source, &mut |i, f| {
            if let Some(e) = edges.get_mut(i) {
                e.0 = f as TrackId;
            }
        })?;
        arrays::each(&to, "to", Check::Target, &mut |i, t| {
            if let Some(e) = edges.get_mut(i) {
                e.1 = t as TrackId;
            }
        })?;
        if !amounts.is_undefined() {
            arrays::each(&amounts, "amounts", Check::Amount, &mut |i, a| {
                if let Some(e) = edges.get_mut(i) {
                    e.2 = a;
                }
            })?;
        }
        engine
            .reinforce_base_many(&edges)
            .map(drop)
            .map_err(|(i, e)| range_error(&format!("edge {i}: {e}")))
    }

    /// Every edge but the start row's, as `{ from, to, weight }` typed arrays, source by
    /// source in id order: what `reinforceMany` takes back.
    #[wasm_bindgen(js_name = toArrays, unchecked_return_type = "GraphArrays")]
    pub fn to_arrays(&self) -> Result<JsValue, JsValue> {
        // A snapshot of the graph (O(1)): no borrow of the engine is held while JS runs.
        let base = self.engine()?.base_graph();
        let n = base.edge_count() - base.row(START).map_or(0, |r| r.len());
        let mut out = Filler {
            from: Uint32Array::new_with_length(n as u32),
            to: Uint32Array::new_with_length(n as u32),
            weight: Float64Array::new_with_length(n as u32),
            at: 0,
            buf: Default::default(),
        };
        for (from, row) in base.rows().filter(|(from, _)| *from != START) {
            for (to, w) in row.iter() {
                out.push(from, to, w);
            }
        }
        out.flush();
        Ok(object(&[
            ("from", out.from.into()),
            ("to", out.to.into()),
            ("weight", out.weight.into()),
        ]))
    }

    /// The weights out of `from` (zero-weight edges included).
    #[wasm_bindgen(unchecked_return_type = "Map<number, number>")]
    pub fn edges(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number")] from: JsValue,
    ) -> Result<Map, JsValue> {
        let from = source(&from, "from")?;
        let base = self.engine()?.base_graph();
        Ok(number_map(
            base.row(from).into_iter().flat_map(|r| r.iter()),
        ))
    }

    /// Every known track id, ascending.
    #[wasm_bindgen(unchecked_return_type = "number[]")]
    pub fn ids(&self) -> Result<Array, JsValue> {
        Ok(id_array(self.engine()?.base_graph().ids()))
    }

    /// The number of edges, the start row's included.
    #[wasm_bindgen(getter, js_name = edgeCount)]
    pub fn edge_count(&self) -> Result<f64, JsValue> {
        Ok(self.engine()?.base_graph().edge_count() as f64)
    }

    /// Lets go of the orchestrator. Idempotent; `free()` and `[Symbol.dispose]()` call it.
    #[wasm_bindgen(js_name = __release, skip_typescript)]
    pub fn release(&self) {
        self.slot.borrow_mut().take();
    }
}
