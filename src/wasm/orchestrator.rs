//! `Orchestrator`, the package's main class.

use std::rc::Rc;

use js_sys::{Array, Function, Promise};
use wasm_bindgen::prelude::*;

use super::arrays;
use super::base_graph::BaseGraph;
use super::error::type_error;
use super::events::{self, TYPES};
use super::history;
use super::js::{self, number, report, target_id, Arg};
use super::options;
use super::runtime::{BrowserClock, BrowserSpawner};
use super::runtime_graph::RuntimeGraph;
use super::slot::Slot;
use super::snapshot;
use super::values::{self, ExplanationJs};
use crate::engine;

/// How many candidates `explainNext()` lists when no limit is given.
const DEFAULT_EXPLAIN_LIMIT: usize = 50;

/// The engine: what plays next, what it learns, and its managers.
#[wasm_bindgen(js_name = Orchestrator)]
#[derive(Debug)]
pub struct Orchestrator {
    slot: Rc<Slot>,
}

impl Drop for Orchestrator {
    fn drop(&mut self) {
        // Garbage collection of this object (without `free()`) ends the managers and the
        // subscriptions (a listener that captures this object would otherwise keep the engine
        // alive); handles made from it keep working. `free()` empties the slot instead.
        if let Some(engine) = self.slot.get() {
            drop(engine.stop());
            engine.unsubscribe_all();
        }
    }
}

impl Orchestrator {
    pub(crate) fn engine(&self) -> Result<engine::Orchestrator, JsValue> {
        self.slot.engine()
    }

    fn learn_args(&self, from_id: Arg<'_>, to_id: Arg<'_>) -> Result<(), JsValue> {
        let (from, to) = js::edge(from_id, to_id, ("fromId", "toId"))?;
        self.engine()?.learn(from, to)?;
        Ok(())
    }

    fn feedback_args(
        &self,
        [from_id, to_id, listened, duration]: [Arg<'_>; 4],
    ) -> Result<(), JsValue> {
        let (from, to) = js::edge(from_id, to_id, ("fromId", "toId"))?;
        let listened = number(listened, "listenedSeconds")?;
        let duration = number(duration, "durationSeconds")?;
        self.engine()?.feedback(from, to, listened, duration)?;
        Ok(())
    }

    fn from_engine(engine: engine::Orchestrator) -> Self {
        Self {
            slot: Slot::new(engine),
        }
    }
}

#[wasm_bindgen(js_class = Orchestrator)]
impl Orchestrator {
    /// Makes an engine; every option is optional.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_optional_param_type = "Options")] options: JsValue,
    ) -> Result<Orchestrator, JsValue> {
        let options = options::parse(&options)?;
        let engine = engine::Orchestrator::new(options, BrowserSpawner, BrowserClock)?;
        Ok(Self::from_engine(engine))
    }

    /// Resumes an engine from `snapshot()`'s output; `options` override saved ones key by key.
    /// A snapshot that is malformed, from another format version or inconsistent is refused
    /// whole with an error saying what is wrong.
    #[wasm_bindgen(js_name = fromSnapshot)]
    pub fn from_snapshot(
        #[wasm_bindgen(unchecked_param_type = "Snapshot")] snapshot: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "Options")] options: JsValue,
    ) -> Result<Orchestrator, JsValue> {
        let snapshot = snapshot::from_js(&snapshot, &options)?;
        let engine = engine::Orchestrator::restore(&snapshot, BrowserSpawner, BrowserClock)?;
        Ok(Self::from_engine(engine))
    }

    /// Releases the engine now (or, from inside one of its calls, when that call returns):
    /// its managers stop, its listeners are dropped, and every handle made from it (base and
    /// runtime graphs, unsubscribe functions) lets go of it. Idempotent. The package's
    /// `free()` and `[Symbol.dispose]()` call this.
    #[wasm_bindgen(js_name = __release, skip_typescript)]
    pub fn release(&self) {
        self.slot.release();
    }

    /// Everything needed to resume this engine exactly, as a plain JSON-serialisable object.
    #[wasm_bindgen(unchecked_return_type = "Snapshot")]
    pub fn snapshot(&self) -> Result<JsValue, JsValue> {
        snapshot::to_js(&self.engine()?.snapshot(), snapshot::Flavor::Plain)
    }

    /// Grows with every change of state; compare it with the value at a save.
    #[wasm_bindgen(getter)]
    pub fn changes(&self) -> Result<f64, JsValue> {
        Ok(self.engine()?.changes() as f64)
    }

    /// How many tracks have played since the engine began (snapshots keep it).
    #[wasm_bindgen(getter)]
    pub fn plays(&self) -> Result<f64, JsValue> {
        Ok(self.engine()?.plays() as f64)
    }

    /// True between `start()` and `stop()`.
    #[wasm_bindgen(getter)]
    pub fn running(&self) -> Result<bool, JsValue> {
        Ok(self.engine()?.running())
    }

    /// Spawns the managers on this page's event loop. Idempotent.
    pub fn start(&self) -> Result<(), JsValue> {
        Ok(self.engine()?.start()?)
    }

