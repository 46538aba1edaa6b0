//! Unit tests of the taste as a whole: buckets, fading, rescaling, restoring, the priors, the
//! count of tracks heard out; the repeat window's in `gaps.rs`, a change of taste's in
//! `change.rs`.
//!
//! A test that restores or draws returns an [`Outcome`]: a refusal fails it with the reason
//! given, and no test panics but by its assertions.

use super::*;

/// What a test that restores or draws returns.
pub(crate) type Outcome = Result<(), Box<dyn std::error::Error>>;

pub(crate) mod change;
mod gaps;

#[test]
fn buckets_cover_every_gap_in_order() {
    assert_eq!(gap_bucket(1), 0);
    assert_eq!(gap_bucket(8), 7);
    assert_eq!(gap_bucket(24), 23);
    assert_eq!(gap_bucket(25), 23);
    assert_eq!(gap_bucket(26), 24);
    assert_eq!(gap_bucket(u64::MAX), GAP_BOUNDS.len() - 1);
    let mut last = 0;
    for g in 1..2000 {
        let b = gap_bucket(g);
        assert!(b >= last);
        last = b;
    }
}

#[test]
fn old_answers_fade() {
    let mut t = Taste::new(100.0, 8);
    t.record(0, 1, Answer::Heard, Replay::First);
    let fresh = t.track(1).heard;
    for _ in 0..100 {
        t.record(0, 2, Answer::Heard, Replay::First);
    }
    assert!((t.track(1).heard / fresh - 0.5).abs() < 0.005);
}

#[test]
fn a_long_memory_without_answers_about_gaps_still_restores() -> Outcome {
    // A half-life of 1 lesson folds the decay factors back many times over.
    let mut t = Taste::new(1.0, 8);
    for i in 0..20_000 {
        t.record(0, 1 + i % 5, Answer::Heard, Replay::Unknown);
    }
    let restored = Taste::restore(&t.parts(), 1.0, 8)?;
    assert_eq!(restored.parts(), t.parts());
    assert_eq!(restored.window(), t.window());
    Ok(())
}

#[test]
fn rescaling_keeps_what_is_read() -> Outcome {
    let mut t = Taste::new(1.0, 8);
    for i in 0..200 {
        t.record(0, 1 + i % 3, Answer::Heard, Replay::First);
    }
    let mut u = Taste::new(1.0, 8);
    for i in 0..200 {
        u.record(0, 1 + i % 3, Answer::Heard, Replay::First);
        if i == 150 {
            let parts = u.parts();
            u = Taste::restore(&parts, 1.0, 8)?;
        }
    }
    assert_eq!(t.parts(), u.parts());
    assert!(t.track(3).heard.is_finite());
    Ok(())
}

#[test]
fn a_fade_weighs_every_item_less_but_keeps_the_first_plays_prior() {
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * b.abs().max(1.0);
    // The second fade finds the factor near its limit and folds it back into the sums:
    // what is read must not depend on which path ran.
    for near_limit in [false, true] {
        let mut t = Taste::new(50.0, 8);
        t.record(crate::model::START, 1, Answer::Heard, Replay::First);
        t.record_first_along_link(1, 2, Answer::Skipped);
        if near_limit {
            // The clock as if many lessons had passed, every sum stored to match.
            let factor = decay::RESCALE_AT / 2.0;
            t.scale_items(factor);
            t.first = t.first.scaled(factor);
            t.linked = t.linked.scaled(factor);
            t.decay.factor = factor;
        }
        let (track, transition, prior) = (t.track(2), t.transition(1, 2), t.prior_mean());
        let linked = t.priors().linked;
        t.fade_items(KEPT_AFTER_CHANGE);
        assert!(close(t.track(2).skipped, track.skipped * KEPT_AFTER_CHANGE));
        assert!(close(
            t.transition(1, 2).skipped,
            transition.skipped * KEPT_AFTER_CHANGE
        ));
        assert!(close(t.prior_mean(), prior));
        assert!(close(t.priors().linked, linked));
        assert!(t.decay.factor <= decay::RESCALE_AT);
    }
}

#[test]
fn first_plays_along_links_teach_the_prior_of_the_unheard_tracks_a_row_links_to() -> Outcome {
    let mut t = Taste::new(200.0, 8);
    assert_eq!(
        t.priors().linked,
        t.priors().first,
        "no answer along a link yet"
    );
    // Twenty first plays drawn from the catalogue skipped, ten along links heard out.
    for id in 1..=20 {
        t.record(START, id, Answer::Skipped, Replay::First);
    }
    for id in 21..=30 {
        t.record_first_along_link(1, id, Answer::Heard);
    }
    // Counted among the first plays too, at the same weight.
    assert_eq!(t.linked.heard, t.first.heard);
    let p = t.priors();
    assert!(p.first < 0.4 && p.linked > 0.8, "{p:?}");
    assert_eq!(
        p.of(0, Answer::Skipped, true),
        p.linked,
        "unheard, linked to"
    );
    assert_eq!(
        p.of(0, Answer::Skipped, false),
        p.first,
        "unheard, not linked to"
    );
    assert_eq!(
        p.of(5, Answer::Heard, true),
        p.first,
        "heard before: judged by its answers"
    );
    let restored = Taste::restore(&t.parts(), 200.0, 8)?;
    assert_eq!(restored.priors(), p);
    Ok(())
}

