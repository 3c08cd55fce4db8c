//! The task definition draft: the form's fields and the JSON beside them, kept in sync (a field edit
//! rewrites the JSON, a JSON edit that parses updates the fields), validated by the core's importer.

use std::rc::Rc;

use ecs_sim::view::{TaskDefinitionView, View};
use serde_json::{json, Map, Value};
use yew::Reducible;

/// The task definition form's fields.
#[derive(Clone, Debug, PartialEq)]
pub struct TdForm {
    pub family: String,
    pub launch_type: String,
    pub cpu: String,
    pub memory: String,
    pub network_mode: String,
    pub container_name: String,
    pub image: String,
    pub container_cpu: String,
    pub container_memory: String,
    pub container_port: String,
    /// The host port of the mapping (bridge and host modes); empty: left out (in bridge mode AWS then picks
    /// a dynamic port, as with 0).
    pub host_port: String,
    pub task_role: String,
    pub execution_role: String,
}

impl Default for TdForm {
    fn default() -> Self {
        TdForm {
            family: "my-app".into(),
            launch_type: "FARGATE".into(),
            cpu: "256".into(),
            memory: "512".into(),
            network_mode: "awsvpc".into(),
            container_name: "app".into(),
            image: "public.ecr.aws/nginx/nginx:1.27".into(),
            container_cpu: String::new(),
            container_memory: String::new(),
            container_port: "80".into(),
            host_port: String::new(),
            task_role: String::new(),
            execution_role: "arn:aws:iam::123456789012:role/ecsTaskExecutionRole".into(),
        }
    }
}

impl TdForm {
    /// The RegisterTaskDefinition input the fields describe.
    pub fn to_json(&self) -> Value {
        let mut container = Map::new();
        container.insert("name".into(), json!(self.container_name));
        container.insert("image".into(), json!(self.image));
        container.insert("essential".into(), json!(true));
        let number = |s: &str| s.trim().parse::<u64>().map(Value::from).unwrap_or_else(|_| json!(s.trim()));
        if !self.container_cpu.trim().is_empty() {
            container.insert("cpu".into(), number(&self.container_cpu));
        }
        if !self.container_memory.trim().is_empty() {
            container.insert("memory".into(), number(&self.container_memory));
        }
        if !self.container_port.trim().is_empty() {
            let mut mapping = json!({ "containerPort": number(&self.container_port), "protocol": "tcp" });
            if !self.host_port.trim().is_empty() {
                mapping["hostPort"] = number(&self.host_port);
            }
            container.insert("portMappings".into(), json!([mapping]));
        }
        let mut doc = Map::new();
        doc.insert("family".into(), json!(self.family));
        doc.insert("requiresCompatibilities".into(), json!([self.launch_type]));
        doc.insert("networkMode".into(), json!(self.network_mode));
        if !self.cpu.trim().is_empty() {
            doc.insert("cpu".into(), json!(self.cpu.trim()));
        }
        if !self.memory.trim().is_empty() {
            doc.insert("memory".into(), json!(self.memory.trim()));
        }
        if !self.task_role.is_empty() {
            doc.insert("taskRoleArn".into(), json!(self.task_role));
        }
        if !self.execution_role.is_empty() {
            doc.insert("executionRoleArn".into(), json!(self.execution_role));
        }
        doc.insert("containerDefinitions".into(), json!([Value::Object(container)]));
        Value::Object(doc)
    }

    /// Reads the form's fields back from a JSON document (fields the form lacks stay in the JSON only).
    pub fn from_json(doc: &Value, previous: &TdForm) -> TdForm {
        let text = |v: Option<&Value>| match v {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            _ => String::new(),
        };
        let container = doc.get("containerDefinitions").and_then(|c| c.get(0));
        TdForm {
            family: text(doc.get("family")),
            launch_type: doc.get("requiresCompatibilities").and_then(|c| c.get(0)).and_then(Value::as_str).unwrap_or(&previous.launch_type).to_string(),
            cpu: text(doc.get("cpu")),
            memory: text(doc.get("memory")),
            network_mode: doc.get("networkMode").and_then(Value::as_str).unwrap_or("bridge").to_string(),
            container_name: text(container.and_then(|c| c.get("name"))),
            image: text(container.and_then(|c| c.get("image"))),
            container_cpu: text(container.and_then(|c| c.get("cpu"))),
            container_memory: text(container.and_then(|c| c.get("memory"))),
            container_port: text(container.and_then(|c| c.get("portMappings")).and_then(|p| p.get(0)).and_then(|p| p.get("containerPort"))),
            host_port: text(container.and_then(|c| c.get("portMappings")).and_then(|p| p.get(0)).and_then(|p| p.get("hostPort"))),
            task_role: text(doc.get("taskRoleArn")),
            execution_role: text(doc.get("executionRoleArn")),
        }
    }
}

fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}

/// `path: message` lines of the core's validation, empty when valid.
pub fn validate(text: &str) -> Vec<String> {
    match ecs_sim::taskdef::parse_task_definition_str(text) {
        Ok(_) => Vec::new(),
        Err(errors) => errors.iter().map(|e| format!("{}: {}", e.path, e.message)).collect(),
    }
}

/// The task definition being drafted: the form's fields and the JSON beside them.
#[derive(Clone, PartialEq)]
pub struct TdDraft {
    pub form: TdForm,
    pub json_text: String,
}

impl Default for TdDraft {
    fn default() -> TdDraft {
        let form = TdForm::default();
        TdDraft { json_text: pretty(&form.to_json()), form }
    }
}

impl TdDraft {
    /// The RegisterTaskDefinition input of the JSON text, or why it does not parse.
    pub fn input(&self) -> Result<Value, String> {
        ecs_sim::codec::parse_json(&self.json_text).map_err(|e| format!("The JSON does not parse: {e}"))
    }
}

/// An edit of the draft: a form field (how to set it, and the new value), or the JSON text.
pub enum TdEdit {
    Field(fn(&mut TdForm, String), String),
    Json(String),
}

impl Reducible for TdDraft {
    type Action = TdEdit;

    fn reduce(self: Rc<Self>, edit: TdEdit) -> Rc<Self> {
        let mut next = (*self).clone();
        match edit {
            TdEdit::Field(apply, value) => {
                apply(&mut next.form, value);
                next.json_text = pretty(&next.form.to_json());
            }
            TdEdit::Json(text) => {
                if let Ok(doc) = serde_json::from_str::<Value>(&text) {
                    next.form = TdForm::from_json(&doc, &next.form);
                }
                next.json_text = text;
            }
        }
        Rc::new(next)
    }
}

/// What the task definition tab offers: the account's role ARNs and the registered task definitions.
#[derive(Debug, PartialEq)]
pub struct TaskDefinitionOptions {
    pub roles: Vec<String>,
    pub registered: Vec<TaskDefinitionView>,
}

pub fn options(view: &View) -> TaskDefinitionOptions {
    TaskDefinitionOptions { roles: view.roles.iter().map(|r| r.arn.clone()).collect(), registered: view.task_definitions.clone() }
}

/// `family:revision` of a registered task definition.
pub fn name(td: &TaskDefinitionView) -> String {
    format!("{}:{}", td.family, td.revision)
}

/// DeregisterTaskDefinition of `family:revision`.
pub fn deregister_input(name: &str) -> Value {
    json!({ "taskDefinition": name })
}

/// What RegisterTaskDefinition's answer says was registered.
pub fn registered_text(out: &Value) -> String {
    let td = &out["taskDefinition"];
    format!("Registered {}:{}.", td["family"].as_str().unwrap_or("?"), td["revision"])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_reads_back_the_json_it_writes_and_the_draft_validates() {
        let form = TdForm { container_cpu: "128".into(), host_port: "0".into(), network_mode: "bridge".into(), task_role: "arn:aws:iam::123456789012:role/app".into(), ..TdForm::default() };
        assert_eq!(TdForm::from_json(&form.to_json(), &TdForm::default()), form);
        let draft = TdDraft::default();
        assert!(validate(&draft.json_text).is_empty(), "{:?}", validate(&draft.json_text));
        let edited = Rc::new(draft).reduce(TdEdit::Field(|f, v| f.memory = v, "x".into()));
        assert_eq!(edited.input().unwrap()["memory"], "x");
        assert!(!validate(&edited.json_text).is_empty());
        let typed = edited.reduce(TdEdit::Json("{ not json".into()));
        assert_eq!(typed.form.memory, "x", "a JSON edit that does not parse leaves the form as it was");
        assert!(typed.input().unwrap_err().starts_with("The JSON does not parse"));
    }
}