    /// Stops the managers; resolves once every one has exited.
    #[wasm_bindgen(unchecked_return_type = "Promise<void>")]
    pub fn stop(&self) -> Result<Promise, JsValue> {
        let stopped = self.engine()?.stop();
        Ok(wasm_bindgen_futures::future_to_promise(async move {
            stopped.await;
            Ok(JsValue::UNDEFINED)
        }))
    }

    /// Folds what was learned into the base graph and swaps in a new build.
    #[wasm_bindgen(js_name = rebuildRuntime)]
    pub fn rebuild_runtime(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] reason: JsValue,
    ) -> Result<(), JsValue> {
        let reason = js::string(&reason, "reason")?;
        self.engine()?.rebuild_runtime(&reason);
        Ok(())
    }

    /// A bonus of 1 on `fromId -> toId`; nothing while learning is frozen.
    pub fn learn(
        &self,
        #[wasm_bindgen(js_name = fromId, unchecked_param_type = "number")] from_id: JsValue,
        #[wasm_bindgen(js_name = toId, unchecked_param_type = "number")] to_id: JsValue,
    ) -> Result<(), JsValue> {
        self.learn_args((&from_id).into(), (&to_id).into())
    }

    /// `learn` with numbers (see `js/numbers.js`): the error, or `undefined`.
    #[wasm_bindgen(js_name = __learn, skip_typescript)]
    pub fn learn_numbers(&self, from_id: f64, to_id: f64) -> JsValue {
        js::outcome(self.learn_args(from_id.into(), to_id.into()))
    }

    /// Learns from how much of `toId` was heard after `fromId`.
    pub fn feedback(
        &self,
        #[wasm_bindgen(js_name = fromId, unchecked_param_type = "number")] from_id: JsValue,
        #[wasm_bindgen(js_name = toId, unchecked_param_type = "number")] to_id: JsValue,
        #[wasm_bindgen(js_name = listenedSeconds, unchecked_param_type = "number")]
        listened: JsValue,
        #[wasm_bindgen(js_name = durationSeconds, unchecked_param_type = "number")]
        duration: JsValue,
    ) -> Result<(), JsValue> {
        self.feedback_args([
            Arg::Value(&from_id),
            Arg::Value(&to_id),
            Arg::Value(&listened),
            Arg::Value(&duration),
        ])
    }

    /// `feedback` with numbers (see `js/numbers.js`): the error, or `undefined`.
    #[wasm_bindgen(js_name = __feedback, skip_typescript)]
    pub fn feedback_numbers(
        &self,
        from_id: f64,
        to_id: f64,
        listened: f64,
        duration: f64,
    ) -> JsValue {
        let args = [
            Arg::Number(from_id),
            Arg::Number(to_id),
            Arg::Number(listened),
            Arg::Number(duration),
        ];
        js::outcome(self.feedback_args(args))
    }

    /// The next track (the forward stack first, then the queue, then a generated pick), or
    /// `undefined` when no track is known.
    #[wasm_bindgen(js_name = playNext)]
    pub fn play_next(&self) -> Result<Option<u32>, JsValue> {
        Ok(self.engine()?.play_next())
    }

    /// `playNext` as one number (see `js/numbers.js`): the id, -1 when no track is known, NaN
    /// when `playNext` would throw (then nothing was done). A `Result<Option<u32>>` crosses as
    /// three values, which V8 hands to JS as a new array at every call.
    #[wasm_bindgen(js_name = __playNext, skip_typescript)]
    pub fn play_next_number(&self) -> f64 {
        match self.slot.get() {
            Some(engine) => engine.play_next().map_or(-1.0, f64::from),
            None => f64::NAN,
        }
    }

    /// The previous track, or `undefined` when there is none.
    #[wasm_bindgen(js_name = playBack)]
    pub fn play_back(&self) -> Result<Option<u32>, JsValue> {
        Ok(self.engine()?.play_back())
    }

    /// The listener picked `id`: it plays now, and the transition from the track before it is
    /// learned as a choice.
    #[wasm_bindgen(js_name = playTrack)]
    pub fn play_track(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number")] id: JsValue,
    ) -> Result<(), JsValue> {
        let id = target_id(&id, "id")?;
        self.engine()?.play_track(id)?;
        Ok(())
    }

    /// Appends one track id or an array of them to the queue.
    pub fn enqueue(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number | ArrayLike<number>")] ids: JsValue,
    ) -> Result<(), JsValue> {
        let ids = one_or_many(&ids)?;
        let engine = self.engine()?;
        Ok(engine.enqueue(&ids)?)
    }

    /// The queue, next first (a copy).
    #[wasm_bindgen(unchecked_return_type = "number[]")]
    pub fn queue(&self) -> Result<Array, JsValue> {
        Ok(js::id_array(self.engine()?.queue()))
    }

    /// Removes every occurrence of one track id, or of each of an array of them, from the
    /// queue; true when any was queued.
    #[wasm_bindgen(js_name = removeFromQueue)]
    pub fn remove_from_queue(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number | ArrayLike<number>")] ids: JsValue,
    ) -> Result<bool, JsValue> {
        let ids = one_or_many(&ids)?;
        Ok(self.engine()?.remove_from_queue(&ids))
    }

    /// Empties the queue.
    #[wasm_bindgen(js_name = clearQueue)]
    pub fn clear_queue(&self) -> Result<(), JsValue> {
        self.engine()?.clear_queue();
        Ok(())
    }

    /// Learns an ordered listening history as if it had been played; returns what it learned.
    #[wasm_bindgen(js_name = learnHistory, unchecked_return_type = "HistoryReport")]
    pub fn learn_history(
        &self,
        #[wasm_bindgen(unchecked_param_type = "HistoryPlay[] | HistoryColumns")] plays: JsValue,
    ) -> Result<JsValue, JsValue> {
        let columns = history::columns(&plays)?;
        let engine = self.engine()?;
        let report = engine.learn_history(columns.plays());
        history::report_to_js(&report)
    }

    /// A live handle on the long-term graph.
    #[wasm_bindgen(js_name = baseGraph)]
    pub fn base_graph(&self) -> Result<BaseGraph, JsValue> {
        self.engine()?;
        Ok(BaseGraph::new(self.slot.clone()))
    }

    /// The current build; it keeps describing that build after a rebuild.
    #[wasm_bindgen(js_name = runtimeGraph)]
    pub fn runtime_graph(&self) -> Result<RuntimeGraph, JsValue> {
        let build = self.engine()?.runtime_graph();
        Ok(RuntimeGraph::new(self.slot.clone(), self.slot.hold(build)))
    }

    /// A copy of the playback chain.
    #[wasm_bindgen(js_name = playbackChain, unchecked_return_type = "PlaybackChain")]
    pub fn playback_chain(&self) -> Result<JsValue, JsValue> {
        let chain = values::chain_of(&self.engine()?.playback_chain());
        values::to_js(&values::Chain(&chain))
    }

    /// Why the next generated pick will be what it will be: the row it draws from, the repeat
    /// window, and at most `limit` candidates (default 50), the most likely first.
    #[wasm_bindgen(js_name = explainNext, unchecked_return_type = "Explanation")]
    pub fn explain_next(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "number")] limit: JsValue,
    ) -> Result<JsValue, JsValue> {
        let limit = if limit.is_undefined() {
            DEFAULT_EXPLAIN_LIMIT
        } else {
            js::integer(&limit, "limit", 0, u32::MAX.into())? as usize
        };
        let engine = self.engine()?;
        let e = engine.explain_next(limit);
        values::to_js(&ExplanationJs::new(engine.options().policy, &e))
    }

    /// Deletes a track everywhere; true when it was known.
    #[wasm_bindgen(js_name = forgetTrack)]
    pub fn forget_track(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number")] id: JsValue,
    ) -> Result<bool, JsValue> {
        let id = target_id(&id, "id")?;
        Ok(self.engine()?.forget_track(id))
    }

    /// The resolved options, every key present.
    #[wasm_bindgen(unchecked_return_type = "Required<Options>")]
    pub fn options(&self) -> Result<JsValue, JsValue> {
        values::to_js(&options::OptionsJs(self.engine()?.options()))
    }

    /// Subscribes to `"play"`, `"rebuild"` or `"learn"`; returns the function that unsubscribes.
    #[wasm_bindgen(skip_typescript)]
    pub fn on(&self, kind: JsValue, listener: JsValue) -> Result<Function, JsValue> {
        let kind = kind
            .as_string()
            .filter(|k| TYPES.contains(&k.as_str()))
            .ok_or_else(|| type_error(&format!("type must be one of {}", TYPES.join(", "))))?;
        let listener: Function = listener.dyn_into().map_err(|v| {
            type_error(&format!(
                "listener must be a function, got {}",
                js::type_name(&v)
            ))
        })?;
        let engine = self.engine()?;
        let subscription = engine.subscribe(move |event| {
            if events::type_of(event) == kind {
                let delivered = events::to_js(event)
                    .and_then(|event| listener.call1(&JsValue::UNDEFINED, &event));
                if let Err(thrown) = delivered {
                    report(&thrown);
                }
            }
        });
        // The slot, not the engine: an unsubscribe function kept after `free()` must not keep
        // the engine alive. Unsubscribing after `free()` does nothing.
        let slot = self.slot.clone();
        let unsubscribe = Closure::<dyn Fn()>::new(move || {
            if let Some(engine) = slot.get() {
                engine.unsubscribe(subscription);
            }
        });
        Ok(unsubscribe.into_js_value().unchecked_into())
    }
}

/// One track id or an array of them (a typed array or plain), checked whole: a refusal names
/// `ids` or the index of the entry.
fn one_or_many(ids: &JsValue) -> Result<Vec<crate::model::TrackId>, JsValue> {
    if !arrays::is_column(ids)? {
        return Ok(vec![target_id(ids, "ids")?]);
    }
    let mut out = Vec::new();
    arrays::each(ids, "ids", arrays::Check::Target, &mut |_, part| {
        out.extend(part.iter().map(|id| *id as crate::model::TrackId))
    })?;
    Ok(out)
}
