//! After a change of taste: the priors of the tracks not heard since, and the tracks skipped
//! before it drawn again. `changed_taste` is also the adaptive pick's fixture.

use super::*;
use crate::model::Recency;

/// No track skipped before a change of taste was there to draw.
const NONE_STALE: &str = "no track skipped before the change to draw";

/// Plays `id` and answers it `a`, with the play numbers and replay gaps as the engine keeps
/// them (its [`Recency`]).
fn answer(t: &mut Taste, plays: &mut Recency, id: TrackId, a: Answer) {
    let replay = plays
        .record(id)
        .map_or(Replay::First, |at| Replay::After(plays.plays() - at));
    t.note_play(id, plays.plays());
    t.record(START, id, a, replay);
}

/// Loves 1..=10 and dislikes 11..=20 for 200 plays (no change), then skips the favourites:
/// a change is noticed part-way, and the skips after it are answers about old favourites.
pub(crate) fn changed_taste() -> (Taste, Recency) {
    let mut t = Taste::new(200.0, 8);
    let mut l = Recency::new();
    for _ in 0..10 {
        for id in 1..=20 {
            let a = if id <= 10 {
                Answer::Heard
            } else {
                Answer::Skipped
            };
            answer(&mut t, &mut l, id, a);
        }
    }
    assert_eq!(t.changed_at, 0);
    let first = t.priors().first;
    assert_eq!(
        t.priors().of(5, Answer::Heard, false),
        first,
        "no change: one prior"
    );
    assert_eq!(
        t.draw_stale(&mut Rng::new(1)),
        None,
        "no change: no stale draw"
    );
    for id in 1..=10 {
        answer(&mut t, &mut l, id, Answer::Skipped);
    }
    assert!(t.changed_at > 200, "the change was noticed");
    (t, l)
}

#[test]
fn after_a_change_tracks_not_heard_since_take_the_prior_of_their_kind() -> Outcome {
    let (mut t, mut l) = changed_taste();
    let at = t.changed_at;
    let p = t.priors();
    assert!(
        p.of(1, Answer::Heard, false) < p.first,
        "an old favourite waits: {p:?}"
    );
    assert_eq!(
        p.of(1, Answer::Skipped, false),
        p.first,
        "nothing known yet of the old dislikes"
    );
    assert_eq!(
        p.of(at, Answer::Heard, false),
        p.first,
        "a track played since is judged as any"
    );
    // Old dislikes heard out now: the others get their turn. Each is judged on its answers
    // since the change alone.
    for id in 11..=13 {
        answer(&mut t, &mut l, id, Answer::Heard);
    }
    let p = t.priors();
    assert!(p.of(1, Answer::Skipped, false) > p.first, "{p:?}");
    let heard = t.track(11);
    assert!(heard.skipped == 0.0 && heard.heard > 0.0, "{heard:?}");
    // The change travels in the parts.
    let restored = Taste::restore(&t.parts(), 200.0, 8)?;
    assert_eq!(restored.priors(), t.priors());
    Ok(())
}

#[test]
fn after_a_change_the_tracks_skipped_before_it_are_drawn_until_played_again() -> Outcome {
    let (mut t, mut l) = changed_taste();
    // Drawn for a pick: the old dislikes, and the favourites skipped before the change was
    // noticed (at play `at`, the skip of favourite `at - 200`), not those skipped after it.
    let noticed = TrackId::try_from(t.changed_at - 200)?;
    let stale: Vec<TrackId> = (1..noticed).chain(11..=20).collect();
    assert!(t.stale_ids.get().is_none(), "found on the first draw");
    assert!(stale.contains(&t.draw_stale(&mut Rng::new(2)).ok_or(NONE_STALE)?));
    assert_eq!(t.stale_ids.get(), Some(&stale));
    for id in 11..=13 {
        answer(&mut t, &mut l, id, Answer::Heard);
    }
    let stale: Vec<TrackId> = (1..noticed).chain(14..=20).collect();
    assert_eq!(
        t.stale_ids.get(),
        Some(&stale),
        "played since: no longer drawn"
    );
    let mut rng = Rng::new(3);
    for _ in 0..50 {
        let id = t.draw_stale(&mut rng).ok_or(NONE_STALE)?;
        assert!(stale.contains(&id), "{id}");
    }
    // A memory restored from its parts and the plays draws the same.
    let mut restored = Taste::restore(&t.parts(), 200.0, 8)?;
    restored.note_plays(l.entries().into_iter());
    let mut rng = Rng::new(4);
    assert_eq!(
        restored.draw_stale(&mut rng.clone()),
        t.draw_stale(&mut rng)
    );
    assert_eq!(restored.stale_ids, t.stale_ids);
    t.forget(15);
    assert!(
        !stale_list(&t).contains(&15),
        "a forgotten track is not drawn"
    );
    Ok(())
}

fn stale_list(t: &Taste) -> Vec<TrackId> {
    t.stale_ids.get().cloned().unwrap_or_default()
}
