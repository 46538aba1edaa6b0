use std::fmt;

/// Why the model refused a call. A refused call changes nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ModelError {
    /// The start node (0) was given as the target of an edge; it is only ever a source.
    StartAsTarget,
    /// An amount was NaN, infinite, negative or over [`crate::model::MAX_AMOUNT`].
    InvalidAmount,
    /// The change would take the engine past [`crate::model::MAX_EDGES`] edges or
    /// [`crate::model::MAX_TRACKS`] tracks.
    Full,
}

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ModelError::StartAsTarget => {
                f.write_str("track 0 is the start node and cannot be a target")
            }
            // The bound is spelled out: formatting a float would weigh kilobytes in the wasm.
            ModelError::InvalidAmount => {
                f.write_str("amount must be a finite number from 0 to 1e9")
            }
            ModelError::Full => f.write_str(
                "the graph is full: it holds at most 20000000 edges and 2000000 tracks (forget tracks to make room)",
            ),
        }
    }
}

impl std::error::Error for ModelError {}

/// Checks an edge's target and amount, the common precondition of every weight change.
pub(crate) fn check_edge(to: crate::model::TrackId, amount: f64) -> Result<(), ModelError> {
    if to == crate::model::START {
        return Err(ModelError::StartAsTarget);
    }
    if !(amount.is_finite() && (0.0..=crate::model::MAX_AMOUNT).contains(&amount)) {
        return Err(ModelError::InvalidAmount);
    }
    Ok(())
}
