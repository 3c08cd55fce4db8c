//! The pages of Amazon ECS's List* calls: `maxResults` (1 to 100) sizes a page and `nextToken` continues from the
//! end of the previous one. Without `maxResults`, ListServices answers up to 10 results and the other List calls up
//! to 100, each with a `nextToken` when more remain (ECS API reference, ListServices and ListTasks: "If this
//! parameter isn't used, then ListServices returns up to 10 results and a nextToken value if applicable").

use serde_json::{json, Value};

use crate::api::{texts, ApiError, ApiResult, Request};

/// The largest page a List call answers (ECS API reference: "This value can be between 1 and 100").
pub(super) const MAX_PAGE: u64 = 100;

/// The page size of `call` when the request gives no `maxResults`.
fn default_page(call: &str) -> u64 {
    if call == "ecs:ListServices" {
        10
    } else {
        MAX_PAGE
    }
}

/// The token that continues a listing at `offset`: opaque to the caller, as AWS's tokens are.
fn token_at(offset: usize) -> String {
    format!("ecs-playground-page-{offset}")
}

/// The request's page size and where the page starts, each checked.
pub(super) fn page_of(call: &str, request: &Request) -> Result<(usize, usize), ApiError> {
    let size = match request.u64("maxResults")? {
        None => default_page(call),
        Some(size) if (1..=MAX_PAGE).contains(&size) => size,
        Some(size) => return Err(ApiError::invalid_parameter(texts::max_results_range(size, MAX_PAGE))),
    };
    let start = match request.str("nextToken") {
        None => 0,
        Some(token) => token
            .strip_prefix("ecs-playground-page-")
            .and_then(|offset| offset.parse::<usize>().ok())
            .ok_or_else(|| ApiError::invalid_parameter(texts::invalid_next_token()))?,
    };
    Ok((size as usize, start))
}

/// `answer` (a List call's output, one list member `list`) cut to the request's page, with a `nextToken` when
/// more results remain.
pub(super) fn paginate(call: &str, request: &Request, list: &str, answer: ApiResult) -> ApiResult {
    let (size, start) = page_of(call, request)?;
    let mut answer = answer?;
    let Some(items) = answer.get_mut(list).and_then(Value::as_array_mut) else { return Ok(answer) };
    let total = items.len();
    let page: Vec<Value> = items.drain(..).skip(start).take(size).collect();
    let end = start.saturating_add(page.len());
    *items = page;
    if end < total {
        answer["nextToken"] = json!(token_at(end));
    }
    Ok(answer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Dialect;

    fn listed(call: &str, input: Value, n: usize) -> ApiResult {
        let answer = json!({ "clusterArns": (0..n).map(|i| format!("c{i}")).collect::<Vec<_>>() });
        paginate(call, &Request::new(&input, Dialect::Ecs), "clusterArns", Ok(answer))
    }

    #[test]
    fn pages_continue_where_the_token_says_and_the_last_has_no_token() {
        let first = listed("ecs:ListClusters", json!({ "maxResults": 2 }), 5).unwrap();
        assert_eq!(first["clusterArns"], json!(["c0", "c1"]));
        let token = first["nextToken"].as_str().unwrap().to_string();
        let second = listed("ecs:ListClusters", json!({ "maxResults": 2, "nextToken": token }), 5).unwrap();
        assert_eq!(second["clusterArns"], json!(["c2", "c3"]));
        let token = second["nextToken"].as_str().unwrap().to_string();
        let last = listed("ecs:ListClusters", json!({ "maxResults": 2, "nextToken": token }), 5).unwrap();
        assert_eq!(last["clusterArns"], json!(["c4"]));
        assert!(last.get("nextToken").is_none());
    }

    #[test]
    fn list_services_answers_ten_by_default_and_the_others_a_hundred() {
        let services = listed("ecs:ListServices", json!({}), 12).unwrap();
        assert_eq!(services["clusterArns"].as_array().unwrap().len(), 10);
        assert!(services["nextToken"].is_string());
        let clusters = listed("ecs:ListClusters", json!({}), 12).unwrap();
        assert_eq!(clusters["clusterArns"].as_array().unwrap().len(), 12);
        assert!(clusters.get("nextToken").is_none());
    }

    #[test]
    fn a_page_size_out_of_range_or_a_foreign_token_is_refused() {
        for size in [0, 101] {
            let error = listed("ecs:ListClusters", json!({ "maxResults": size }), 3).unwrap_err();
            assert_eq!(error.code, "InvalidParameterException");
            assert!(error.message.contains("maxResults"), "{}", error.message);
        }
        let error = listed("ecs:ListClusters", json!({ "nextToken": "abc" }), 3).unwrap_err();
        assert_eq!(error.code, "InvalidParameterException");
    }
}
