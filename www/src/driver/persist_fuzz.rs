//! Share links and saved runs never panic or hang the page: seeded random mutations of the corpus in
//! `tests/data/fuzz/` (share links, `share-links/*.txt`, and saved runs in the autosave's schema,
//! `saved-runs/*.json`), both of their JSON and of their text, are read as the app reads them, and every one that
//! reads is opened as the app opens it: at once when it is short (at most 50,000 events), in slices of at most
//! 256 events when long. Reading answers in under a quarter second and a slice in under two (a debug build), so
//! no input blocks the page for longer; what is refused says why; what reads writes back to the same record.

use std::time::{Duration, Instant};

use ecs_sim::codec::Base64;
use ecs_sim::rng::Prng;
use serde_json::{json, Value};

use super::persist::RunRecord;
use super::replay::{Replay, ReplaySource, SLICED_REPLAY_EVENTS, SLICE_EVENTS};

/// The rounds of each target.
const ROUNDS: u32 = 400;
/// The longest the reading of one input may take.
const SLOWEST_READ: Duration = Duration::from_millis(250);
/// The longest one slice of a long replay may take.
const SLOWEST_SLICE: Duration = Duration::from_secs(2);
/// The hang guard of a short replay in one go (at most 50,000 events: seconds in a debug build).
const HANG_GUARD: Duration = Duration::from_secs(30);
/// The slices of a long replay a round runs (the app runs the rest in later frames, each as bounded).
const SLICES_PER_ROUND: u32 = 2;

/// The corpus files of `folder` under `tests/data/fuzz/`, as text, in name order.
fn corpus(folder: &str) -> Vec<String> {
    let dir = format!("{}/../tests/data/fuzz/{folder}", env!("CARGO_MANIFEST_DIR"));
    let mut paths: Vec<_> = std::fs::read_dir(&dir).expect("the corpus folder").map(|entry| entry.expect("an entry").path()).collect();
    paths.sort();
    paths.iter().map(|path| std::fs::read_to_string(path).expect("a corpus file")).collect()
}

fn random_scalar(rng: &mut Prng) -> Value {
    match rng.below(12) {
        0 => Value::Null,
        1 => json!(rng.below(2) == 1),
        2 => json!(rng.next_u64()),
        3 => json!(-(rng.below(1000) as i64)),
        4 => json!(""),
        5 => json!("1"),
        6 => json!(ecs_sim::time::MAX_SIM_TIME_MS + u64::from(rng.below(2))),
        7 => json!(rng.below(200_000)),
        8 => json!([]),
        9 => json!(1.5),
        10 => json!({ "builtin": "no-such-scenario" }),
        _ => json!([rng.below(100_000), rng.below(100), "ecs:ListClusters", {}]),
    }
}

/// Mutates one randomly chosen node of `value`: deletes a key, replaces a value, or doubles an array item.
fn mutate(value: &mut Value, rng: &mut Prng, depth: u32) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            let keys: Vec<String> = map.keys().cloned().collect();
            let key = &keys[rng.below(keys.len() as u32) as usize];
            match rng.below(4) {
                0 => {
                    map.remove(key);
                }
                1 | 2 if depth > 0 => {
                    if let Some(child) = map.get_mut(key) {
                        mutate(child, rng, depth - 1);
                    }
                }
                _ => {
                    map.insert(key.clone(), random_scalar(rng));
                }
            }
        }
        Value::Array(items) if !items.is_empty() => {
            let idx = rng.below(items.len() as u32) as usize;
            match rng.below(3) {
                0 => {
                    let copy = items[idx].clone();
                    items.push(copy);
                }
                1 => items[idx] = random_scalar(rng),
                _ if depth > 0 => mutate(&mut items[idx], rng, depth - 1),
                _ => {
                    items.remove(idx);
                }
            }
        }
        other => *other = random_scalar(rng),
    }
}

/// Garbles `text` at character boundaries: cuts it short, drops a character, or puts in a stray one.
fn garble(text: &str, rng: &mut Prng) -> String {
    let chars: Vec<char> = text.chars().collect();
    let at = rng.below(chars.len() as u32 + 1) as usize;
    let (head, tail): (String, String) = (chars[..at].iter().collect(), chars[at..].iter().collect());
    match rng.below(3) {
        0 => head,
        1 => format!("{head}{}", tail.chars().skip(1).collect::<String>()),
        _ => format!("{head}{}{tail}", ["=", "%", "\u{feff}", "é", "\"", "{", "A", "-", "_"][rng.below(9) as usize]),
    }
}

