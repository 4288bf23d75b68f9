//! Byte strings interned to dense ids, for customer keys and order numbers.
//!
//! A million-line file has hundreds of thousands of order numbers: storing them end to end
//! in one buffer, with a hash table of ids beside it, costs about 12 bytes per string plus
//! its text and no allocation per string (a `HashMap<Box<[u8]>, u32>` costs about 40 and
//! one allocation each).

use hashbrown::HashTable;
use rustc_hash::FxBuildHasher;
use std::hash::BuildHasher;

#[derive(Debug, Default)]
pub struct Interner {
    text: Vec<u8>,
    /// `text[ends[id - 1]..ends[id]]` is string `id`.
    ends: Vec<u32>,
    table: HashTable<u32>,
}

impl Interner {
    /// Room for `n` strings, so that a large file does not rehash the table as it grows.
    pub fn with_capacity(n: usize) -> Self {
        Interner {
            text: Vec::new(),
            ends: Vec::with_capacity(n),
            table: HashTable::with_capacity(n),
        }
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    pub fn get(&self, id: u32) -> &[u8] {
        slice(&self.text, &self.ends, id)
    }

    pub fn find(&self, key: &[u8]) -> Option<u32> {
        let hash = FxBuildHasher.hash_one(key);
        self.table
            .find(hash, |&id| slice(&self.text, &self.ends, id) == key)
            .copied()
    }

    /// The id of `key`, and whether it is new.
    pub fn intern(&mut self, key: &[u8]) -> (u32, bool) {
        let hash = FxBuildHasher.hash_one(key);
        let Interner { text, ends, table } = self;
        if let Some(&id) = table.find(hash, |&id| slice(text, ends, id) == key) {
            return (id, false);
        }
        let id = ends.len() as u32;
        text.extend_from_slice(key);
        ends.push(text.len() as u32);
        table.insert_unique(hash, id, |&id| {
            FxBuildHasher.hash_one(slice(text, ends, id))
        });
        (id, true)
    }
}

fn slice<'a>(text: &'a [u8], ends: &[u32], id: u32) -> &'a [u8] {
    let id = id as usize;
    let start = if id == 0 { 0 } else { ends[id - 1] as usize };
    &text[start..ends[id] as usize]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_dense_and_stable() {
        let mut i = Interner::default();
        assert_eq!(i.intern(b"S001"), (0, true));
        assert_eq!(i.intern(b""), (1, true));
        assert_eq!(i.intern("客户".as_bytes()), (2, true));
        assert_eq!(i.intern(b"S001"), (0, false));
        for n in 0..10_000u32 {
            i.intern(n.to_string().as_bytes());
        }
        assert_eq!(i.find(b"S001"), Some(0));
        assert_eq!(i.find(b"9999"), Some(3 + 9999));
        assert_eq!(i.get(2), "客户".as_bytes());
        assert_eq!(i.find(b"nope"), None);
        assert_eq!(i.len(), 10_003);
    }
}
