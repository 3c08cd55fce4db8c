//! Time strings never panic, wrap or hang: seeded random mutations of the corpus in `tests/data/fuzz/times.txt`
//! (durations, ISO 8601 timestamps and durations, hostile numbers) go through every reader of a user's time: the
//! duration syntax, a scenario step's `at`, a `sim:SetTimings` value and the ISO 8601 readers. What is accepted is
//! at most a year and reads back the same once written; what is refused says why, naming the field. Every input
//! is answered in under a quarter second (a debug build), and the whole target runs in a bounded number of
//! rounds.

use std::time::{Duration, Instant};

use ecs_sim::rng::Prng;
use ecs_sim::scenario::parse_scenario;
use ecs_sim::sim::Sim;
use ecs_sim::time::{format_duration_ms, format_iso8601_ms, parse_duration_ms, parse_iso8601_duration_ms, parse_iso8601_ms, SimTime, MAX_SIM_TIME_MS};
use ecs_sim_tests::*;
use serde_json::json;

/// The rounds of the target (each one input through every reader).
const ROUNDS: u32 = 6_000;
/// The longest any one input may take through every reader.
const SLOWEST_INPUT: Duration = Duration::from_millis(250);

/// The seeded corpus, one time string a line.
fn corpus() -> Vec<String> {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/data/fuzz/times.txt")).expect("the corpus of times");
    text.lines().map(str::to_string).collect()
}

/// What a mutation may put in: the syntax's own characters, digits, signs, spaces and characters of several bytes.
const PIECES: [&str; 24] =
    ["0", "1", "9", "d", "h", "m", "s", "ms", "P", "T", "H", "M", "S", "Z", ":", "-", ".", "+", " ", "é", "\u{0}", "٣", "99999999999999999999999", "365d"];

/// Mutates `text` at character boundaries: inserts a piece, deletes a character, doubles a part, or cuts it short.
fn mutate(text: &str, rng: &mut Prng) -> String {
    let chars: Vec<char> = text.chars().collect();
    let at = if chars.is_empty() { 0 } else { rng.below(chars.len() as u32 + 1) as usize };
    let (head, tail): (String, String) = (chars[..at].iter().collect(), chars[at..].iter().collect());
    match rng.below(5) {
        0 | 1 => format!("{head}{}{tail}", PIECES[rng.below(PIECES.len() as u32) as usize]),
        2 if !tail.is_empty() => format!("{head}{}", tail.chars().skip(1).collect::<String>()),
        3 => format!("{head}{head}{tail}"),
        _ => head,
    }
}

/// A scenario of one step at `at`.
fn scenario_at(at: &str) -> serde_json::Value {
    json!({ "formatVersion": 1, "name": "t", "seed": 1, "steps": [ { "at": at, "call": "ecs:ListClusters", "input": {} } ] })
}

#[test]
fn mutated_time_strings_are_read_within_a_year_or_refused_naming_the_field() {
    let corpus = corpus();
    assert!(corpus.len() >= 20, "the corpus is short: {}", corpus.len());
    let mut rng = Prng::new(21);
    let mut sim = Sim::new(&scenario("fargate-web-service"), None);
    let (mut n_accepted, mut n_refused) = (0u32, 0u32);
    let mut slowest = Duration::ZERO;
    for round in 0..ROUNDS {
        let mut text = corpus[round as usize % corpus.len()].clone();
        // The corpus itself first, then ever more mutated inputs.
        for _ in 0..(round as usize / corpus.len()).min(1) + rng.below(3) as usize {
            text = mutate(&text, &mut rng);
        }
        let started = Instant::now();
        match parse_duration_ms(&text) {
            Ok(ms) => {
                n_accepted += 1;
                assert!(ms <= MAX_SIM_TIME_MS, "'{text}' reads as {ms} ms, past a year");
                assert_eq!(parse_duration_ms(&format_duration_ms(ms)), Ok(ms), "'{text}' does not read back once written");
            }
            Err(message) => {
                n_refused += 1;
                assert!(message.contains("duration") || message.contains("longer than"), "'{text}': {message}");
            }
        }
        // A step's `at`: the same bound, and a refusal names the step.
        match parse_scenario(&scenario_at(&text)) {
            Ok(scenario) => assert!(scenario.steps[0].at_ms <= MAX_SIM_TIME_MS, "'{text}' as a step's at"),
            Err(errors) => assert!(errors.iter().any(|e| e.path == "steps[0].at"), "'{text}' as a step's at: {errors:?}"),
        }
        // A lifecycle timing of the engine's own call, on a run that goes on.
        if round % 4 == 0 {
            match sim.call("sim:SetTimings", json!({ "imagePull": text })) {
                Ok(_) => assert!(parse_duration_ms(&text).is_ok_and(|ms| ms >= 1_000), "'{text}' was taken as a timing"),
                Err(error) => assert!(error.message.starts_with("imagePull"), "'{text}': {}", error.message),
            }
        }
        // The ISO 8601 readers: a timestamp reads back the same once written; a duration never wraps.
        if let Ok(epoch_ms) = parse_iso8601_ms(&text) {
            assert_eq!(parse_iso8601_ms(&format_iso8601_ms(epoch_ms)), Ok(epoch_ms), "'{text}'");
        }
        if let Some(ms) = parse_iso8601_duration_ms(&text) {
            assert!(text.starts_with("PT") && ms < u64::MAX, "'{text}' read as an ISO duration of {ms} ms");
        }
        slowest = slowest.max(started.elapsed());
    }
    assert!(slowest < SLOWEST_INPUT, "an input took {slowest:?}");
    // The mutations reach both sides.
    assert!(n_accepted > ROUNDS / 20 && n_refused > ROUNDS / 4, "{n_accepted} accepted, {n_refused} refused");
    // The run the timings were set on still moves.
    advance(&mut sim, SimTime::from_secs(600));
}
