//! AWS's request validation texts, and the playground's own where AWS's wording is not known, each written once:
//! every service's handlers build their messages here.
//!
//! AWS services validate a request against their API model before the operation runs and answer with one
//! wording, `1 validation error detected: Value '<value>' at '<member path>' failed to satisfy constraint:
//! <constraint>` (seen from ECS, IAM, Elastic Load Balancing, EC2 Auto Scaling and CloudWatch in public CLI
//! output). The member path is the request's member name with a lower-case first letter, list items as
//! `name.<n>.member` counted from 1. Amazon ECS answers a missing required string with its own
//! `<Member> can not be blank.`

/// How the rejected value is shown in the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shown<'a> {
    /// `Value '<text>' at ...`.
    Value(&'a str),
    /// A list member: `Value '[<text>]' at ...`.
    List(&'a str),
    /// A missing member: `Value null at ...`.
    Null,
    /// `Value at ...`, as Elastic Load Balancing writes an out-of-range port (text: CLI output quoted in
    /// elb/api.rs).
    Omitted,
}

/// Amazon ECS's answer to a Describe call given more references than it takes at once: `service names can have
/// at most 10 items.` (DescribeServices), `taskIds can have at most 100 items.` (DescribeTasks, gchq/sleeper#555)
/// and `instanceIds can have at most 100 items.` (DescribeContainerInstances, traefik/traefik#3625), all seen in
/// public SDK error output; DescribeClusters' list name follows the same form [UNVERIFIED].
pub fn too_many_items(list_name: &str, max: usize) -> String {
    format!("{list_name} can have at most {max} items.")
}

/// Amazon ECS's answer to a List call's `maxResults` outside 1 to `max` (the API reference: "This value can be
/// between 1 and 100"; the wording is the playground's [UNVERIFIED]).
pub fn max_results_range(given: u64, max: u64) -> String {
    format!("maxResults must be between 1 and {max} (got {given}).")
}

/// Amazon ECS's answer to a `nextToken` that no earlier page of this listing answered (the wording is the
/// playground's [UNVERIFIED]).
pub fn invalid_next_token() -> String {
    "The nextToken is not valid: pass the nextToken of the previous page of this listing.".to_string()
}

/// Amazon ECS's answer to a Describe call given an empty list: `Services cannot be empty.` (DescribeServices,
/// seen in public SDK error output); the other lists follow the same form [UNVERIFIED].
pub fn list_empty(list_name: &str) -> String {
    format!("{list_name} cannot be empty.")
}

/// The playground's refusal of an input member it does not model (`api/unmodelled.rs`): not an AWS text, and it says
/// so, since AWS would accept the member.
pub fn not_modelled(call: &str, member: &str) -> String {
    format!("{member} is a member of {call} that the playground does not model, so the call was not applied (AWS accepts it). Remove {member} to make the call.")
}

/// The generic validation text for `shown` at `path` failing `constraint`.
pub fn violation(shown: Shown<'_>, path: &str, constraint: &str) -> String {
    let value = match shown {
        Shown::Value(text) => format!("Value '{text}' at"),
        Shown::List(text) => format!("Value '[{text}]' at"),
        Shown::Null => "Value null at".to_string(),
        Shown::Omitted => "Value at".to_string(),
    };
    format!("1 validation error detected: {value} '{path}' failed to satisfy constraint: {constraint}")
}

/// `value` is not one of `members` (an enum of the API model).
pub fn not_in_enum(value: &str, path: &str, members: &[&str]) -> String {
    violation(Shown::Value(value), path, &enum_constraint(members))
}

/// A list item `value` is not one of `members`: the list constraint wraps the member's.
pub fn list_item_not_in_enum(value: &str, path: &str, members: &[&str]) -> String {
    violation(Shown::List(value), path, &format!("Member must satisfy constraint: [{}]", enum_constraint(members)))
}

fn enum_constraint(members: &[&str]) -> String {
    format!("Member must satisfy enum value set: [{}]", members.join(", "))
}

/// A required member is missing.
pub fn required(path: &str) -> String {
    violation(Shown::Null, path, "Member must not be null")
}

/// A string shorter than the model's minimum length.
pub fn too_short(value: &str, path: &str, min: u64) -> String {
    violation(Shown::Value(value), path, &format!("Member must have length greater than or equal to {min}"))
}

/// A string longer than the model's maximum length.
pub fn too_long(value: &str, path: &str, max: u64) -> String {
    violation(Shown::Value(value), path, &format!("Member must have length less than or equal to {max}"))
}

/// A number below the model's minimum.
pub fn below_min(shown: Shown<'_>, path: &str, min: i64) -> String {
    violation(shown, path, &format!("Member must have value greater than or equal to {min}"))
}

/// A number above the model's maximum.
pub fn above_max(shown: Shown<'_>, path: &str, max: i64) -> String {
    violation(shown, path, &format!("Member must have value less than or equal to {max}"))
}

/// A string that does not match the model's pattern.
pub fn pattern_mismatch(value: &str, path: &str, pattern: &str) -> String {
    violation(Shown::Value(value), path, &format!("Member must satisfy regular expression pattern: {pattern}"))
}

/// Amazon ECS's text for a required string that is missing or empty (`Cluster can not be blank.`).
pub fn blank(member: &str) -> String {
    format!("{member} can not be blank.")
}

// The playground's own texts, for what AWS's wording is not known: each is written here once, and each
// service ends them its one way (see `Ending`).

/// How a text of the playground's own ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ending {
    /// A sentence with its full stop, as the Amazon ECS, IAM, Secrets Manager and Amazon EFS calls write them
    /// (`FileSystemId is required.`).
    Sentence,
    /// A bare clause, as the scaling calls (Application Auto Scaling, CloudWatch, EC2 Auto Scaling) write them
    /// (`Namespace is required`).
    Clause,
}

