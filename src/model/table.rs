//! A map from a non-zero integer key to a small value, by open addressing: the table a pick
//! looks a candidate up in some twenty times (keyed by track), and the one a lesson looks its
//! edge up in (keyed by edge). A lookup is one multiplication, one or two probes and no call,
//! and reads one slot (the key is kept in the value, so a slot is no larger than the value).
//! Key 0 (the start node; the edge from it to itself) marks an empty slot.
//!
//! It is the crate's only hash table (the recency record, the taste's transitions and a bulk
//! load's sums over the start row use it too), so the wasm carries no second one (std's
//! `HashMap`, that is hashbrown).

use crate::model::TrackId;

/// Slots are at most this full (numerator over 8): probes stay short.
const MAX_LOAD_EIGHTHS: usize = 5;
/// The smallest table, in bits of the slot count.
const MIN_BITS: u32 = 4;

/// A key: an integer whose 0 is never a key.
pub(crate) trait Key: Copy + Eq + Default {
    /// Fibonacci hashing: the top `bits` bits of the key times 2^width / golden ratio.
    fn home(self, bits: u32) -> usize;
}

impl Key for TrackId {
    #[inline(always)]
    fn home(self, bits: u32) -> usize {
        (self.wrapping_mul(0x9E37_79B9) >> (32 - bits)) as usize
    }
}

impl Key for u64 {
    #[inline(always)]
    fn home(self, bits: u32) -> usize {
        (self.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - bits)) as usize
    }
}

/// A value that carries its own key (0 while its slot is empty).
pub(crate) trait Keyed: Default {
    type Key: Key;
    fn key(&self) -> Self::Key;
    fn set_key(&mut self, key: Self::Key);
}

/// Implements [`Keyed`] for a slot type whose key is one of its fields:
/// `keyed_by!(Slot, key: u64)`.
macro_rules! keyed_by {
    ($slot:ty, $field:tt: $key:ty) => {
        impl $crate::model::table::Keyed for $slot {
            type Key = $key;

            #[inline(always)]
            fn key(&self) -> $key {
                self.$field
            }

            #[inline(always)]
            fn set_key(&mut self, key: $key) {
                self.$field = key;
            }
        }
    };
}
pub(crate) use keyed_by;

