//! Table tests of DynamoDB: expressions (key conditions, filters, projections, conditions, updates), AWS's error
//! texts, capacity and throttling. Texts: DynamoDB's messages as observed in public SDK reports; semantics: Amazon
//! DynamoDB Developer Guide, "Using expressions in DynamoDB" and "Read/write capacity mode".

use serde_json::{json, Value};

use super::*;
use crate::api::ApiError;

fn ctx(now_ms: u64) -> DynamoDbContext {
    DynamoDbContext { region: "us-east-1".into(), account_id: "123456789012".into(), now_ms, now_epoch_s: 1_767_225_600 + now_ms / 1000 }
}

fn call(db: &mut DynamoDbState, now_ms: u64, name: &str, input: Value) -> Result<Value, ApiError> {
    db.handle(name, &input, &ctx(now_ms)).expect("a dynamodb call")
}

/// A table `Orders` (pk S, sk N), on demand, ACTIVE at 10 s, holding c1's orders 1 to 5 and c2's order 1.
fn orders() -> DynamoDbState {
    let mut db = DynamoDbState::new();
    let created = call(&mut db, 0, "dynamodb:CreateTable", json!({
        "TableName": "Orders",
        "AttributeDefinitions": [{ "AttributeName": "pk", "AttributeType": "S" }, { "AttributeName": "sk", "AttributeType": "N" }],
        "KeySchema": [{ "AttributeName": "pk", "KeyType": "HASH" }, { "AttributeName": "sk", "KeyType": "RANGE" }],
        "BillingMode": "PAY_PER_REQUEST",
    }))
    .unwrap();
    assert_eq!(created["TableDescription"]["TableStatus"], "CREATING");
    for (pk, sk, total, state) in [("c1", 1, "10", "open"), ("c1", 2, "25.5", "shipped"), ("c1", 3, "7", "open"), ("c1", 4, "100", "open"), ("c1", 5, "3", "shipped"), ("c2", 1, "42", "open")] {
        call(&mut db, 10_000, "dynamodb:PutItem", json!({
            "TableName": "Orders",
            "Item": { "pk": { "S": pk }, "sk": { "N": sk.to_string() }, "total": { "N": total }, "state": { "S": state }, "tags": { "SS": ["a"] } },
        }))
        .unwrap();
    }
    db
}

fn sks(out: &Value) -> Vec<String> {
    out["Items"].as_array().unwrap().iter().map(|i| i["sk"]["N"].as_str().unwrap_or("").to_string()).collect()
}

#[test]
fn a_table_is_not_found_until_it_is_active() {
    let mut db = DynamoDbState::new();
    call(&mut db, 0, "dynamodb:CreateTable", json!({
        "TableName": "T1x", "AttributeDefinitions": [{ "AttributeName": "id", "AttributeType": "S" }],
        "KeySchema": [{ "AttributeName": "id", "KeyType": "HASH" }], "BillingMode": "PAY_PER_REQUEST",
    }))
    .unwrap();
    let put = json!({ "TableName": "T1x", "Item": { "id": { "S": "a" } } });
    assert_eq!(call(&mut db, 1_000, "dynamodb:PutItem", put.clone()).unwrap_err(), ApiError::new("ResourceNotFoundException", "Requested resource not found"));
    call(&mut db, TABLE_CREATION_MS, "dynamodb:PutItem", put).unwrap();
    assert_eq!(call(&mut db, 3_000, "dynamodb:DescribeTable", json!({ "TableName": "T1x" })).unwrap()["Table"]["ItemCount"], 1);
    assert_eq!(call(&mut db, 3_000, "dynamodb:GetItem", json!({ "TableName": "Nope", "Key": { "id": { "S": "a" } } })).unwrap_err().code, "ResourceNotFoundException");
}

