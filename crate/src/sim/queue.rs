//! `EventQueue`: the engine's pending events, ordered by (time, sequence number).
//!
//! Every event gets the next sequence number when it is scheduled, so events due at the same time come out in
//! the order they were scheduled. The sequence number is part of the trace hash, and no two events share one:
//! the event itself never decides the order.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use crate::time::SimTime;

/// A min-heap of `(time, sequence number, event)`.
#[derive(Clone, Debug)]
pub(super) struct EventQueue<E> {
    heap: BinaryHeap<Reverse<(SimTime, u64, E)>>,
    next_seq: u64,
}

impl<E: Ord> EventQueue<E> {
    pub(super) fn new() -> EventQueue<E> {
        EventQueue { heap: BinaryHeap::new(), next_seq: 0 }
    }

    /// Schedules `event` at `time`, after every event already scheduled for that time.
    pub(super) fn schedule(&mut self, time: SimTime, event: E) {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.heap.push(Reverse((time, seq, event)));
    }

    /// The earliest event, with its time and sequence number.
    pub(super) fn pop(&mut self) -> Option<(SimTime, u64, E)> {
        self.heap.pop().map(|Reverse(entry)| entry)
    }

    /// The time of the earliest event.
    pub(super) fn peek_time(&self) -> Option<SimTime> {
        self.heap.peek().map(|Reverse((time, _, _))| *time)
    }

    /// How many events are pending.
    pub(super) fn len(&self) -> usize {
        self.heap.len()
    }

    pub(super) fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Prng;

    #[test]
    fn events_come_out_by_time_then_in_the_order_they_were_scheduled() {
        let mut queue = EventQueue::new();
        queue.schedule(SimTime(20), "c");
        queue.schedule(SimTime(10), "b");
        // Same time as "b", scheduled later: after it, although it sorts first as an event.
        queue.schedule(SimTime(10), "a");
        queue.schedule(SimTime(0), "z");
        assert_eq!(queue.len(), 4);
        assert_eq!(queue.peek_time(), Some(SimTime(0)));
        let order: Vec<(u64, u64, &str)> = std::iter::from_fn(|| queue.pop()).map(|(t, seq, e)| (t.0, seq, e)).collect();
        assert_eq!(order, vec![(0, 3, "z"), (10, 1, "b"), (10, 2, "a"), (20, 0, "c")]);
        assert!(queue.is_empty());
        assert_eq!(queue.peek_time(), None);
    }

    #[test]
    fn a_random_schedule_pops_sorted_by_time_and_sequence() {
        let mut rng = Prng::new(7);
        let mut queue = EventQueue::new();
        let mut scheduled = Vec::new();
        for seq in 0..2_000u64 {
            let time = SimTime(u64::from(rng.below(50)));
            // The event value runs against the sequence, so it would reverse ties if it were compared first.
            queue.schedule(time, u64::MAX - seq);
            scheduled.push((time, seq));
            // Pop now and then, as the engine does while it schedules.
            if rng.below(4) == 0 {
                let (time, seq, event) = queue.pop().expect("an event");
                assert_eq!(event, u64::MAX - seq);
                let first = *scheduled.iter().min().expect("one scheduled");
                assert_eq!((time, seq), first);
                scheduled.retain(|e| *e != first);
            }
        }
        scheduled.sort();
        let rest: Vec<(SimTime, u64)> = std::iter::from_fn(|| queue.pop()).map(|(t, seq, _)| (t, seq)).collect();
        assert_eq!(rest, scheduled);
    }
}
