//! The lesson's data types: the lesson, its tracks and exam tags, its objectives and their typed checks.

use serde_json::Value;

use super::quiz;
use crate::scaling::AlarmState;
use crate::scenario::{Scenario, Step};

/// The newest lesson `formatVersion` this build reads.
pub const LESSON_FORMAT_VERSION: u64 = 1;

/// The most steps, objectives, `onCheck` calls and solution calls a lesson may have (each).
pub const MAX_LESSON_ITEMS: usize = 100;

/// The longest `checkFor`: how long the checker runs the learner's run after Check.
pub const MAX_CHECK_FOR_MS: u64 = 6 * 3_600_000;

/// A track: a group of lessons on one subject, in the order the app lists them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Track {
    Foundations,
    LoadBalancing,
    Scaling,
    Cost,
    Security,
    Storage,
    Operations,
}

impl Track {
    pub const ALL: [Track; 7] = [Track::Foundations, Track::LoadBalancing, Track::Scaling, Track::Cost, Track::Security, Track::Storage, Track::Operations];

    /// The name lesson files use.
    pub fn as_str(self) -> &'static str {
        match self {
            Track::Foundations => "foundations",
            Track::LoadBalancing => "load-balancing",
            Track::Scaling => "scaling",
            Track::Cost => "cost",
            Track::Security => "security",
            Track::Storage => "storage",
            Track::Operations => "operations",
        }
    }

    /// The title a learner reads.
    pub fn title(self) -> &'static str {
        match self {
            Track::Foundations => "Foundations",
            Track::LoadBalancing => "Load balancing",
            Track::Scaling => "Scaling",
            Track::Cost => "Cost",
            Track::Security => "Security and networking",
            Track::Storage => "Storage and state",
            Track::Operations => "Deployments and operations",
        }
    }

    pub fn from_str(text: &str) -> Option<Track> {
        Track::ALL.into_iter().find(|t| t.as_str() == text)
    }
}

/// The AWS certification exams a lesson can serve.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Exam {
    ClfC02,
    SaaC03,
    DvaC02,
    SoaC03,
    DopC02,
    SapC02,
}

impl Exam {
    pub const ALL: [Exam; 6] = [Exam::ClfC02, Exam::SaaC03, Exam::DvaC02, Exam::SoaC03, Exam::DopC02, Exam::SapC02];

    /// The exam code (`SAA-C03`).
    pub fn code(self) -> &'static str {
        match self {
            Exam::ClfC02 => "CLF-C02",
            Exam::SaaC03 => "SAA-C03",
            Exam::DvaC02 => "DVA-C02",
            Exam::SoaC03 => "SOA-C03",
            Exam::DopC02 => "DOP-C02",
            Exam::SapC02 => "SAP-C02",
        }
    }

    pub fn from_code(text: &str) -> Option<Exam> {
        Exam::ALL.into_iter().find(|e| e.code() == text)
    }
}

/// One exam task statement a lesson serves (`SAA-C03` task `2.2`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExamTag {
    pub exam: Exam,
    pub task: String,
}

/// One step of a lesson: what to do, and a hint shown on request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LessonStep {
    pub text: String,
    pub hint: String,
}

/// Where a lesson starts.
#[derive(Clone, Debug, PartialEq)]
pub enum ScenarioRef {
    /// A built-in scenario, by id.
    Builtin(String),
    /// A scenario written in the lesson file.
    Inline(Box<Scenario>),
}

/// Allow or Deny, as IAM's policy simulator reports a decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    Allow,
    Deny,
}

