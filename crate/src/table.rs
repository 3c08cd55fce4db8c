//! `Table`: a small ordered map, keys and values in two `Vec`s kept sorted by key.
//!
//! The entity tables (clusters, roles, load balancers, alarms, ...) hold a handful to a few hundred
//! entries. A `BTreeMap` per value type puts its own copy of the B-tree's insert, remove, search,
//! iteration and drop code in the wasm; a `Table` searches its key slice with one function per key type,
//! whatever the value type, and the rest is `Vec` code. Iteration is in key order, as a `BTreeMap`'s.
//! Insert and remove shift the entries after the slot, so large maps changed in a hot loop stay `BTreeMap`s.

use std::borrow::Borrow;
use std::fmt;

/// An ordered map from `K` to `V` over two sorted `Vec`s (see the module doc).
#[derive(Clone, PartialEq, Eq)]
pub struct Table<K, V> {
    keys: Vec<K>,
    values: Vec<V>,
}

/// Where `key` is in the sorted `keys` (`Ok`), or where it would go (`Err`). Generic over the key
/// type only, so every table with the same key type shares this code.
fn slot_of<K: Borrow<Q>, Q: Ord + ?Sized>(keys: &[K], key: &Q) -> Result<usize, usize> {
    keys.binary_search_by(|k| k.borrow().cmp(key))
}

impl<K, V> Table<K, V> {
    pub const fn new() -> Self {
        Table { keys: Vec::new(), values: Vec::new() }
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Entries in key order.
    pub fn iter(&self) -> std::iter::Zip<std::slice::Iter<'_, K>, std::slice::Iter<'_, V>> {
        self.keys.iter().zip(self.values.iter())
    }

    /// Entries in key order, values mutable.
    pub fn iter_mut(&mut self) -> std::iter::Zip<std::slice::Iter<'_, K>, std::slice::IterMut<'_, V>> {
        self.keys.iter().zip(self.values.iter_mut())
    }

    pub fn keys(&self) -> std::slice::Iter<'_, K> {
        self.keys.iter()
    }

    pub fn values(&self) -> std::slice::Iter<'_, V> {
        self.values.iter()
    }

    pub fn values_mut(&mut self) -> std::slice::IterMut<'_, V> {
        self.values.iter_mut()
    }

    /// The values in key order, owned.
    pub fn into_values(self) -> std::vec::IntoIter<V> {
        self.values.into_iter()
    }

    /// The entry with the smallest key.
    pub fn first_key_value(&self) -> Option<(&K, &V)> {
        self.keys.first().zip(self.values.first())
    }

    /// The entry with the largest key.
    pub fn last_key_value(&self) -> Option<(&K, &V)> {
        self.keys.last().zip(self.values.last())
    }

    /// Keeps the entries for which `keep` is true, in order.
    pub fn retain(&mut self, mut keep: impl FnMut(&K, &mut V) -> bool) {
        let mut kept = 0;
        for i in 0..self.keys.len() {
            if keep(&self.keys[i], &mut self.values[i]) {
                self.keys.swap(kept, i);
                self.values.swap(kept, i);
                kept += 1;
            }
        }
        self.keys.truncate(kept);
        self.values.truncate(kept);
    }

    pub fn clear(&mut self) {
        self.keys.clear();
        self.values.clear();
    }
}

impl<K: Ord, V> Table<K, V> {
    /// A table of `entries` given in any order, sorted once through the shared sort of [`crate::order`]:
    /// for large unsorted collections, where inserting one by one would shift the entries each time.
    /// A later entry for the same key replaces an earlier one, as in `BTreeMap`.
    pub fn from_unsorted(mut entries: Vec<(K, V)>) -> Self {
        // Stable: equal keys stay in arrival order, so the last of each run is the latest.
        crate::order::sort_by(&mut entries, |a, b| a.0.cmp(&b.0));
        let mut table = Table { keys: Vec::with_capacity(entries.len()), values: Vec::with_capacity(entries.len()) };
        for (k, v) in entries {
            if table.keys.last() == Some(&k) {
                table.keys.pop();
                table.values.pop();
            }
            table.keys.push(k);
            table.values.push(v);
        }
        table
    }

