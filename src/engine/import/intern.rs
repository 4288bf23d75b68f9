//! Byte strings mapped to `u32` values: customer keys ([`KeyMap`]) and order numbers
//! ([`Interner`]).
//!
//! A million-line file has hundreds of thousands of order numbers and tens of thousands of
//! customers, and customers are looked up in an order that has no locality, so the cost of a
//! look-up is the cache misses it takes, one per memory area touched. A [`KeyMap`] look-up
//! touches one slot of 24 bytes: keys of up to 16 bytes (nearly all codes) are held in the
//! slot itself beside their value, and the table is open addressing with linear probing,
//! without the separate control bytes of a general hash table. (Ids into a text buffer beside
//! a general table also touch the control bytes, the string ends, the text and a value array:
//! the import measured 20% slower with them.) Longer keys (names used as keys) go end to end
//! into one buffer, the slot keeping their hash, so there is no allocation per string. Order
//! numbers mostly arrive rising, which the [`Interner`] uses to skip its table altogether.

use rustc_hash::FxBuildHasher;
use std::cmp::Ordering;
use std::hash::BuildHasher;

/// Keys of this many bytes or fewer live in their slot.
const INLINE: usize = 16;

/// A key in fixed size, as a slot holds it: its length plus one (0 marks an empty slot, so
/// that a new table is zeroed memory), its value, and two words that hold every byte of a
/// short key (overlapping loads, as in [`super::parse::same_bytes`]); for a long key, `a` is
/// the hash of the whole key and `b` where it starts in [`KeyMap::long`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Slot {
    a: u64,
    b: u64,
    len1: u32,
    value: u32,
}

impl Slot {
    /// The slot `key` would have (with `b` = 0 for a long key).
    #[inline(always)]
    fn of(key: &[u8]) -> Slot {
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
        Slot {
            a,
            b,
            len1: n as u32 + 1,
            value: 0,
        }
    }

    /// The table hash, from the slot alone (so that growing the table reads no key text).
    /// For a long key `b` is its place in the buffer, not part of the key, so it is left out.
    #[inline(always)]
    fn hash(&self) -> u64 {
        let b = if self.len1 as usize > INLINE + 1 {
            0
        } else {
            self.b
        };
        mix(self.a ^ b.rotate_left(32) ^ (self.len1 as u64) << 56)
    }
}

/// A 64-bit finaliser (the multiply-xorshift steps of MurmurHash3's `fmix64`), which spreads
/// every input bit over the low bits the table index uses, on 32-bit WebAssembly as well as
/// natively. (`FxHasher` is word-sized: on wasm32 its hash of two words left the index bits
/// poorly mixed, and linear probing then ran long; the import spent 40% of its time there.)
#[inline(always)]
fn mix(mut x: u64) -> u64 {
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    x ^ (x >> 33)
}

#[derive(Debug, Default)]
pub struct KeyMap {
    /// A power of two in length (or empty), at most 3/4 full.
    slots: Vec<Slot>,
    len: usize,
    /// Keys longer than [`INLINE`] bytes, end to end.
    long: Vec<u8>,
}

