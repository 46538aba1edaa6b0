//! What a change of taste sets going: most of what was learned fades at once, and the
//! tracks skipped before it are looked at again.

use std::cell::OnceCell;

use super::parts::sorted;
use super::{Answer, Evidence, Taste, TrackEntry, KEPT_AFTER_CHANGE, TRACK_PRIOR_WEIGHT};
use crate::model::{Rng, TrackId};

impl Taste {
    /// A track drawn uniformly from those last skipped before the latest change (`None` when
    /// there are none). After a change of taste what was skipped before is where new
    /// favourites are likeliest to hide, or least likely: the uniform draws from the catalogue
    /// rarely meet them, and these draws let the prior of such tracks learn which. The list is
    /// found on the first draw after a change (a history imported notices changes without
    /// drawing).
    #[inline]
    pub fn draw_stale(&self, rng: &mut Rng) -> Option<TrackId> {
        if self.changed_at == 0 {
            return None;
        }
        let ids = self
            .stale_ids
            .get_or_init(|| self.last_skipped_before(self.changed_at));
        if ids.is_empty() {
            return None;
        }
        ids.get(rng.below(ids.len())).copied()
    }

    /// Confident predictions missed (a track thought liked, skipped at a welcome gap) mean the
    /// listener's taste is moving: when they pile up, everything learned before is mostly
    /// forgotten at once, so new favourites are looked for at once instead of after every old
    /// favourite was skipped one by one. The gap buckets and the prior of unheard tracks stay:
    /// a change of taste changes neither.
    pub(super) fn notice_change(&mut self, to: TrackId, v: f64, track_blame: f64) {
        let expected = self.track(to).mean(self.prior_mean(), TRACK_PRIOR_WEIGHT) * track_blame;
        if self.surprise.observe(expected, v) {
            self.fade_items(KEPT_AFTER_CHANGE);
            self.clear_rings();
            self.changed_at = self.last_play;
            self.stale = [Evidence::default(); 3];
            self.stale_ids = OnceCell::new();
        }
    }

    /// True when `t` was last played before play `at` and skipped then.
    pub(super) fn skipped_before(t: &TrackEntry, at: u64) -> bool {
        t.played > 0 && t.played < at && t.last == Answer::Skipped
    }

    /// The tracks last played before play `at` and skipped then, ascending.
    pub(super) fn last_skipped_before(&self, at: u64) -> Vec<TrackId> {
        let skipped = |id: &TrackId| {
            self.tracks
                .get(*id)
                .is_some_and(|t| Self::skipped_before(t, at))
        };
        sorted(self.tracks.keys().filter(skipped)).collect()
    }

    /// Changes `id`'s entry (created when absent) by `change`, keeping its place in the
    /// tracks skipped before the latest change true: the list, once found, is always what
    /// [`Taste::last_skipped_before`] would find now, so a memory restored from its parts
    /// draws exactly as the one saved. Only a change that moves the track in or out of it
    /// touches the list.
    pub(super) fn change_entry(&mut self, id: TrackId, change: impl FnOnce(&mut TrackEntry)) {
        let at = self.changed_at;
        let Some(t) = self.tracks.entry(id) else {
            return;
        };
        let was = Self::skipped_before(t, at);
        change(t);
        if was != Self::skipped_before(t, at) {
            self.sync_stale(id);
        }
    }

    /// Puts `id` in the list of tracks skipped before the latest change, or out of it, as its
    /// entry now says (nothing before the list is found).
    pub(super) fn sync_stale(&mut self, id: TrackId) {
        if self.stale_ids.get().is_none() {
            return;
        }
        let at = self.changed_at;
        let belongs = self
            .tracks
            .get(id)
            .is_some_and(|t| Self::skipped_before(t, at));
        let Some(ids) = self.stale_ids.get_mut() else {
            return;
        };
        match (ids.binary_search(&id), belongs) {
            (Ok(at), false) => {
                ids.remove(at);
            }
            (Err(at), true) => ids.insert(at, id),
            _ => {}
        }
    }

    /// Every answer about tracks and transitions weighs `keep` times what it did; the answers
    /// to first plays (and those along links) keep theirs. O(1) through the decay factor (a
    /// history with many changes of taste would otherwise rescale every answer at each),
    /// except when the factor must be folded back.
    pub(super) fn fade_items(&mut self, keep: f64) {
        self.first = self.first.scaled(1.0 / keep);
        self.linked = self.linked.scaled(1.0 / keep);
        if let Some(by) = self.decay.fade(keep) {
            self.fold(by);
        }
    }
}