/// A typed check over the simulation. Each kind is one parse arm (`parse.rs`) and one evaluation arm
/// (`check.rs`); a new kind (a network path open, a metric over a window) is added the same way.
#[derive(Clone, Debug, PartialEq)]
pub enum Check {
    /// The service has `runningCount` RUNNING tasks, its desired count is that number, and its deployment is
    /// COMPLETED (one deployment only); with `taskDefinition` (`family:revision`), the PRIMARY deployment uses it.
    ServiceSteady { cluster: String, service: String, running_count: u32, task_definition: Option<String> },
    /// The service's RUNNING tasks are in at least `min_zones` Availability Zones.
    TasksAcrossZones { cluster: String, service: String, min_zones: u32 },
    /// From Check to the end of the run, no task (of `service`, when given) stopped with `stop_code`
    /// (`TaskFailedToStart`, `SpotInterruption`, ...) or with a stopped reason containing `reason_contains`.
    NoTaskStopped { cluster: String, service: Option<String>, stop_code: Option<String>, reason_contains: Option<String> },
    /// Every 10 seconds from `from_ms` after Check to the end of the run, the service had at least `min` RUNNING
    /// tasks.
    RunningThroughout { cluster: String, service: String, min: u32, from_ms: u64 },
    /// At the end of the run, the RUNNING tasks (of `service`, on `capacity_provider`, when given) number from
    /// `min` to `max`.
    RunningTasks { cluster: String, service: Option<String>, capacity_provider: Option<String>, min: Option<u32>, max: Option<u32> },
    /// At the end of the run, the service's RUNNING tasks use at most `max` container instances.
    InstancesUsed { cluster: String, service: String, max: u32 },
    /// The learner made `call` successfully with an input that contains `input` (objects: each member
    /// matches; arrays: each item of the pattern matches some item; other values: equal).
    CallMade { call: String, input: Value },
    /// The learner never made `call` successfully.
    CallNotMade { call: String },
    /// At the end of the run, the cost per hour is at most `max_percent` percent of the baseline: the same
    /// scenario and `onCheck` calls with none of the learner's calls, at the same time.
    CostPerHour { max_percent_of_baseline: u32 },
    /// An alarm whose name starts with `alarm_name_prefix` is in `state` at the end of the run.
    AlarmInState { alarm_name_prefix: String, state: AlarmState },
    /// IAM decides `action` on `resource` for the role `role` as `decision` (the policy simulator's question).
    IamDecision { role: String, action: String, resource: String, decision: Decision },
    /// At the end of the run, the target group has at least `min_healthy` healthy targets.
    TargetsHealthy { target_group: String, min_healthy: u32 },
    /// After Check, the event log has a line (of `kind`, when given: `service`, `task`, ...) whose text contains
    /// `contains`.
    LogLinePresent { kind: Option<crate::sim::LogKind>, contains: String },
    /// At the end of the run, the service's awsvpc tasks get no public IP, and from each of its subnets the
    /// paths an Amazon ECR pull and awslogs take (`ecr.api`, `ecr.dkr`, `s3`, `logs`) exist and stay in the
    /// subnet's Availability Zone: a VPC endpoint (an interface endpoint with a network interface in that
    /// zone, or a gateway endpoint) or a NAT gateway in that zone.
    PrivateEgressPerZone { cluster: String, service: String },
    /// At the end of the run, the state machine has at least `min_executions` executions, every one has ended,
    /// ran an ECS task, and is SUCCEEDED exactly when its last ECS task's containers all exited 0.
    ExecutionsMatchTasks { state_machine: String, min_executions: u32 },
    /// An execution of the state machine retried a Task state after it failed with `error`: a TaskFailed event
    /// with that error followed by a new TaskScheduled.
    TaskRetried { state_machine: String, error: String },
    /// Every one-minute datapoint of the metric (`Average`) from `from_ms` after Check to the end of the run is at
    /// most `max_milli` thousandths.
    MetricAtMost { namespace: String, metric_name: String, dimensions: Vec<(String, String)>, max_milli: i64, from_ms: u64 },
    /// A decision card: a question the learner answers by picking one of its choices before Check. It passes
    /// when the pick is the card's answer; the explanation is shown either way.
    Decision(DecisionCard),
}

/// The most choices a decision card may have.
pub const MAX_CARD_CHOICES: usize = 6;

/// A question with choices, answered by the learner (not by calls).
#[derive(Clone, Debug, PartialEq)]
pub struct DecisionCard {
    pub question: String,
    pub choices: Vec<String>,
    pub answer: CardAnswer,
    /// Why the answer is right, with its source.
    pub explanation: String,
}

/// How a decision card's right answer is known.
#[derive(Clone, Debug, PartialEq)]
pub enum CardAnswer {
    /// Written in the lesson (`decision`): the index of the right choice.
    Choice(usize),
    /// Read from the simulation's bill (`costDecision`): each choice runs its workload in its own cluster (one
    /// cluster per choice, in order), and the right choice is the cluster whose cost to date is the lowest when
    /// the run is judged.
    CheapestCluster(Vec<String>),
}

/// The learner's pick on one decision card: the objective's id and the index of the choice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CardPick {
    pub objective: String,
    pub choice: usize,
}

/// One objective: what the learner reads, and the check that decides it.
#[derive(Clone, Debug, PartialEq)]
pub struct Objective {
    pub id: String,
    pub text: String,
    pub check: Check,
}

/// A lesson, validated.
#[derive(Clone, Debug, PartialEq)]
pub struct Lesson {
    pub id: String,
    pub title: String,
    pub track: Track,
    pub exams: Vec<ExamTag>,
    pub scenario_ref: ScenarioRef,
    /// The starting scenario, resolved.
    pub scenario: Scenario,
    pub goal: String,
    pub steps: Vec<LessonStep>,
    /// Calls made when the learner presses Check, `at_ms` after it.
    pub on_check: Vec<Step>,
    /// How long the run goes on after Check before the objectives are judged.
    pub check_for_ms: u64,
    pub objectives: Vec<Objective>,
    /// The reference solution: calls at sim times from the start of the run.
    pub solution: Vec<Step>,
    /// The quiz kinds offered after the lesson.
    pub quiz: Vec<quiz::QuizKind>,
    /// The reference solution's picks on the decision cards (`solutionAnswers`), one per card.
    pub solution_answers: Vec<CardPick>,
}

impl Lesson {
    /// The decision cards, in objective order: the objective's id and its card.
    pub fn cards(&self) -> Vec<(&str, &DecisionCard)> {
        self.objectives
            .iter()
            .filter_map(|o| match &o.check {
                Check::Decision(card) => Some((o.id.as_str(), card)),
                _ => None,
            })
            .collect()
    }
}
