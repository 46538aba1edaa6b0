use super::TrackId;

/// Where the listener is: what played before (back), what plays now (current), and what they
/// stepped back over (forward).
///
/// Going back or forward freezes learning, since the listener is revisiting rather than
/// choosing; a newly generated next track thaws it.
#[derive(Clone, Debug)]
pub struct PlaybackChain {
    /// Oldest first. A plain vector: dropping the oldest when full is a short memmove of at
    /// most `history_limit` ids, and it weighs less in the wasm than a ring buffer.
    back: Vec<TrackId>,
    current: Option<TrackId>,
    forward: Vec<TrackId>,
    learning_frozen: bool,
    history_limit: usize,
    /// The current track was removed (deleted) while playing: it plays on, but when the
    /// listener moves away from it, it goes onto neither stack, or a deleted track would come
    /// back through back() or forward().
    current_removed: bool,
}

/// Equal when they hold the same stacks (whatever stale entries `back` still carries).
impl PartialEq for PlaybackChain {
    fn eq(&self, other: &Self) -> bool {
        self.live_back() == other.live_back()
            && self.current == other.current
            && self.forward == other.forward
            && self.learning_frozen == other.learning_frozen
            && self.history_limit == other.history_limit
            && self.current_removed == other.current_removed
    }
}

impl PlaybackChain {
    /// An empty chain whose back stack keeps at most `history_limit` tracks.
    pub fn new(history_limit: usize) -> Self {
        Self {
            back: Vec::new(),
            current: None,
            forward: Vec::new(),
            learning_frozen: false,
            history_limit,
            current_removed: false,
        }
    }

    /// A newly generated track: current goes onto the back stack, `id` becomes current, the
    /// forward stack is cleared and learning thaws.
    pub fn next(&mut self, id: TrackId) {
        if let Some(current) = self.leave_current(id) {
            self.push_back(current);
        }
        self.forward.clear();
        self.learning_frozen = false;
    }

    /// Makes `id` current and returns the track left, unless that one was removed.
    fn leave_current(&mut self, id: TrackId) -> Option<TrackId> {
        let left = self.current.replace(id);
        if std::mem::take(&mut self.current_removed) {
            None
        } else {
            left
        }
    }

    /// The back stack is the last `history_limit` entries of `back`: older ones are dropped
    /// in bulk once there are as many again, so a play costs O(1), not a shift of the stack.
    fn push_back(&mut self, id: TrackId) {
        self.back.push(id);
        if self.back.len() >= self.history_limit.saturating_mul(2).max(1) {
            let excess = self.back.len().saturating_sub(self.history_limit);
            self.back.drain(..excess);
        }
    }

    /// Drops the entries older than the back stack, before anything that shortens `back`
    /// could bring them back into view.
    fn compact(&mut self) {
        let excess = self.back.len().saturating_sub(self.history_limit);
        self.back.drain(..excess);
    }

    fn live_back(&self) -> &[TrackId] {
        self.back
            .get(self.back.len().saturating_sub(self.history_limit)..)
            .unwrap_or_default()
    }

    /// Steps back: `None` when nothing plays or nothing is behind. Freezes learning.
    pub fn back(&mut self) -> Option<TrackId> {
        self.current?;
        self.compact();
        let previous = self.back.pop()?;
        if let Some(current) = self.leave_current(previous) {
            self.forward.push(current);
        }
        self.learning_frozen = true;
        Some(previous)
    }

    /// Steps forward again: `None` when the forward stack is empty. Freezes learning.
    pub fn forward(&mut self) -> Option<TrackId> {
        let next = self.forward.pop()?;
        if let Some(current) = self.leave_current(next) {
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
        self.live_back().iter().copied()
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

    /// True when the current track was deleted while playing (it goes onto neither stack).
    pub fn current_removed(&self) -> bool {
        self.current_removed
    }

    /// A chain rebuilt from saved parts (see [`crate::engine::Snapshot`]). The back stack is
    /// cut to `history_limit`, oldest first, as [`PlaybackChain::next`] would have.
    pub fn restore(
        history_limit: usize,
        back: Vec<TrackId>,
        current: Option<TrackId>,
        forward: Vec<TrackId>,
        learning_frozen: bool,
        current_removed: bool,
    ) -> Self {
        let mut back = back;
        let excess = back.len().saturating_sub(history_limit);
        back.drain(..excess);
        Self {
            back,
            current,
            forward,
            learning_frozen,
            history_limit,
            current_removed: current_removed && current.is_some(),
        }
    }

    /// Removes a forgotten track from both stacks; if it is playing it stays current until the
    /// next move, and then goes onto neither stack.
    pub fn remove(&mut self, id: TrackId) {
        self.compact();
        self.back.retain(|t| *t != id);
        self.forward.retain(|t| *t != id);
        if self.current == Some(id) {
            self.current_removed = true;
        }
    }
}
