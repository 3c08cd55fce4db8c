//! Container Insights: the `containerInsights` cluster setting (CreateCluster, UpdateClusterSettings,
//! DescribeClusters with `include`), the `ECS/ContainerInsights` metrics published each minute only while it is
//! on, an alarm on one of them, and the cluster-level `AWS/ECS` CPUUtilization and MemoryUtilization.
//!
//! The scenario: one m5.large (2,048 CPU units and 7,985 MiB registered) in cluster `demo`, service `web` of two
//! tasks (512 CPU units, 1,024 MiB; workload baseline 25 % CPU, 50 % memory) and one standalone task of family
//! `batch` (256 CPU units, 512 MiB; baseline 10 % CPU, 20 % memory). The instance registers at 45 s; images
//! take 2 minutes to pull, so the tasks are pending until about 2 m 50 s and run from then on.

use ecs_sim::sim::Sim;
use ecs_sim::sim::LogKind;
use ecs_sim_tests::*;
use serde_json::{json, Value};

const SCENARIO: &str = r##"{
  "formatVersion": 1, "name": "Container Insights", "seed": 3, "region": "us-east-1", "startTime": "2026-01-05T09:00:00Z",
  "workloads": { "web": { "cpuBaselinePercent": 25, "memoryBaselinePercent": 50 }, "batch": { "cpuBaselinePercent": 10, "memoryBaselinePercent": 20 } },
  "steps": [
    { "at": "0s", "call": "sim:SetTimings", "input": { "imagePull": "2m" } },
    { "at": "0s", "call": "ecs:CreateCluster", "input": { "clusterName": "demo", "settings": [ { "name": "containerInsights", "value": "enabled" } ] } },
    { "at": "0s", "call": "ec2:RunInstances", "input": { "InstanceType": "m5.large", "MinCount": 1, "MaxCount": 1,
        "IamInstanceProfile": { "Name": "ecsInstanceRole" }, "UserData": "#!/bin/bash\necho ECS_CLUSTER=demo >> /etc/ecs/ecs.config" } },
    { "at": "0s", "call": "ecs:RegisterTaskDefinition", "input": { "family": "web", "cpu": "512", "memory": "1024",
        "containerDefinitions": [ { "name": "web", "image": "nginx:1.27", "essential": true, "portMappings": [ { "containerPort": 80, "hostPort": 0 } ] } ] } },
    { "at": "0s", "call": "ecs:RegisterTaskDefinition", "input": { "family": "batch", "cpu": "256", "memory": "512",
        "containerDefinitions": [ { "name": "batch", "image": "busybox:1.36", "essential": true } ] } },
    { "at": "0s", "call": "ecs:CreateService", "input": { "cluster": "demo", "serviceName": "web", "taskDefinition": "web", "desiredCount": 2 } },
    { "at": "50s", "call": "ecs:RunTask", "input": { "cluster": "demo", "taskDefinition": "batch" } }
  ]
}"##;

/// The scenario's start: sim minute `m` is `09:mm`.
fn at(minute: u64) -> String {
    format!("2026-01-05T{:02}:{:02}:00Z", 9 + minute / 60, minute % 60)
}

/// The Average of each one-minute datapoint of a metric from minute `from` to minute `to` (sim minutes).
fn averages(sim: &mut Sim, namespace: &str, metric: &str, dimensions: &[(&str, &str)], from: u64, to: u64) -> Vec<f64> {
    let dimensions: Vec<Value> = dimensions.iter().map(|(n, v)| json!({ "Name": n, "Value": v })).collect();
    let out = sim
        .call("cloudwatch:GetMetricStatistics", json!({
            "Namespace": namespace, "MetricName": metric, "Dimensions": dimensions,
            "StartTime": at(from), "EndTime": at(to), "Period": 60, "Statistics": ["Average"],
        }))
        .expect("GetMetricStatistics");
    out["Datapoints"].as_array().expect("Datapoints").iter().map(|d| d["Average"].as_f64().expect("Average")).collect()
}

