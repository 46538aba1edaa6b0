//! `BaseGraph`: a live handle on the orchestrator's long-term graph.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Array, Float64Array, Uint32Array};
use serde::Serialize;
use serde_wasm_bindgen::preserve;
use wasm_bindgen::prelude::*;

use super::arrays::{self, Check};
use super::edge_changes::edge_changes;
use super::error::{range_error, AtEdge, Freed};
use super::js::{self, id_array, number_map, source_id, NumberMap};
use super::slot::Slot;
use super::values;
use crate::engine::{self, Orchestrator};
use crate::model::{ModelError, TrackId, START};

/// What `toArrays()` returns: every edge but the start row's, as typed arrays of one length.
#[derive(Serialize)]
struct GraphArrays {
    #[serde(with = "preserve")]
    from: Uint32Array,
    #[serde(with = "preserve")]
    to: Uint32Array,
    #[serde(with = "preserve")]
    weight: Float64Array,
}

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
        slot.ok_or(Freed("BaseGraph"))?.engine()
    }

    /// Checks an edge change's arguments, then applies it to the live base graph.
    fn change(
        &self,
        from: &JsValue,
        to: &JsValue,
        amount: &JsValue,
        apply: fn(&Orchestrator, TrackId, TrackId, f64) -> Result<(), ModelError>,
    ) -> Result<(), JsValue> {
        let (from, to) = js::edge(from, to, ("from", "to"))?;
        let amount = js::amount(amount, "amount")?;
        Ok(apply(&self.engine()?, from, to, amount)?)
    }
}

impl BaseGraph {
    /// [`BaseGraph::reinforce_many_typed`]'s checks and edges.
    fn reinforce_columns(
        &self,
        from: &[u32],
        to: &[u32],
        amounts: Option<&[f64]>,
    ) -> Result<(), JsValue> {
        self.engine()?;
        let n = from.len();
        same_length(to.len(), n, "to")?;
        if let Some(a) = amounts {
            same_length(a.len(), n, "amounts")?;
        }
        if let Some(at) = to.iter().position(|t| *t == 0) {
            return Err(arrays::refused("to", at, Check::Target, 0.0));
        }
        if let Some(a) = amounts {
            arrays::check_part("amounts", 0, a, Check::Amount)?;
        }
        let edges: Vec<(TrackId, TrackId, f64)> = match amounts {
            Some(a) => (from.iter().zip(to).zip(a))
                .map(|((f, t), w)| (*f, *t, *w))
                .collect(),
            None => from.iter().zip(to).map(|(f, t)| (*f, *t, 1.0)).collect(),
        };
        self.apply_many(&edges)
    }

    /// Applies checked edges; the engine is taken once the arrays are read, so no reference
    /// is held while JS runs.
    fn apply_many(&self, edges: &[(TrackId, TrackId, f64)]) -> Result<(), JsValue> {
        self.engine()?
            .reinforce_base_many(edges)
            .map_err(AtEdge::from)?;
        Ok(())
    }
}

/// Refuses a column not as long as `from`.
fn same_length(len: usize, n: usize, name: &str) -> Result<(), JsValue> {
    if len == n {
        Ok(())
    } else {
        Err(range_error(
            &[name, " is not as long as from: they must have one length"].concat(),
        ))
    }
}

edge_changes!(BaseGraph {
    #[doc = "Adds `amount` (default 1) to `from -> to` and to `0 -> to`."]
    reinforce => engine::Orchestrator::reinforce_base;
    #[doc = "Takes `amount` (default 1) from `from -> to` and from `0 -> to`, never below 0."]
    penalty => engine::Orchestrator::penalty_base;
});

#[wasm_bindgen]
impl BaseGraph {
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
        self.engine()?;
        let n = arrays::length(&from, "from")?;
        same_length(arrays::length(&to, "to")?, n, "to")?;
        if !amounts.is_undefined() {
            same_length(arrays::length(&amounts, "amounts")?, n, "amounts")?;
        }
        // Read straight into the edges, a chunk at a time: 16 bytes an edge in wasm memory.
        let mut edges: Vec<(TrackId, TrackId, f64)> = Vec::with_capacity(n);
        arrays::each(&from, "from", Check::Source, &mut |_, part| {
            edges.extend(part.iter().map(|f| (*f as TrackId, START, 1.0)));
        })?;
        arrays::each(&to, "to", Check::Target, &mut |start, part| {
            for (e, t) in edges.iter_mut().skip(start).zip(part) {
                e.1 = *t as TrackId;
            }
        })?;
        if !amounts.is_undefined() {
            arrays::each(&amounts, "amounts", Check::Amount, &mut |start, part| {
                for (e, a) in edges.iter_mut().skip(start).zip(part) {
                    e.2 = *a;
                }
            })?;
        }
        self.apply_many(&edges)
    }

    /// `reinforceMany` for typed columns (see `js/numbers.js`): `from` and `to` given as
    /// `Uint32Array`s, which the glue copies into wasm memory in one go (every element is a
    /// source id already), and `amounts` as a `Float64Array` when `has_amounts`. The same
    /// checks, in the same order, with the same messages. The error, or `undefined`.
    #[wasm_bindgen(js_name = __reinforceManyTyped, skip_typescript)]
    pub fn reinforce_many_typed(
        &self,
        from: &[u32],
        to: &[u32],
        has_amounts: bool,
        amounts: &[f64],
    ) -> JsValue {
        js::outcome(self.reinforce_columns(from, to, has_amounts.then_some(amounts)))
    }

    /// Every edge but the start row's, as `{ from, to, weight }` typed arrays, source by
    /// source in id order: what `reinforceMany` takes back.
    #[wasm_bindgen(js_name = toArrays, unchecked_return_type = "GraphArrays")]
    pub fn to_arrays(&self) -> Result<JsValue, JsValue> {
        // A snapshot of the graph (O(1)): no borrow of the engine is held while JS runs.
        let base = self.engine()?.base_graph();
        let n = (base.edge_count() - base.row(START).map_or(0, |r| r.len())) as u32;
        let (from, to, weight) = (
            Uint32Array::new_with_length(n),
            Uint32Array::new_with_length(n),
            Float64Array::new_with_length(n),
        );
        // Each run of a row is copied straight from wasm memory: no second copy of the graph.
        let mut at = 0;
        for (id, row) in base.rows().filter(|(id, _)| *id != START) {
            for (targets, weights) in row.segments() {
                // Never past the arrays, whatever the count said (copy_from wants equal lengths).
                let len = targets.len().min((n - at) as usize);
                let (Some(targets), Some(weights)) = (targets.get(..len), weights.get(..len))
                else {
                    break;
                };
                let end = at + len as u32;
                from.subarray(at, end).fill(id, 0, len as u32);
                to.subarray(at, end).copy_from(targets);
                weight.subarray(at, end).copy_from(weights);
                at = end;
            }
        }
        values::to_js(&GraphArrays { from, to, weight })
    }

    /// The weights out of `from` (zero-weight edges included).
    pub fn edges(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number")] from: JsValue,
    ) -> Result<NumberMap, JsValue> {
        let from = source_id(&from, "from")?;
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
