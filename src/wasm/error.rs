//! The errors JS sees. Every Rust error the binding can meet becomes a real JS error here, in
//! one place, so a binding method only writes `?`: a bad argument or a refused change is a
//! `RangeError` (a `TypeError` when it is of the wrong type), anything else an `Error`. The
//! messages are the engine's own: they already name the argument as JS calls it.

use js_sys::{Error, RangeError, TypeError};
use wasm_bindgen::JsValue;

use crate::engine::{EngineError, OptionError, SnapshotError};
use crate::model::ModelError;

pub(crate) fn type_error(message: &str) -> JsValue {
    TypeError::new(message).into()
}

pub(crate) fn range_error(message: &str) -> JsValue {
    RangeError::new(message).into()
}

impl From<ModelError> for JsValue {
    fn from(e: ModelError) -> Self {
        range_error(&e.to_string())
    }
}

impl From<EngineError> for JsValue {
    fn from(e: EngineError) -> Self {
        match e {
            EngineError::Model(e) => e.into(),
            EngineError::InvalidListened
            | EngineError::InvalidDuration
            | EngineError::QueueFull => range_error(&e.to_string()),
            EngineError::Spawn => Error::new(&e.to_string()).into(),
        }
    }
}

impl From<OptionError> for JsValue {
    fn from(e: OptionError) -> Self {
        match e {
            OptionError::Unknown => type_error(&e.to_string()),
            OptionError::OutOfRange(_) | OptionError::SkipAboveReinforce => {
                range_error(&e.to_string())
            }
        }
    }
}

impl From<SnapshotError> for JsValue {
    fn from(e: SnapshotError) -> Self {
        range_error(&e.to_string())
    }
}

/// A refused entry of a bulk call: its index and why.
#[derive(Clone, Copy, Debug)]
pub(crate) struct AtEdge(pub(crate) usize, pub(crate) ModelError);

impl From<(usize, ModelError)> for AtEdge {
    fn from((index, e): (usize, ModelError)) -> Self {
        AtEdge(index, e)
    }
}

impl From<AtEdge> for JsValue {
    fn from(AtEdge(index, e): AtEdge) -> Self {
        range_error(&["edge ", &index.to_string(), ": ", &e.to_string()].concat())
    }
}

/// A call on an object that was freed: an `Error` naming its class.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Freed(pub(crate) &'static str);

impl From<Freed> for JsValue {
    fn from(Freed(class): Freed) -> Self {
        Error::new(&["this ", class, " was freed"].concat()).into()
    }
}
