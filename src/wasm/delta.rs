//! `SaveMark` and `Orchestrator.saveDelta()`: what a profile store (js/profile.js) writes, as
//! typed arrays, costing what changed since its last save rather than the whole graph.

use js_sys::Float64Array;
use serde::Serialize;
use serde_wasm_bindgen::preserve;
use wasm_bindgen::prelude::*;

use super::orchestrator::Orchestrator;
use super::snapshot;
use super::values;
use crate::engine;

/// The engine as a store last saved it (an O(1) shared copy of the base graph): what
/// `saveDelta()` compares with. Free it once a newer save has committed.
#[wasm_bindgen]
#[derive(Debug)]
pub struct SaveMark {
    mark: engine::SaveMark,
}

#[wasm_bindgen]
impl SaveMark {
    /// The orchestrator's `changes` when the mark was taken.
    #[wasm_bindgen(getter)]
    pub fn changes(&self) -> f64 {
        self.mark.changes() as f64
    }
}

#[wasm_bindgen(js_class = Orchestrator)]
impl Orchestrator {
    /// What a profile store writes after a save marked `since`: `rows`, the base graph's rows
    /// that changed since, as `[id, edgeCount | -1, to, weight, ...]` (-1: a forgotten track);
    /// `state`, the rest of the snapshot whole, its flat arrays as `Float64Array`s and without
    /// `base`; `mark`, this instant, for the next delta; and `changes`. A checkpoint's rows,
    /// then each delta's rows in order, with the last `state`, make the snapshot of the last
    /// save.
    #[wasm_bindgen(js_name = saveDelta, unchecked_return_type = "SavedDelta")]
    pub fn save_delta(&self, since: &SaveMark) -> Result<JsValue, JsValue> {
        self.saved(Some(&since.mark))
    }

    /// A mark of this instant (O(1)), for the first `saveDelta()` after opening a stored profile.
    #[wasm_bindgen(js_name = saveMark)]
    pub fn save_mark(&self) -> Result<SaveMark, JsValue> {
        Ok(SaveMark {
            mark: self.engine()?.save_mark(),
        })
    }

    /// `saveDelta()`'s shape with every row: a checkpoint (`full: true`).
    #[wasm_bindgen(js_name = saveCheckpoint, unchecked_return_type = "SavedDelta")]
    pub fn save_checkpoint(&self) -> Result<JsValue, JsValue> {
        self.saved(None)
    }
}

/// What `saveDelta()` and `saveCheckpoint()` return (`SavedDelta` in the declarations).
#[derive(Serialize)]
struct SavedJs {
    changes: u64,
    full: bool,
    #[serde(with = "preserve")]
    rows: JsValue,
    #[serde(with = "preserve")]
    state: JsValue,
    #[serde(with = "preserve")]
    mark: JsValue,
}

impl Orchestrator {
    fn saved(&self, since: Option<&engine::SaveMark>) -> Result<JsValue, JsValue> {
        let delta = self.engine()?.delta_since(since);
        let mut rows = Vec::new();
        for (id, row) in &delta.rows {
            snapshot::rows_into(&mut rows, *id, row.as_ref());
        }
        values::to_js(&SavedJs {
            changes: delta.mark.changes(),
            full: since.is_none(),
            rows: Float64Array::from(rows.as_slice()).into(),
            state: snapshot::to_js(&delta.state, snapshot::Flavor::Stored)?,
            mark: SaveMark { mark: delta.mark }.into(),
        })
    }
}