    pub fn get<Q: Ord + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        slot_of(&self.keys, key).ok().map(|i| &self.values[i])
    }

    pub fn get_mut<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
    {
        slot_of(&self.keys, key).ok().map(|i| &mut self.values[i])
    }

    pub fn contains_key<Q: Ord + ?Sized>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
    {
        slot_of(&self.keys, key).is_ok()
    }

    /// Sets `key` to `value`; returns the value it replaced. A replaced entry keeps its stored key,
    /// as in `BTreeMap`.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match slot_of(&self.keys, &key) {
            Ok(i) => Some(std::mem::replace(&mut self.values[i], value)),
            Err(i) => {
                self.keys.insert(i, key);
                self.values.insert(i, value);
                None
            }
        }
    }

    pub fn remove<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
    {
        let i = slot_of(&self.keys, key).ok()?;
        self.keys.remove(i);
        Some(self.values.remove(i))
    }

    /// The value at `key`, inserted by `make` first if there is none.
    pub fn get_or_insert_with(&mut self, key: K, make: impl FnOnce() -> V) -> &mut V {
        let i = match slot_of(&self.keys, &key) {
            Ok(i) => i,
            Err(i) => {
                self.keys.insert(i, key);
                self.values.insert(i, make());
                i
            }
        };
        &mut self.values[i]
    }

    /// The value at `key`, inserted by `make` first if there is none; the key is cloned only then.
    pub fn get_or_insert_cloned(&mut self, key: &K, make: impl FnOnce() -> V) -> &mut V
    where
        K: Clone,
    {
        let i = match slot_of(&self.keys, key) {
            Ok(i) => i,
            Err(i) => {
                self.keys.insert(i, key.clone());
                self.values.insert(i, make());
                i
            }
        };
        &mut self.values[i]
    }

    /// The value at `key`, inserted as `V::default()` first if there is none.
    pub fn get_or_default(&mut self, key: K) -> &mut V
    where
        V: Default,
    {
        self.get_or_insert_with(key, V::default)
    }

    /// Entries whose key is `from` or after it, in key order.
    pub fn range_from<Q: Ord + ?Sized>(&self, from: &Q) -> std::iter::Zip<std::slice::Iter<'_, K>, std::slice::Iter<'_, V>>
    where
        K: Borrow<Q>,
    {
        let start = slot_of(&self.keys, from).unwrap_or_else(|i| i);
        self.keys[start..].iter().zip(self.values[start..].iter())
    }
}

/// `table[key]`: the value at `key`; panics when there is none, as `BTreeMap` does.
impl<K: Ord + Borrow<Q>, Q: Ord + ?Sized, V> std::ops::Index<&Q> for Table<K, V> {
    type Output = V;

    fn index(&self, key: &Q) -> &V {
        self.get(key).expect("no entry found for key")
    }
}

impl<K, V> Default for Table<K, V> {
    fn default() -> Self {
        Table::new()
    }
}

impl<K: fmt::Debug, V: fmt::Debug> fmt::Debug for Table<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

/// Collects entries in any order; a later entry for the same key replaces an earlier one, as in `BTreeMap`.
impl<K: Ord, V> FromIterator<(K, V)> for Table<K, V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(entries: I) -> Self {
        let mut table = Table::new();
        table.extend(entries);
        table
    }
}

impl<K: Ord, V> Extend<(K, V)> for Table<K, V> {
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, entries: I) {
        for (k, v) in entries {
            self.insert(k, v);
        }
    }
}

impl<K: Ord, V, const N: usize> From<[(K, V); N]> for Table<K, V> {
    fn from(entries: [(K, V); N]) -> Self {
        entries.into_iter().collect()
    }
}

impl<K, V> IntoIterator for Table<K, V> {
    type Item = (K, V);
    type IntoIter = std::iter::Zip<std::vec::IntoIter<K>, std::vec::IntoIter<V>>;

    fn into_iter(self) -> Self::IntoIter {
        self.keys.into_iter().zip(self.values)
    }
}

