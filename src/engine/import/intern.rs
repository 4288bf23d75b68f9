//! Byte strings (customer keys, order numbers) mapped to dense `u32` values.
//!
//! A million-line file has hundreds of thousands of order numbers and tens of thousands of
//! customers, looked up in an order that has no locality, so each look-up costs a cache miss
//! per memory area it touches. Keys of up to 16 bytes (nearly all codes and order numbers)
//! are therefore held in the hash table's slot itself, 24 bytes with the value: a look-up
//! touches the control bytes and one slot, where a table of ids into a text buffer also
//! touches the string ends, the text and a value array. Longer keys (names used as keys) go
//! end to end into one buffer, the slot keeping their hash, so there is still no allocation
//! per string.

use hashbrown::HashTable;
use hashbrown::hash_table::Entry;
use rustc_hash::FxBuildHasher;
use std::hash::BuildHasher;

/// Keys of this many bytes or fewer live in their slot.
const INLINE: usize = 16;

#[derive(Debug, Default)]
pub struct KeyMap {
    table: HashTable<Slot>,
    /// Keys longer than [`INLINE`] bytes, end to end.
    long: Vec<u8>,
}

/// A key in fixed size: its length and two words that, for a short key, hold every byte
/// (overlapping loads, as in [`super::parse::same_bytes`]); for a long key, `a` is the hash
/// of the whole key and `b` where it starts in [`KeyMap::long`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Slot {
    a: u64,
    b: u64,
    len: u32,
    value: u32,
}

impl Slot {
    /// The slot `key` would have (with `b` = 0 for a long key) and its hash.
    #[inline(always)]
    fn of(key: &[u8]) -> (Slot, u64) {
        let n = key.len();
        let word = |i: usize| u64::from_le_bytes(key[i..i + 8].try_into().expect("8 bytes"));
        let half = |i: usize| u32::from_le_bytes(key[i..i + 4].try_into().expect("4 bytes"));
        let (a, b) = match n {
            0 => (0, 0),
            1..=3 => (
                key[0] as u64 | (key[n / 2] as u64) << 8 | (key[n - 1] as u64) << 16,
                0,
            ),
            4..=7 => (half(0) as u64, half(n - 4) as u64),
            8..=INLINE => (word(0), word(n - 8)),
            _ => (FxBuildHasher.hash_one(key), 0),
        };
        let slot = Slot {
            a,
            b,
            len: n as u32,
            value: 0,
        };
        (slot, slot.hash())
    }

    /// The table hash, from the slot alone (so that growing the table reads no key text).
    #[inline(always)]
    fn hash(&self) -> u64 {
        if self.len as usize > INLINE {
            self.a
        } else {
            FxBuildHasher.hash_one((self.a, self.b, self.len))
        }
    }
}

impl KeyMap {
    /// Room for `n` keys, so that a large file does not rehash the table as it grows.
    pub fn with_capacity(n: usize) -> Self {
        KeyMap {
            table: HashTable::with_capacity(n),
            long: Vec::new(),
        }
    }

    pub fn len(&self) -> usize {
        self.table.len()
    }

    pub fn is_empty(&self) -> bool {
        self.table.is_empty()
    }

    pub fn get(&self, key: &[u8]) -> Option<u32> {
        let (probe, hash) = Slot::of(key);
        self.table
            .find(hash, |slot| holds(&self.long, slot, &probe, key))
            .map(|slot| slot.value)
    }

    /// The value of `key`, inserting `value` for it when it is new; and whether it was new.
    pub fn get_or_insert(&mut self, key: &[u8], value: u32) -> (u32, bool) {
        let (mut probe, hash) = Slot::of(key);
        let KeyMap { table, long } = self;
        let holds = |slot: &Slot| holds(long, slot, &probe, key);
        match table.entry(hash, holds, Slot::hash) {
            Entry::Occupied(found) => (found.get().value, false),
            Entry::Vacant(empty) => {
                if key.len() > INLINE {
                    probe.b = long.len() as u64;
                    long.extend_from_slice(key);
                }
                probe.value = value;
                empty.insert(probe);
                (value, true)
            }
        }
    }
}

/// Whether `slot` holds `key`, whose fixed-size form is `probe`.
#[inline(always)]
fn holds(long: &[u8], slot: &Slot, probe: &Slot, key: &[u8]) -> bool {
    slot.len == probe.len
        && slot.a == probe.a
        && if key.len() > INLINE {
            let start = slot.b as usize;
            long[start..start + key.len()] == *key
        } else {
            slot.b == probe.b
        }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_of_every_length_map_to_their_values() {
        let mut map = KeyMap::default();
        let keys: Vec<Vec<u8>> = (0..40)
            .map(|n| (0..n).map(|i| b'a' + (i % 7) as u8).collect())
            .collect();
        for (v, key) in keys.iter().enumerate() {
            assert_eq!(map.get_or_insert(key, v as u32), (v as u32, true));
        }
        for (v, key) in keys.iter().enumerate() {
            assert_eq!(map.get(key), Some(v as u32), "{key:?}");
            assert_eq!(map.get_or_insert(key, 99), (v as u32, false));
        }
        // Same length and same bytes at the ends, different inside.
        assert_eq!(map.get(b"abXdef"), None);
        assert_eq!(map.get(b"abcdefgabcXefgabcdefga"), None);
        assert_eq!(map.get("客户".as_bytes()), None);
        assert_eq!(map.len(), 40);
    }

    #[test]
    fn many_keys_survive_growth() {
        let mut map = KeyMap::with_capacity(4);
        for n in 0..20_000u32 {
            let key = if n % 3 == 0 {
                format!("a long customer name number {n}")
            } else {
                format!("S{n:06}")
            };
            assert_eq!(map.get_or_insert(key.as_bytes(), n), (n, true));
        }
        assert_eq!(map.get(b"S000001"), Some(1));
        assert_eq!(map.get(b"a long customer name number 9999"), Some(9999));
        assert_eq!(map.get(b"S020000"), None);
        assert_eq!(map.len(), 20_000);
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod properties {
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashMap;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// The map answers as a standard one, over keys that share lengths and ends.
        #[test]
        fn answers_as_a_hash_map(keys in prop::collection::vec(
            prop::collection::vec(prop::sample::select(vec![b'a', b'b', 0, 0xE5]), 0..24), 0..200)
        ) {
            let mut map = KeyMap::default();
            let mut reference: HashMap<Vec<u8>, u32> = HashMap::new();
            for (i, key) in keys.iter().enumerate() {
                let expected = match reference.get(key) {
                    Some(&v) => (v, false),
                    None => {
                        reference.insert(key.clone(), i as u32);
                        (i as u32, true)
                    }
                };
                prop_assert_eq!(map.get_or_insert(key, i as u32), expected);
            }
            for key in &keys {
                prop_assert_eq!(map.get(key), reference.get(key).copied());
            }
            prop_assert_eq!(map.len(), reference.len());
        }
    }
}
