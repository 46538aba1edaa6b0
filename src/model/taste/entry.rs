//! The slots of the taste's tables: a track's, and a source track's row of transitions.

use super::{Answer, Evidence};
use crate::model::table::keyed_by;
use crate::model::TrackId;

/// The evidence on one track, the play it last played at (0: never), its last answer and its
/// entries in the ring of tracks last heard out: a pick reads them in one lookup of one
/// 32-byte slot. Aligned to its size, so a slot never straddles two cache lines (with the
/// allocator's 16-byte alignment, half of them did: two cache misses for one lookup of a
/// candidate).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
#[repr(align(32))]
pub(super) struct TrackEntry {
    pub(super) evidence: Evidence,
    pub(super) played: u64,
    pub(super) id: TrackId,
    pub(super) last: Answer,
    /// How many entries of the ring of tracks last heard out are this track's: while above 0
    /// it counts among the listener's recent favourites
    /// ([`Taste::heard_tracks`](super::Taste::heard_tracks)). Derived from the ring, never
    /// saved; it fits in the slot's padding.
    pub(super) heard_in_ring: u16,
}

keyed_by!(TrackEntry, id: TrackId);

// One slot, one cache line's half: the count of ring entries must stay in the padding.
const _: () = assert!(std::mem::size_of::<TrackEntry>() == 32);

/// The transitions out of one track that have evidence, sorted by target. The start node's
/// row is kept apart, in [`super::Taste`]: the table's key 0 marks an empty slot.
#[derive(Clone, Debug, Default, PartialEq)]
pub(super) struct TransitionRow {
    pub(super) from: TrackId,
    pub(super) to: Vec<(TrackId, Evidence)>,
}

keyed_by!(TransitionRow, from: TrackId);