fn insights(sim: &mut Sim, metric: &str, dimensions: &[(&str, &str)], from: u64, to: u64) -> Vec<f64> {
    averages(sim, "ECS/ContainerInsights", metric, dimensions, from, to)
}

fn error(sim: &mut Sim, call: &str, input: Value) -> String {
    sim.call(call, input).expect_err("refused").to_string()
}

#[test]
fn settings_are_validated_and_described_as_aws_does() {
    let mut sim = Sim::new(&scenario(SCENARIO), None);
    advance(&mut sim, t("1s"));
    // DescribeClusters shows `settings` only with include SETTINGS.
    let plain = sim.call("ecs:DescribeClusters", json!({ "clusters": ["demo"] })).expect("describe");
    assert!(plain["clusters"][0].get("settings").is_none(), "{plain}");
    let with = sim.call("ecs:DescribeClusters", json!({ "clusters": ["demo"], "include": ["SETTINGS"] })).expect("describe");
    assert_eq!(with["clusters"][0]["settings"], json!([{ "name": "containerInsights", "value": "enabled" }]));
    // A cluster created without settings has Container Insights disabled.
    let other = sim.call("ecs:CreateCluster", json!({ "clusterName": "plain" })).expect("create");
    assert!(other["cluster"].get("settings").is_none(), "the answer shows settings only when given: {other}");
    let described = sim.call("ecs:DescribeClusters", json!({ "clusters": ["plain"], "include": ["SETTINGS", "TAGS"] })).expect("describe");
    assert_eq!(described["clusters"][0]["settings"][0]["value"], "disabled");
    // UpdateClusterSettings changes it and answers with the cluster and its settings; `enhanced` is a value.
    let updated = sim.call("ecs:UpdateClusterSettings", json!({ "cluster": "plain", "settings": [{ "name": "containerInsights", "value": "enhanced" }] })).expect("update");
    assert_eq!((updated["cluster"]["clusterName"].as_str(), updated["cluster"]["settings"][0]["value"].as_str()), (Some("plain"), Some("enhanced")));
    let arn = updated["cluster"]["clusterArn"].as_str().expect("arn").to_string();
    let described = sim.call("ecs:DescribeClusters", json!({ "clusters": [arn], "include": ["SETTINGS"] })).expect("describe");
    assert_eq!(described["clusters"][0]["settings"][0]["value"], "enhanced");
    // Bad input is refused, naming the field.
    let bad_value = json!({ "cluster": "plain", "settings": [{ "name": "containerInsights", "value": "on" }] });
    assert_eq!(error(&mut sim, "ecs:UpdateClusterSettings", bad_value), "InvalidParameterException: Invalid setting 'value'");
    let bad_name = json!({ "cluster": "plain", "settings": [{ "name": "containerInsights", "value": "enabled" }, { "name": "insights", "value": "enabled" }] });
    assert_eq!(
        error(&mut sim, "ecs:UpdateClusterSettings", bad_name),
        "InvalidParameterException: 1 validation error detected: Value 'insights' at 'settings.2.member.name' failed to satisfy constraint: Member must satisfy enum value set: [containerInsights]"
    );
    assert_eq!(error(&mut sim, "ecs:UpdateClusterSettings", json!({ "cluster": "plain" })), "InvalidParameterException: settings can not be empty.");
    assert_eq!(error(&mut sim, "ecs:UpdateClusterSettings", json!({ "settings": [] })), "InvalidParameterException: cluster can not be blank.");
    let missing = json!({ "cluster": "nope", "settings": [{ "name": "containerInsights", "value": "enabled" }] });
    assert_eq!(error(&mut sim, "ecs:UpdateClusterSettings", missing), "ClusterNotFoundException: Cluster not found.");
    let create_bad = json!({ "clusterName": "third", "settings": [{ "name": "containerInsights", "value": "ENABLED" }] });
    assert_eq!(error(&mut sim, "ecs:CreateCluster", create_bad), "InvalidParameterException: Invalid setting 'value'");
    assert!(sim.call("ecs:DescribeClusters", json!({ "clusters": ["third"] })).expect("describe")["failures"][0]["reason"] == "MISSING", "a refused CreateCluster creates nothing");
    let bad_include = error(&mut sim, "ecs:DescribeClusters", json!({ "clusters": ["demo"], "include": ["SETTING"] }));
    assert!(bad_include.starts_with("InvalidParameterException: 1 validation error detected: Value '[SETTING]' at 'include'"), "{bad_include}");
    // The refused calls did not change the setting.
    let described = sim.call("ecs:DescribeClusters", json!({ "clusters": ["plain"], "include": ["SETTINGS"] })).expect("describe");
    assert_eq!(described["clusters"][0]["settings"][0]["value"], "enhanced");
    // The view carries the setting for the app.
    let view = sim.view();
    let setting = |name: &str| view.clusters.iter().find(|c| c.name == name).map(|c| c.container_insights);
    assert_eq!((setting("demo"), setting("plain")), (Some("enabled"), Some("enhanced")));
}