#[test]
fn create_table_refusals_use_dynamodbs_texts() {
    let cases: [(Value, &str); 5] = [
        (json!({ "AttributeDefinitions": [], "KeySchema": [] }), "1 validation error detected: Value null at 'tableName' failed to satisfy constraint: Member must not be null"),
        (
            json!({ "TableName": "T1x", "AttributeDefinitions": [{ "AttributeName": "id", "AttributeType": "S" }], "KeySchema": [{ "AttributeName": "id", "KeyType": "HASH" }] }),
            "One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED",
        ),
        (
            json!({ "TableName": "T1x", "BillingMode": "PAY_PER_REQUEST", "ProvisionedThroughput": { "ReadCapacityUnits": 1, "WriteCapacityUnits": 1 }, "AttributeDefinitions": [{ "AttributeName": "id", "AttributeType": "S" }], "KeySchema": [{ "AttributeName": "id", "KeyType": "HASH" }] }),
            "One or more parameter values were invalid: Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST",
        ),
        (
            json!({ "TableName": "T1x", "BillingMode": "PAY_PER_REQUEST", "AttributeDefinitions": [{ "AttributeName": "id", "AttributeType": "S" }, { "AttributeName": "x", "AttributeType": "S" }], "KeySchema": [{ "AttributeName": "id", "KeyType": "HASH" }] }),
            "One or more parameter values were invalid: Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions",
        ),
        (
            json!({ "TableName": "T1x", "BillingMode": "PAY_PER_REQUEST", "AttributeDefinitions": [{ "AttributeName": "x", "AttributeType": "S" }], "KeySchema": [{ "AttributeName": "id", "KeyType": "HASH" }] }),
            "One or more parameter values were invalid: Some index key attributes are not defined in AttributeDefinitions. Keys: [id], AttributeDefinitions: [x]",
        ),
    ];
    for (input, message) in cases {
        let mut db = DynamoDbState::new();
        let error = call(&mut db, 0, "dynamodb:CreateTable", input).unwrap_err();
        assert_eq!((error.code, error.message.as_str()), ("ValidationException", message));
        assert!(db.tables.is_empty());
    }
    let mut db = orders();
    let again = call(&mut db, 0, "dynamodb:CreateTable", json!({
        "TableName": "Orders", "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [{ "AttributeName": "pk", "AttributeType": "S" }], "KeySchema": [{ "AttributeName": "pk", "KeyType": "HASH" }],
    }))
    .unwrap_err();
    assert_eq!((again.code, again.message.as_str()), ("ResourceInUseException", "Table already exists: Orders"));
}

#[test]
fn key_conditions_select_by_partition_and_sort_key() {
    let cases: [(&str, Value, bool, Vec<&str>); 6] = [
        ("pk = :p", json!({ ":p": { "S": "c1" } }), true, vec!["1", "2", "3", "4", "5"]),
        ("pk = :p AND sk > :s", json!({ ":p": { "S": "c1" }, ":s": { "N": "3" } }), true, vec!["4", "5"]),
        ("pk = :p AND sk BETWEEN :a AND :b", json!({ ":p": { "S": "c1" }, ":a": { "N": "2" }, ":b": { "N": "4" } }), true, vec!["2", "3", "4"]),
        ("sk <= :s AND pk = :p", json!({ ":p": { "S": "c1" }, ":s": { "N": "2" } }), true, vec!["1", "2"]),
        ("pk = :p", json!({ ":p": { "S": "c1" } }), false, vec!["5", "4", "3", "2", "1"]),
        ("pk = :p", json!({ ":p": { "S": "c9" } }), true, vec![]),
    ];
    let mut db = orders();
    for (condition, values, forward, expected) in cases {
        let out = call(&mut db, 20_000, "dynamodb:Query", json!({ "TableName": "Orders", "KeyConditionExpression": condition, "ExpressionAttributeValues": values, "ScanIndexForward": forward })).unwrap();
        assert_eq!(sks(&out), expected, "{condition}");
    }
    let errors: [(&str, Value, &str); 3] = [
        ("sk = :s", json!({ ":s": { "N": "1" } }), "Query condition missed key schema element: pk"),
        ("pk = :p AND total > :s", json!({ ":p": { "S": "c1" }, ":s": { "N": "1" } }), "Query condition missed key schema element: pk"),
        ("pk = :p OR sk = :s", json!({ ":p": { "S": "c1" }, ":s": { "N": "1" } }), "Query key condition not supported"),
    ];
    for (condition, values, message) in errors {
        let error = call(&mut db, 20_000, "dynamodb:Query", json!({ "TableName": "Orders", "KeyConditionExpression": condition, "ExpressionAttributeValues": values })).unwrap_err();
        assert_eq!(error.message, message, "{condition}");
    }
}

