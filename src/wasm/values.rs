//! The structured values the package returns, as serde shapes that serde-wasm-bindgen turns
//! into plain JS objects: the playback chain and the explanation of the next pick. (Events,
//! options, the history report and the snapshot's shell are serialised beside their readers.)
//!
//! `Option` fields become `undefined` (the serializer's default), never `null`: the chain's
//! `current` is `undefined` when nothing plays, in `playbackChain()` and in snapshots alike.

use serde::{Serialize, Serializer};
use serde_wasm_bindgen::{preserve, Serializer as JsSerializer};
use wasm_bindgen::JsValue;

use super::js::id_array;
use crate::engine::{ChainSnapshot, Policy};
use crate::model::{Evidence, Explained, Explanation, PlaybackChain, TrackId};

/// Serialises `value` into a JS value; every value here is a plain object, array or number.
pub(crate) fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    Ok(value.serialize(&JsSerializer::new())?)
}

/// Track ids as a `number[]` made in one call into JS: serde would push them one by one.
pub(crate) fn ids<S: Serializer>(ids: &[TrackId], s: S) -> Result<S::Ok, S::Error> {
    preserve::serialize(&id_array(ids.iter().copied()), s)
}

/// The playback chain, as `playbackChain()` returns it and a snapshot holds it.
#[derive(Serialize)]
#[serde(remote = "ChainSnapshot", rename_all = "camelCase")]
struct ChainDef {
    #[serde(serialize_with = "ids")]
    back: Vec<TrackId>,
    current: Option<TrackId>,
    #[serde(serialize_with = "ids")]
    forward: Vec<TrackId>,
    learning_frozen: bool,
    current_removed: bool,
}

/// [`ChainSnapshot`] as a field of a serde shape.
pub(crate) struct Chain<'a>(pub(crate) &'a ChainSnapshot);

impl Serialize for Chain<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        ChainDef::serialize(self.0, s)
    }
}

/// A copy of the live chain, in the form a snapshot holds.
pub(crate) fn chain_of(chain: &PlaybackChain) -> ChainSnapshot {
    ChainSnapshot {
        back: chain.back_stack().collect(),
        current: chain.current(),
        forward: chain.forward_stack().to_vec(),
        learning_frozen: chain.learning_frozen(),
        current_removed: chain.current_removed(),
    }
}

#[derive(Serialize)]
#[serde(remote = "Evidence")]
struct EvidenceDef {
    heard: f64,
    skipped: f64,
}

#[derive(Serialize)]
#[serde(remote = "Explained", rename_all = "camelCase")]
struct ExplainedDef {
    id: TrackId,
    base: f64,
    bonus: f64,
    penalty: f64,
    cooldown: u32,
    #[serde(with = "EvidenceDef")]
    transition: Evidence,
    #[serde(with = "EvidenceDef")]
    track: Evidence,
    affinity: f64,
    plays_ago: Option<u64>,
    recent: bool,
    score: f64,
    probability: f64,
}

struct Candidate<'a>(&'a Explained);

impl Serialize for Candidate<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        ExplainedDef::serialize(self.0, s)
    }
}

fn candidates<S: Serializer>(candidates: &[Explained], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(candidates.iter().map(Candidate))
}

/// What `explainNext()` returns.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ExplanationJs<'a> {
    pub(crate) policy: &'static str,
    pub(crate) row: TrackId,
    pub(crate) repeat_window: u64,
    pub(crate) context: f64,
    pub(crate) drawn: usize,
    #[serde(serialize_with = "candidates")]
    pub(crate) candidates: &'a [Explained],
}

impl<'a> ExplanationJs<'a> {
    pub(crate) fn new(policy: Policy, e: &'a Explanation) -> Self {
        Self {
            policy: policy.name(),
            row: e.row,
            repeat_window: e.repeat_window,
            context: e.context,
            drawn: e.drawn,
            candidates: &e.candidates,
        }
    }
}