impl Ending {
    fn close(self, clause: String) -> String {
        match self {
            Ending::Sentence => clause + ".",
            Ending::Clause => clause,
        }
    }
}

/// A required member the SDK checks before sending (botocore's `ParamValidationError` line, as the S3 calls of the
/// rest-xml protocol answer a request without it).
pub fn missing_required_parameter(member: &str) -> String {
    format!("Missing required parameter in input: \"{member}\"")
}

/// A required member is missing (`Namespace is required`).
pub fn is_required(member: &str, ending: Ending) -> String {
    ending.close(format!("{member} is required"))
}

/// A member of the wrong JSON type: `<member> must be <kind>` (`a string`, `an integer`, `true or false`).
pub fn must_be(member: &str, kind: &str, ending: Ending) -> String {
    ending.close(format!("{member} must be {kind}"))
}

/// A required member missing or of the wrong kind: `<member> is required and must be <kind>.`
pub fn required_and_must_be(member: &str, kind: &str) -> String {
    format!("{member} is required and must be {kind}.")
}

/// A whole number outside the range the scaling calls accept (`Period 30 is out of range: it must be between 60
/// and 604800`).
pub fn out_of_range(member: &str, value: i64, min: i64, max: i64) -> String {
    format!("{member} {value} is out of range: it must be between {min} and {max}")
}

/// A whole number outside `min..=max`, as a sentence (`PosixUser.Uid must be between 0 and 4294967295.`).
pub fn not_between(member: &str, min: u64, max: u64) -> String {
    format!("{member} must be between {min} and {max}.")
}

/// A member of the wrong JSON type where a string is expected.
pub fn not_a_string(member: &str) -> String {
    must_be(member, "a string", Ending::Sentence)
}

/// A member of the wrong JSON type where a whole number is expected.
pub fn not_an_integer(member: &str) -> String {
    must_be(member, "an integer", Ending::Sentence)
}

/// A member of the wrong JSON type where a whole number of zero or more is expected.
pub fn not_a_non_negative_integer(member: &str) -> String {
    must_be(member, "a non-negative integer", Ending::Sentence)
}

/// A member of the wrong JSON type where a boolean is expected.
pub fn not_a_boolean(member: &str) -> String {
    must_be(member, "true or false", Ending::Sentence)
}

/// A member name as AWS's validation texts write it: the first letter lower-case (`autoScalingGroupName`).
pub fn member_path(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(c) => c.to_ascii_lowercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_match_the_wording_aws_returns() {
        assert_eq!(
            not_in_enum("BOGUS", "launchType", &["EC2", "FARGATE"]),
            "1 validation error detected: Value 'BOGUS' at 'launchType' failed to satisfy constraint: Member must satisfy enum value set: [EC2, FARGATE]"
        );
        assert_eq!(
            required("policyName"),
            "1 validation error detected: Value null at 'policyName' failed to satisfy constraint: Member must not be null"
        );
        assert_eq!(
            list_item_not_in_enum("X", "include", &["SETTINGS", "TAGS"]),
            "1 validation error detected: Value '[X]' at 'include' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [SETTINGS, TAGS]]"
        );
        assert_eq!(
            above_max(Shown::Omitted, "port", 65535),
            "1 validation error detected: Value at 'port' failed to satisfy constraint: Member must have value less than or equal to 65535"
        );
        assert_eq!(blank("Cluster"), "Cluster can not be blank.");
        assert_eq!(member_path("AutoScalingGroupName"), "autoScalingGroupName");
        assert_eq!(member_path(""), "");
    }

    #[test]
    fn own_texts_end_the_way_each_service_writes_them() {
        assert_eq!(is_required("Namespace", Ending::Clause), "Namespace is required");
        assert_eq!(is_required("FileSystemId", Ending::Sentence), "FileSystemId is required.");
        assert_eq!(must_be("Period", "an integer", Ending::Clause), "Period must be an integer");
        assert_eq!(not_a_string("Path"), "Path must be a string.");
        assert_eq!(not_a_boolean("Encrypted"), "Encrypted must be true or false.");
        assert_eq!(required_and_must_be("PosixUser.Uid", "a non-negative integer"), "PosixUser.Uid is required and must be a non-negative integer.");
        assert_eq!(out_of_range("Period", 30, 60, 604_800), "Period 30 is out of range: it must be between 60 and 604800");
        assert_eq!(not_between("PosixUser.Gid", 0, 4_294_967_295), "PosixUser.Gid must be between 0 and 4294967295.");
    }
}
