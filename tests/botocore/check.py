"""Checks ECS Playground against AWS's own API models, as botocore ships them (`data/<service>/<version>/service-2.json`).

Run by scripts/botocore-check, which gives it a pinned botocore and the `ecs-sim` CLI. The checks:

1. calls: every row of the call table (`ecs-sim calls`) with a botocore model names an operation of that model;
   `fis:` rows (botocore has no list of FIS action ids) and `sim:` rows (the playground's own) are skipped.
2. inputs: every step input of every built-in scenario, as sent (`ecs-sim answers`), and every example input
   of the API console (www/src/forms/console.rs) is valid against the operation's input shape: member
   names, enum values, types and required members (idempotency tokens aside: the SDKs fill them in), through
   structures, lists and maps.
3. reads: every member name the handler code reads as a string literal (`.get("X")`, `.str("X")`,
   `str_field(input, "X")`, `.pointer("/X/Y")`, ...) is a member of some shape of that code's services.
4. outputs: every step answer of every built-in scenario is valid against the operation's output shape, and
   every refusal's code is an error the operation models or a common AWS error.
5. error codes: every error code literal of the handler code (`ApiError::new("X", ...)`) is an error shape of
   that code's services or a common AWS error.

What AWS's models and the playground knowingly disagree on is listed below, each entry with its reason; an
entry that no longer matches anything fails too, so the lists stay true. Prints every failure, a line per
check, and `N passed, N failed` last; exits 1 on any failure.
"""

import argparse
import json
import pathlib
import re
import subprocess
import sys

from botocore.loaders import Loader

ROOT = pathlib.Path(__file__).resolve().parents[2]

# The handler code of each model (api/calls.rs `Handler`), and the botocore models its members come from.
HANDLER_DIRS = {
    "crate/src/iam": ["iam", "secretsmanager", "ssm"],
    # The mount check reads the task definition's volumes and answers RunTask's platform errors.
    "crate/src/efs": ["efs", "ecs"],
    "crate/src/elb": ["elbv2", "elb"],
    "crate/src/scaling": ["application-autoscaling", "cloudwatch", "autoscaling", "ec2", "ecs"],
    # A FIS action's input is an experiment template action (targets, parameters, resourceArns, ...), and
    # scaling_view.rs reads the stored PutScalingPolicy configurations.
    # ... and, for an application's operations, rule targets and Step Functions' ECS parameters, the models of S3,
    # DynamoDB, EventBridge and Step Functions.
    "crate/src/sim": ["ecs", "ec2", "fis", "application-autoscaling", "s3", "dynamodb", "events", "stepfunctions", "secretsmanager"],
    "crate/src/s3": ["s3"],
    "crate/src/dynamodb": ["dynamodb"],
    "crate/src/events": ["events"],
    "crate/src/states": ["stepfunctions", "ecs"],
    "crate/src/rds": ["rds"],
    "crate/src/taskdef": ["ecs"],
    # awslogs.rs reads a container definition's logConfiguration.
    "crate/src/logs": ["logs", "ecs"],
    "crate/src/sns": ["sns"],
}
HANDLER_FOLDER = {"Engine": "crate/src/sim", "Iam": "crate/src/iam", "Efs": "crate/src/efs", "Elb": "crate/src/elb",
                  "Scaling": "crate/src/scaling", "S3": "crate/src/s3", "DynamoDb": "crate/src/dynamodb",
                  "Events": "crate/src/events", "States": "crate/src/states", "Rds": "crate/src/rds", "Logs": "crate/src/logs",
                  "Sns": "crate/src/sns"}

# The code that reads each handler's requests (check 8): its folder, and the folders its readers share.
HANDLER_READ_FOLDERS = {
    "Engine": ["crate/src/sim", "crate/src/taskdef", "crate/src/placement", "crate/src/efs"],
    "Iam": ["crate/src/iam"], "Efs": ["crate/src/efs"], "Elb": ["crate/src/elb"], "Scaling": ["crate/src/scaling"],
    "S3": ["crate/src/s3"], "DynamoDb": ["crate/src/dynamodb"], "Events": ["crate/src/events"],
    "States": ["crate/src/states"], "Rds": ["crate/src/rds"], "Logs": ["crate/src/logs"], "Sns": ["crate/src/sns"],
    "Vpc": ["crate/src/vpc"],
}
# The EC2 handler's reader of a list of ids (`Self::pick(&self.vpcs, request, "VpcIds", ...)`).
ID_LIST_READ = re.compile(r"\bpick\([^\"]*\"([A-Za-z][A-Za-z0-9]*)\"")

