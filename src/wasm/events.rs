//! Engine events as the plain objects JS listeners receive.

use serde::Serialize;
use wasm_bindgen::prelude::*;

use super::values;
use crate::engine::{Event, LearnKind, PlaySource};
use crate::model::TrackId;

/// The event type names `on()` accepts.
pub(crate) const TYPES: [&str; 3] = ["play", "rebuild", "learn"];

pub(crate) fn type_of(event: &Event) -> &'static str {
    match event {
        Event::Play { .. } => "play",
        Event::Rebuild { .. } => "rebuild",
        Event::Learn { .. } => "learn",
    }
}

/// An event's shape in JS (`PlayEvent`, `RebuildEvent`, `LearnEvent` in the declarations).
#[derive(Serialize)]
#[serde(untagged)]
enum EventJs<'a> {
    Play {
        id: TrackId,
        source: &'static str,
    },
    #[serde(rename_all = "camelCase")]
    Rebuild {
        build_version: u64,
        reason: &'a str,
        diffs: u64,
    },
    Learn {
        from: TrackId,
        to: TrackId,
        kind: &'static str,
    },
}

pub(crate) fn to_js(event: &Event) -> Result<JsValue, JsValue> {
    values::to_js(&match event {
        Event::Play { id, source } => EventJs::Play {
            id: *id,
            source: match source {
                PlaySource::Generated => "generated",
                PlaySource::Forward => "forward",
                PlaySource::Back => "back",
                PlaySource::Chosen => "chosen",
                PlaySource::Queue => "queue",
            },
        },
        Event::Rebuild {
            build_version,
            reason,
            diffs,
        } => EventJs::Rebuild {
            build_version: *build_version,
            reason,
            diffs: *diffs,
        },
        Event::Learn { from, to, kind } => EventJs::Learn {
            from: *from,
            to: *to,
            kind: match kind {
                LearnKind::Reinforce => "reinforce",
                LearnKind::Penalty => "penalty",
                LearnKind::Skip => "skip",
                LearnKind::Choice => "choice",
            },
        },
    })
}
