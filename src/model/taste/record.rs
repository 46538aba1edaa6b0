//! How an answer is recorded: at the track, the transition and the replay gap, among the
//! first plays (and those along the app's links), in the rings of recent answers and the
//! affinities, and as a possible sign of a change of taste.

use super::{Answer, Evidence, Replay, Taste, ITEM_MEMORY, TRACK_PRIOR_WEIGHT};
use crate::model::{TrackId, START};

impl Taste {
    /// Records one answer of a long run of them (a history imported): as [`Taste::record`],
    /// except that the fit of the replay gaps is refreshed once every `gaps::BULK_REFIT`
    /// answers about gaps rather than after each (a fit costs more than the rest of a lesson).
    /// [`Taste::finish_bulk`] refits at the end of the run.
    pub fn record_bulk(&mut self, from: TrackId, to: TrackId, answer: Answer, replay: Replay) {
        self.gaps.set_bulk(true);
        self.record(from, to, answer, replay);
        self.gaps.set_bulk(false);
    }

    /// Ends a run of [`Taste::record_bulk`]: the fit takes in every answer.
    pub fn finish_bulk(&mut self) {
        self.gaps.refit_if_behind();
    }

    /// Records an answer to `to`, played after `from`.
    ///
    /// A skip soon after a play is partly the gap's fault: the track is charged in proportion
    /// to how welcome that gap was thought to be, and the gap in proportion to how much the
    /// track was liked. So a listener who skips a favourite heard five plays ago widens the
    /// window rather than losing the favourite, and a disliked track skipped at any gap says
    /// little about gaps. The answer also teaches the affinity of `to` after `from` (see the
    /// module `affinity`).
    pub fn record(&mut self, from: TrackId, to: TrackId, answer: Answer, replay: Replay) {
        let v = answer.value();
        let f = self.decay.factor;
        let (track_blame, fresh) = match replay {
            Replay::First => {
                self.first.add_answer(v, f);
                (1.0, false)
            }
            Replay::After(g) => self.replayed(to, g, v),
            Replay::Unknown => (1.0, false),
        };
        if replay != Replay::First {
            self.notice_change(to, v, track_blame);
        }
        let (heard, skipped) = (v * f, (1.0 - v) * track_blame * f);
        // The track's answers before this one, read in the same lookup as it is updated in:
        // what the track level expected of it, for the affinities.
        let mut before = Evidence::default();
        self.change_entry(to, |entry| {
            before = entry.evidence;
            if fresh {
                entry.evidence = Evidence::default();
            }
            entry.evidence = entry.evidence.scaled(ITEM_MEMORY);
            entry.evidence.add(heard, skipped);
            entry.last = answer;
        });
        if from != START && from != to {
            let expected = self.now(before).mean(self.prior_mean(), TRACK_PRIOR_WEIGHT);
            self.affinity.learn(from, to, v, expected, track_blame);
        }
        self.push_ring(to, answer);
        let row = self.row_mut(from);
        match row.binary_search_by_key(&to, |(t, _)| *t) {
            Ok(at) => {
                if let Some((_, e)) = row.get_mut(at) {
                    *e = e.scaled(ITEM_MEMORY);
                    e.add(heard, skipped);
                }
            }
            Err(at) => row.insert(at, (to, Evidence { heard, skipped })),
        }
        self.tick();
    }

    /// Notes the answer `v` to a replay of `to` after `g` plays; returns how far a miss is the
    /// track's fault, and whether its answers from before the latest change of taste are to be
    /// dropped.
    ///
    /// The gap is judged on replays of tracks heard out last time: the listener liked them
    /// then, so what changed is mostly the gap. A miss on any replay is the track's fault only
    /// as far as the gap was thought welcome. A replay of a track last played before the
    /// latest change of taste teaches the prior of its kind, which stood for its answers from
    /// before the change until now: those are dropped (an old favourite skipped once after the
    /// change is no longer held up by its faded past).
    fn replayed(&mut self, to: TrackId, g: u64, v: f64) -> (f64, bool) {
        let track_blame = self.gap_factor(g);
        let Some(t) = self.tracks.get(to).copied() else {
            return (track_blame, false);
        };
        if t.last == Answer::Heard {
            self.gaps.answer(g, v);
        }
        let stale = t.played.saturating_sub(g) < self.changed_at;
        if stale {
            let f = self.decay.factor;
            if let Some(s) = self.stale.get_mut(t.last.index()) {
                s.add_answer(v, f);
            }
        }
        (track_blame, stale)
    }

    /// Notes, before [`Taste::record`] of the same answer, whether the track answered was an
    /// edge of `from`'s row in the base graph (`along`): the answers to picks on a row and off
    /// it, per answer to the track the row is of, say how far picks heed the row's share (see
    /// the module `follow`).
    pub fn record_along_row(&mut self, from: TrackId, answer: Answer, along: bool) {
        if from == START {
            return;
        }
        let f = self.decay.factor;
        if let Some(t) = self.tracks.get(from) {
            self.follow.add(t.last, along, answer.value(), f);
        }
    }

    /// Records the answer to the first play of `to`, after `from`, which links to it: as
    /// [`Taste::record`] with [`Replay::First`], and among the answers to first plays along
    /// links. Such an edge of the base graph was made by no play of the listener's (none leads
    /// to a track never played): the app gave it, such as a genre or artist link. Those
    /// answers are the prior of the unheard tracks a row links to. An app's links may lead to
    /// what the listener likes, or away from it (to the same artist, for a listener who tires
    /// of one): learned rather than assumed, so a sparse row borrows what its links are worth
    /// to this listener.
    pub fn record_first_along_link(&mut self, from: TrackId, to: TrackId, answer: Answer) {
        // Before `record`, whose last step moves the clock on: the same weight as its own.
        let (v, f) = (answer.value(), self.decay.factor);
        self.linked.add_answer(v, f);
        self.record(from, to, answer, Replay::First);
    }
}