# Handler files whose literal reads are of documents other than requests, not checked for reads.
NOT_REQUEST_READERS = {
    # IAM's policy grammar (Version, Statement, Effect, Principal, ...): a policy document is a string member.
    "crate/src/iam/policy.rs",
    # The Amazon States Language (StartAt, States, Type, Next, Retry, ...): a definition is a string member.
    "crate/src/states/asl.rs",
    # Container Insights' performance log events (Type, TaskId, ClusterName, ...), which the dashboard reads back.
    "crate/src/sim/performance.rs",
    "crate/src/sim/insights_dashboard.rs",
}

# Errors any AWS API can answer (the AWS common errors), and the validation codes of each protocol.
COMMON_ERRORS = {
    "AccessDenied", "AccessDeniedException", "ClientException", "IncompleteSignature", "InternalFailure",
    "InvalidAction", "InvalidClientTokenId", "InvalidParameterCombination", "InvalidParameterException",
    "InvalidParameterValue", "InvalidQueryParameter", "MalformedQueryString", "MissingAction",
    "MissingAuthenticationToken", "MissingParameter", "NotAuthorized", "OptInRequired", "RequestExpired",
    "ServiceUnavailable", "ThrottlingException", "ValidationError", "ValidationException",
}

# Member names the handler code reads that are no member of its services' models, each with its reason.
# Keyed by (handler folder, literal).
SIM_CALL = "an input member of the playground's own sim: calls, which no AWS model has"
FIS_ACTION = "a FIS action's target or parameter name: FIS documents them per action, botocore has no list"
EVENT_FIELD = "a field of an EventBridge event or event pattern (ECSDG ecs_cwe_events.md), which no API model has"
READS_ALLOWED = {
    ("crate/src/sim", "available"): SIM_CALL,  # sim:SetFargateSpotCapacity
    ("crate/src/sim", "duration"): SIM_CALL + "; also " + FIS_ACTION,  # sim:SetLoad, aws:ecs:drain-container-instances
    ("crate/src/sim", "healthy"): SIM_CALL,  # sim:SetTargetBehavior
    ("crate/src/sim", "percentPerHour"): SIM_CALL,  # sim:InterruptSpotTasks
    ("crate/src/sim", "runFor"): SIM_CALL,  # sim:SetImageBehavior
    ("crate/src/sim", "logMessage"): SIM_CALL,  # sim:SetImageBehavior
    ("crate/src/sim", "healthEndpoint"): SIM_CALL,  # sim:SetImageBehavior
    ("crate/src/sim", "onStop"): SIM_CALL,  # sim:SetImageBehavior
    ("crate/src/sim", "memoryMiB"): SIM_CALL,  # sim:SetImageBehavior
    ("crate/src/sim", "instanceId"): SIM_CALL,  # sim:SetInstanceFault
    ("crate/src/sim", "fault"): SIM_CALL,  # sim:SetInstanceFault
    ("crate/src/sim", "extraLatencyMs"): SIM_CALL,  # sim:SetImageBehavior (slow)
    ("crate/src/sim", "behavior"): SIM_CALL,  # sim:SetImageBehavior
    ("crate/src/sim", "content"): SIM_CALL,  # sim:WriteFile
    ("crate/src/sim", "pattern"): SIM_CALL,  # sim:SetLoad
    ("crate/src/sim", "resource"): SIM_CALL,  # sim:TaskCall
    ("crate/src/sim", "drainagePercentage"): FIS_ACTION,  # aws:ecs:drain-container-instances parameter
    ("crate/src/sim", "durationBeforeInterruption"): FIS_ACTION,  # aws:ec2:send-spot-instance-interruptions parameter
    ("crate/src/sim", "params"): SIM_CALL,  # sim:TaskOperation
    ("crate/src/sim", "queueName"): SIM_CALL,  # sim:SetQueue
    ("crate/src/sim", "operations"): SIM_CALL,  # sim:SetWorkload
    ("crate/src/sim", "DBInstanceIdentifier"): SIM_CALL + ": the database of a db:Query in sim:SetWorkload's params (the RDS member name)",
    ("crate/src/sim", "forceFailover"): FIS_ACTION,  # aws:rds:reboot-db-instances parameter
    ("crate/src/sim", "TaskDefinition"): "a Task state's PascalCase Parameters for arn:aws:states:::ecs:runTask (SFNDG connect-ecs.md)",
    ("crate/src/sim", "at"): SIM_CALL,  # sim:SetLoad (spike)
    ("crate/src/sim", "over"): SIM_CALL,  # sim:SetLoad (ramp)
    ("crate/src/sim", "mix"): SIM_CALL,  # sim:SetLoad
    ("crate/src/sim", "instance"): SIM_CALL,  # sim:GetAgentLog
    ("crate/src/sim", "Clusters"): FIS_ACTION,  # aws:ecs:drain-container-instances target
    ("crate/src/sim", "SpotInstances"): FIS_ACTION,  # aws:ec2:send-spot-instance-interruptions target
    ("crate/src/sim", "Tasks"): FIS_ACTION,  # aws:ecs:stop-task target
    ("crate/src/sim", "DBInstances"): FIS_ACTION,  # aws:rds:reboot-db-instances target
    ("crate/src/events", "detail"): EVENT_FIELD,  # an S3 Object Created event's detail
    ("crate/src/events", "object"): EVENT_FIELD,
    ("crate/src/events", "key"): EVENT_FIELD,
    ("crate/src/sns", "FifoTopic"): "a key of CreateTopic's Attributes map (SNS API reference, CreateTopic), which the model types as a map",
    ("crate/src/sns", "default"): "the default entry of a Publish message whose MessageStructure is json (SNS API reference, Publish)",
    ("crate/src/events", "source"): EVENT_FIELD,  # a rule's pattern: could it match source aws.ecs?
    ("crate/src/events", "containers"): EVENT_FIELD,  # an ECS Task State Change's detail
    ("crate/src/events", "name"): EVENT_FIELD,  # a container of that detail
}

