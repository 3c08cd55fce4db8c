//! Placement explanations: for every EC2 task, `explain_task` names the task's actual instance as the outcome,
//! marks that one node chosen, and its checks and strategy scores agree with the choice.

use std::collections::BTreeMap;

use ecs_sim::placement::Explanation;
use ecs_sim::sim::Sim;
use ecs_sim_tests::*;

/// Checks one task's explanation against where the task actually is; returns the explanation.
fn check_task_explanation(sim: &Sim, task_arn: &str, n_strategies: usize) -> Explanation {
    let view = sim.view();
    let task = view.tasks.iter().find(|t| t.arn == task_arn).unwrap();
    let (explanation, names) = sim.explain_task(task_arn).unwrap_or_else(|| panic!("no explanation for {}", task.id));
    let names: BTreeMap<u32, String> = names.into_iter().collect();
    let placed_on = *explanation.outcome.as_ref().unwrap_or_else(|f| panic!("{}: outcome is a failure {f:?}", task.id));
    assert_eq!(names.get(&placed_on), task.ec2_instance_id.as_ref(), "task {}: explanation outcome is not the task's instance", task.id);
    let chosen: Vec<_> = explanation.nodes.iter().filter(|n| n.chosen).collect();
    assert_eq!(chosen.len(), 1, "task {}: {} chosen nodes", task.id, chosen.len());
    let chosen = chosen[0];
    assert_eq!(chosen.node, placed_on);
    assert_eq!(Some(&chosen.ec2_instance_id), task.ec2_instance_id.as_ref());
    assert!(!chosen.checks.is_empty());
    assert!(chosen.checks.iter().all(|c| c.passed), "task {}: the chosen node failed {:?}", task.id, chosen.checks);
    assert_eq!(chosen.scores.len(), n_strategies, "task {}: {:?}", task.id, chosen.scores);
    assert!(chosen.scores.iter().all(|s| s.kept), "task {}: a strategy set the chosen node aside: {:?}", task.id, chosen.scores);
    for node in &explanation.nodes {
        let passed = node.checks.iter().all(|c| c.passed);
        // Strategies rank only instances that passed every check.
        assert_eq!(node.scores.len(), if passed { n_strategies } else { 0 }, "task {} node {}: {:?}", task.id, node.ec2_instance_id, node);
    }
    // Strategy by strategy: the chosen node has the lowest value among the instances still in the running, and
    // an instance is kept exactly when it was in the running and ties the lowest value.
    for i in 0..n_strategies {
        let in_running: Vec<_> = explanation.nodes.iter().filter(|n| !n.scores.is_empty() && (i == 0 || n.scores[i - 1].kept)).collect();
        let best = in_running.iter().map(|n| n.scores[i].value).min().unwrap();
        assert_eq!(chosen.scores[i].value, best, "task {} strategy {}", task.id, chosen.scores[i].strategy);
        if in_running.len() > 1 {
            for node in &in_running {
                assert_eq!(node.scores[i].kept, node.scores[i].value == best, "task {} node {} strategy {}", task.id, node.ec2_instance_id, chosen.scores[i].strategy);
            }
        }
        for node in explanation.nodes.iter().filter(|n| !n.scores.is_empty() && i > 0 && !n.scores[i - 1].kept) {
            assert!(!node.scores[i].kept, "task {}: a node set aside came back at strategy {i}", task.id);
        }
    }
    explanation
}