impl KeyMap {
    /// Room for `n` keys, so that a large file does not grow the table as it goes.
    pub fn with_capacity(n: usize) -> Self {
        KeyMap {
            slots: vec![Slot::default(); slots_for(n)],
            len: 0,
            long: Vec::new(),
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Where `key` is, or the empty slot where it would go.
    #[inline(always)]
    fn position(&self, key: &[u8], probe: &Slot) -> usize {
        let mask = self.slots.len() - 1;
        let mut i = probe.hash() as usize & mask;
        loop {
            let slot = &self.slots[i];
            if slot.len1 == 0 || self.holds(slot, probe, key) {
                return i;
            }
            i = (i + 1) & mask;
        }
    }

    /// Whether `slot` holds `key`, whose fixed-size form is `probe`.
    #[inline(always)]
    fn holds(&self, slot: &Slot, probe: &Slot, key: &[u8]) -> bool {
        slot.len1 == probe.len1
            && slot.a == probe.a
            && if key.len() > INLINE {
                let start = slot.b as usize;
                self.long[start..start + key.len()] == *key
            } else {
                slot.b == probe.b
            }
    }

    /// Starts loading the slot where `key` is or would go, so that a look-up a few rows on
    /// does not wait for memory (a look-up has no locality, see above). A hint only: it
    /// changes nothing, and does nothing where there is no prefetch instruction.
    #[inline(always)]
    pub fn prefetch(&self, key: &[u8]) {
        #[cfg(target_arch = "x86_64")]
        if !self.slots.is_empty() {
            let i = Slot::of(key).hash() as usize & (self.slots.len() - 1);
            // SAFETY: `_mm_prefetch` only hints the cache; `i` is within the table.
            unsafe {
                use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
                _mm_prefetch::<_MM_HINT_T0>(self.slots.as_ptr().add(i).cast());
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = key;
    }

    pub fn get(&self, key: &[u8]) -> Option<u32> {
        if self.slots.is_empty() {
            return None;
        }
        let slot = &self.slots[self.position(key, &Slot::of(key))];
        (slot.len1 != 0).then_some(slot.value)
    }

    /// The value of `key`, inserting `value` for it when it is new; and whether it was new.
    pub fn get_or_insert(&mut self, key: &[u8], value: u32) -> (u32, bool) {
        if (self.len + 1) * 4 > self.slots.len() * 3 {
            self.grow();
        }
        let mut probe = Slot::of(key);
        let i = self.position(key, &probe);
        if self.slots[i].len1 != 0 {
            return (self.slots[i].value, false);
        }
        if key.len() > INLINE {
            probe.b = self.long.len() as u64;
            self.long.extend_from_slice(key);
        }
        probe.value = value;
        self.slots[i] = probe;
        self.len += 1;
        (value, true)
    }

    #[cold]
    fn grow(&mut self) {
        let old = std::mem::replace(
            &mut self.slots,
            vec![Slot::default(); slots_for(self.len * 2)],
        );
        let mask = self.slots.len() - 1;
        for slot in old.into_iter().filter(|s| s.len1 != 0) {
            let mut i = slot.hash() as usize & mask;
            while self.slots[i].len1 != 0 {
                i = (i + 1) & mask;
            }
            self.slots[i] = slot;
        }
    }
}

/// Byte strings interned to dense ids, for the hundreds of thousands of order numbers: the
/// strings end to end in one buffer, and
///
/// - the *run*: the ids of strings that each came after every earlier string in (length,
///   bytes) order, which is what order numbers do in an export sorted by date (`S000123`,
///   `S000124`; `9` before `10`). A string after the last of the run is new without any
///   look-up, so such a file's numbers never touch a table.
/// - a table for the strings that come out of order: open addressing over 8-byte slots (32
///   bits of the hash as a tag, and the id), which turns other strings away without reading
///   their text. A string out of order is looked for in the run by binary search, then here.
///   When more than one string in eight comes out of order the run is not worth keeping, and
///   goes into the table.
///
/// A large table's cost is less its cache misses than its pages (a look-up in a table of
/// many pages also misses the address translation cache, which costs most in a virtual
/// machine), so the table is small, and absent for ordered numbers.
#[derive(Debug, Default)]
pub struct Interner {
    text: Vec<u8>,
    /// `text[ends[id - 1]..ends[id]]` is string `id`.
    ends: Vec<u32>,
    run: Vec<u32>,
    /// Whether the run is kept (it is until too many strings come out of order).
    ordered: bool,
    out_of_order: usize,
    /// `tag << 32 | (id + 1)`, 0 when empty; a power of two in length (or empty), at most 3/4
    /// full. The index is the tag's low bits, so that growing needs no hashing.
    slots: Vec<u64>,
    in_table: usize,
}

impl Interner {
    /// Room for `n` strings.
    pub fn with_capacity(n: usize) -> Self {
        Interner {
            text: Vec::with_capacity(n * 8),
            ends: Vec::with_capacity(n),
            run: Vec::with_capacity(n),
            ordered: true,
            ..Interner::default()
        }
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// How many strings there is room for without growing.
    pub fn capacity(&self) -> usize {
        self.ends.capacity()
    }

    pub fn get(&self, id: u32) -> &[u8] {
        let id = id as usize;
        let start = if id == 0 {
            0
        } else {
            self.ends[id - 1] as usize
        };
        &self.text[start..self.ends[id] as usize]
    }

    /// The id of `key`, and whether it is new.
    #[inline]
    pub fn intern(&mut self, key: &[u8]) -> (u32, bool) {
        if self.ordered {
            match self.run.last() {
                Some(&last) if in_order(self.get(last), key) != Ordering::Less => {}
                _ => {
                    let id = self.push(key);
                    self.run.push(id);
                    return (id, true);
                }
            }
            if let Ok(i) = self.run.binary_search_by(|&id| in_order(self.get(id), key)) {
                return (self.run[i], false);
            }
            self.out_of_order += 1;
            if self.out_of_order * 8 > self.len() + 64 {
                self.ordered = false;
                for id in std::mem::take(&mut self.run) {
                    self.insert(tag(self.get(id)), id);
                }
            }
        }
        let tag = tag(key);
        if let Some(id) = self.find(tag, key) {
            return (id, false);
        }
        let id = self.push(key);
        self.insert(tag, id);
        (id, true)
    }

    fn push(&mut self, key: &[u8]) -> u32 {
        self.text.extend_from_slice(key);
        self.ends.push(self.text.len() as u32);
        self.ends.len() as u32 - 1
    }

    fn find(&self, tag: u32, key: &[u8]) -> Option<u32> {
        let mask = self.slots.len().checked_sub(1)?;
        let mut i = tag as usize & mask;
        loop {
            let slot = self.slots[i];
            if slot == 0 {
                return None;
            }
            if (slot >> 32) as u32 == tag && self.get(slot as u32 - 1) == key {
                return Some(slot as u32 - 1);
            }
            i = (i + 1) & mask;
        }
    }

    fn insert(&mut self, tag: u32, id: u32) {
        if (self.in_table + 1) * 4 > self.slots.len() * 3 {
            let size = slots_for((self.in_table * 2).max(self.len() / 8));
            let old = std::mem::replace(&mut self.slots, vec![0; size]);
            for slot in old.into_iter().filter(|&s| s != 0) {
                self.place(slot);
            }
        }
        self.place((tag as u64) << 32 | (id as u64 + 1));
        self.in_table += 1;
    }

    fn place(&mut self, slot: u64) {
        let mask = self.slots.len() - 1;
        let mut i = (slot >> 32) as usize & mask;
        while self.slots[i] != 0 {
            i = (i + 1) & mask;
        }
        self.slots[i] = slot;
    }
}

/// The order of the run: shorter strings first, then bytewise, so that `9` comes before `10`.
fn in_order(a: &[u8], b: &[u8]) -> Ordering {
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// The table tag of a string: the high half of its hash.
#[inline(always)]
fn tag(key: &[u8]) -> u32 {
    (Slot::of(key).hash() >> 32) as u32
}

/// A table size that holds `n` keys at most 3/4 full.
fn slots_for(n: usize) -> usize {
    (n.max(6) * 4 / 3 + 1).next_power_of_two()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interned_ids_are_dense_and_stable() {
        let mut i = Interner::with_capacity(2);
        assert_eq!(i.intern(b"S001"), (0, true));
        assert_eq!(i.intern(b""), (1, true));
        assert_eq!(i.intern("客户".as_bytes()), (2, true));
        assert_eq!(i.intern(b"S001"), (0, false));
        for n in 0..10_000u32 {
            i.intern(format!("a rather long order number {n}").as_bytes());
        }
        assert_eq!(
            i.intern(b"a rather long order number 9999"),
            (3 + 9999, false)
        );
        assert_eq!(i.get(2), "客户".as_bytes());
        assert_eq!(i.len(), 10_003);
    }

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

        /// Order numbers that mostly rise, as in an export sorted by date, with some that come
        /// back or out of order: the run, the binary search and the table all answer.
        #[test]
        fn interns_rising_numbers_as_a_hash_map(
            steps in prop::collection::vec(prop_oneof![9 => 0i64..20, 1 => -50i64..0], 0..600)
        ) {
            let mut interner = Interner::with_capacity(16);
            let mut reference: HashMap<Vec<u8>, u32> = HashMap::new();
            let mut n = 0i64;
            for step in steps {
                n = (n + step).max(0);
                let key = format!("SO{n}").into_bytes();
                let next = reference.len() as u32;
                let id = *reference.entry(key.clone()).or_insert(next);
                prop_assert_eq!(interner.intern(&key), (id, id == next));
            }
        }

        /// The interner hands out ids in order of first appearance, as a standard map would.
        #[test]
        fn interns_as_a_hash_map(keys in prop::collection::vec(
            prop::collection::vec(prop::sample::select(vec![b'a', b'b', 0, 0xE5]), 0..24), 0..200)
        ) {
            let mut interner = Interner::default();
            let mut reference: HashMap<Vec<u8>, u32> = HashMap::new();
            for key in &keys {
                let next = reference.len() as u32;
                let id = *reference.entry(key.clone()).or_insert(next);
                prop_assert_eq!(interner.intern(key), (id, id == next));
                prop_assert_eq!(interner.get(id), &key[..]);
            }
        }
    }
}
