//! The Fargate task launch rate: a token bucket per account and Region, a burst of 100 tasks refilled at 20
//! tasks a second (the Amazon ECS throttling page, seen in a transcription: [UNVERIFIED]). RunTask takes its
//! launches all or nothing; a service takes what there is and starts the rest when the bucket refills.

use crate::time::SimTime;

pub const FARGATE_LAUNCH_BURST: u64 = 100;
pub const FARGATE_LAUNCHES_PER_SECOND: u64 = 20;

/// The bucket in thousandths of a launch, as of a time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct LaunchBucket {
    milli: u64,
    at: SimTime,
}

impl LaunchBucket {
    /// A full bucket at time zero.
    pub(super) fn full() -> LaunchBucket {
        LaunchBucket { milli: FARGATE_LAUNCH_BURST * 1000, at: SimTime::ZERO }
    }

    /// Refills the bucket to `now`; whole launches available.
    fn refill(&mut self, now: SimTime) -> u64 {
        let elapsed_ms = now.0.saturating_sub(self.at.0);
        // 20 launches a second = 20 thousandths of a launch per millisecond.
        self.milli = (self.milli + elapsed_ms * FARGATE_LAUNCHES_PER_SECOND).min(FARGATE_LAUNCH_BURST * 1000);
        self.at = now;
        self.milli / 1000
    }

    /// Takes up to `wanted` launches at `now` and returns how many it took; with `all_or_nothing` it takes
    /// none unless all are there.
    pub(super) fn take(&mut self, now: SimTime, wanted: u32, all_or_nothing: bool) -> u32 {
        let available = self.refill(now);
        let n = if all_or_nothing && available < wanted as u64 { 0 } else { (wanted as u64).min(available) };
        self.milli -= n * 1000;
        n as u32
    }

    /// When, after `now`, the bucket next holds a whole launch.
    pub(super) fn next_launch_at(&self, now: SimTime) -> SimTime {
        let missing_milli = 1000u64.saturating_sub(self.milli % 1000);
        now.plus_ms(missing_milli.div_ceil(FARGATE_LAUNCHES_PER_SECOND).max(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_of_100_then_20_launches_a_second() {
        let mut bucket = LaunchBucket::full();
        assert_eq!(bucket.take(SimTime::ZERO, 101, true), 0, "all or nothing");
        assert_eq!(bucket.take(SimTime::ZERO, 101, false), 100);
        assert_eq!(bucket.take(SimTime::ZERO, 1, false), 0);
        // One launch is back after 50 ms.
        assert_eq!(bucket.next_launch_at(SimTime::ZERO), SimTime(50));
        assert_eq!(bucket.take(SimTime(49), 1, false), 0);
        assert_eq!(bucket.next_launch_at(SimTime(49)), SimTime(50));
        assert_eq!(bucket.take(SimTime(50), 5, false), 1);
        // A second gives 20 more; ten seconds fill the bucket, never beyond the burst.
        assert_eq!(bucket.take(SimTime(1_050), 30, false), 20);
        assert_eq!(bucket.take(SimTime(60_000), 500, false), 100);
    }
}
