//! The progress of a long run being opened (a share link, a saved run): how far its replay has reached in
//! sim time of the point it replays to, and Cancel, which leaves the live run as it was. The page stays
//! usable meanwhile: the replay runs in slices across frames.

use yew::prelude::*;

use crate::driver::{use_commands, use_replay_progress};
use crate::text::format_elapsed;

#[function_component(ReplayProgressBar)]
pub fn replay_progress_bar() -> Html {
    let commands = use_commands();
    let Some(progress) = use_replay_progress() else { return html! {} };
    let cancel = Callback::from(move |_| commands.cancel_replay());
    let percent = if progress.total_ms == 0 { 100 } else { progress.reached_ms.saturating_mul(100) / progress.total_ms };
    html! {
        <div class="replay-progress" role="status" aria-live="polite" data-reached-ms={progress.reached_ms.to_string()} data-total-ms={progress.total_ms.to_string()}>
            <span class="replay-text">{ format!("Opening {}: replayed to {} of {} ({percent}%).", progress.source.noun(), format_elapsed(progress.reached_ms), format_elapsed(progress.total_ms)) }</span>
            <progress max={progress.total_ms.to_string()} value={progress.reached_ms.to_string()} aria-label="Replay progress"></progress>
            <button type="button" class="replay-cancel" onclick={cancel}>{ "Cancel" }</button>
        </div>
    }
}
