//! Stable sorts through one shared sort instance.
//!
//! Each `sort_by_key` with its own element type or closure is a whole copy of the standard library's
//! stable sort in the wasm (about 4 kB). These helpers sort the indices `0..len` with one comparison
//! function behind a `&dyn Fn`, so every call site shares one sort, then move the items into that order.
//! The result is exactly the standard stable sort's. For small lists off the hot path only: each
//! comparison is an indirect call.

use std::cmp::Ordering;

/// Sorts `items` by `compare`, keeping the order of equal items: the same result as `items.sort_by(compare)`.
pub fn sort_by<T>(items: &mut Vec<T>, compare: impl Fn(&T, &T) -> Ordering) {
    let order = sorted_indices(items.len(), &|a, b| compare(&items[a], &items[b]));
    let mut slots: Vec<Option<T>> = items.drain(..).map(Some).collect();
    items.extend(order.iter().map(|&i| slots[i as usize].take().expect("each index once")));
}

/// Sorts `items` by `key`, keeping the order of equal keys: the same result as `items.sort_by_key(key)`.
pub fn sort_by_key<T, K: Ord>(items: &mut Vec<T>, key: impl Fn(&T) -> K) {
    sort_by(items, |a, b| key(a).cmp(&key(b)));
}

/// Sorts `items` ascending: the same result as `items.sort()`.
pub fn sort<T: Ord>(items: &mut Vec<T>) {
    sort_by(items, T::cmp);
}

/// The indices `0..len` in stable sorted order under `compare` (which compares the items at two indices).
#[inline(never)]
fn sorted_indices(len: usize, compare: &dyn Fn(usize, usize) -> Ordering) -> Vec<u32> {
    let mut order: Vec<u32> = (0..len as u32).collect();
    order.sort_by(|&a, &b| compare(a as usize, b as usize));
    order
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Prng;

    #[test]
    fn same_order_as_the_standard_stable_sort() {
        let mut rng = Prng::new(7);
        for len in [0u32, 1, 2, 5, 40, 300] {
            // Keys 0..4 over up to 300 items: many ties, so stability shows.
            let items: Vec<(u32, String)> = (0..len).map(|i| (rng.below(5), format!("item{i}"))).collect();
            let mut expected = items.clone();
            expected.sort_by_key(|x| x.0);
            let mut got = items.clone();
            sort_by_key(&mut got, |x| x.0);
            assert_eq!(got, expected, "len {len}");

            let mut expected = items.clone();
            expected.sort_by_key(|x| std::cmp::Reverse(x.0));
            let mut got = items.clone();
            sort_by(&mut got, |a, b| b.0.cmp(&a.0));
            assert_eq!(got, expected, "descending, len {len}");
        }
    }

    #[test]
    fn sort_orders_strings_ascending() {
        let mut zones = vec!["us-east-1c".to_string(), "us-east-1a".to_string(), "us-east-1b".to_string(), "us-east-1a".to_string()];
        sort(&mut zones);
        assert_eq!(zones, ["us-east-1a", "us-east-1a", "us-east-1b", "us-east-1c"]);
    }
}