#[test]
fn filters_count_what_they_scanned_and_pages_continue() {
    let mut db = orders();
    let input = json!({
        "TableName": "Orders", "KeyConditionExpression": "pk = :p", "FilterExpression": "#s = :open AND #t >= :ten",
        "ExpressionAttributeNames": { "#s": "state", "#t": "total" },
        "ExpressionAttributeValues": { ":p": { "S": "c1" }, ":open": { "S": "open" }, ":ten": { "N": "10" } },
    });
    let out = call(&mut db, 20_000, "dynamodb:Query", input.clone()).unwrap();
    assert_eq!((out["Count"].as_u64(), out["ScannedCount"].as_u64()), (Some(2), Some(5)));
    assert_eq!(sks(&out), ["1", "4"]);
    let mut page = input;
    page["Limit"] = json!(2);
    let first = call(&mut db, 20_000, "dynamodb:Query", page.clone()).unwrap();
    assert_eq!(sks(&first), ["1"]);
    assert_eq!(first["LastEvaluatedKey"], json!({ "pk": { "S": "c1" }, "sk": { "N": "2" } }));
    page["ExclusiveStartKey"] = first["LastEvaluatedKey"].clone();
    let second = call(&mut db, 20_000, "dynamodb:Query", page).unwrap();
    assert_eq!(sks(&second), ["4"]);
    let scan = call(&mut db, 20_000, "dynamodb:Scan", json!({ "TableName": "Orders", "FilterExpression": "contains(tags, :a) AND NOT (#s IN (:x, :y))", "ExpressionAttributeNames": { "#s": "state" }, "ExpressionAttributeValues": { ":a": { "S": "a" }, ":x": { "S": "shipped" }, ":y": { "S": "lost" } } })).unwrap();
    assert_eq!(scan["Count"], 4);
    assert_eq!(scan["ScannedCount"], 6);
}

#[test]
fn projections_and_condition_functions() {
    let mut db = orders();
    let got = call(&mut db, 20_000, "dynamodb:GetItem", json!({ "TableName": "Orders", "Key": { "pk": { "S": "c1" }, "sk": { "N": "2" } }, "ProjectionExpression": "#t, sk", "ExpressionAttributeNames": { "#t": "total" } })).unwrap();
    assert_eq!(got["Item"], json!({ "sk": { "N": "2" }, "total": { "N": "25.5" } }));
    let missing = call(&mut db, 20_000, "dynamodb:GetItem", json!({ "TableName": "Orders", "Key": { "pk": { "S": "c1" }, "sk": { "N": "9" } } })).unwrap();
    assert_eq!(missing, json!({}));
    let cases: [(&str, bool); 7] = [
        ("attribute_exists(pk)", true),
        ("attribute_not_exists(pk)", false),
        ("begins_with(#s, :o)", true),
        ("size(tags) = :one", true),
        ("attribute_type(#t, :n)", true),
        ("#t > :big", false),
        ("#t < :big OR attribute_not_exists(nothing)", true),
    ];
    let names = json!({ "#s": "state", "#t": "total" });
    let all_values = json!({ ":o": { "S": "op" }, ":one": { "N": "1" }, ":n": { "S": "N" }, ":big": { "N": "50" } });
    for (condition, passes) in cases {
        let mut db = orders();
        let tokens: Vec<&str> = condition.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':' || c == '#')).collect();
        let mut values = serde_json::Map::new();
        for (k, v) in all_values.as_object().unwrap() {
            if tokens.contains(&k.as_str()) {
                values.insert(k.clone(), v.clone());
            }
        }
        let mut input = json!({ "TableName": "Orders", "Item": { "pk": { "S": "c1" }, "sk": { "N": "1" }, "note": { "S": "x" } }, "ConditionExpression": condition });
        if !values.is_empty() {
            input["ExpressionAttributeValues"] = Value::Object(values);
        }
        let used: serde_json::Map<String, Value> = names.as_object().unwrap().iter().filter(|(k, _)| tokens.contains(&k.as_str())).map(|(k, v)| (k.clone(), v.clone())).collect();
        if !used.is_empty() {
            input["ExpressionAttributeNames"] = Value::Object(used);
        }
        let outcome = call(&mut db, 20_000, "dynamodb:PutItem", input);
        match passes {
            true => assert!(outcome.is_ok(), "{condition}: {outcome:?}"),
            false => assert_eq!(outcome.unwrap_err(), ApiError::new("ConditionalCheckFailedException", "The conditional request failed"), "{condition}"),
        }
        let note = db.tables.get("Orders").unwrap().items.values().next().unwrap().get("note").is_some();
        assert_eq!(note, passes, "{condition}: the item is replaced only when the condition holds");
    }
}