#[test]
fn picks_heed_a_row_as_far_as_it_served_after_a_track_answered_alike() -> Outcome {
    let mut t = Taste::new(200.0, 8);
    // Track 1 heard out, track 2 skipped: each the source of picks, on its row and off it.
    t.record(START, 1, Answer::Heard, Replay::First);
    t.record(START, 2, Answer::Skipped, Replay::First);
    assert_eq!((t.heed_row(1), t.heed_row(2)), (1.0, 1.0), "no answers yet");
    for _ in 0..30 {
        // After the skip, the row leads to more skips and the picks off it are heard out.
        t.record_along_row(2, Answer::Skipped, true);
        t.record_along_row(2, Answer::Heard, false);
        // After the listen, the row serves as well as the rest.
        t.record_along_row(1, Answer::Heard, true);
        t.record_along_row(1, Answer::Heard, false);
    }
    assert_eq!((t.heed_row(1), t.heed_row(2)), (1.0, 0.0));
    // Answers after the start node, or a track never played, teach nothing of rows.
    let parts = t.parts().follow;
    t.record_along_row(START, Answer::Skipped, true);
    t.record_along_row(99, Answer::Skipped, true);
    assert_eq!(t.parts().follow, parts);
    assert_eq!(t.heed_row(START), 1.0);
    // Once track 2 is heard out, picks after it heed its row as after any listen.
    t.record(START, 2, Answer::Heard, Replay::After(3));
    assert_eq!(t.heed_row(2), 1.0);
    let restored = Taste::restore(&t.parts(), 200.0, 8)?;
    assert_eq!(restored.parts().follow, t.parts().follow);
    let mut bad = t.parts();
    bad.follow[5].skipped = -1.0;
    assert_eq!(Taste::restore(&bad, 200.0, 8).err(), Some("follow"));
    Ok(())
}

#[test]
fn the_start_nodes_row_is_faded_saved_and_forgotten_as_any_other() -> Outcome {
    use crate::model::START;
    let mut t = Taste::new(50.0, 8);
    for (from, to) in [(START, 2), (START, 1), (1, 2), (2, 1), (START, 3)] {
        t.record(from, to, Answer::Heard, Replay::First);
    }
    let targets = |t: &Taste, from| -> Vec<TrackId> {
        t.transitions_from(from).iter().map(|(to, _)| *to).collect()
    };
    let pairs = |t: &Taste| -> Vec<(TrackId, TrackId)> {
        t.parts()
            .transitions
            .iter()
            .map(|(f, to, _)| (*f, *to))
            .collect()
    };
    assert_eq!(targets(&t, START), [1, 2, 3]);
    assert_eq!(pairs(&t), [(0, 1), (0, 2), (0, 3), (1, 2), (2, 1)]);
    assert_eq!(Taste::restore(&t.parts(), 50.0, 8)?, t);

    let heard = t.transition(START, 1).heard;
    t.fade_items(KEPT_AFTER_CHANGE);
    assert!((t.transition(START, 1).heard - heard * KEPT_AFTER_CHANGE).abs() < 1e-12);

    // Forgetting 2 takes its own row, and the rows of 1 (left empty) and the start node.
    t.forget(2);
    assert_eq!(targets(&t, START), [1, 3]);
    assert_eq!(pairs(&t), [(0, 1), (0, 3)]);
    t.forget(START);
    assert_eq!(pairs(&t), []);
    Ok(())
}

#[test]
fn exploration_eases_once_enough_tracks_were_heard_out() {
    let mut t = Taste::new(200.0, 8);
    assert_eq!(t.heard_tracks(), 0);
    for id in 1..=40 {
        t.note_play(id, u64::from(id));
        t.record(0, id, Answer::Heard, Replay::First);
    }
    assert_eq!(t.heard_tracks(), 40);
    for id in 41..=50 {
        t.record(0, id, Answer::Skipped, Replay::First);
    }
    assert_eq!(t.heard_tracks(), 40, "skips are not heard out");
}

#[test]
fn the_tracks_heard_out_are_counted_as_the_ring_keeps_them() -> Outcome {
    let mut t = Taste::new(200.0, 8);
    for id in 1..=300 {
        t.record(0, id, Answer::Heard, Replay::First);
    }
    assert_eq!(t.heard_tracks(), 256, "the ring keeps the last 256 answers");
    t.record(0, 300, Answer::Heard, Replay::After(1));
    assert_eq!(
        t.heard_tracks(),
        255,
        "track 45 left the ring, 300 was in it"
    );
    t.record(0, 299, Answer::Skipped, Replay::After(3));
    assert_eq!(t.heard_tracks(), 255, "a skip leaves the ring as it is");
    t.forget(300);
    assert_eq!(t.heard_tracks(), 254);
    let restored = Taste::restore(&t.parts(), 200.0, 8)?;
    assert_eq!(
        restored.heard_tracks(),
        254,
        "counted again from the saved ring"
    );
    assert_eq!(restored, t);
    t.clear_rings();
    assert_eq!(t.heard_tracks(), 0);
    t.record(0, 299, Answer::Heard, Replay::After(5));
    assert_eq!(
        t.heard_tracks(),
        1,
        "no count left behind by the cleared ring"
    );
    Ok(())
}
