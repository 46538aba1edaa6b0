//! The repeat window learned from the answers to replays.

use super::*;

#[test]
fn skipped_replays_widen_the_window_and_heard_ones_narrow_it() {
    let mut t = Taste::new(1000.0, 8);
    assert_eq!(t.window(), 8);
    for id in 1..=20 {
        t.record(0, id, Answer::Heard, Replay::First);
        t.record(0, id, Answer::Heard, Replay::First);
    }
    for _ in 0..10 {
        for id in 1..=20 {
            t.record(0, id, Answer::Skipped, Replay::After(20));
        }
    }
    assert!(t.window() > 20, "{}", t.window());
    let mut t = Taste::new(1000.0, 8);
    for _ in 0..10 {
        for id in 1..=20 {
            t.record(0, id, Answer::Heard, Replay::After(3));
        }
    }
    assert!(t.window() <= 3, "{}", t.window());
}

/// Answers `heard` replays heard out and `skipped` skipped, after `gap` plays.
fn answer_gaps(gaps: &mut Gaps, gap: u64, heard: usize, skipped: usize) {
    for _ in 0..heard {
        gaps.answer(gap, 1.0);
    }
    for _ in 0..skipped {
        gaps.answer(gap, 0.0);
    }
}

#[test]
fn replays_skipped_as_often_at_every_gap_do_not_widen_the_window() {
    // Heard out 40 % of the time at every gap: the listener's liking, not the gap.
    let mut gaps = Gaps::new(1000.0, 8);
    for gap in [3, 20, 100, 400] {
        answer_gaps(&mut gaps, gap, 10, 15);
    }
    assert!(gaps.window() <= 8, "{}", gaps.window());
    // The same listener, with replays after 3 plays welcome a fifth as often: too soon.
    let mut gaps = Gaps::new(1000.0, 8);
    answer_gaps(&mut gaps, 3, 2, 23);
    for gap in [20, 100, 400] {
        answer_gaps(&mut gaps, gap, 10, 15);
    }
    assert!((4..=20).contains(&gaps.window()), "{}", gaps.window());
}

#[test]
fn gaps_answered_inside_the_window_are_judged_by_their_answers_not_the_first_guess() {
    // A strict listener: every replay within 40 plays skipped, every one after it heard out.
    // Replays at the gaps 33 to 41 (the few known favourites cycling), two skips each; the
    // gaps below were never tried, so only the starting guess speaks for them.
    let mut gaps = Gaps::new(1000.0, 8);
    for gap in 33..=41 {
        answer_gaps(&mut gaps, gap, 0, 2);
    }
    for gap in [45, 60, 90, 150] {
        answer_gaps(&mut gaps, gap, 5, 0);
    }
    assert!(gaps.window() > 40, "{}", gaps.window());
    // A replay after 35 plays is as good as a skip: an unheard track liked one time in ten
    // must outrank a favourite replayed there. (With the starting guess weighing 0.3 answers a
    // bucket, the untried gaps 16 to 32, guessed welcome, pulled it up to 0.23.)
    let welcome = gaps.factor(35);
    assert!(welcome < 0.1, "{welcome}");
}
