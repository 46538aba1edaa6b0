//! A [`Taste`] as plain data, for saving, and back.

use super::affinity::{Affinity, AffinityParts};
use super::breadth::Breadths;
use super::decay::Decay;
use super::gaps::Gaps;
use super::rings::Rings;
use super::surprise::Surprise;
use super::{Answer, Evidence, Follow, Taste, TrackEntry};
use crate::model::{TrackId, START};

/// Everything a [`Taste`] holds, as plain data, for saving.
#[derive(Clone, Debug, PartialEq)]
pub struct TasteParts {
    pub lessons: u64,
    pub factor: f64,
    pub gap_decay: f64,
    pub fit_decay: f64,
    /// `(track, evidence, last answer)` ascending by track.
    pub tracks: Vec<(TrackId, Evidence, Answer)>,
    /// `(from, to, evidence)` ascending by `(from, to)`.
    pub transitions: Vec<(TrackId, TrackId, Evidence)>,
    pub gaps: Vec<Evidence>,
    pub first: Evidence,
    /// The part of `first` along the base graph's edges (see [`Taste::record_first_along_link`]).
    pub linked: Evidence,
    /// The rings of recent answers heard out, and partly heard, oldest first.
    pub heard: Vec<TrackId>,
    pub partly: Vec<TrackId>,
    pub surprise: f64,
    /// The usual rate of confident predictions missed, over a longer span.
    pub surprise_usual: f64,
    /// The play at which the latest change of taste was noticed (0: none), and the answers
    /// since to tracks last played before it, by their last answer then (`Answer::index`).
    pub changed_at: u64,
    pub stale: [Evidence; 3],
    /// The learned affinities between tracks.
    pub affinity: AffinityParts,
    /// The answers to picks drawn among the best five, then among the best three.
    pub breadths: [Evidence; 2],
    /// The answers to picks on the playing track's row, then off it, after a track heard
    /// out, partly heard, then skipped.
    pub follow: [Evidence; 6],
}

/// Ids in ascending order. They are sorted as `(id, 0)` pairs: the same code that sorts the
/// recency record, so the wasm carries one sort.
pub(super) fn sorted(ids: impl Iterator<Item = TrackId>) -> impl Iterator<Item = TrackId> {
    let mut v: Vec<(TrackId, u64)> = ids.map(|id| (id, 0)).collect();
    v.sort_unstable();
    v.into_iter().map(|(id, _)| id)
}

impl Taste {
    /// Everything this memory holds, in id order.
    pub fn parts(&self) -> TasteParts {
        let (gaps, gap_decay, fit_decay) = self.gaps.parts();
        let tracks = sorted(self.tracks.keys())
            .filter_map(|id| self.tracks.get(id).map(|t| (id, t.evidence, t.last)))
            // An entry that only notes a play is restored from the recency record.
            .filter(|(_, e, last)| e.weight() > 0.0 || *last != Answer::Skipped)
            .collect();
        // The start node's row first: its id, 0, is the least.
        let transitions = std::iter::once(START)
            .chain(sorted(self.transitions.keys()))
            .flat_map(|from| {
                self.transitions_from(from)
                    .iter()
                    .map(move |(to, e)| (from, *to, *e))
            })
            .collect();
        let (heard, partly) = self.rings.parts();
        let (surprise, surprise_usual) = self.surprise.rates();
        TasteParts {
            lessons: self.decay.lessons,
            factor: self.decay.factor,
            gap_decay,
            fit_decay,
            tracks,
            transitions,
            gaps,
            first: self.first,
            linked: self.linked,
            heard,
            partly,
            surprise,
            surprise_usual,
            changed_at: self.changed_at,
            stale: self.stale,
            affinity: self.affinity.parts(),
            breadths: self.breadths.parts(),
            follow: self.follow.parts(),
        }
    }

    /// A memory rebuilt from saved parts, or the name of the part that is malformed.
    pub fn restore(
        parts: &TasteParts,
        half_life: f64,
        start_window: u64,
    ) -> Result<Self, &'static str> {
        let mut taste = Self::new(half_life, start_window);
        taste.decay = Decay::restore(half_life, parts.lessons, parts.factor).ok_or("factor")?;
        if !parts.first.is_finite_non_negative() || !parts.linked.is_finite_non_negative() {
            return Err("first");
        }
        taste.first = parts.first;
        taste.linked = parts.linked;
        taste.gaps = Gaps::restore(
            half_life,
            start_window,
            &parts.gaps,
            parts.gap_decay,
            parts.fit_decay,
        )
        .ok_or("gaps")?;
        let mut last = None;
        for (id, e, answer) in &parts.tracks {
            if *id == 0 || last.is_some_and(|l| l >= *id) || !e.is_finite_non_negative() {
                return Err("tracks");
            }
            last = Some(*id);
            taste.tracks.insert(TrackEntry {
                evidence: *e,
                played: 0,
                id: *id,
                last: *answer,
                heard_in_ring: 0,
            });
        }
        // The rings name known tracks, and are no longer than they can be.
        let tracks = &taste.tracks;
        taste.rings = Rings::restore(&parts.heard, &parts.partly, |id| tracks.contains_key(id))
            .ok_or("rings")?;
        taste.recount_ring();
        taste.surprise =
            Surprise::restore(parts.surprise, parts.surprise_usual).ok_or("surprise")?;
        if !parts.stale.iter().all(|e| e.is_finite_non_negative()) {
            return Err("change");
        }
        taste.changed_at = parts.changed_at;
        taste.stale = parts.stale;
        taste.affinity = Affinity::restore(&parts.affinity).ok_or("affinity")?;
        taste.breadths = Breadths::restore(parts.breadths).ok_or("draws")?;
        taste.follow = Follow::restore(parts.follow).ok_or("follow")?;
        let mut last = None;
        for (from, to, e) in &parts.transitions {
            if *to == 0 || last.is_some_and(|l| l >= (*from, *to)) || !e.is_finite_non_negative() {
                return Err("transitions");
            }
            last = Some((*from, *to));
            taste.row_mut(*from).push((*to, *e));
        }
        Ok(taste)
    }
}
