//! The indexed placement path: O(eligible) setup per batch, then O(log n) per task.
//!
//! Why it agrees with the slow path: without `random`, "each strategy keeps the best candidates of the
//! previous one, final tie → lowest key" is exactly the lexicographic minimum of the tuple
//! `(value_1, …, value_k, key)` over the eligible instances, because every value is a function of the
//! instance alone (binpack: what would remain; spread(instanceId): tasks of the group on it;
//! spread(attribute:X): tasks of the group over all instances sharing its value of X).
//! Placing a task changes the values of the chosen instance only, except a spread over an attribute,
//! which changes for every instance sharing the value. So the fast path covers chains whose only
//! attribute spread comes first: instances are grouped by that value, each group keeps a min-heap of
//! `(tuple of the other values, key)` of its currently feasible instances, and a top heap holds each
//! group's `(count, best tuple, best key)`. The chosen instance is always the top of its group, so each
//! task pops two heaps and pushes back at most two entries.
//!
//! Checks that cannot change within a batch (status, agent, required attributes, memberOf expressions that
//! do not read `runningTasksCount` or `task:group`) are cached per pool version as lists of eligible slots
//! grouped by the spread value. Everything else (resources, ports, ENIs, distinctInstance) is re-checked
//! on the chosen instance after each placement.
//!
//! Not covered (slow path): `random` anywhere, an attribute spread after the first strategy, more than
//! five instance-local strategies, and memberOf expressions that read tasks.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};

use super::pool::{
    attribute_value, dynamic_miss, spread_field, strategy_value, Prepared, SpreadField,
};
use super::model::*;

impl StaticEntry {
    fn group_of(&self, value: Option<&str>) -> Option<u32> {
        match value {
            Some(v) => self.value_index.get(v).copied(),
            None => self.null_group,
        }
    }
}

/// Most cached static filters kept at once (the cache is dropped whole past this).
const MAX_STATIC_CACHE: usize = 64;

type Tuple = [i64; 5];

