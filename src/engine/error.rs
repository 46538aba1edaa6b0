use std::fmt;

use crate::model::ModelError;

/// Why the engine refused a call. A refused call changes nothing.
#[derive(Clone, Debug, PartialEq)]
pub enum EngineError {
    Model(ModelError),
    /// Feedback with a non-finite or negative listened time, or a non-finite or non-positive
    /// duration. Names the argument.
    InvalidFeedback {
        argument: &'static str,
    },
    /// The executor refused to run the managers (it is shutting down).
    Spawn,
    /// The queue would hold more than [`super::MAX_QUEUE`] tracks.
    QueueFull,
}

impl fmt::Display for EngineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EngineError::Model(e) => e.fmt(f),
            EngineError::InvalidFeedback {
                argument: "listened",
            } => f.write_str("listened seconds must be a finite number >= 0"),
            EngineError::InvalidFeedback { .. } => {
                f.write_str("duration seconds must be a finite number > 0")
            }
            EngineError::Spawn => f.write_str("the executor refused to run the managers"),
            EngineError::QueueFull => f.write_str("the queue holds at most 100000 tracks"),
        }
    }
}

impl std::error::Error for EngineError {}

impl From<ModelError> for EngineError {
    fn from(e: ModelError) -> Self {
        EngineError::Model(e)
    }
}