impl<'a, K, V> IntoIterator for &'a Table<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = std::iter::Zip<std::slice::Iter<'a, K>, std::slice::Iter<'a, V>>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<'a, K, V> IntoIterator for &'a mut Table<K, V> {
    type Item = (&'a K, &'a mut V);
    type IntoIter = std::iter::Zip<std::slice::Iter<'a, K>, std::slice::IterMut<'a, V>>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter_mut()
    }
}

/// An ordered set over a [`Table`] with no values: the small string sets (a role's attached policies, a
/// file system's directories, the disrupted zones), sharing the table's key search.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct TableSet<K>(Table<K, ()>);

impl<K: Ord> TableSet<K> {
    pub const fn new() -> Self {
        TableSet(Table::new())
    }

    /// Adds `key`; false when it was already there.
    pub fn insert(&mut self, key: K) -> bool {
        self.0.insert(key, ()).is_none()
    }

    /// Takes `key` out; false when it was not there.
    pub fn remove<Q: Ord + ?Sized>(&mut self, key: &Q) -> bool
    where
        K: Borrow<Q>,
    {
        self.0.remove(key).is_some()
    }

    pub fn contains<Q: Ord + ?Sized>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
    {
        self.0.contains_key(key)
    }
}

impl<K> TableSet<K> {
    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The keys in order.
    pub fn iter(&self) -> std::slice::Iter<'_, K> {
        self.0.keys()
    }
}

impl<K: fmt::Debug> fmt::Debug for TableSet<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl<'a, K> IntoIterator for &'a TableSet<K> {
    type Item = &'a K;
    type IntoIter = std::slice::Iter<'a, K>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Prng;
    use std::collections::BTreeMap;

    #[test]
    fn iterates_in_key_order_whatever_the_insertion_order() {
        let mut t = Table::new();
        for k in ["web", "api", "worker", "db", "cache"] {
            t.insert(k.to_string(), k.len());
        }
        let keys: Vec<&str> = t.keys().map(String::as_str).collect();
        assert_eq!(keys, ["api", "cache", "db", "web", "worker"]);
        assert_eq!(t.first_key_value(), Some((&"api".to_string(), &3)));
        assert_eq!(t.last_key_value(), Some((&"worker".to_string(), &6)));
        let rev: Vec<&str> = t.iter().rev().map(|(k, _)| k.as_str()).collect();
        assert_eq!(rev, ["worker", "web", "db", "cache", "api"]);
    }

    #[test]
    fn insert_replaces_and_returns_the_old_value() {
        let mut t: Table<String, u32> = Table::new();
        assert_eq!(t.insert("a".into(), 1), None);
        assert_eq!(t.insert("a".into(), 2), Some(1));
        assert_eq!(t.len(), 1);
        assert_eq!(t.get("a"), Some(&2));
    }

    #[test]
    fn remove_takes_the_entry_out() {
        let mut t: Table<String, u32> = [("a".to_string(), 1), ("b".to_string(), 2), ("c".to_string(), 3)].into();
        assert_eq!(t.remove("b"), Some(2));
        assert_eq!(t.remove("b"), None);
        assert!(!t.contains_key("b"));
        assert_eq!(t.iter().map(|(k, v)| (k.as_str(), *v)).collect::<Vec<_>>(), [("a", 1), ("c", 3)]);
        assert_eq!(t.remove("zzz"), None);
    }

    #[test]
    fn entry_helpers_insert_once_then_return_the_same_value() {
        let mut t: Table<String, Vec<u32>> = Table::new();
        t.get_or_default("b".into()).push(1);
        t.get_or_default("a".into()).push(2);
        t.get_or_default("b".into()).push(3);
        assert_eq!(t.get("b"), Some(&vec![1, 3]));
        assert_eq!(t.get("a"), Some(&vec![2]));
        *t.get_or_insert_with("c".into(), || vec![9]) = vec![7];
        assert_eq!(t.get_or_insert_with("c".into(), || vec![9]), &vec![7]);
        // By reference: the key is cloned in for a new entry, an existing entry keeps its value.
        t.get_or_insert_cloned(&"d".to_string(), || vec![4]).push(5);
        assert_eq!(t.get_or_insert_cloned(&"d".to_string(), || vec![0]), &vec![4, 5]);
        assert_eq!(t.keys().map(String::as_str).collect::<Vec<_>>(), ["a", "b", "c", "d"]);
    }

