//! Benchmark workloads shared by the CLI (`ecs-sim bench`) and the wasm benchmarks: the design's day, and the
//! run with checkpoints that seeks are measured on. No timing here; each caller times with its own clock.

use serde_json::json;

use crate::scenario::{parse_scenario, Scenario};
use crate::sim::{Checkpoints, RunPoint, Sim};
use crate::time::SimTime;

/// The design's day: 500 instances, 5,000 tasks, 3 services each behind its own load balancer, 5,000
/// requests/s at the daily peak, for 24 hours of sim time, with autoscaling: target tracking on each
/// service's CPU (50 %), and the instances in an Auto Scaling group with target tracking on the cluster's
/// CPUReservation (70 %). A task (0.5 vCPU) serves 512 × 1000 / (1024 × 250 ms) = 2 requests/s at full CPU,
/// so the peak's 5,000 requests/s at 50 % need 5,000 tasks; 5,000 tasks reserve 5,000 × 512 / (500 × 8,192)
/// = 62.5 % of 500 m5.2xlarge. With `insights`, the cluster has Container Insights on; with `logging`, each
/// service's container logs with `awslogs` to its own group (`/ecs/<service>`, created by the scenario, written
/// through the account's `ecsTaskExecutionRole`), so the start-up, request and shutdown lines are written all day.
pub fn day_scenario(insights: bool, logging: bool) -> Scenario {
    let user_data = "#!/bin/bash\necho ECS_CLUSTER=day >> /etc/ecs/ecs.config";
    let mut cluster = json!({ "clusterName": "day" });
    if insights {
        cluster["settings"] = json!([{ "name": "containerInsights", "value": "enabled" }]);
    }
    let mut steps = vec![
        json!({ "at": "0s", "call": "ecs:CreateCluster", "input": cluster }),
        json!({ "at": "0s", "call": "ec2:CreateLaunchTemplate", "input": { "LaunchTemplateName": "day-m5", "LaunchTemplateData": {
            "InstanceType": "m5.2xlarge", "IamInstanceProfile": { "Name": "ecsInstanceRole" }, "UserData": user_data } } }),
        json!({ "at": "0s", "call": "autoscaling:CreateAutoScalingGroup", "input": { "AutoScalingGroupName": "day-asg",
            "LaunchTemplate": { "LaunchTemplateName": "day-m5" }, "MinSize": 100, "MaxSize": 600, "DesiredCapacity": 500, "VPCZoneIdentifier": "subnet-a,subnet-b,subnet-c" } }),
        json!({ "at": "0s", "call": "autoscaling:PutScalingPolicy", "input": { "AutoScalingGroupName": "day-asg", "PolicyName": "cpu-reservation-70",
            "PolicyType": "TargetTrackingScaling", "TargetTrackingConfiguration": { "TargetValue": 70, "CustomizedMetricSpecification": {
                "Namespace": "AWS/ECS", "MetricName": "CPUReservation", "Dimensions": [ { "Name": "ClusterName", "Value": "day" } ], "Statistic": "Average" } } } }),
    ];
    for (idx, name) in ["shop", "api", "search"].iter().enumerate() {
        let lb = format!("{name}-lb");
        let tg = format!("{name}-tg");
        steps.push(json!({ "at": "0s", "call": "elasticloadbalancing:CreateLoadBalancer", "as": lb,
            "input": { "Name": lb, "Type": "application", "Subnets": ["subnet-a", "subnet-b", "subnet-c"] } }));
        steps.push(json!({ "at": "0s", "call": "elasticloadbalancing:CreateTargetGroup", "as": tg,
            "input": { "Name": tg, "Protocol": "HTTP", "Port": 80, "VpcId": "vpc-day", "TargetType": "instance" } }));
        steps.push(json!({ "at": "0s", "call": "elasticloadbalancing:CreateListener", "input": {
            "LoadBalancerArn": format!("${{{lb}.LoadBalancers[0].LoadBalancerArn}}"), "Protocol": "HTTP", "Port": 80,
            "DefaultActions": [ { "Type": "forward", "TargetGroupArn": format!("${{{tg}.TargetGroups[0].TargetGroupArn}}") } ] } }));
        let mut task_definition = json!({ "family": name, "requiresCompatibilities": ["EC2"],
            "containerDefinitions": [ { "name": name, "image": format!("example/{name}:1"), "cpu": 512, "memory": 1024,
                "portMappings": [ { "containerPort": 80, "hostPort": 0 } ] } ] });
        if logging {
            let group = format!("/ecs/{name}");
            steps.push(json!({ "at": "0s", "call": "logs:CreateLogGroup", "input": { "logGroupName": group } }));
            task_definition["executionRoleArn"] = json!("arn:aws:iam::123456789012:role/ecsTaskExecutionRole");
            task_definition["containerDefinitions"][0]["logConfiguration"] = json!({ "logDriver": "awslogs", "options": {
                "awslogs-group": group, "awslogs-region": "us-east-1", "awslogs-stream-prefix": "ecs" } });
        }
        steps.push(json!({ "at": "0s", "call": "ecs:RegisterTaskDefinition", "input": task_definition }));
        let desired = if idx == 0 { 1666 } else { 1667 };
        steps.push(json!({ "at": "2m", "call": "ecs:CreateService", "input": { "cluster": "day", "serviceName": name, "taskDefinition": name,
            "desiredCount": desired,
            "loadBalancers": [ { "targetGroupArn": format!("${{{tg}.TargetGroups[0].TargetGroupArn}}"), "containerName": name, "containerPort": 80 } ] } }));
        let resource = format!("service/day/{name}");
        steps.push(json!({ "at": "2m", "call": "application-autoscaling:RegisterScalableTarget", "input": { "ServiceNamespace": "ecs",
            "ResourceId": resource, "ScalableDimension": "ecs:service:DesiredCount", "MinCapacity": 300, "MaxCapacity": 2500 } }));
        steps.push(json!({ "at": "2m", "call": "application-autoscaling:PutScalingPolicy", "input": { "PolicyName": "cpu50", "ServiceNamespace": "ecs",
            "ResourceId": resource, "ScalableDimension": "ecs:service:DesiredCount", "PolicyType": "TargetTrackingScaling",
            "TargetTrackingScalingPolicyConfiguration": { "TargetValue": 50.0, "PredefinedMetricSpecification": { "PredefinedMetricType": "ECSServiceAverageCPUUtilization" } } } }));
        let share = [2000, 2000, 1000][idx];
        steps.push(json!({ "at": "10m", "call": "sim:SetLoad", "input": { "loadBalancer": lb, "pattern": "dailyCycle", "min": share / 5, "max": share, "cpuMsPerRequest": 250 } }));
    }
    let document = json!({
        "formatVersion": 1, "name": "A day of traffic", "seed": 1, "region": "us-east-1",
        "network": { "vpcId": "vpc-day", "cidrBlock": "10.0.0.0/16", "subnets": [
            { "subnetId": "subnet-a", "availabilityZone": "us-east-1a", "cidrBlock": "10.0.0.0/18" },
            { "subnetId": "subnet-b", "availabilityZone": "us-east-1b", "cidrBlock": "10.0.64.0/18" },
            { "subnetId": "subnet-c", "availabilityZone": "us-east-1c", "cidrBlock": "10.0.128.0/18" } ] },
        "steps": steps,
    });
    parse_scenario(&document).expect("the day scenario is valid")
}

/// Runs `scenario` from its start to `until` in frames of `frame_ms` of sim time, keeping checkpoints as the
/// app does while it plays.
pub fn run_with_checkpoints(scenario: &Scenario, until: SimTime, frame_ms: u64) -> (Sim, Checkpoints) {
    let mut sim = Sim::new(scenario, None);
    let mut checkpoints = Checkpoints::default();
    let mut time_ms = 0;
    while time_ms < until.as_millis() {
        time_ms = (time_ms + frame_ms.max(1)).min(until.as_millis());
        sim.advance_to(SimTime(time_ms), u32::MAX);
        checkpoints.observe(&sim);
    }
    (sim, checkpoints)
}

/// `n` seek targets spread over `until` (odd times, never on a frame's edge), latest first: a learner
/// dragging the timeline back across the whole run.
pub fn seek_points(until: SimTime, n: u64) -> Vec<RunPoint> {
    (1..=n).rev().map(|i| RunPoint::at_time(SimTime(until.as_millis() * i / (n + 1) + 7_919))).collect()
}
