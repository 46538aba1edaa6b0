//! The affinities: carried over to pairs never answered, gated, saved and bounded.

use super::super::tests::Outcome;
use super::super::{Answer, Replay, Taste};
use super::*;
use crate::model::Rng;

const TRACKS: TrackId = 120;

/// `answers` transitions between random tracks of 1..=TRACKS, each answered by `hears`,
/// except those `held_out` refuses (pairs kept for judging what was carried over).
fn listen(
    answers: usize,
    hears: impl Fn(TrackId, TrackId) -> bool,
    held_out: impl Fn(TrackId, TrackId) -> bool,
) -> Taste {
    let mut t = Taste::new(1000.0, 8);
    let mut rng = Rng::new(7);
    let mut n = 0;
    while n < answers {
        let from = 1 + rng.below(TRACKS as usize) as TrackId;
        let to = 1 + rng.below(TRACKS as usize) as TrackId;
        if from == to || held_out(from, to) {
            continue;
        }
        let answer = if hears(from, to) {
            Answer::Heard
        } else {
            Answer::Skipped
        };
        t.record(from, to, answer, Replay::Unknown);
        n += 1;
    }
    t
}

/// Four genres of 30 tracks; the listener hears out a track after one of its genre only.
fn genre(id: TrackId) -> TrackId {
    (id - 1) / 30
}

/// Pairs from track 1 to the tracks after 100 are never answered.
fn judged(from: TrackId, to: TrackId) -> bool {
    from == 1 && to > 100 || to == 1 && from > 100
}

#[test]
fn a_taste_for_transitions_opens_the_gate_and_carries_over_to_pairs_never_answered() {
    let t = listen(6000, |from, to| genre(from) == genre(to), judged);
    let context = t.context(1);
    assert_eq!(context.gate(), 1.0);
    // Tracks 1 and 2 are of genre 0, track 110 of genre 3; the pair 1 -> 110 was held out.
    let (near, far) = (shift_after(&t, 1, 2), shift_after(&t, 1, 110));
    assert!(near > 0.5 && far < -0.1, "near {near}, far {far}");
    let (liked, _) = context.apply(0.5, 2);
    let (disliked, _) = context.apply(0.5, 110);
    assert!(liked > 0.6 && disliked < 0.5, "{liked} {disliked}");
    // The held-out pair never played: no transition evidence, only the affinity.
    assert_eq!(t.transition(1, 110).weight(), 0.0);
}

#[test]
fn a_taste_for_transitions_opens_the_gate_within_three_thousand_answers() {
    // Started at a third of the scale (0.2), the gate was still shut here, and open to 0.8
    // after 4 000 answers: a step is proportional to the other vector, so tiny ones barely
    // move.
    let t = listen(3000, |from, to| genre(from) == genre(to), |_, _| false);
    assert_eq!(t.context(1).gate(), 1.0);
}

/// The shift of `to` after `from` a pick would apply.
fn shift_after(t: &Taste, from: TrackId, to: TrackId) -> f64 {
    t.context(from).apply(0.5, to).1
}

#[test]
fn answers_the_track_level_explains_keep_the_gate_shut() {
    // Even tracks heard out after any track, odd ones skipped: the previous track says
    // nothing, and a pick is the two levels' alone.
    let t = listen(6000, |_, to| to % 2 == 0, |_, _| false);
    let context = t.context(1);
    assert_eq!(context.gate(), 0.0);
    assert_eq!(context.apply(0.7, 2), (0.7, 0.0));
    assert_eq!(context.apply(0.7, 3), (0.7, 0.0));
}

#[test]
fn affinities_are_saved_restored_and_forgotten_with_their_track() -> Outcome {
    let mut t = listen(3000, |from, to| genre(from) == genre(to), |_, _| false);
    let parts = t.parts();
    assert_eq!(parts.affinity.ids.len(), TRACKS as usize);
    let restored = Taste::restore(&parts, 1000.0, 8)?;
    assert_eq!(restored, t);
    assert_eq!(
        restored.context(1).apply(0.5, 2),
        t.context(1).apply(0.5, 2)
    );
    t.forget(2);
    let ids = t.parts().affinity.ids;
    assert!(!ids.contains(&2) && ids.len() == TRACKS as usize - 1);
    assert_eq!(t.context(1).apply(0.5, 2), (0.5, 0.0));
    Ok(())
}

#[test]
fn malformed_affinities_are_refused_on_restore() {
    let t = listen(500, |from, to| genre(from) == genre(to), |_, _| false);
    let mut parts = t.parts();
    parts.affinity.ids.swap(0, 1);
    assert_eq!(Taste::restore(&parts, 1000.0, 8).err(), Some("affinity"));
    let mut parts = t.parts();
    parts.affinity.factors[0].1[3] = f32::NAN;
    assert_eq!(Taste::restore(&parts, 1000.0, 8).err(), Some("affinity"));
    let mut parts = t.parts();
    parts.affinity.factors.pop();
    assert_eq!(Taste::restore(&parts, 1000.0, 8).err(), Some("affinity"));
    let mut parts = t.parts();
    parts.affinity.gain = f64::INFINITY;
    assert_eq!(Taste::restore(&parts, 1000.0, 8).err(), Some("affinity"));
}

#[test]
fn a_shift_moves_a_mean_on_the_logit_scale_and_stays_a_chance() {
    assert_eq!(shifted(0.3, 0.0), 0.3);
    assert!(shifted(0.3, 1.0) > 0.3 && shifted(0.3, -1.0) < 0.3);
    for m in [0.0, 0.01, 0.5, 0.99, 1.0] {
        for z in [-100.0, -4.0, 0.5, 4.0, 100.0] {
            let p = shifted(m, z);
            assert!((0.0..=1.0).contains(&p), "{m} {z} {p}");
        }
    }
    // Within a quarter of e^z where it is not clamped.
    for z in [-4.0, -1.0, 0.0, 1.0, 4.0_f64] {
        let ratio = exp_approx(z) / z.exp();
        assert!((0.75..=1.0).contains(&ratio), "{z} {ratio}");
    }
}