    #[test]
    fn retain_keeps_order_and_range_from_starts_at_the_key_or_after() {
        let mut t: Table<u32, u32> = (0..10).map(|k| (k, k * 10)).collect();
        t.retain(|k, v| {
            *v += 1;
            k % 3 != 0
        });
        assert_eq!(t.iter().map(|(k, v)| (*k, *v)).collect::<Vec<_>>(), [(1, 11), (2, 21), (4, 41), (5, 51), (7, 71), (8, 81)]);
        assert_eq!(t.range_from(&3).map(|(k, _)| *k).collect::<Vec<_>>(), [4, 5, 7, 8]);
        assert_eq!(t.range_from(&4).map(|(k, _)| *k).collect::<Vec<_>>(), [4, 5, 7, 8]);
        assert_eq!(t.range_from(&9).count(), 0);
    }

    #[test]
    fn from_unsorted_sorts_and_the_last_duplicate_wins() {
        let entries = [("c", 1), ("a", 2), ("c", 3), ("b", 4), ("a", 5)];
        let t = Table::from_unsorted(entries.to_vec());
        let b: BTreeMap<&str, u32> = entries.into_iter().collect();
        assert_eq!(t.iter().collect::<Vec<_>>(), b.iter().collect::<Vec<_>>());
        assert_eq!(t, entries.into_iter().collect::<Table<_, _>>());
    }

    #[test]
    fn a_set_inserts_once_removes_and_iterates_in_order() {
        let mut s: TableSet<String> = TableSet::new();
        assert!(s.insert("b".into()));
        assert!(s.insert("a".into()));
        assert!(!s.insert("b".into()));
        assert_eq!(s.len(), 2);
        assert!(s.contains("a"));
        assert_eq!(s.iter().map(String::as_str).collect::<Vec<_>>(), ["a", "b"]);
        assert!(s.remove("a"));
        assert!(!s.remove("a"));
        assert_eq!(format!("{s:?}"), r#"{"b"}"#);
    }

    #[test]
    fn debug_prints_like_a_btreemap() {
        let t: Table<&str, u32> = [("b", 2), ("a", 1)].into();
        let b: BTreeMap<&str, u32> = [("b", 2), ("a", 1)].into();
        assert_eq!(format!("{t:?}"), format!("{b:?}"));
    }

    #[test]
    fn same_contents_and_order_as_a_btreemap_on_seeded_random_operations() {
        let mut rng = Prng::new(42);
        let mut t: Table<String, u32> = Table::new();
        let mut b: BTreeMap<String, u32> = BTreeMap::new();
        for step in 0..5_000u32 {
            let key = format!("k{}", rng.below(200));
            match rng.below(7) {
                0 | 1 => assert_eq!(t.insert(key.clone(), step), b.insert(key.clone(), step)),
                2 => assert_eq!(t.remove(key.as_str()), b.remove(key.as_str())),
                3 => {
                    *t.get_or_default(key.clone()) += 1;
                    *b.entry(key.clone()).or_default() += 1;
                }
                4 => assert_eq!(t.get(key.as_str()), b.get(key.as_str())),
                5 => {
                    if let Some(v) = t.get_mut(key.as_str()) {
                        *v ^= step;
                    }
                    if let Some(v) = b.get_mut(key.as_str()) {
                        *v ^= step;
                    }
                }
                _ => {
                    let cut = rng.below(200);
                    t.retain(|_, v| *v % 200 != cut);
                    b.retain(|_, v| *v % 200 != cut);
                }
            }
            assert_eq!(t.len(), b.len());
            assert_eq!(t.contains_key(key.as_str()), b.contains_key(key.as_str()));
        }
        let got: Vec<(&String, &u32)> = t.iter().collect();
        let want: Vec<(&String, &u32)> = b.iter().collect();
        assert_eq!(got, want);
    }
}
