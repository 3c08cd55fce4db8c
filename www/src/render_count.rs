//! Renders per function component, for the benchmarks and the browser tests: every component calls
//! [`use_render_count`] first, and `window.ecsPlayground.renderCounts()` reads the counts.

use std::cell::RefCell;

thread_local! {
    /// (component name, renders so far), in the order the components first rendered.
    static COUNTS: RefCell<Vec<(&'static str, u32)>> = const { RefCell::new(Vec::new()) };
}

/// Counts one render of the component `name`.
#[yew::hook]
pub fn use_render_count(name: &'static str) {
    COUNTS.with(|counts| {
        let mut counts = counts.borrow_mut();
        match counts.iter_mut().find(|(n, _)| *n == name) {
            Some((_, count)) => *count += 1,
            None => counts.push((name, 1)),
        }
    });
}

/// The renders of each component that rendered so far.
pub fn render_counts() -> Vec<(&'static str, u32)> {
    COUNTS.with(|counts| counts.borrow().clone())
}