/// An open-addressing (linear probing) map keyed by non-zero keys.
#[derive(Clone, Debug)]
pub(crate) struct IdTable<V> {
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

/// Equal when they hold the same entries, whatever their slots (two tables that took the
/// same entries in another order, or with removals between, place them differently).
impl<V: Keyed + PartialEq> PartialEq for IdTable<V> {
    fn eq(&self, other: &Self) -> bool {
        self.len == other.len && self.iter().all(|v| other.get(v.key()) == Some(v))
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

    #[inline(always)]
    fn home(&self, key: V::Key) -> usize {
        key.home(self.bits)
    }

    #[inline(always)]
    fn mask(&self) -> usize {
        self.slots.len() - 1
    }

    /// The slot holding `key`, or the empty slot where it would go.
    #[inline(always)]
    fn find(&self, key: V::Key) -> (usize, bool) {
        let mask = self.mask();
        let mut at = self.home(key);
        // The table is never full, so an empty slot ends every probe.
        while let Some(slot) = self.slots.get(at) {
            let k = slot.key();
            if k == key {
                return (at, true);
            }
            if k == V::Key::default() {
                return (at, false);
            }
            at = (at + 1) & mask;
        }
        (at, false)
    }

    #[inline(always)]
    pub(crate) fn get(&self, key: V::Key) -> Option<&V> {
        if key == V::Key::default() {
            return None;
        }
        match self.find(key) {
            (at, true) => self.slots.get(at),
            _ => None,
        }
    }

    #[inline(always)]
    pub(crate) fn get_mut(&mut self, key: V::Key) -> Option<&mut V> {
        if key == V::Key::default() {
            return None;
        }
        match self.find(key) {
            (at, true) => self.slots.get_mut(at),
            _ => None,
        }
    }

    pub(crate) fn contains_key(&self, key: V::Key) -> bool {
        self.get(key).is_some()
    }

    /// The value of `key`, inserted as the default when absent; `None` for key 0 only.
    pub(crate) fn entry(&mut self, key: V::Key) -> Option<&mut V> {
        self.upsert(key).map(|(v, _)| v)
    }

    /// [`IdTable::entry`], and whether the value was inserted now.
    #[inline(always)]
    pub(crate) fn upsert(&mut self, key: V::Key) -> Option<(&mut V, bool)> {
        if key == V::Key::default() {
            return None;
        }
        let (mut at, found) = self.find(key);
        if !found {
            if (self.len + 1) * 8 > self.slots.len() * MAX_LOAD_EIGHTHS {
                self.grow();
                at = self.find(key).0;
            }
            if let Some(slot) = self.slots.get_mut(at) {
                slot.set_key(key);
                self.len += 1;
            }
        }
        self.slots.get_mut(at).map(|v| (v, !found))
    }

    /// Inserts `value` under its own key (0: nothing is inserted).
    pub(crate) fn insert(&mut self, value: V) {
        if let Some(slot) = self.entry(value.key()) {
            *slot = value;
        }
    }

    fn grow(&mut self) {
        let old = std::mem::replace(self, Self::with_bits(self.bits + 1));
        for v in old.slots {
            if v.key() != V::Key::default() {
                self.insert(v);
            }
        }
    }

    /// Keeps only the entries for which `keep` (which may change them) returns true: one scan
    /// of the slots, then the others removed in place (no new table: forgetting a track calls
    /// this on the taste's transitions, and seldom removes a row).
    pub(crate) fn retain(&mut self, mut keep: impl FnMut(&mut V) -> bool) {
        let mut gone = Vec::new();
        for v in self.values_mut() {
            if !keep(v) {
                gone.push(v.key());
            }
        }
        for key in gone {
            self.remove(key);
        }
    }

    /// Removes `key`; the entries after it in its probe run move back so that no probe stops
    /// early at the hole (backward-shift deletion).
    pub(crate) fn remove(&mut self, key: V::Key) -> Option<V> {
        let empty = V::Key::default();
        if key == empty {
            return None;
        }
        let (mut hole, true) = self.find(key) else {
            return None;
        };
        let removed = self.slots.get_mut(hole).map(std::mem::take);
        let mask = self.mask();
        let mut next = (hole + 1) & mask;
        loop {
            let k = self.slots.get(next).map_or(empty, V::key);
            if k == empty {
                break;
            }
            // The entry at `next` may fill the hole unless its home lies after the hole
            // (cyclically, within the run from the hole to it).
            let home = self.home(k);
            if (next.wrapping_sub(home) & mask) >= (next.wrapping_sub(hole) & mask) {
                self.slots.swap(hole, next);
                hole = next;
            }
            next = (next + 1) & mask;
        }
        self.len -= 1;
        removed
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The entries, in slot order, which depends on the order of insertion (callers that
    /// need an order sort them).
    pub(crate) fn iter(&self) -> impl Iterator<Item = &V> + '_ {
        self.slots.iter().filter(|v| v.key() != V::Key::default())
    }

    /// The keys, in slot order (see [`IdTable::iter`]).
    pub(crate) fn keys(&self) -> impl Iterator<Item = V::Key> + '_ {
        self.iter().map(V::key)
    }

    pub(crate) fn values_mut(&mut self) -> impl Iterator<Item = &mut V> + '_ {
        self.slots
            .iter_mut()
            .filter(|v| v.key() != V::Key::default())
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

    keyed_by!(Entry, 0: TrackId);

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

    /// The entries in key order, whatever the slots.
    fn sorted(table: &IdTable<Entry>) -> Vec<(TrackId, u64)> {
        let mut v: Vec<_> = table.iter().map(|e| (e.0, e.1)).collect();
        v.sort_unstable();
        v
    }

    #[test]
    fn retain_iter_and_equality_agree_with_a_btree_map() {
        let mut rng = Rng::new(7);
        let mut table: IdTable<Entry> = IdTable::default();
        let mut model = BTreeMap::new();
        for step in 0..5_000u64 {
            let id = 1 + rng.below(200) as TrackId;
            table.insert(Entry(id, step));
            model.insert(id, step);
            if rng.below(50) == 0 {
                // Keeps a third, and changes what it keeps, as the taste's rows are.
                let third = rng.below(3) as u64;
                table.retain(|e| {
                    e.1 += 1;
                    u64::from(e.0) % 3 == third
                });
                model.retain(|id, at| {
                    *at += 1;
                    u64::from(*id) % 3 == third
                });
            }
            assert_eq!(table.len(), model.len());
            let want: Vec<_> = model.iter().map(|(id, at)| (*id, *at)).collect();
            assert_eq!(sorted(&table), want);
            // Every entry is still found: no probe run was cut by a removal.
            for (id, at) in &want {
                assert_eq!(table.get(*id).map(|e| e.1), Some(*at));
            }
            // The same entries inserted in the other order sit in other slots, and are equal.
            let mut reversed: IdTable<Entry> = IdTable::default();
            for (id, at) in want.iter().rev() {
                reversed.insert(Entry(*id, *at));
            }
            assert!(reversed == table);
            if let Some((id, _)) = want.first() {
                reversed.insert(Entry(*id, u64::MAX));
                assert!(reversed != table);
            }
        }
    }
}
