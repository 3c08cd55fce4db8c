//! The shape of RegisterTaskDefinition input (from the API model in `ecs-api-service-2.json`), as data: which
//! member has which JSON type. One walk over the document reports every type mismatch; the rules then read
//! values leniently, knowing that a wrongly typed value has already been reported.
//!
//! Unknown members are ignored, as the JSON API does (only the SDKs' client-side validation rejects them).

use serde_json::{Map, Value};

use super::types::FieldError;

/// The JSON type a member must have.
#[derive(Debug)]
pub enum Ty {
    Str,
    /// A 32-bit integer (`Integer` / `BoxedInteger` in the model).
    Int,
    Bool,
    /// Task `cpu`/`memory`: a string in the model; a JSON integer is accepted too (CloudFormation and the console
    /// send numbers) and normalized to a string.
    StrOrInt,
    List(&'static Ty),
    Obj(&'static [(&'static str, Ty)]),
    /// A string-to-string map (`dockerLabels`, log `options`, ...).
    StrMap,
}

const STR_LIST: Ty = Ty::List(&Ty::Str);
const KEY_VALUE: Ty = Ty::Obj(&[("name", Ty::Str), ("value", Ty::Str)]);
const SECRET: Ty = Ty::Obj(&[("name", Ty::Str), ("valueFrom", Ty::Str)]);

const PORT_MAPPING: &[(&str, Ty)] = &[
    ("containerPort", Ty::Int),
    ("hostPort", Ty::Int),
    ("protocol", Ty::Str),
    ("name", Ty::Str),
    ("appProtocol", Ty::Str),
    ("containerPortRange", Ty::Str),
];

const HEALTH_CHECK: &[(&str, Ty)] = &[
    ("command", STR_LIST),
    ("interval", Ty::Int),
    ("timeout", Ty::Int),
    ("retries", Ty::Int),
    ("startPeriod", Ty::Int),
];

const LINUX_PARAMETERS: &[(&str, Ty)] = &[
    (
        "capabilities",
        Ty::Obj(&[("add", STR_LIST), ("drop", STR_LIST)]),
    ),
    (
        "devices",
        Ty::List(&Ty::Obj(&[
            ("hostPath", Ty::Str),
            ("containerPath", Ty::Str),
            ("permissions", STR_LIST),
        ])),
    ),
    ("initProcessEnabled", Ty::Bool),
    ("sharedMemorySize", Ty::Int),
    (
        "tmpfs",
        Ty::List(&Ty::Obj(&[
            ("containerPath", Ty::Str),
            ("size", Ty::Int),
            ("mountOptions", STR_LIST),
        ])),
    ),
    ("maxSwap", Ty::Int),
    ("swappiness", Ty::Int),
];