#[test]
fn insights_metrics_follow_the_tasks_while_enabled_and_stop_when_disabled() {
    let mut sim = Sim::new(&scenario(SCENARIO), None);
    advance(&mut sim, t("8m"));
    let service = [("ClusterName", "demo"), ("ServiceName", "web")];
    let family = |f: &'static str| [("ClusterName", "demo"), ("TaskDefinitionFamily", f)];
    let cluster = [("ClusterName", "demo")];
    // Minutes 3 to 7 (five datapoints), with everything running.
    let five = |v: f64| vec![v; 5];
    // Service web: 2 tasks × 512 units at 25 % = 256 units used of 1,024 reserved;
    // 2 × 1,024 MiB at 50 % = 1,024 MiB used of 2,048 reserved.
    assert_eq!(insights(&mut sim, "CpuUtilized", &service, 3, 8), five(256.0));
    assert_eq!(insights(&mut sim, "CpuReserved", &service, 3, 8), five(1024.0));
    assert_eq!(insights(&mut sim, "MemoryUtilized", &service, 3, 8), five(1024.0));
    assert_eq!(insights(&mut sim, "MemoryReserved", &service, 3, 8), five(2048.0));
    // Family batch, the standalone task: 256 units at 10 % = 25.6; 512 MiB at 20 % = 102.4.
    assert_eq!(insights(&mut sim, "CpuUtilized", &family("batch"), 3, 8), five(25.6));
    assert_eq!(insights(&mut sim, "MemoryUtilized", &family("batch"), 3, 8), five(102.4));
    assert_eq!(insights(&mut sim, "CpuReserved", &family("web"), 3, 8), five(1024.0));
    // The cluster: 256 + 25.6 = 281.6 units of 1,024 + 256 = 1,280; 1,024 + 102.4 = 1,126.4 MiB of 2,048 + 512 = 2,560.
    assert_eq!(insights(&mut sim, "CpuUtilized", &cluster, 3, 8), five(281.6));
    assert_eq!(insights(&mut sim, "CpuReserved", &cluster, 3, 8), five(1280.0));
    assert_eq!(insights(&mut sim, "MemoryUtilized", &cluster, 3, 8), five(1126.4));
    assert_eq!(insights(&mut sim, "MemoryReserved", &cluster, 3, 8), five(2560.0));
    // Counts: the service runs 2 of 2 with one deployment; the cluster has 1 instance, 1 service, 3 tasks.
    for (metric, value) in [("RunningTaskCount", 2.0), ("PendingTaskCount", 0.0), ("DesiredTaskCount", 2.0), ("DeploymentCount", 1.0)] {
        assert_eq!(insights(&mut sim, metric, &service, 3, 8), five(value), "{metric}");
    }
    for (metric, value) in [("ContainerInstanceCount", 1.0), ("ServiceCount", 1.0), ("TaskCount", 3.0)] {
        assert_eq!(insights(&mut sim, metric, &cluster, 3, 8), five(value), "{metric}");
    }
    // Minutes 0 and 1 (reported at 1 m and 2 m): the service's two tasks were pulling their images.
    assert_eq!(insights(&mut sim, "PendingTaskCount", &service, 0, 2), vec![2.0, 2.0]);
    assert_eq!(insights(&mut sim, "RunningTaskCount", &service, 0, 2), vec![0.0, 0.0]);
    assert_eq!(insights(&mut sim, "TaskCount", &cluster, 0, 2), vec![0.0, 0.0]);
    // No task ran yet, so no CPU or memory figures.
    assert_eq!(insights(&mut sim, "CpuUtilized", &service, 0, 2), Vec::<f64>::new());
    // Turned off at 8 m: nothing more in ECS/ContainerInsights, while AWS/ECS goes on.
    sim.call("ecs:UpdateClusterSettings", json!({ "cluster": "demo", "settings": [{ "name": "containerInsights", "value": "disabled" }] })).expect("disable");
    advance(&mut sim, t("20m"));
    assert_eq!(insights(&mut sim, "TaskCount", &cluster, 9, 20), Vec::<f64>::new());
    assert_eq!(insights(&mut sim, "CpuUtilized", &service, 9, 20), Vec::<f64>::new());
    assert_eq!(averages(&mut sim, "AWS/ECS", "CPUUtilization", &service, 9, 20), vec![25.0; 11]);
    // ListMetrics lists what was published, Container Insights included, and filters by dimension.
    let listed = sim.call("cloudwatch:ListMetrics", json!({ "Namespace": "ECS/ContainerInsights", "Dimensions": [{ "Name": "TaskDefinitionFamily" }] })).expect("ListMetrics");
    let names: Vec<String> = listed["Metrics"].as_array().expect("Metrics").iter().map(|m| format!("{} {}", m["MetricName"].as_str().unwrap_or(""), m["Dimensions"][1]["Value"].as_str().unwrap_or(""))).collect();
    assert_eq!(names, ["CpuReserved batch", "CpuReserved web", "CpuUtilized batch", "CpuUtilized web", "MemoryReserved batch", "MemoryReserved web", "MemoryUtilized batch", "MemoryUtilized web"]);
    // Turned on again (enhanced publishes the same metrics): datapoints from the next minute on.
    sim.call("ecs:UpdateClusterSettings", json!({ "cluster": "demo", "settings": [{ "name": "containerInsights", "value": "enhanced" }] })).expect("enhance");
    advance(&mut sim, t("25m"));
    assert_eq!(insights(&mut sim, "TaskCount", &cluster, 15, 25), vec![3.0; 5], "minutes 20 to 24");
}

