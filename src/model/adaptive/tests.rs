//! The adaptive pick's unit tests (compiled for `cargo test` only). Their graphs are built
//! with `?`: a test that cannot build its fixed catalogue fails with the model's error.

use super::*;
use crate::model::taste::tests::change::changed_taste;
use crate::model::taste::Replay;
use crate::model::{BaseGraph, ModelError};

#[test]
fn exploration_falls_from_full_to_its_least_as_tracks_are_heard_out() {
    let mut taste = Taste::new(200.0, 8);
    // Before any replay, the starting guess: replays fully welcome from twice the window on.
    assert_eq!((taste.window(), taste.horizon()), (8, 16));
    assert_eq!(need_to_explore(&taste, 0.0), 1.0, "nothing heard out yet");
    let hear = |taste: &mut Taste, ids: std::ops::RangeInclusive<TrackId>| {
        for id in ids {
            taste.record(START, id, Answer::Heard, Replay::First);
        }
    };
    hear(&mut taste, 1..=8);
    assert_eq!(
        need_to_explore(&taste, 0.0),
        0.75,
        "8 tracks of twice the 16-play wait"
    );
    hear(&mut taste, 1..=8);
    assert_eq!(
        need_to_explore(&taste, 0.0),
        0.75,
        "tracks count, not answers"
    );
    assert_eq!(
        need_to_explore(&taste, 1.0),
        0.5,
        "with the affinities heeded, the wait is the window"
    );
    hear(&mut taste, 9..=32);
    assert_eq!(
        need_to_explore(&taste, 0.0),
        LEAST_EXPLORATION,
        "twice the wait"
    );
    hear(&mut taste, 33..=60);
    assert_eq!(
        need_to_explore(&taste, 0.0),
        LEAST_EXPLORATION,
        "never less"
    );
}

#[test]
fn the_wait_is_at_most_eight_windows() {
    let mut taste = Taste::new(500.0, 8);
    // Twelve tracks heard out and replayed at gaps of 8 to 600 plays, a share 4 / gap of the
    // replays skipped: a tolerance that fades, whose horizon lies past eight windows.
    for round in 0..50 {
        for (k, gap) in [8, 12, 16, 24, 32, 48, 64, 96, 128, 200, 300, 600]
            .into_iter()
            .enumerate()
        {
            let id = 1 + (round * 12 + k as TrackId) % 12;
            let skipped = round < 50 * 4 / gap as TrackId;
            let answer = if skipped {
                Answer::Skipped
            } else {
                Answer::Heard
            };
            taste.record(START, id, Answer::Heard, Replay::First);
            taste.record(START, id, answer, Replay::After(gap));
        }
    }
    let (window, horizon) = (taste.window() as f64, taste.horizon() as f64);
    assert!(horizon > 8.0 * window, "horizon {horizon}, window {window}");
    assert_eq!(taste.heard_tracks(), 12);
    let need = need_to_explore(&taste, 0.0);
    assert_eq!(need, 1.0 - 12.0 / (2.0 * 8.0 * window));
    assert!(
        need < 1.0 - 12.0 / (2.0 * horizon),
        "the horizon itself would ask for more"
    );
}

#[test]
fn tracks_skipped_before_a_change_are_drawn_for_a_while_after_it() -> Result<(), ModelError> {
    let (taste, mut recency) = changed_taste();
    let mut base = BaseGraph::new();
    for id in 1..=200 {
        base.reinforce(START, id, 1.0)?;
    }
    let build = RuntimeGraph::new(base, 1, "test", 0.0);
    // From the start row, with both rings empty since the change, a pick gathers the draws
    // of tracks skipped before the change first, then the catalogue's.
    let first_gathered = |recency: &Recency, seed: u64| {
        let mut scratch = Vec::new();
        let g = gather(
            &build,
            START,
            &taste,
            recency,
            &mut Rng::new(seed),
            &mut scratch,
        );
        scratch.get(..g.len).and_then(|c| c.first()).map(|c| c.id)
    };
    let played_before = |id: Option<TrackId>| id.is_some_and(|id| id <= 20);
    assert!((0..50).all(|seed| played_before(first_gathered(&recency, seed))));
    // 500 plays later (of a track outside the catalogue), only the catalogue's draws are
    // left: a track played before the change comes first about once in ten.
    for _ in 0..=gather::STALE_PLAYS {
        recency.record(1_000);
    }
    let before = (0..50)
        .filter(|seed| played_before(first_gathered(&recency, *seed)))
        .count();
    assert!(before < 20, "{before} of 50");
    Ok(())
}

/// How many of 200 picks' gathered candidates (from the start row, nothing heard) hold `id`.
fn gathered_with(build: &RuntimeGraph, taste: &Taste, recency: &Recency, id: TrackId) -> usize {
    (0..200)
        .filter(|seed| {
            let mut scratch = Vec::new();
            let mut rng = Rng::new(*seed);
            let g = gather(build, START, taste, recency, &mut rng, &mut scratch);
            scratch
                .get(..g.len)
                .is_some_and(|c| c.iter().any(|c| c.id == id))
        })
        .count()
}

