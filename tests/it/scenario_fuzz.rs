//! The scenario importer never panics: seeded random mutations of every built-in scenario are loaded, and
//! the ones that load are run for a simulated hour. Every refusal names a JSON path and says why.

use ecs_sim::rng::Prng;
use ecs_sim::scenario::{parse_scenario, parse_scenario_str, BUILTIN_SCENARIOS};
use ecs_sim::sim::Sim;
use ecs_sim::time::SimTime;
use serde_json::{json, Value};

fn random_scalar(rng: &mut Prng) -> Value {
    match rng.below(9) {
        0 => Value::Null,
        1 => json!(rng.below(2) == 1),
        2 => json!(rng.next_u64()),
        3 => json!(-(rng.below(1000) as i64)),
        4 => json!(""),
        5 => json!("${missing.Path[0]}"),
        6 => json!("1h30x"),
        7 => json!([]),
        _ => json!({ "k": rng.below(10) }),
    }
}

/// Mutates one randomly chosen node of the document: delete a key, replace a value, or duplicate an array item.
fn mutate(value: &mut Value, rng: &mut Prng, depth: u32) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            let keys: Vec<String> = map.keys().cloned().collect();
            let key = &keys[rng.below(keys.len() as u32) as usize];
            match rng.below(4) {
                0 => {
                    map.remove(key);
                }
                1 if depth > 0 => {
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

#[test]
fn mutated_scenarios_never_panic_and_errors_name_a_path() {
    let mut rng = Prng::new(2026);
    let mut n_loaded = 0;
    let mut n_refused = 0;
    for round in 0..400 {
        let (_, text) = BUILTIN_SCENARIOS[round % BUILTIN_SCENARIOS.len()];
        let mut document: Value = serde_json::from_str(text).expect("built-ins are JSON");
        for _ in 0..=rng.below(4) {
            mutate(&mut document, &mut rng, 6);
        }
        match parse_scenario(&document) {
            Ok(scenario) => {
                n_loaded += 1;
                let mut sim = Sim::new(&scenario, None);
                sim.advance_to(SimTime::from_secs(3600), 200_000);
                let _ = sim.view();
                let _ = sim.describe_all();
            }
            Err(errors) => {
                n_refused += 1;
                assert!(!errors.is_empty());
                for error in errors {
                    assert!(!error.path.is_empty() && !error.message.is_empty(), "{error:?}");
                }
            }
        }
    }
    // The mutations must exercise both outcomes, or the test proves nothing.
    assert!(n_loaded > 20 && n_refused > 20, "loaded {n_loaded}, refused {n_refused}");
}

#[test]
fn truncated_and_garbled_texts_are_refused_at_the_root() {
    let mut rng = Prng::new(7);
    for (_, text) in BUILTIN_SCENARIOS {
        for _ in 0..40 {
            let cut = rng.below(text.len() as u32) as usize;
            let truncated: String = text.chars().take(cut).collect();
            if let Err(errors) = parse_scenario_str(&truncated) {
                assert!(errors.iter().all(|e| !e.path.is_empty()));
            }
        }
    }
    let errors = parse_scenario_str("{\"formatVersion\": 1, \"steps\": [").unwrap_err();
    assert_eq!(errors[0].path, "$");
    assert!(errors[0].message.contains("not valid JSON"), "{}", errors[0].message);
}