#[test]
fn binpack_vs_spread_explanations_match_the_placements() {
    let sim = run_scenario("binpack-vs-spread", None, "11m");
    let view = sim.view();
    assert_eq!(view.tasks.len(), 12);
    for task in &view.tasks {
        assert!(task.explainable);
        let packed = task.group == "service:packed";
        // packed: binpack(memory); spread: the service default, spread(AZ) then spread(instanceId).
        let explanation = check_task_explanation(&sim, &task.arn, if packed { 1 } else { 2 });
        assert_eq!(explanation.nodes.len(), 6);
        let chosen = explanation.nodes.iter().find(|n| n.chosen).unwrap();
        if packed {
            assert_eq!(chosen.scores[0].strategy, "binpack(memory)");
            // What would remain: registered 7985 MiB − 1024 per task already there − 1024 for this one: a multiple of 1024 below 7985.
            let value = chosen.scores[0].value;
            assert!(value >= 0 && (7985 - value) % 1024 == 0, "{value}");
            assert!(chosen.scores[0].detail.contains("MiB would remain"));
        } else {
            assert!(chosen.scores[0].strategy.contains("ecs.availability-zone"), "{:?}", chosen.scores);
        }
    }
}

#[test]
fn placement_constraints_explanations_show_the_failed_constraints() {
    let sim = run_scenario("placement-constraints", None, "11m");
    let view = sim.view();
    let api: Vec<_> = view.tasks.iter().filter(|t| t.group == "service:api").collect();
    assert_eq!(api.len(), 3);
    for task in api {
        let explanation = check_task_explanation(&sim, &task.arn, 2);
        assert_eq!(explanation.nodes.len(), 6);
        for node in &explanation.nodes {
            let instance = view.instances.iter().find(|i| i.ec2_instance_id == node.ec2_instance_id).unwrap();
            let prod = instance.custom_attributes.iter().any(|a| a.name == "stack" && a.value == "prod");
            let m5 = instance.instance_type.starts_with("m5.");
            // c5.large fails the task definition's memberOf, the untagged m5.large the service's.
            if !m5 || !prod {
                assert!(!node.chosen);
                let failed: Vec<_> = node.checks.iter().filter(|c| !c.passed).map(|c| c.check.as_str()).collect();
                assert!(!failed.is_empty(), "{} ({}, prod {prod}) passed every check", node.ec2_instance_id, instance.instance_type);
                if !m5 {
                    assert!(failed.iter().any(|c| c.contains("m5")), "{failed:?}");
                }
                if !prod {
                    assert!(failed.iter().any(|c| c.contains("stack")), "{failed:?}");
                }
            }
        }
    }
}

#[test]
fn every_ec2_task_of_every_replica_builtin_is_explained() {
    for (id, _) in ecs_sim::scenario::BUILTIN_SCENARIOS.iter().filter(|(id, _)| *id != "daemon-service") {
        assert_every_ec2_task_explained(id);
    }
}

/// DAEMON tasks go on the instance they are for (`place_on`), not through a ranked placement: the view
/// does not offer an explanation for them and `explain_task` has none.
#[test]
fn daemon_tasks_are_not_offered_an_explanation() {
    let sim = run_scenario("daemon-service", None, "15m");
    let tasks = sim.view().tasks;
    assert!(!tasks.is_empty());
    for task in tasks {
        assert!(!task.explainable, "daemon task {} must not be marked explainable", task.id);
        assert!(sim.explain_task(&task.arn).is_none());
    }
}

fn assert_every_ec2_task_explained(id: &str) {
    {
        let sim = run_scenario(id, None, "15m");
        for task in sim.view().tasks {
            if task.launch_type == ecs_sim::view::LaunchType::Fargate {
                assert!(!task.explainable);
                assert!(sim.explain_task(&task.arn).is_none(), "{id}: a Fargate task has no placement decision");
                continue;
            }
            assert!(task.explainable, "{id}: task {}", task.id);
            let (explanation, names) = sim.explain_task(&task.arn).unwrap_or_else(|| panic!("{id}: no explanation for {} ({})", task.id, task.group));
            let placed_on = explanation.outcome.expect("placed");
            let names: BTreeMap<u32, String> = names.into_iter().collect();
            assert_eq!(names.get(&placed_on), task.ec2_instance_id.as_ref(), "{id}: task {}", task.id);
        }
    }
}
