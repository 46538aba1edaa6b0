use std::collections::VecDeque;

use super::TrackId;

/// Where the listener is: what played before (back), what plays now (current), and what they
/// stepped back over (forward).
///
/// Going back or forward freezes learning, since the listener is revisiting rather than
/// choosing; a newly generated next track thaws it.
#[derive(Clone, Debug, PartialEq)]
pub struct PlaybackChain {
    back: VecDeque<TrackId>,
    current: Option<TrackId>,
    forward: Vec<TrackId>,
    learning_frozen: bool,
    history_limit: usize,
}

impl PlaybackChain {
    /// An empty chain whose back stack keeps at most `history_limit` tracks.
    pub fn new(history_limit: usize) -> Self {
        Self {
            back: VecDeque::new(),
            current: None,
            forward: Vec::new(),
            learning_frozen: false,
            history_limit,
        }
    }

    /// A newly generated track: current goes onto the back stack, `id` becomes current, the
    /// forward stack is cleared and learning thaws.
    pub fn next(&mut self, id: TrackId) {
        if let Some(current) = self.current.replace(id) {
            self.push_back(current);
        }
        self.forward.clear();
        self.learning_frozen = false;
    }

    fn push_back(&mut self, id: TrackId) {
        self.back.push_back(id);
        while self.back.len() > self.history_limit {
            self.back.pop_front();
        }
    }

    /// Steps back: `None` when nothing plays or nothing is behind. Freezes learning.
    pub fn back(&mut self) -> Option<TrackId> {
        let current = self.current?;
        let previous = self.back.pop_back()?;
        self.forward.push(current);
        self.current = Some(previous);
        self.learning_frozen = true;
        Some(previous)
    }

    /// Steps forward again: `None` when the forward stack is empty. Freezes learning.
    pub fn forward(&mut self) -> Option<TrackId> {
        let next = self.forward.pop()?;
        if let Some(current) = self.current.replace(next) {
            self.push_back(current);
        }
        self.learning_frozen = true;
        Some(next)
    }

    pub fn current(&self) -> Option<TrackId> {
        self.current
    }

    /// Oldest first; the last element is the track before the current one.
    pub fn back_stack(&self) -> impl ExactSizeIterator<Item = TrackId> + '_ {
        self.back.iter().copied()
    }

    /// Bottom first; the last element is the track `forward()` returns next.
    pub fn forward_stack(&self) -> &[TrackId] {
        &self.forward
    }

    pub fn learning_frozen(&self) -> bool {
        self.learning_frozen
    }

    pub fn history_limit(&self) -> usize {
        self.history_limit
    }

    /// Removes a forgotten track from both stacks; if it is playing it stays current until the
    /// next play.
    pub fn remove(&mut self, id: TrackId) {
        self.back.retain(|t| *t != id);
        self.forward.retain(|t| *t != id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_pushes_current_and_clears_forward() {
        let mut c = PlaybackChain::new(10);
        c.next(1);
        c.next(2);
        c.next(3);
        assert_eq!(c.back(), Some(2));
        assert_eq!(c.forward_stack(), &[3]);
        c.next(4);
        assert_eq!(c.back_stack().collect::<Vec<_>>(), vec![1, 2]);
        assert_eq!(c.current(), Some(4));
        assert!(c.forward_stack().is_empty());
        assert!(!c.learning_frozen());
    }

    #[test]
    fn back_fails_without_current_or_history() {
        let mut c = PlaybackChain::new(10);
        assert_eq!(c.back(), None);
        c.next(1);
        assert_eq!(c.back(), None);
        assert!(!c.learning_frozen());
    }

    #[test]
    fn back_and_forward_freeze_and_next_thaws() {
        let mut c = PlaybackChain::new(10);
        c.next(1);
        c.next(2);
        assert_eq!(c.back(), Some(1));
        assert!(c.learning_frozen());
        assert_eq!(c.forward(), Some(2));
        assert!(c.learning_frozen());
        assert_eq!(c.forward(), None);
        c.next(5);
        assert!(!c.learning_frozen());
    }

    #[test]
    fn history_limit_drops_the_oldest() {
        let mut c = PlaybackChain::new(3);
        for id in 1..=6 {
            c.next(id);
        }
        assert_eq!(c.back_stack().collect::<Vec<_>>(), vec![3, 4, 5]);
    }

    #[test]
    fn remove_keeps_current() {
        let mut c = PlaybackChain::new(10);
        c.next(1);
        c.next(2);
        c.next(1);
        c.remove(1);
        assert_eq!(c.back_stack().collect::<Vec<_>>(), vec![2]);
        assert_eq!(c.current(), Some(1));
    }
}
