//! Engine events as the plain objects JS listeners receive.

use wasm_bindgen::prelude::*;

use super::js::object;
use crate::engine::{Event, LearnKind, PlaySource};

/// The event type names `on()` accepts.
pub(crate) const TYPES: [&str; 3] = ["play", "rebuild", "learn"];

pub(crate) fn type_of(event: &Event) -> &'static str {
    match event {
        Event::Play { .. } => "play",
        Event::Rebuild { .. } => "rebuild",
        Event::Learn { .. } => "learn",
    }
}

pub(crate) fn to_js(event: &Event) -> JsValue {
    match event {
        Event::Play { id, source } => object(&[
            ("id", JsValue::from(*id)),
            (
                "source",
                JsValue::from_str(match source {
                    PlaySource::Generated => "generated",
                    PlaySource::Forward => "forward",
                    PlaySource::Back => "back",
                    PlaySource::Chosen => "chosen",
                    PlaySource::Queue => "queue",
                }),
            ),
        ]),
        Event::Rebuild {
            build_version,
            reason,
            diffs,
        } => object(&[
            ("buildVersion", JsValue::from(*build_version as f64)),
            ("reason", JsValue::from_str(reason)),
            ("diffs", JsValue::from(*diffs as f64)),
        ]),
        Event::Learn { from, to, kind } => object(&[
            ("from", JsValue::from(*from)),
            ("to", JsValue::from(*to)),
            (
                "kind",
                JsValue::from_str(match kind {
                    LearnKind::Reinforce => "reinforce",
                    LearnKind::Penalty => "penalty",
                    LearnKind::Skip => "skip",
                    LearnKind::Choice => "choice",
                }),
            ),
        ]),
    }
}