/// Opens `record` as the app does and checks that each step is bounded: a short run (at most
/// [`SLICED_REPLAY_EVENTS`] events) replays at once, a long one a slice of at most [`SLICE_EVENTS`] events at a
/// time. Events are the bound (a busy machine cannot blur them); the wall time of a step has a hang guard.
fn open(record: &RunRecord, what: &str) {
    let started = Instant::now();
    if record.n_events <= SLICED_REPLAY_EVENTS {
        let restored = record.restore();
        assert!(started.elapsed() < HANG_GUARD, "{what}: a short replay took {:?}", started.elapsed());
        if let Ok((sim, ..)) = restored {
            assert!(sim.n_events_processed() <= record.n_events && sim.now().as_millis() <= record.sim_time_ms, "{what}: replayed past its point");
        }
        return;
    }
    let Ok(mut replay) = Replay::start(record, ReplaySource::SavedRun) else { return };
    for _ in 0..SLICES_PER_ROUND {
        let (started, n_before) = (Instant::now(), replay.n_events_processed());
        let done = replay.slice();
        assert!(replay.n_events_processed() - n_before <= u64::from(SLICE_EVENTS), "{what}: a slice of {} events", replay.n_events_processed() - n_before);
        assert!(started.elapsed() < SLOWEST_SLICE, "{what}: a slice took {:?}", started.elapsed());
        let progress = replay.progress();
        assert!(progress.reached_ms <= progress.total_ms, "{what}: progress past its total");
        if done {
            break;
        }
    }
}

/// What a record reads back as once written (the fields a run is rebuilt from).
fn fields(record: &RunRecord) -> Value {
    json!([record.seed, record.sim_time_ms, record.n_events, record.latest_ms, record.calls.iter().map(|c| json!([c.time.as_millis(), c.n_events, c.call, c.input])).collect::<Vec<_>>()])
}

#[test]
fn mutated_share_links_read_or_say_why_and_open_in_bounded_steps() {
    super::persist::tests_support::install_builtins();
    let corpus = corpus("share-links");
    assert!(corpus.len() >= 4);
    let mut rng = Prng::new(2121);
    let (mut n_read, mut n_refused) = (0, 0);
    for round in 0..ROUNDS {
        let original = corpus[round as usize % corpus.len()].trim();
        let text = if round < corpus.len() as u32 {
            original.to_string()
        } else if rng.below(4) == 0 {
            garble(original, &mut rng)
        } else {
            let bytes = Base64::Url.decode(original).expect("the corpus is base64url");
            let mut doc: Value = serde_json::from_slice(&bytes).expect("the corpus is JSON");
            for _ in 0..=rng.below(3) {
                mutate(&mut doc, &mut rng, 5);
            }
            Base64::Url.encode(doc.to_string().as_bytes())
        };
        let started = Instant::now();
        let read = RunRecord::from_share_text(&text);
        assert!(started.elapsed() < SLOWEST_READ, "reading link {round} took {:?}", started.elapsed());
        match read {
            Ok(record) => {
                n_read += 1;
                assert!(record.sim_time_ms <= ecs_sim::time::MAX_SIM_TIME_MS && record.latest_ms >= record.sim_time_ms, "link {round}");
                let again = RunRecord::from_share_text(&Base64::Url.encode(record.to_share_json().as_bytes())).expect("a link written reads");
                assert_eq!(fields(&again), fields(&record), "link {round} does not read back once written");
                open(&record, &format!("link {round}"));
            }
            Err(message) => {
                n_refused += 1;
                assert!(!message.is_empty(), "link {round}");
            }
        }
    }
    assert!(n_read >= 40 && n_refused >= 40, "{n_read} read, {n_refused} refused");
}

#[test]
fn mutated_saved_runs_read_or_say_why_and_open_in_bounded_steps() {
    super::persist::tests_support::install_builtins();
    let corpus = corpus("saved-runs");
    assert!(corpus.len() >= 4);
    let mut rng = Prng::new(2122);
    let (mut n_read, mut n_refused) = (0, 0);
    for round in 0..ROUNDS {
        let original = &corpus[round as usize % corpus.len()];
        let text = if round < corpus.len() as u32 {
            original.clone()
        } else if rng.below(4) == 0 {
            garble(original, &mut rng)
        } else {
            let mut doc: Value = serde_json::from_str(original).expect("the corpus is JSON");
            for _ in 0..=rng.below(3) {
                mutate(&mut doc, &mut rng, 5);
            }
            doc.to_string()
        };
        let started = Instant::now();
        let read = RunRecord::from_autosave_text(&text);
        assert!(started.elapsed() < SLOWEST_READ, "reading save {round} took {:?}", started.elapsed());
        match read {
            Ok(record) => {
                n_read += 1;
                assert!(record.sim_time_ms <= ecs_sim::time::MAX_SIM_TIME_MS && record.latest_ms >= record.sim_time_ms, "save {round}");
                let again = RunRecord::from_autosave_text(&record.to_autosave_json()).expect("a save written reads");
                assert_eq!(fields(&again), fields(&record), "save {round} does not read back once written");
                assert_eq!(again.playing, record.playing);
                open(&record, &format!("save {round}"));
            }
            Err(message) => {
                n_refused += 1;
                assert!(!message.is_empty(), "save {round}");
            }
        }
    }
    assert!(n_read >= 40 && n_refused >= 40, "{n_read} read, {n_refused} refused");
}
