//! A map from track id to a small value, by open addressing: the table a pick looks a
//! candidate up in some twenty times, so a lookup is one multiplication, one or two probes and
//! no call, and reads one 32-byte slot (the id is kept in the value, so a slot is no larger
//! than the value). Id 0 (the start node, never an answered track) marks an empty slot.

use crate::model::TrackId;

/// Slots are at most this full (numerator over 8): probes stay short.
const MAX_LOAD_EIGHTHS: usize = 5;
/// The smallest table, in bits of the slot count.
const MIN_BITS: u32 = 4;

/// A value that carries its own key (0 while its slot is empty).
pub(super) trait Keyed: Default {
    fn key(&self) -> TrackId;
    fn set_key(&mut self, id: TrackId);
}

/// An open-addressing (linear probing) map keyed by non-zero track ids.
#[derive(Clone, Debug)]
pub(super) struct IdTable<V> {
    /// `1 << bits` slots; a slot whose key is 0 is empty.
    slots: Vec<V>,
    bits: u32,
    len: usize,
}

impl<V: Keyed> Default for IdTable<V> {
    fn default() -> Self {
        Self::with_bits(MIN_BITS)
    }
}

impl<V: Keyed> IdTable<V> {
    fn with_bits(bits: u32) -> Self {
        let mut slots = Vec::new();
        slots.resize_with(1 << bits, V::default);
        Self {
            slots,
            bits,
            len: 0,
        }
    }

    /// Fibonacci hashing: the top `bits` bits of the id times 2^32 / golden ratio.
    #[inline(always)]
    fn home(&self, id: TrackId) -> usize {
        (id.wrapping_mul(0x9E37_79B9) >> (32 - self.bits)) as usize
    }

    #[inline(always)]
    fn mask(&self) -> usize {
        self.slots.len() - 1
    }

    /// The slot holding `id`, or the empty slot where it would go.
    #[inline(always)]
    fn find(&self, id: TrackId) -> (usize, bool) {
        let mask = self.mask();
        let mut at = self.home(id);
        // The table is never full, so an empty slot ends every probe.
        while let Some(slot) = self.slots.get(at) {
            let key = slot.key();
            if key == id {
                return (at, true);
            }
            if key == 0 {
                return (at, false);
            }
            at = (at + 1) & mask;
        }
        (at, false)
    }

    #[inline(always)]
    pub(super) fn get(&self, id: TrackId) -> Option<&V> {
        if id == 0 {
            return None;
        }
        match self.find(id) {
            (at, true) => self.slots.get(at),
            _ => None,
        }
    }

    pub(super) fn contains_key(&self, id: TrackId) -> bool {
        self.get(id).is_some()
    }

    /// The value of `id`, inserted as the default when absent; `None` for id 0 only.
    pub(super) fn entry(&mut self, id: TrackId) -> Option<&mut V> {
        if id == 0 {
            return None;
        }
        let (mut at, found) = self.find(id);
        if !found {
            if (self.len + 1) * 8 > self.slots.len() * MAX_LOAD_EIGHTHS {
                self.grow();
                at = self.find(id).0;
            }
            if let Some(slot) = self.slots.get_mut(at) {
                slot.set_key(id);
                self.len += 1;
            }
        }
        self.slots.get_mut(at)
    }

    /// Inserts `value` under its own key (0: nothing is inserted).
    pub(super) fn insert(&mut self, value: V) {
        if let Some(slot) = self.entry(value.key()) {
            *slot = value;
        }
    }

    fn grow(&mut self) {
        let old = std::mem::replace(self, Self::with_bits(self.bits + 1));
        for v in old.slots.into_iter().filter(|v| v.key() != 0) {
            self.insert(v);
        }
    }

    /// Removes `id`; the entries after it in its probe run move back so that no probe stops
    /// early at the hole (backward-shift deletion).
    pub(super) fn remove(&mut self, id: TrackId) -> Option<V> {
        if id == 0 {
            return None;
        }
        let (mut hole, true) = self.find(id) else {
            return None;
        };
        let removed = self.slots.get_mut(hole).map(std::mem::take);
        let mask = self.mask();
        let mut next = (hole + 1) & mask;
        loop {
            let key = self.slots.get(next).map_or(0, V::key);
            if key == 0 {
                break;
            }
            // The entry at `next` may fill the hole unless its home lies after the hole
            // (cyclically, within the run from the hole to it).
            let home = self.home(key);
            if (next.wrapping_sub(home) & mask) >= (next.wrapping_sub(hole) & mask) {
                self.slots.swap(hole, next);
                hole = next;
            }
            next = (next + 1) & mask;
        }
        self.len -= 1;
        removed
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.len
    }

    pub(super) fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The ids, in slot order (callers that need an order sort them).
    pub(super) fn keys(&self) -> impl Iterator<Item = TrackId> + '_ {
        self.slots.iter().map(V::key).filter(|id| *id != 0)
    }

    pub(super) fn values_mut(&mut self) -> impl Iterator<Item = &mut V> + '_ {
        self.slots.iter_mut().filter(|v| v.key() != 0)
    }
}

// Tests only: their unwraps assert on fixed inputs; no caller input reaches them.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Rng;
    use std::collections::BTreeMap;

    #[derive(Clone, Copy, Debug, Default, PartialEq)]
    struct Entry(TrackId, u64);

    impl Keyed for Entry {
        fn key(&self) -> TrackId {
            self.0
        }
        fn set_key(&mut self, id: TrackId) {
            self.0 = id;
        }
    }

    #[test]
    fn agrees_with_a_btree_map_through_inserts_and_removals() {
        let mut rng = Rng::new(5);
        let mut table: IdTable<Entry> = IdTable::default();
        let mut model = BTreeMap::new();
        for step in 0..20_000u64 {
            let id = rng.below(300) as TrackId;
            match rng.below(3) {
                0 | 1 => {
                    table.insert(Entry(id, step));
                    if id != 0 {
                        model.insert(id, step);
                    }
                }
                _ => assert_eq!(table.remove(id).map(|e| e.1), model.remove(&id)),
            }
            assert_eq!(table.len(), model.len());
            let probe = rng.below(300) as TrackId;
            assert_eq!(table.get(probe).map(|e| e.1), model.get(&probe).copied());
        }
        let mut keys: Vec<_> = table.keys().collect();
        keys.sort_unstable();
        assert_eq!(keys, model.keys().copied().collect::<Vec<_>>());
    }
}
