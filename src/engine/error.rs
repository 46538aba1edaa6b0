use std::fmt;

use crate::model::ModelError;

/// Why the engine refused a call. A refused call changes nothing.
#[derive(Clone, Debug, PartialEq)]
pub enum EngineError {
    Model(ModelError),
    /// Feedback with a listened time that is not a finite number >= 0.
    InvalidListened,
    /// Feedback with a duration that is not a finite number > 0.
    InvalidDuration,
    /// The executor refused to run the managers (it is shutting down).
    Spawn,
    /// The queue would hold more than [`super::MAX_QUEUE`] tracks.
    QueueFull,
}

impl fmt::Display for EngineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Arguments are named as JS calls them: these messages reach JS as they are.
        match self {
            EngineError::Model(e) => e.fmt(f),
            EngineError::InvalidListened => {
                f.write_str("listenedSeconds must be a finite number >= 0")
            }
            EngineError::InvalidDuration => {
                f.write_str("durationSeconds must be a finite number > 0")
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