#[test]
fn updates_set_remove_add_and_delete() {
    let mut db = orders();
    let key = json!({ "pk": { "S": "c1" }, "sk": { "N": "1" } });
    let out = call(&mut db, 20_000, "dynamodb:UpdateItem", json!({
        "TableName": "Orders", "Key": key,
        "UpdateExpression": "SET #t = #t + :inc, visits = if_not_exists(visits, :zero), hist = list_append(if_not_exists(hist, :empty), :h) REMOVE #s ADD tags :more, n :one DELETE nothing :gone",
        "ExpressionAttributeNames": { "#t": "total", "#s": "state" },
        "ExpressionAttributeValues": { ":inc": { "N": "0.25" }, ":zero": { "N": "0" }, ":empty": { "L": [] }, ":h": { "L": [{ "S": "paid" }] }, ":more": { "SS": ["b", "a"] }, ":one": { "N": "1" }, ":gone": { "SS": ["z"] } },
        "ReturnValues": "ALL_NEW",
    }))
    .unwrap();
    let item = &out["Attributes"];
    assert_eq!(item["total"], json!({ "N": "10.25" }));
    assert_eq!(item["visits"], json!({ "N": "0" }));
    assert_eq!(item["hist"], json!({ "L": [{ "S": "paid" }] }));
    assert_eq!(item["tags"], json!({ "SS": ["a", "b"] }));
    assert_eq!(item["n"], json!({ "N": "1" }));
    assert!(item.get("state").is_none());
    // An update of a missing item creates it from its key.
    let created = call(&mut db, 20_000, "dynamodb:UpdateItem", json!({ "TableName": "Orders", "Key": { "pk": { "S": "c3" }, "sk": { "N": "1" } }, "UpdateExpression": "ADD hits :one", "ExpressionAttributeValues": { ":one": { "N": "1" } }, "ReturnValues": "UPDATED_NEW" })).unwrap();
    assert_eq!(created["Attributes"], json!({ "hits": { "N": "1" } }));
    let errors: [(&str, Value, Value, &str); 6] = [
        ("SET pk = :v", json!({}), json!({ ":v": { "S": "x" } }), "One or more parameter values were invalid: Cannot update attribute pk. This attribute is part of the key"),
        ("SET a = :v", json!({}), json!({}), "Invalid UpdateExpression: An expression attribute value used in expression is not defined; attribute value: :v"),
        ("SET #a = :v", json!({}), json!({ ":v": { "S": "x" } }), "Invalid UpdateExpression: An expression attribute name used in the document path is not defined; attribute name: #a"),
        ("SET a = :v", json!({}), json!({ ":v": { "S": "x" }, ":w": { "S": "y" } }), "Value provided in ExpressionAttributeValues unused in expressions: keys: {:w}"),
        ("ADD #s :v", json!({ "#s": "state" }), json!({ ":v": { "S": "x" } }), "Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: ADD, operand type: S"),
        ("SET status = :v", json!({}), json!({ ":v": { "S": "x" } }), "Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: status"),
    ];
    for (update, names, values, message) in errors {
        let mut input = json!({ "TableName": "Orders", "Key": key, "UpdateExpression": update, "ExpressionAttributeValues": values });
        if names.as_object().is_some_and(|n| !n.is_empty()) {
            input["ExpressionAttributeNames"] = names;
        }
        let before = db.clone();
        let error = call(&mut db, 20_000, "dynamodb:UpdateItem", input).unwrap_err();
        assert_eq!((error.code, error.message.as_str()), ("ValidationException", message), "{update}");
        assert_eq!(db, before, "{update} changed nothing");
    }
    let syntax = call(&mut db, 20_000, "dynamodb:UpdateItem", json!({ "TableName": "Orders", "Key": key, "UpdateExpression": "SET a = = :v", "ExpressionAttributeValues": { ":v": { "S": "x" } } })).unwrap_err();
    assert_eq!(syntax.message, "Invalid UpdateExpression: Syntax error; token: \"=\", near: \"= = :v\"");
}