# Input and output members the playground knowingly writes unlike the model. Keyed by (call, "input" or
# "output", path with list indices as [*], problem kind: member, type, enum or required).
EC2_LOWERCASE_STATE = "AWS answers 'available' here (the EC2 API and CLI reference examples), unlike the model's enum"
SHAPES_ALLOWED = {
    ("ec2:CreateVpcEndpoint", "output", "VpcEndpoint.State", "enum"): EC2_LOWERCASE_STATE,
    ("ec2:DescribeVpcEndpoints", "output", "VpcEndpoints[*].State", "enum"): EC2_LOWERCASE_STATE,
    ("ec2:DescribeInternetGateways", "output", "InternetGateways[*].Attachments[*].State", "enum"): EC2_LOWERCASE_STATE,
}

# Error codes the handlers answer with that their services' models do not list, each with its reason. Keyed by
# (handler folder, code); a scenario step refused with one of these codes passes too.
S3_ERROR = "an S3 error code of the Amazon S3 API reference's error code list: botocore's S3 model lists few errors"
SDK_ERROR = "an error the AWS SDK raises itself (botocore's NoCredentialsError, ConnectTimeoutError), as a task's application sees it"
EC2_ERROR = "an EC2 error code of the EC2 API reference's error code list: botocore's EC2 model lists no errors"
ERRORS_ALLOWED = {
    ("crate/src/scaling", "InvalidLaunchTemplateName.AlreadyExistsException"): EC2_ERROR,
    ("crate/src/sim", "InstanceLimitExceeded"): EC2_ERROR,
    ("crate/src/sim", "InvalidAMIID.Malformed"): EC2_ERROR,
    ("crate/src/sim", "InvalidGroup.NotFound"): EC2_ERROR,
    ("crate/src/sim", "InvalidInstanceID.NotFound"): EC2_ERROR,
    ("crate/src/sim", "InvalidSubnetID.NotFound"): EC2_ERROR,
    ("crate/src/sim", "MissingInput"): EC2_ERROR,
    ("crate/src/sim", "FileError"): "the refusal of the playground's own sim:ReadFile and sim:WriteFile",
    ("crate/src/sim", "FileNotFound"): "the refusal of the playground's own sim:ReadFile and sim:WriteFile",
    ("crate/src/sim", "NoCredentialsError"): SDK_ERROR,
    ("crate/src/sim", "ConnectTimeoutError"): SDK_ERROR,
    ("crate/src/sim", "UnknownOperationException"): "the dispatcher's answer to a call no model answers",
    ("crate/src/s3", "403"): S3_ERROR + "; a HEAD request's error has no body, so the SDK names it by its HTTP status",
    ("crate/src/s3", "404"): S3_ERROR + "; a HEAD request's error has no body, so the SDK names it by its HTTP status",
    ("crate/src/s3", "EntityTooLarge"): S3_ERROR,
    ("crate/src/s3", "InvalidBucketName"): S3_ERROR,
    ("crate/src/s3", "KeyTooLongError"): S3_ERROR,
    ("crate/src/s3", "MalformedPolicy"): S3_ERROR,
    ("crate/src/s3", "TooManyBuckets"): S3_ERROR,
}