#[test]
fn the_start_rows_weights_lead_exploration_to_unheard_popular_tracks() -> Result<(), ModelError> {
    // 1 000 tracks of weight 1, and track 7 with the weight of all the others together.
    let mut base = BaseGraph::new();
    for id in 1..=1_000 {
        let weight = if id == 7 { 1_000.0 } else { 1.0 };
        base.reinforce(START, id, weight)?;
    }
    let build = RuntimeGraph::new(base, 1, "test", 0.0);
    let (mut taste, mut recency) = (Taste::new(200.0, 8), Recency::new());
    // Unheard, it is among the candidates of most picks (two weighted draws, each a half).
    let unheard = gathered_with(&build, &taste, &recency, 7);
    assert!(unheard > 120, "{unheard} of 200");
    // Played (and skipped) once, the weighted draws pass it over: uniform draws only.
    recency.record(7);
    taste.note_play(7, recency.plays());
    taste.record(START, 7, Answer::Skipped, Replay::First);
    let played = gathered_with(&build, &taste, &recency, 7);
    assert!(played < 10, "{played} of 200");
    Ok(())
}

#[test]
fn an_unheard_track_the_row_links_to_is_judged_by_how_such_links_were_answered(
) -> Result<(), ModelError> {
    // 40 tracks; track 1 links to 2 (an app's link, say to the same genre).
    let mut base = BaseGraph::new();
    for id in 1..=40 {
        base.reinforce(START, id, 1.0)?;
    }
    base.reinforce(1, 2, 1.0)?;
    let build = RuntimeGraph::new(base, 1, "test", 0.0);
    let recency = Recency::new();
    let config = AdaptiveConfig { exploration: 1.0 };
    // The worth of track 2 after track 1, and that of an unheard track off the row (the
    // catalogue's draws over 20 picks).
    let worths = |taste: &Taste| {
        let (mut linked, mut other) = (0.0, 0.0_f64);
        for seed in 0..20 {
            let mut scratch = Vec::new();
            let mut rng = Rng::new(seed);
            let g = gather(&build, 1, taste, &recency, &mut rng, &mut scratch);
            score(&g, taste, &recency, config, &scratch, |i, s| {
                if s.id == 2 {
                    linked = s.worth;
                } else if i >= g.row_len && s.track.weight() == 0.0 {
                    other = other.max(s.worth);
                }
            });
        }
        assert!(other > 0.0, "an unheard track off the row was gathered");
        (linked, other)
    };
    // First plays drawn from the catalogue mostly skipped: every unheard track alike.
    let mut taste = Taste::new(200.0, 8);
    for id in 3..=22 {
        let a = if id % 5 == 0 {
            Answer::Heard
        } else {
            Answer::Skipped
        };
        taste.record(START, id, a, Replay::First);
    }
    let (linked, other) = worths(&taste);
    // The row's share (1 + 1) is all that sets the link apart.
    assert!((linked - 2.0 * other).abs() < 1e-9, "{linked} {other}");
    // Ten first plays along links, heard out: beyond its share, the link's own hope of being
    // heard out is well above an unheard track's (capped at 1).
    for id in 23..=32 {
        taste.record_first_along_link(1, id, Answer::Heard);
    }
    let (linked, other) = worths(&taste);
    assert!(linked / 2.0 > 1.3 * other, "{linked} {other}");
    Ok(())
}

#[test]
fn picks_draw_wide_and_teach_neither_way_for_a_while_after_a_change_of_taste() {
    let (mut taste, mut recency) = changed_taste();
    // Before it, picks drawn narrow were heard out and picks drawn wide skipped.
    for _ in 0..50 {
        taste.answer_breadth(Breadth::Narrow, Answer::Heard);
        taste.answer_breadth(Breadth::Wide, Answer::Skipped);
    }
    let narrow = |recency: &Recency| {
        let ways: Vec<_> = (0..100)
            .map(|seed| choose_way(&taste, recency.plays(), &mut Rng::new(seed)))
            .collect();
        assert!(ways.iter().all(Option::is_some) || ways.iter().all(Option::is_none));
        ways.iter().filter(|w| **w == Some(Breadth::Narrow)).count()
    };
    // While the policy looks for new favourites, no way is chosen: every pick draws wide.
    assert_eq!(choose_way(&taste, recency.plays(), &mut Rng::new(1)), None);
    assert_eq!(narrow(&recency), 0);
    // Past that, the answers choose again: narrow, but for the random draws.
    for _ in 0..=STALE_PLAYS {
        recency.record(1_000);
    }
    assert!(narrow(&recency) > 90, "{}", narrow(&recency));
}