impl Pool {
    /// `None` when the chain is not covered; the caller then takes the slow path.
    pub(crate) fn place_fast(
        &mut self,
        demand: &TaskDemand,
        prepared: &[Prepared],
        count: u32,
    ) -> Option<Vec<Result<Reservation, Failure>>> {
        // Coverage.
        let mut leading_attribute: Option<String> = None;
        let mut local: Vec<&Strategy> = Vec::new();
        for (i, s) in demand.strategies.iter().enumerate() {
            match s {
                Strategy::Random => return None,
                Strategy::Spread(field) => match spread_field(field) {
                    SpreadField::Attribute(name) => {
                        if i != 0 {
                            return None;
                        }
                        leading_attribute = Some(name);
                    }
                    _ => local.push(s),
                },
                Strategy::Binpack(_) => local.push(s),
            }
        }
        if local.len() > 5 {
            return None;
        }
        let mut distinct = false;
        let mut static_exprs: Vec<&Prepared> = Vec::new();
        for c in prepared {
            match c {
                Prepared::DistinctInstance => distinct = true,
                Prepared::MemberOf { expr: Ok(e), .. } if e.depends_on_tasks() => return None,
                Prepared::MemberOf { .. } => static_exprs.push(c),
            }
        }
        let distinct_stage = distinct.then_some(super::pool::STAGE_CONSTRAINT);

        // Static eligibility, cached per pool version.
        let mut required: Vec<&str> = demand
            .required_attributes
            .iter()
            .map(String::as_str)
            .collect();
        required.sort_unstable();
        required.dedup();
        let mut cache_key = String::new();
        for a in &required {
            cache_key.push_str(a);
            cache_key.push('\u{1}');
        }
        cache_key.push('\u{2}');
        for c in &static_exprs {
            if let Prepared::MemberOf { text, .. } = c {
                cache_key.push_str(text);
                cache_key.push('\u{1}');
            }
        }
        cache_key.push('\u{2}');
        if let Some(a) = &leading_attribute {
            cache_key.push_str(a);
        }
        let fresh = self
            .static_cache
            .get(&cache_key)
            .is_some_and(|e| e.version == self.version);
        if !fresh {
            let entry = self.build_static(demand, &static_exprs, leading_attribute.as_deref());
            if self.static_cache.len() >= MAX_STATIC_CACHE {
                self.static_cache.clear();
            }
            self.static_cache.insert(cache_key.clone(), entry);
        }
        // Taken out of the cache while the pool is mutated below, put back at the end.
        let entry_owned = self.static_cache.remove(&cache_key)?;
        let entry = &entry_owned;

        // Group task counts per value, over every instance of the pool with that value.
        let n_groups = entry.slots.len();
        let mut counts = vec![0i64; n_groups];
        if let Some(name) = &leading_attribute {
            if let Some(hosts) = self.group_nodes.get(&demand.group) {
                for (key, n) in hosts {
                    if let Some(node) = self.node_ref(*key) {
                        if let Some(g) = entry.group_of(attribute_value(node, name)) {
                            counts[g as usize] += i64::from(*n);
                        }
                    }
                }
            }
        }

        let tuple_of = |node: &NodeState| -> Tuple {
            let mut t = [0i64; 5];
            for (i, s) in local.iter().enumerate() {
                t[i] = strategy_value(node, demand, s, None);
            }
            t
        };

        let mut heaps: Vec<BinaryHeap<Reverse<(Tuple, NodeKey)>>> = Vec::with_capacity(n_groups);
        for slots in &entry.slots {
            let mut items = Vec::with_capacity(slots.len());
            for &slot in slots.iter() {
                let node = &self.nodes[slot as usize];
                if dynamic_miss(node, demand, distinct_stage).is_none() {
                    items.push(Reverse((tuple_of(node), node.info.key)));
                }
            }
            heaps.push(BinaryHeap::from(items));
        }
        let mut top: BinaryHeap<Reverse<(i64, Tuple, NodeKey, u32)>> =
            BinaryHeap::with_capacity(n_groups);
        for (g, heap) in heaps.iter().enumerate() {
            if let Some(Reverse((t, k))) = heap.peek() {
                top.push(Reverse((counts[g], *t, *k, g as u32)));
            }
        }

        let mut out = Vec::with_capacity(count.min(10_000) as usize);
        while (out.len() as u64) < u64::from(count) {
            let Some(Reverse((_, _, key, g))) = top.pop() else {
                let closest = self.closest_miss(demand, prepared);
                let failure = self.failure(closest, demand, prepared);
                while (out.len() as u64) < u64::from(count) {
                    out.push(Err(failure.clone()));
                }
                break;
            };
            let g = g as usize;
            heaps[g].pop();
            out.push(Ok(self.reserve(key, demand)));
            if leading_attribute.is_some() {
                counts[g] += 1;
            }
            let Some(node) = self.node_ref(key) else {
                break;
            };
            if dynamic_miss(node, demand, distinct_stage).is_none() {
                heaps[g].push(Reverse((tuple_of(node), key)));
            }
            if let Some(Reverse((t, k))) = heaps[g].peek() {
                top.push(Reverse((counts[g], *t, *k, g as u32)));
            }
        }
        self.static_cache.insert(cache_key, entry_owned);
        Some(out)
    }

    fn build_static(
        &self,
        demand: &TaskDemand,
        static_exprs: &[&Prepared],
        attribute: Option<&str>,
    ) -> StaticEntry {
        let mut entry = StaticEntry {
            version: self.version,
            value_index: BTreeMap::new(),
            null_group: None,
            slots: Vec::new(),
        };
        'nodes: for &slot in self.index.values() {
            let node = &self.nodes[slot as usize];
            if !node.usable() || super::pool::n_missing_attributes(node, demand) > 0 {
                continue;
            }
            for c in static_exprs {
                if let Prepared::MemberOf { expr, .. } = c {
                    if !expr.as_ref().is_ok_and(|e| e.eval(node)) {
                        continue 'nodes;
                    }
                }
            }
            let value = attribute.and_then(|a| attribute_value(node, a));
            let g = match entry.group_of(value) {
                Some(g) => g,
                None => {
                    let g = entry.slots.len() as u32;
                    entry.slots.push(Vec::new());
                    match value {
                        Some(v) => {
                            entry.value_index.insert(v.to_string(), g);
                        }
                        None => entry.null_group = Some(g),
                    }
                    g
                }
            };
            entry.slots[g as usize].push(slot);
        }
        entry
    }
}