const CONTAINER: &[(&str, Ty)] = &[
    ("name", Ty::Str),
    ("image", Ty::Str),
    (
        "repositoryCredentials",
        Ty::Obj(&[("credentialsParameter", Ty::Str)]),
    ),
    ("cpu", Ty::Int),
    ("memory", Ty::Int),
    ("memoryReservation", Ty::Int),
    ("links", STR_LIST),
    ("portMappings", Ty::List(&Ty::Obj(PORT_MAPPING))),
    ("essential", Ty::Bool),
    (
        "restartPolicy",
        Ty::Obj(&[
            ("enabled", Ty::Bool),
            ("ignoredExitCodes", Ty::List(&Ty::Int)),
            ("restartAttemptPeriod", Ty::Int),
        ]),
    ),
    ("entryPoint", STR_LIST),
    ("command", STR_LIST),
    ("environment", Ty::List(&KEY_VALUE)),
    (
        "environmentFiles",
        Ty::List(&Ty::Obj(&[("value", Ty::Str), ("type", Ty::Str)])),
    ),
    (
        "mountPoints",
        Ty::List(&Ty::Obj(&[
            ("sourceVolume", Ty::Str),
            ("containerPath", Ty::Str),
            ("readOnly", Ty::Bool),
        ])),
    ),
    (
        "volumesFrom",
        Ty::List(&Ty::Obj(&[
            ("sourceContainer", Ty::Str),
            ("readOnly", Ty::Bool),
        ])),
    ),
    ("linuxParameters", Ty::Obj(LINUX_PARAMETERS)),
    ("secrets", Ty::List(&SECRET)),
    (
        "dependsOn",
        Ty::List(&Ty::Obj(&[
            ("containerName", Ty::Str),
            ("condition", Ty::Str),
        ])),
    ),
    ("startTimeout", Ty::Int),
    ("stopTimeout", Ty::Int),
    ("versionConsistency", Ty::Str),
    ("hostname", Ty::Str),
    ("user", Ty::Str),
    ("workingDirectory", Ty::Str),
    ("disableNetworking", Ty::Bool),
    ("privileged", Ty::Bool),
    ("readonlyRootFilesystem", Ty::Bool),
    ("dnsServers", STR_LIST),
    ("dnsSearchDomains", STR_LIST),
    (
        "extraHosts",
        Ty::List(&Ty::Obj(&[("hostname", Ty::Str), ("ipAddress", Ty::Str)])),
    ),
    ("dockerSecurityOptions", STR_LIST),
    ("interactive", Ty::Bool),
    ("pseudoTerminal", Ty::Bool),
    ("dockerLabels", Ty::StrMap),
    (
        "ulimits",
        Ty::List(&Ty::Obj(&[
            ("name", Ty::Str),
            ("softLimit", Ty::Int),
            ("hardLimit", Ty::Int),
        ])),
    ),
    (
        "logConfiguration",
        Ty::Obj(&[
            ("logDriver", Ty::Str),
            ("options", Ty::StrMap),
            ("secretOptions", Ty::List(&SECRET)),
        ]),
    ),
    ("healthCheck", Ty::Obj(HEALTH_CHECK)),
    (
        "systemControls",
        Ty::List(&Ty::Obj(&[("namespace", Ty::Str), ("value", Ty::Str)])),
    ),
    (
        "resourceRequirements",
        Ty::List(&Ty::Obj(&[("value", Ty::Str), ("type", Ty::Str)])),
    ),
    (
        "firelensConfiguration",
        Ty::Obj(&[("type", Ty::Str), ("options", Ty::StrMap)]),
    ),
    ("credentialSpecs", STR_LIST),
];

const EFS: &[(&str, Ty)] = &[
    ("fileSystemId", Ty::Str),
    ("rootDirectory", Ty::Str),
    ("transitEncryption", Ty::Str),
    ("transitEncryptionPort", Ty::Int),
    (
        "authorizationConfig",
        Ty::Obj(&[("accessPointId", Ty::Str), ("iam", Ty::Str)]),
    ),
];

const VOLUME: &[(&str, Ty)] = &[
    ("name", Ty::Str),
    ("host", Ty::Obj(&[("sourcePath", Ty::Str)])),
    (
        "dockerVolumeConfiguration",
        Ty::Obj(&[
            ("scope", Ty::Str),
            ("autoprovision", Ty::Bool),
            ("driver", Ty::Str),
            ("driverOpts", Ty::StrMap),
            ("labels", Ty::StrMap),
        ]),
    ),
    ("efsVolumeConfiguration", Ty::Obj(EFS)),
    (
        "fsxWindowsFileServerVolumeConfiguration",
        Ty::Obj(&[
            ("fileSystemId", Ty::Str),
            ("rootDirectory", Ty::Str),
            (
                "authorizationConfig",
                Ty::Obj(&[("credentialsParameter", Ty::Str), ("domain", Ty::Str)]),
            ),
        ]),
    ),
    ("configuredAtLaunch", Ty::Bool),
];