# Refusal codes of api/unmodelled.rs that no model lists, each with its reason.
UNMODELLED_CODES_ALLOWED = {
    "UnmodelledParameterException": "the playground's own code for Amazon ECS, so a learner sees the refusal is not AWS's",
    "InvalidArgument": S3_ERROR,
}

class Results:
    """Counts per check, the failures to print, and which allow-list entries were used."""

    def __init__(self):
        self.counts = {}
        self.failures = []
        self.notes = []
        self.used = set()

    def record(self, check, ok, failure=None):
        passed, failed = self.counts.get(check, (0, 0))
        self.counts[check] = (passed + ok, failed + (not ok))
        if not ok:
            self.failures.append(f"FAIL {check}: {failure}")


class Models:
    """botocore's service models, loaded once each."""

    def __init__(self):
        self.loader = Loader()
        self.cache = {}

    def get(self, name):
        if name not in self.cache:
            self.cache[name] = self.loader.load_service_model(name, "service-2")
        return self.cache[name]


def ecs_sim(binary, *args):
    out = subprocess.run([binary, *args], capture_output=True, text=True, check=False)
    if out.returncode != 0:
        sys.exit(f"botocore-check: ecs-sim {' '.join(args)} failed ({out.returncode}): {out.stderr.strip()}")
    return out.stdout


def json_lines(text):
    return [json.loads(line) for line in text.splitlines() if line.strip()]


# Shape validation.

