//! What a generated pick reads, as one value that both policies' choose and explain functions
//! take: the four read the same inputs, and an input added to picks reaches all of them.

use super::{AdaptiveConfig, PickConfig, Recency, RuntimeGraph, Taste, TrackId};

/// The rules of a generated pick under each policy (the engine's options say which policy
/// picks; each reads its own part).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rules {
    pub seed: PickConfig,
    pub adaptive: AdaptiveConfig,
}

/// What the next generated pick is drawn from, and by which rules.
#[derive(Clone, Copy, Debug)]
pub struct Draw<'a> {
    /// The build whose rows and learned edges the pick reads.
    pub build: &'a RuntimeGraph,
    /// The track playing (`None` before the first play): its row is drawn from first.
    pub current: Option<TrackId>,
    /// The plays so far, for the repeat window and the replay gaps.
    pub recency: &'a Recency,
    /// The listener's answers (the seed rules read them only to explain).
    pub taste: &'a Taste,
    /// Both policies' rules: each function reads its own policy's.
    pub rules: &'a Rules,
}
