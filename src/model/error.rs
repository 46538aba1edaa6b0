use std::fmt;

use super::{TrackId, MAX_AMOUNT, START};

/// Why the model refused a call. A refused call changes nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ModelError {
    /// The start node (0) was given as the target of an edge; it is only ever a source.
    StartAsTarget,
    /// An amount was NaN, infinite, negative or over [`MAX_AMOUNT`].
    InvalidAmount,
    /// The change would take the engine past [`super::MAX_EDGES`] edges or
    /// [`super::MAX_TRACKS`] tracks.
    Full,
}

/// What an amount must be, for messages: [`MAX_AMOUNT`] spelled out once, since formatting a
/// float would weigh kilobytes in the wasm (a test checks that the two agree).
pub const AMOUNT_RANGE: &str = "a finite number from 0 to 1e9";

/// The message of [`ModelError::Full`], the limits spelled out (a test checks them).
const FULL: &str = "the graph is full: it holds at most 20000000 edges and 2000000 tracks (forget tracks to make room)";

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ModelError::StartAsTarget => {
                f.write_str("track 0 is the start node and cannot be a target")
            }
            ModelError::InvalidAmount => {
                f.write_str("amount must be ")?;
                f.write_str(AMOUNT_RANGE)
            }
            ModelError::Full => f.write_str(FULL),
        }
    }
}

impl std::error::Error for ModelError {}

/// True when `amount` is one a call may add or take away: the one amount check, which the
/// binding's checks of JS arguments call too.
#[allow(clippy::manual_range_contains)]
pub fn is_amount(amount: f64) -> bool {
    // Compared by hand: a range's `contains` is a call per check at this crate's size
    // optimisation, and a bulk load checks millions. NaN fails both comparisons.
    amount >= 0.0 && amount <= MAX_AMOUNT
}

/// Checks that `to` may be the target of an edge: anything but the start node.
pub(crate) fn check_target(to: TrackId) -> Result<(), ModelError> {
    if to == START {
        Err(ModelError::StartAsTarget)
    } else {
        Ok(())
    }
}

/// Checks an edge's target and amount, the common precondition of every weight change.
pub(crate) fn check_edge(to: TrackId, amount: f64) -> Result<(), ModelError> {
    check_target(to)?;
    if !is_amount(amount) {
        return Err(ModelError::InvalidAmount);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{MAX_EDGES, MAX_TRACKS};

    #[test]
    fn messages_spell_out_the_limits() {
        assert_eq!(
            AMOUNT_RANGE,
            format!("a finite number from 0 to {MAX_AMOUNT:e}")
        );
        assert!(FULL.contains(&format!(
            "at most {MAX_EDGES} edges and {MAX_TRACKS} tracks"
        )));
    }

    #[test]
    fn the_amount_check_takes_zero_to_the_cap() {
        assert!(is_amount(0.0) && is_amount(MAX_AMOUNT));
        for bad in [-1e-9, MAX_AMOUNT * 1.000_001, f64::NAN, f64::INFINITY] {
            assert!(!is_amount(bad), "{bad}");
        }
    }
}