def validate(value, shape_name, model, path, problems, check_required=False, decoded_policies=False):
    """Appends (path, kind, detail) for each way `value` does not fit shape `shape_name` of `model`.

    With `check_required` (inputs), a structure must have its required members. With `decoded_policies` (IAM's outputs), a policy document may be an object: botocore's own after-call
    handler (`json_decode_policies`) decodes IAM's `policyDocumentType` strings, as the SDKs and CLI show them.
    """
    shape = model["shapes"][shape_name]
    kind = shape["type"]
    if shape.get("document") or (decoded_policies and shape_name == "policyDocumentType" and isinstance(value, dict)):
        return
    if value is None:
        problems.append((path, "type", f"null where the model has a {kind} ({shape_name})"))
        return
    if kind == "structure":
        if not isinstance(value, dict):
            problems.append((path, "type", f"{type_name(value)} where the model has a structure ({shape_name})"))
            return
        members = shape.get("members", {})
        if check_required:
            # An idempotency token is required, but the SDKs fill it in.
            for name in shape.get("required", []):
                if name not in value and not members[name].get("idempotencyToken"):
                    problems.append((f"{path}.{name}" if path else name, "required", f"{shape_name} requires {name}"))
        for name, item in value.items():
            child = f"{path}.{name}" if path else name
            if name not in members:
                problems.append((child, "member", f"no member {name} in {shape_name}"))
            else:
                validate(item, members[name]["shape"], model, child, problems, check_required, decoded_policies)
    elif kind == "list":
        if not isinstance(value, list):
            problems.append((path, "type", f"{type_name(value)} where the model has a list ({shape_name})"))
            return
        for idx, item in enumerate(value):
            validate(item, shape["member"]["shape"], model, f"{path}[{idx}]", problems, check_required, decoded_policies)
    elif kind == "map":
        if not isinstance(value, dict):
            problems.append((path, "type", f"{type_name(value)} where the model has a map ({shape_name})"))
            return
        for key, item in value.items():
            validate(key, shape["key"]["shape"], model, f"{path}{{{key}}}", problems)
            validate(item, shape["value"]["shape"], model, f"{path}.{key}", problems, check_required, decoded_policies)
    elif kind == "string":
        if not isinstance(value, str):
            problems.append((path, "type", f"{type_name(value)} where the model has a string ({shape_name})"))
        elif "enum" in shape and value not in shape["enum"]:
            problems.append((path, "enum", f"{value!r} is not in {shape_name} {shape['enum']}"))
    elif kind in ("integer", "long"):
        if isinstance(value, bool) or not isinstance(value, int):
            problems.append((path, "type", f"{type_name(value)} where the model has an {kind} ({shape_name})"))
    elif kind in ("double", "float"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            problems.append((path, "type", f"{type_name(value)} where the model has a {kind} ({shape_name})"))
    elif kind == "boolean":
        if not isinstance(value, bool):
            problems.append((path, "type", f"{type_name(value)} where the model has a boolean ({shape_name})"))
    elif kind == "timestamp":
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            problems.append((path, "type", f"{type_name(value)} where the model has a timestamp ({shape_name})"))
    elif kind == "blob":
        if not isinstance(value, str):
            problems.append((path, "type", f"{type_name(value)} where the model has a blob ({shape_name})"))
    else:
        problems.append((path, "type", f"the model's type {kind} ({shape_name}) is unknown to this check"))


def type_name(value):
    return {dict: "an object", list: "an array", str: "a string", bool: "a boolean", int: "an integer",
            float: "a number", type(None): "null"}[type(value)]


def check_shape(results, check, where, call, direction, value, shape_name, model):
    """One test: `value` against `shape_name` (None: the operation has no such shape, so `{}`)."""
    problems = []
    if shape_name is None:
        if value not in ({}, None):
            problems.append(("", "member", f"the operation has no {direction} shape, but the {direction} has members"))
    else:
        decoded_policies = direction == "output" and model["metadata"]["endpointPrefix"] == "iam"
        validate(value, shape_name, model, "", problems, direction == "input", decoded_policies)
    unexplained = []
    for path, kind, detail in problems:
        key = (call, direction, re.sub(r"\[\d+\]", "[*]", path), kind)
        if key in SHAPES_ALLOWED:
            results.used.add(("shapes", key))
        else:
            unexplained.append(f"{path or '(top)'}: {detail}")
    results.record(check, not unexplained, f"{where}: {call} {direction}: " + "; ".join(unexplained))


# The API console's example inputs, read from the app's source: each arm of `example_input`'s match.

def console_examples(path):
    source = path.read_text()
    start = source.find("fn example_input(")
    if start < 0:
        return None
    body = source[start:source.find("\n}\n", start)]
    n_arms = len(re.findall(r'^\s*"[^\n]*=>', body, re.M))
    examples = []
    for arm in re.finditer(r'^\s*((?:"[^"]+"\s*\|\s*)*"[^"]+")\s*=>\s*json!\((.*)\),\s*$', body, re.M):
        calls = re.findall(r'"([^"]+)"', arm.group(1))
        examples.append((calls, json_of_macro(arm.group(2))))
    return examples if len(examples) == n_arms else None


def json_of_macro(text):
    """The JSON of a `json!` body whose values are literals or plain variables (a variable becomes its name)."""
    out, idx = [], 0
    while idx < len(text):
        if text[idx] == '"':
            end = idx + 1
            while text[end] != '"':
                end += 2 if text[end] == "\\" else 1
            out.append(text[idx:end + 1])
            idx = end + 1
        elif m := re.match(r"[A-Za-z_][A-Za-z0-9_]*", text[idx:]):
            word = m.group(0)
            # A variable named for a count of seconds or milliseconds holds a number.
            numeric = word.endswith(("_s", "_ms"))
            out.append(word if word in ("true", "false", "null") else "0" if numeric else json.dumps(word))
            idx += len(word)
        else:
            out.append(text[idx])
            idx += 1
    return json.loads(re.sub(r",(\s*[}\]])", r"\1", "".join(out)))


# The handler code's reads and error codes.

READER_METHODS = ("get", "str", "typed_str", "required_str", "required_member", "required_string", "required_text",
                  "u64", "i64", "int_in_range", "required_int_in_range", "query_u64", "query_u64_within", "bool",
                  "typed_bool", "strings", "objects", "object", "member", "items", "enum_member",
                  "contains_key")
READER_FN_DEF = re.compile(
    r"fn\s+([a-z_0-9]+)\s*(?:<[^>]*>)?\(\s*[a-z_]+:\s*&(?:'a\s+)?(?:serde_json::)?"
    r"(?:Value|Map<String,\s*Value>|Request(?:<'[a-z_]+>)?)\s*,\s*[a-z_]+:\s*&str")


def handler_sources(folder):
    """(path, text without its test module) of each non-test Rust file under `folder`."""
    for path in sorted((ROOT / folder).rglob("*.rs")):
        if path.name.endswith("tests.rs"):
            continue
        text = path.read_text()
        cut = text.find("#[cfg(test)]\nmod tests {")
        yield path, text if cut < 0 else text[:cut]


def code_lines(text):
    """(line number, line) of `text` without comments."""
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.split("//")[0] if "//" in line and '"' not in line.split("//")[0] else line
        if not stripped.lstrip().startswith("//"):
            yield number, stripped


def reads_of(text, reader_fns):
    """(line, member name) of each literal member name the code reads."""
    method = re.compile(r"\.(" + "|".join(READER_METHODS) + r")\(\s*\"([A-Za-z][A-Za-z0-9]*)\"")
    function = re.compile(r"\b(" + "|".join(sorted(reader_fns)) + r")\(\s*[^,()]+(?:\([^()]*\))?\s*,\s*\"([A-Za-z][A-Za-z0-9]*)\"") \
        if reader_fns else None
    pointer = re.compile(r"\.pointer\(\s*\"(/[^\"]*)\"")
    index = re.compile(r"(?<=[A-Za-z0-9_)\]])\[\"([A-Za-z][A-Za-z0-9]*)\"\](?!\s*=[^=])")
    for number, line in code_lines(text):
        for m in method.finditer(line):
            yield number, m.group(2)
        if function:
            for m in function.finditer(line):
                yield number, m.group(2)
        for m in pointer.finditer(line):
            for part in m.group(1).split("/")[1:]:
                if part and not part.isdigit():
                    yield number, part
        for m in index.finditer(line):
            yield number, m.group(1)


def error_codes_of(text):
    pattern = re.compile(r"ApiError::new\(\s*\"([A-Za-z0-9.]+)\"")
    for number, line in code_lines(text):
        for m in pattern.finditer(line):
            yield number, m.group(1)


def members_of(model):
    names = set()
    for shape in model["shapes"].values():
        names.update(shape.get("members", {}).keys())
    return names


def errors_of(model):
    codes = set()
    for name, shape in model["shapes"].items():
        if shape.get("exception"):
            codes.add(name)
            code = shape.get("error", {}).get("code")
            if code:
                codes.add(code)
    return codes


def operation_errors(model, operation):
    codes = set()
    for ref in model["operations"][operation].get("errors", []):
        codes.add(ref["shape"])
        code = model["shapes"][ref["shape"]].get("error", {}).get("code")
        if code:
            codes.add(code)
    return codes


CONSOLE_MEMBERS = "www/src/forms/members.rs"


def console_members_source(calls, models):
    """The Rust source of the console's member table: for each call with a model, its input's members in the
    model's order, and the members of every structure reachable from it (keyed by shape name)."""
    rows, shapes = [], {}

    def visit(model, shape_name, service):
        shape = model["shapes"][shape_name]
        kind = shape.get("type")
        if kind == "structure":
            key = f"{service}.{shape_name}"
            if key in shapes:
                return key
            shapes[key] = None
            members = []
            for member, ref in shape.get("members", {}).items():
                members.append((member, visit(model, ref["shape"], service)))
            shapes[key] = members
            return key
        if kind == "list":
            return visit(model, shape["member"]["shape"], service)
        if kind == "map":
            return None
        return None

    for name in sorted(calls):
        row = calls[name]
        if row["model"] is None:
            continue
        model = models.get(row["model"])
        operation = model["operations"].get(row["operation"])
        if operation is None or "input" not in operation:
            continue
        rows.append((name, visit(model, operation["input"]["shape"], row["model"])))
    index = {key: i for i, key in enumerate(sorted(shapes))}
    lines = [
        "//! The input members of every modelled call and of the structures inside its input, as botocore's models",
        "//! list them: the API console refuses a member no model lists, naming it, as AWS's CLI does (\"Unknown",
        "//! parameter in input\"). Written by `scripts/botocore-check --write-console-members`; the check keeps it equal",
        "//! to the models.",
        "",
        "/// A structure: its members in the model's order, each with the index in [`SHAPES`] of its own structure",
        "/// (`u16::MAX` for a scalar, a map, or a list of scalars).",
        "pub type Shape = &'static [(&'static str, u16)];",
        "",
        "/// Each call with a model and the index in [`SHAPES`] of its input, sorted by call.",
        "pub const CALL_INPUTS: &[(&str, u16)] = &[",
    ]
    for name, key in rows:
        lines.append(f'    ("{name}", {index[key]}),')
    lines.append("];")
    lines.append("")
    lines.append("/// Every structure reachable from an input, by shape name (`model.Shape`) in sorted order.")
    lines.append("pub const SHAPES: &[Shape] = &[")
    for key in sorted(shapes):
        members = ", ".join(f'("{m}", {index[k] if k is not None else "u16::MAX"})' for m, k in shapes[key])
        lines.append(f"    &[{members}],")
    lines.append("];")
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ecs-sim", required=True, help="the ecs-sim binary")
    parser.add_argument("--list-unread", action="store_true",
                        help="print each modelled call's input members that no handler code reads")
    parser.add_argument("--write-console-members", action="store_true",
                        help=f"write {CONSOLE_MEMBERS} from the models instead of checking it")
    args = parser.parse_args()
    models = Models()
    results = Results()

    # 1. The call table.
    calls = {row["call"]: row for row in json_lines(ecs_sim(args.ecs_sim, "calls"))}
    skipped = {"Fis": [], "Sim": []}
    for name, row in calls.items():
        if row["model"] is None:
            skipped[row["service"]].append(name)
            continue
        ok = row["operation"] in models.get(row["model"])["operations"]
        results.record("calls", ok, f"{name}: botocore's {row['model']} model has no operation {row['operation']}")
    results.notes.append(f"calls: skipped {len(skipped['Fis'])} fis: rows (botocore lists no FIS action ids) "
                         f"and {len(skipped['Sim'])} sim: rows (the playground's own calls)")

    def modeled(call):
        """The model, operation and operation name of `call`; None for a call without one (failed above)."""
        row = calls.get(call)
        if row is None or row["model"] is None:
            return None
        model = models.get(row["model"])
        if row["operation"] not in model["operations"]:
            return None
        return model, model["operations"][row["operation"]], row["operation"]

    # 2 and 4. Every step of every built-in scenario: its input as sent, and its answer.
    scenarios = [line.split("\t")[0] for line in ecs_sim(args.ecs_sim, "scenarios").splitlines() if line.strip()]
    n_steps = n_unmodeled_steps = 0
    for scenario in scenarios:
        for answer in json_lines(ecs_sim(args.ecs_sim, "answers", scenario)):
            where = f"{scenario} step {answer['step']} (at {answer['at']})"
            call = answer["call"]
            n_steps += 1
            if "substitutionError" in answer:
                results.record("inputs", False, f"{where}: {call}: the input could not be built: {answer['substitutionError']}")
                continue
            found = modeled(call)
            if found is None:
                n_unmodeled_steps += 1
                continue
            model, operation, operation_name = found
            check_shape(results, "inputs", where, call, "input", answer["input"],
                        operation.get("input", {}).get("shape"), model)
            if "error" in answer:
                code = answer["error"]["code"]
                known = operation_errors(model, operation_name) | COMMON_ERRORS
                key = (HANDLER_FOLDER[calls[call]["handler"]], code)
                allowed = key in ERRORS_ALLOWED
                if allowed:
                    results.used.add(("errors", key))
                results.record("outputs", code in known or allowed,
                               f"{where}: {call} refused with {code}, which {operation_name} does not model")
            else:
                check_shape(results, "outputs", where, call, "output", answer["output"],
                            operation.get("output", {}).get("shape"), model)
    results.notes.append(f"inputs and outputs: {n_steps} steps of {len(scenarios)} built-in scenarios, of which "
                         f"{n_unmodeled_steps} skipped (fis: and sim: calls, and calls without a model operation)")

    # 2. The API console's example inputs.
    console = ROOT / "www/src/forms/console.rs"
    examples = console_examples(console)
    if not examples:
        results.record("inputs", False, f"{console.relative_to(ROOT)}: example_input has no arms, or arms this check cannot read")
    else:
        n_examples = sum(len(example_calls) for example_calls, _ in examples)
        n_unmodeled = sum(modeled(call) is None for example_calls, _ in examples for call in example_calls)
        results.notes.append(f"inputs: {n_examples} API console examples, of which {n_unmodeled} skipped (sim: and fis: calls)")
        for example_calls, example in examples:
            for call in example_calls:
                found = modeled(call)
                if found is None:
                    if call not in calls:
                        results.record("inputs", False, f"API console example: {call} is not in the call table")
                    continue
                model, operation, _ = found
                check_shape(results, "inputs", "API console example", call, "input", example,
                            operation.get("input", {}).get("shape"), model)

    # 3 and 5. The handler code's literal reads and error codes.
    for folder, names in HANDLER_DIRS.items():
        members = set().union(*(members_of(models.get(n)) for n in names))
        codes = set().union(*(errors_of(models.get(n)) for n in names)) | COMMON_ERRORS
        sources = list(handler_sources(folder))
        reader_fns = {m.group(1) for _, text in sources for m in READER_FN_DEF.finditer(text)}
        reads, errors = {}, {}
        for path, text in sources:
            where = path.relative_to(ROOT)
            for number, name in [] if str(where) in NOT_REQUEST_READERS else reads_of(text, reader_fns):
                reads.setdefault(name, []).append(f"{where}:{number}")
            for number, code in error_codes_of(text):
                errors.setdefault(code, []).append(f"{where}:{number}")
        for name, places in sorted(reads.items()):
            key = (folder, name)
            if key in READS_ALLOWED:
                results.used.add(("reads", key))
                continue
            results.record("reads", name in members,
                           f"{name} (read at {', '.join(places)}) is a member of no shape of {', '.join(names)}")
        for code, places in sorted(errors.items()):
            key = (folder, code)
            if key in ERRORS_ALLOWED:
                results.used.add(("errors", key))
                continue
            results.record("error codes", code in codes,
                           f"{code} (at {', '.join(places)}) is an error of none of {', '.join(names)}")

    # 6. The API console's table of each modelled call's input members (what it names in "Unknown parameter").
    expected = console_members_source(calls, models)
    path = ROOT / CONSOLE_MEMBERS
    if args.write_console_members:
        path.write_text(expected)
        print(f"wrote {CONSOLE_MEMBERS}")
    results.record("console members", path.exists() and path.read_text() == expected,
                   f"{CONSOLE_MEMBERS} is not the models' input members: run scripts/botocore-check --write-console-members")

    # 7. The members the playground refuses because it does not model them: each a member of its call's input.
    table = (ROOT / "crate/src/api/unmodelled.rs").read_text()
    entries = re.findall(r'\(\s*"([a-z0-9-]+:[A-Za-z0-9]+)",\s*"([A-Za-z0-9]+)",', table)
    results.record("unmodelled members", bool(entries), "crate/src/api/unmodelled.rs: no entry this check can read")
    for call, member in entries:
        found = modeled(call)
        members = {} if found is None else found[0]["shapes"][found[1]["input"]["shape"]].get("members", {})
        results.record("unmodelled members", member in members, f"api/unmodelled.rs: {member} is no input member of {call}")

    # 8. No input member silently ignored: every top-level member of a modelled call's input is read by its
    # handler code (a literal read, as in 3) or refused by the dispatcher (a row of api/unmodelled.rs).
    # Idempotency tokens aside: the SDKs fill them in, and a call is applied once either way.
    refused = set(entries)
    codes = dict(re.findall(r'\(\s*"([a-z0-9-]+)",\s*"([A-Za-z0-9]+)"\s*\)', table))
    read_names = {}
    for handler, folders in HANDLER_READ_FOLDERS.items():
        sources = [(path, text) for folder in folders for path, text in handler_sources(folder)
                   if str(path.relative_to(ROOT)) not in NOT_REQUEST_READERS]
        reader_fns = {m.group(1) for _, text in sources for m in READER_FN_DEF.finditer(text)}
        names = set()
        for _, text in sources:
            names.update(name for _, name in reads_of(text, reader_fns))
            for _, line in code_lines(text):
                names.update(m.group(1) for m in ID_LIST_READ.finditer(line))
        read_names[handler] = names
    unread, refused_read = [], []
    for name in sorted(calls):
        found = modeled(name)
        if found is None or "input" not in found[1]:
            continue
        model, operation, _ = found
        input_shape = model["shapes"][operation["input"]["shape"]]
        for member, ref in input_shape.get("members", {}).items():
            if ref.get("idempotencyToken"):
                continue
            if member in read_names.get(calls[name]["handler"], set()):
                # A refused member may share its name with one the handler reads for another call.
                if (name, member) in refused:
                    refused_read.append((name, member))
                continue
            unread.append((name, member))
            results.record("unread members", (name, member) in refused,
                           f"{name}: the input member {member} is neither read by the handler code nor refused in api/unmodelled.rs")
    if args.list_unread:
        for name, member in unread:
            print(f"unread\t{name}\t{member}")
        for name, member in refused_read:
            print(f"refused, and read for another call\t{name}\t{member}")
    results.notes.append(f"unread members: {len(unread)} input members no handler reads, each refused by api/unmodelled.rs; "
                         f"{len(refused_read)} more refused whose name the handler reads for another call")
    for prefix, code in sorted(codes.items()):
        model_names = {calls[c]["model"] for c in calls if c.startswith(prefix + ":") and calls[c]["model"]}
        known = set().union(*(errors_of(models.get(n)) for n in model_names)) | COMMON_ERRORS if model_names else set()
        allowed = code in UNMODELLED_CODES_ALLOWED
        results.record("unread members", code in known or allowed,
                       f"api/unmodelled.rs refuses {prefix}: members with {code}, an error of none of {', '.join(sorted(model_names)) or 'no model'}")

    # Allow-list entries that matched nothing are out of date.
    for list_name, table in (("reads", READS_ALLOWED), ("shapes", SHAPES_ALLOWED), ("errors", ERRORS_ALLOWED)):
        for key in table:
            results.record("allow-lists", (list_name, key) in results.used,
                           f"the {list_name} allow-list entry {key} matches nothing: remove it")

    for failure in results.failures:
        print(failure)
    for note in results.notes:
        print(f"note: {note}")
    for check, (passed, failed) in results.counts.items():
        print(f"{check}: {passed} passed, {failed} failed")
    total_passed = sum(p for p, _ in results.counts.values())
    total_failed = sum(f for _, f in results.counts.values())
    print(f"{total_passed} passed, {total_failed} failed")
    return 1 if total_failed else 0


if __name__ == "__main__":
    sys.exit(main())