#[test]
fn a_cluster_without_container_insights_publishes_none_of_its_metrics() {
    let text = SCENARIO.replace(r#", "settings": [ { "name": "containerInsights", "value": "enabled" } ]"#, "");
    let mut sim = Sim::new(&scenario(&text), None);
    advance(&mut sim, t("10m"));
    let listed = sim.call("cloudwatch:ListMetrics", json!({ "Namespace": "ECS/ContainerInsights" })).expect("ListMetrics");
    assert_eq!(listed["Metrics"], json!([]));
    // The free AWS/ECS metrics are there all the same.
    assert_eq!(averages(&mut sim, "AWS/ECS", "CPUUtilization", &[("ClusterName", "demo"), ("ServiceName", "web")], 3, 8), vec![25.0; 5]);
}

#[test]
fn cluster_utilization_is_what_the_tasks_use_of_what_the_instances_registered() {
    let mut sim = Sim::new(&scenario(SCENARIO), None);
    advance(&mut sim, t("8m"));
    let cluster = [("ClusterName", "demo")];
    // CPU: (256 + 25.6) units × 100 / 2,048 registered = 13.75 %.
    assert_eq!(averages(&mut sim, "AWS/ECS", "CPUUtilization", &cluster, 3, 8), vec![13.75; 5]);
    // Memory: (1,024 + 102.4) MiB × 100 / 7,985 registered = 14.106 % (thousandths, rounded down).
    assert_eq!(averages(&mut sim, "AWS/ECS", "MemoryUtilization", &cluster, 3, 8), vec![14.106; 5]);
    // The service's own figures are unchanged: 25 % and 50 % of what its tasks reserve.
    assert_eq!(averages(&mut sim, "AWS/ECS", "MemoryUtilization", &[("ClusterName", "demo"), ("ServiceName", "web")], 3, 8), vec![50.0; 5]);
    // Several statistics and a longer period in one request: 5 minutes of 13.75 % summed is 68.75.
    let out = sim
        .call("cloudwatch:GetMetricStatistics", json!({
            "Namespace": "AWS/ECS", "MetricName": "CPUUtilization", "Dimensions": [{ "Name": "ClusterName", "Value": "demo" }],
            "StartTime": at(3), "EndTime": at(8), "Period": 300, "Statistics": ["Sum", "SampleCount", "Maximum"],
        }))
        .expect("GetMetricStatistics");
    assert_eq!(out["Datapoints"], json!([{ "Timestamp": "2026-01-05T09:03:00.000Z", "Sum": 68.75, "SampleCount": 5.0, "Maximum": 13.75, "Unit": "Percent" }]));
    // A Fargate-only cluster registers nothing: no cluster utilization (AWS publishes it for EC2 only).
    let fargate = sim.call("cloudwatch:ListMetrics", json!({ "Namespace": "AWS/ECS", "MetricName": "CPUUtilization" })).expect("ListMetrics");
    assert_eq!(fargate["Metrics"].as_array().map(Vec::len), Some(2), "the cluster's and the service's: {fargate}");
    // Bad requests get CloudWatch's error codes.
    let base = json!({ "Namespace": "AWS/ECS", "MetricName": "CPUUtilization", "StartTime": at(3), "EndTime": at(8), "Period": 60, "Statistics": ["Average"] });
    let with = |key: &str, value: Value| {
        let mut input = base.clone();
        input[key] = value;
        input
    };
    assert_eq!(error(&mut sim, "cloudwatch:GetMetricStatistics", with("EndTime", json!(at(2)))), "InvalidParameterValue: The parameter StartTime must be less than the parameter EndTime.");
    assert!(error(&mut sim, "cloudwatch:GetMetricStatistics", with("Statistics", json!(["Median"]))).starts_with("InvalidParameterValue: The parameter Statistics.member.1 must be"));
    assert!(error(&mut sim, "cloudwatch:GetMetricStatistics", with("Period", json!(90))).starts_with("InvalidParameterValue: The parameter Period must be a multiple of 60"));
    assert_eq!(error(&mut sim, "cloudwatch:GetMetricStatistics", with("StartTime", Value::Null)), "MissingParameter: The parameter StartTime is required.");
    // A day and a minute of one-minute periods is 1,441 datapoints: over CloudWatch's limit of 1,440.
    let too_many = error(&mut sim, "cloudwatch:GetMetricStatistics", with("EndTime", json!("2026-01-06T09:04:00Z")));
    assert!(too_many.starts_with("InvalidParameterCombination: You have requested up to 1441 datapoints, which exceeds the limit of 1,440."), "{too_many}");
}

#[test]
fn an_alarm_on_running_task_count_goes_to_alarm_when_the_service_loses_a_task() {
    let mut sim = Sim::new(&scenario(SCENARIO), None);
    advance(&mut sim, t("3m"));
    sim.call("cloudwatch:PutMetricAlarm", json!({
        "AlarmName": "web-running", "Namespace": "ECS/ContainerInsights", "MetricName": "RunningTaskCount",
        "Dimensions": [{ "Name": "ServiceName", "Value": "web" }, { "Name": "ClusterName", "Value": "demo" }],
        "Statistic": "Average", "Period": 60, "EvaluationPeriods": 2, "Threshold": 2, "ComparisonOperator": "LessThanThreshold",
    }))
    .expect("PutMetricAlarm");
    advance(&mut sim, t("6m"));
    let state = |sim: &mut Sim| sim.call("cloudwatch:DescribeAlarms", json!({ "AlarmNames": ["web-running"] })).expect("DescribeAlarms")["MetricAlarms"][0]["StateValue"].clone();
    // 2 running tasks, not less than 2: OK.
    assert_eq!(state(&mut sim), "OK");
    sim.call("ecs:UpdateService", json!({ "cluster": "demo", "service": "web", "desiredCount": 1 })).expect("scale in");
    advance(&mut sim, t("10m"));
    assert_eq!(state(&mut sim), "ALARM");
    let fired = sim.log().iter().find(|e| e.kind == LogKind::Alarm && e.message.contains("web-running is ALARM")).expect("the alarm fired");
    // One task stops within the minute after 6 m; two datapoints of 1 (minutes 7 and 8) are evaluated at 9 m.
    assert!(fired.time > t("7m") && fired.time <= t("9m"), "fired at {}", fired.time);
    assert!(fired.message.contains("2 out of the last 2 datapoints [1.0"), "{}", fired.message);
}

/// `(minute, Average)` of each one-minute datapoint of a Container Insights metric from minute `from` to `to`.
fn series(sim: &mut Sim, metric: &str, dimensions: &[(&str, &str)], from: u64, to: u64) -> Vec<(u64, f64)> {
    let dimensions: Vec<Value> = dimensions.iter().map(|(n, v)| json!({ "Name": n, "Value": v })).collect();
    let out = sim
        .call("cloudwatch:GetMetricStatistics", json!({
            "Namespace": "ECS/ContainerInsights", "MetricName": metric, "Dimensions": dimensions,
            "StartTime": at(from), "EndTime": at(to), "Period": 60, "Statistics": ["Average"],
        }))
        .expect("GetMetricStatistics");
    let minute = |d: &Value| d["Timestamp"].as_str().and_then(|s| Some(s.get(11..13)?.parse::<u64>().ok()? * 60 + s.get(14..16)?.parse::<u64>().ok()? - 9 * 60));
    out["Datapoints"].as_array().expect("Datapoints").iter().map(|d| (minute(d).expect("timestamp"), d["Average"].as_f64().expect("Average"))).collect()
}

#[test]
fn a_deployment_to_another_family_splits_the_service_by_family() {
    let mut sim = Sim::new(&scenario(SCENARIO), None);
    advance(&mut sim, t("8m"));
    // maximumPercent 150 of 2 starts one `batch` task at a time while both `web` tasks run; once it runs, one
    // `web` task stops and the second `batch` task starts: for a while one task of each family runs.
    sim.call("ecs:UpdateService", json!({ "cluster": "demo", "service": "web", "taskDefinition": "batch",
        "deploymentConfiguration": { "maximumPercent": 150, "minimumHealthyPercent": 100 } })).expect("deploy");
    advance(&mut sim, t("25m"));
    let web = series(&mut sim, "CpuReserved", &[("ClusterName", "demo"), ("TaskDefinitionFamily", "web")], 8, 25);
    let batch = series(&mut sim, "CpuReserved", &[("ClusterName", "demo"), ("TaskDefinitionFamily", "batch")], 8, 25);
    let batch_used = series(&mut sim, "CpuUtilized", &[("ClusterName", "demo"), ("TaskDefinitionFamily", "batch")], 8, 25);
    let service = series(&mut sim, "CpuReserved", &[("ClusterName", "demo"), ("ServiceName", "web")], 8, 25);
    let value = |s: &[(u64, f64)], m: u64| s.iter().find(|(minute, _)| *minute == m).map(|p| p.1);
    // A minute with one task of each family: web 512 units; batch 256 (the service's) + 256 (standalone).
    let mixed = web.iter().find(|(_, v)| *v == 512.0).map(|p| p.0).expect("a minute with one web task");
    assert_eq!(value(&batch, mixed), Some(512.0));
    // The service's tasks share its utilization (its first task's workload, web's 25 %): 256 × 25 % = 64, plus
    // the standalone task's 25.6.
    assert_eq!(value(&batch_used, mixed), Some(89.6));
    // The service's own figure is the sum of its two tasks: 512 + 256 = 768.
    assert_eq!(value(&service, mixed), Some(768.0));
    // At the end only batch runs: 2 × 256 for the service and 256 standalone; web has no datapoint any more.
    assert_eq!(value(&batch, 24), Some(768.0));
    assert_eq!(value(&web, 24), None);
}