#[test]
fn key_and_item_refusals() {
    let mut db = orders();
    let cases: [(&str, Value, &str); 4] = [
        ("dynamodb:PutItem", json!({ "TableName": "Orders", "Item": { "pk": { "S": "c1" } } }), "One or more parameter values were invalid: Missing the key sk in the item"),
        ("dynamodb:PutItem", json!({ "TableName": "Orders", "Item": { "pk": { "S": "c1" }, "sk": { "S": "1" } } }), "One or more parameter values were invalid: Type mismatch for key sk expected: N actual: S"),
        ("dynamodb:GetItem", json!({ "TableName": "Orders", "Key": { "pk": { "S": "c1" } } }), "The provided key element does not match the schema"),
        ("dynamodb:PutItem", json!({ "TableName": "Orders", "Item": { "pk": { "S": "c1" }, "sk": { "N": "one" } } }), "A value provided cannot be converted into a number"),
    ];
    for (name, input, message) in cases {
        let error = call(&mut db, 20_000, name, input).unwrap_err();
        assert_eq!((error.code, error.message.as_str()), ("ValidationException", message));
    }
}

#[test]
fn provisioned_tables_throttle_past_their_capacity_and_burst() {
    let mut db = DynamoDbState::new();
    call(&mut db, 0, "dynamodb:CreateTable", json!({
        "TableName": "Hits", "AttributeDefinitions": [{ "AttributeName": "id", "AttributeType": "S" }],
        "KeySchema": [{ "AttributeName": "id", "KeyType": "HASH" }], "ProvisionedThroughput": { "ReadCapacityUnits": 5, "WriteCapacityUnits": 2 },
    }))
    .unwrap();
    // At 10 s the write bucket holds 10 s × 2 units: 20 small writes pass, the 21st is throttled.
    let mut outcomes = Vec::new();
    for i in 0..21 {
        outcomes.push(call(&mut db, 10_000, "dynamodb:PutItem", json!({ "TableName": "Hits", "Item": { "id": { "S": format!("k{i}") } } })).map(|_| ()));
    }
    assert!(outcomes[..20].iter().all(Result::is_ok));
    let error = outcomes[20].clone().unwrap_err();
    assert_eq!(error.code, "ProvisionedThroughputExceededException");
    assert!(error.message.starts_with("The level of configured provisioned throughput for the table was exceeded."));
    assert_eq!(db.tables.get("Hits").unwrap().items.len(), 20);
    // Half a second later, one more unit has accrued.
    call(&mut db, 10_500, "dynamodb:PutItem", json!({ "TableName": "Hits", "Item": { "id": { "S": "late" } } })).unwrap();
    // Burst capacity stops at 300 s of the rate: after an hour idle, 600 writes pass and the next is throttled.
    let mut passed = 0;
    for i in 0..700 {
        if call(&mut db, 3_610_500, "dynamodb:UpdateItem", json!({ "TableName": "Hits", "Key": { "id": { "S": "late" } }, "UpdateExpression": "ADD n :one", "ExpressionAttributeValues": { ":one": { "N": "1" } } })).is_ok() {
            passed += 1;
        } else {
            assert!(i >= 600);
        }
    }
    assert_eq!(passed, 600);
    // Eventually consistent reads cost half a unit: 5 units/s for 3,610 s is capped at 1,500 units, 3,000 reads.
    let mut reads = 0;
    while call(&mut db, 3_610_500, "dynamodb:GetItem", json!({ "TableName": "Hits", "Key": { "id": { "S": "late" } } })).is_ok() {
        reads += 1;
        assert!(reads <= 3_000);
    }
    assert_eq!(reads, 3_000);
    assert_eq!(db.tables.get("Hits").unwrap().n_throttled_reads, 1);
}

#[test]
fn numbers_are_exact_decimals() {
    use super::value::Num;
    for (a, b, sum) in [("0.1", "0.2", "0.3"), ("1e2", "-0.5", "99.5"), ("-3", "3", "0"), ("12345678901234567890", "1", "12345678901234567891")] {
        assert_eq!(Num::parse(a).unwrap().checked_add(Num::parse(b).unwrap()).unwrap().to_text(), sum);
    }
    assert!(Num::parse("2").unwrap() > Num::parse("10e-1").unwrap());
    assert!(Num::parse("-2.5").unwrap() < Num::parse("-2.25").unwrap());
    for bad in ["", "abc", "1.2.3", "--1", "."] {
        assert!(Num::parse(bad).is_err(), "{bad}");
    }
}