/// `RegisterTaskDefinitionRequest`.
pub const TASK_DEFINITION: &[(&str, Ty)] = &[
    ("family", Ty::Str),
    ("taskRoleArn", Ty::Str),
    ("executionRoleArn", Ty::Str),
    ("networkMode", Ty::Str),
    ("containerDefinitions", Ty::List(&Ty::Obj(CONTAINER))),
    ("volumes", Ty::List(&Ty::Obj(VOLUME))),
    (
        "placementConstraints",
        Ty::List(&Ty::Obj(&[("type", Ty::Str), ("expression", Ty::Str)])),
    ),
    ("requiresCompatibilities", STR_LIST),
    ("cpu", Ty::StrOrInt),
    ("memory", Ty::StrOrInt),
    (
        "tags",
        Ty::List(&Ty::Obj(&[("key", Ty::Str), ("value", Ty::Str)])),
    ),
    ("pidMode", Ty::Str),
    ("ipcMode", Ty::Str),
    (
        "proxyConfiguration",
        Ty::Obj(&[
            ("type", Ty::Str),
            ("containerName", Ty::Str),
            ("properties", Ty::List(&KEY_VALUE)),
        ]),
    ),
    (
        "inferenceAccelerators",
        Ty::List(&Ty::Obj(&[
            ("deviceName", Ty::Str),
            ("deviceType", Ty::Str),
        ])),
    ),
    ("ephemeralStorage", Ty::Obj(&[("sizeInGiB", Ty::Int)])),
    (
        "runtimePlatform",
        Ty::Obj(&[
            ("cpuArchitecture", Ty::Str),
            ("operatingSystemFamily", Ty::Str),
        ]),
    ),
    ("enableFaultInjection", Ty::Bool),
];

/// Reports every member of `object` (at `path`, `""` for the root) whose type does not match `fields`.
/// JSON `null` means "absent" and is always accepted.
pub fn check_object(
    object: &Map<String, Value>,
    fields: &[(&str, Ty)],
    path: &str,
    errors: &mut Vec<FieldError>,
) {
    for (name, ty) in fields {
        if let Some(value) = object.get(*name) {
            check_value(value, ty, &super::access::join(path, name), errors);
        }
    }
}

fn check_value(value: &Value, ty: &Ty, path: &str, errors: &mut Vec<FieldError>) {
    if value.is_null() {
        return;
    }
    let ok = match ty {
        Ty::Str => value.is_string(),
        Ty::Bool => value.is_boolean(),
        Ty::Int => {
            let in_range = value.as_i64().is_some_and(|n| i32::try_from(n).is_ok());
            if (value.is_i64() || value.is_u64()) && !in_range {
                // Wording unverified: AWS rejects values outside Java's int range during deserialization.
                errors.push(FieldError {
                    path: path.to_string(),
                    message: format!("Invalid value for parameter {path}: {value} is outside the 32-bit integer range."),
                });
            }
            value.is_i64() || value.is_u64()
        }
        Ty::StrOrInt => value.is_string() || value.is_i64() || value.is_u64(),
        Ty::List(item) => match value.as_array() {
            Some(items) => {
                for (index, item_value) in items.iter().enumerate() {
                    check_value(item_value, item, &format!("{path}[{index}]"), errors);
                }
                true
            }
            None => false,
        },
        Ty::Obj(fields) => match value.as_object() {
            Some(object) => {
                check_object(object, fields, path, errors);
                true
            }
            None => false,
        },
        Ty::StrMap => match value.as_object() {
            Some(object) => {
                for (key, entry) in object {
                    if !entry.is_string() && !entry.is_null() {
                        errors.push(type_error(&format!("{path}.{key}"), "string", entry));
                    }
                }
                true
            }
            None => false,
        },
    };
    if !ok {
        errors.push(type_error(path, expected_name(ty), value));
    }
}

fn expected_name(ty: &Ty) -> &'static str {
    match ty {
        Ty::Str => "string",
        Ty::Int => "integer",
        Ty::Bool => "boolean",
        Ty::StrOrInt => "string",
        Ty::List(_) => "list",
        Ty::Obj(_) | Ty::StrMap => "object",
    }
}

/// A type mismatch, worded like the SDKs' parameter validation (wording adapted: JSON type names, our path).
pub fn type_error(path: &str, expected: &str, value: &Value) -> FieldError {
    let got = match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "list",
        Value::Object(_) => "object",
    };
    let shown = super::access::short_json(value);
    FieldError {
        path: path.to_string(),
        message: format!("Invalid type for parameter {path}, value: {shown}, type: {got}, valid types: {expected}"),
    }
}
