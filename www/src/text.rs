//! How the app writes sim times and ids: the clock, elapsed sim time and a task's short id. A leaf
//! module: every region uses it and it uses nothing of the app.

/// The wall-clock time of sim time `now_ms` (UTC), `HH:MM:SS`.
pub fn format_clock(start_epoch_ms: u64, now_ms: u64) -> String {
    let secs_of_day = ((start_epoch_ms + now_ms) / 1000) % 86_400;
    format!("{:02}:{:02}:{:02}", secs_of_day / 3600, secs_of_day / 60 % 60, secs_of_day % 60)
}

/// Elapsed sim time as `T+MM:SS` (or `T+H:MM:SS`).
pub fn format_elapsed(now_ms: u64) -> String {
    let secs = now_ms / 1000;
    if secs >= 3600 {
        format!("T+{}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60)
    } else {
        format!("T+{:02}:{:02}", secs / 60, secs % 60)
    }
}

/// The short form of a task id shown on its chip.
pub fn short_id(id: &str) -> &str {
    id.get(..8).unwrap_or(id)
}
