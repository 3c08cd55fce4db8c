//! The DynamoDB calls with the shapes of the DynamoDB API model (botocore `dynamodb`): CreateTable, DescribeTable,
//! PutItem, GetItem, UpdateItem, DeleteItem, Query and Scan, with expressions, capacity and throttling.

use serde_json::{json, Value};

use super::expr::{self, Bindings, Cond, Cmp, ExprKind, Term, Path, PathPart};
use super::model::*;
use super::value::{item_from_json, item_size_bytes, item_to_json, AttrValue, Item};
use crate::api::texts;
use crate::api::{ApiError, ApiResult, Request};

fn validation(message: impl Into<String>) -> ApiError {
    ApiError::new("ValidationException", message)
}

/// text: DynamoDB's answer for a table that does not exist or is not ACTIVE (BOTO dynamodb ResourceNotFoundException:
/// "The resource might not be specified correctly, or its status might not be ACTIVE"; message observed).
pub fn resource_not_found() -> ApiError {
    ApiError::new("ResourceNotFoundException", "Requested resource not found")
}

/// text: DynamoDB's answer to a failed condition (observed in public SDK reports).
pub fn conditional_check_failed() -> ApiError {
    ApiError::new("ConditionalCheckFailedException", "The conditional request failed")
}

/// text: DynamoDB's throttling answer (observed in public SDK reports).
pub fn throughput_exceeded() -> ApiError {
    ApiError::new(
        "ProvisionedThroughputExceededException",
        "The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.",
    )
}

/// text: DynamoDB's answer to a `Key` that is not the table's key (observed).
fn key_mismatch() -> ApiError {
    validation("The provided key element does not match the schema")
}

fn scalar_type(text: &str) -> Option<ScalarType> {
    match text {
        "S" => Some(ScalarType::S),
        "N" => Some(ScalarType::N),
        "B" => Some(ScalarType::B),
        _ => None,
    }
}

fn type_matches(kind: ScalarType, value: &AttrValue) -> bool {
    matches!((kind, value), (ScalarType::S, AttrValue::S(_)) | (ScalarType::N, AttrValue::N(_)) | (ScalarType::B, AttrValue::B(_)))
}

/// Reads `TableName` with the model's constraints (3 to 255 characters of `[a-zA-Z0-9_.-]`).
fn table_name<'a>(request: &Request<'a>) -> Result<&'a str, ApiError> {
    let name = request.required_string("TableName")?;
    if name.len() < 3 {
        return Err(request.invalid(texts::too_short(name, "tableName", 3)));
    }
    if name.len() > 255 {
        return Err(request.invalid(texts::too_long(name, "tableName", 255)));
    }
    if !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.' || b == b'-') {
        return Err(request.invalid(texts::pattern_mismatch(name, "tableName", "[a-zA-Z0-9_.-]+")));
    }
    Ok(name)
}

/// `ExpressionAttributeNames` and `ExpressionAttributeValues`.
fn bindings_of(request: &Request) -> Result<(Vec<(String, String)>, Item), ApiError> {
    let names = match request.get("ExpressionAttributeNames") {
        None => Vec::new(),
        Some(Value::Object(map)) => map.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string())).collect(),
        Some(_) => return Err(request.invalid("ExpressionAttributeNames must be a map of strings.")),
    };
    let values = match request.get("ExpressionAttributeValues") {
        None => Item::new(),
        Some(v) => item_from_json(v)?,
    };
    if let Some(bad) = values.keys().find(|k| !k.starts_with(':')) {
        // text: DynamoDB's answer to a value name without its colon (observed).
        return Err(validation(format!("ExpressionAttributeValues contains invalid key: Syntax error; key: \"{bad}\"")));
    }
    if let Some((bad, _)) = names.iter().find(|(k, _)| !k.starts_with('#')) {
        return Err(validation(format!("ExpressionAttributeNames contains invalid key: Syntax error; key: \"{bad}\"")));
    }
    Ok((names, values))
}

/// Capacity units in thousandths: reads per started 4 KB (half for an eventually consistent read), writes per
/// started 1 KB, at least one unit (Developer Guide, "Read/write capacity mode").
fn read_milli(size_bytes: u64, consistent: bool) -> u64 {
    let units = size_bytes.div_ceil(4096).max(1);
    if consistent {
        units * 1000
    } else {
        units * 500
    }
}

fn write_milli(size_bytes: u64) -> u64 {
    size_bytes.div_ceil(1024).max(1) * 1000
}

fn consumed(table: &str, milli: u64, request: &Request) -> Option<Value> {
    match request.str("ReturnConsumedCapacity") {
        Some("TOTAL") | Some("INDEXES") => Some(json!({ "TableName": table, "CapacityUnits": milli as f64 / 1000.0 })),
        _ => None,
    }
}

impl DynamoDbState {
    fn active_table(&self, name: &str, ctx: &DynamoDbContext) -> Result<&DynamoTable, ApiError> {
        match self.tables.get(name) {
            Some(table) if table.status(ctx.now_ms) == "ACTIVE" => Ok(table),
            _ => Err(resource_not_found()),
        }
    }

    /// Spends read (or write) capacity of a provisioned table; refuses with the throttling error when the bucket
    /// does not hold it.
    fn spend(&mut self, name: &str, milli: u64, write: bool, ctx: &DynamoDbContext) -> Result<(), ApiError> {
        let Some(table) = self.tables.get_mut(name) else { return Err(resource_not_found()) };
        let BillingMode::Provisioned { read_units, write_units } = table.billing else { return Ok(()) };
        let ok = if write { table.writes.take(ctx.now_ms, write_units, milli) } else { table.reads.take(ctx.now_ms, read_units, milli) };
        if ok {
            Ok(())
        } else {
            if write {
                table.n_throttled_writes += 1;
            } else {
                table.n_throttled_reads += 1;
            }
            Err(throughput_exceeded())
        }
    }

    /// The key of `item` (a whole item when `whole`, else a `Key` parameter that must hold exactly the key).
    fn key_of(table: &DynamoTable, item: &Item, whole: bool) -> Result<(KeyPart, Option<KeyPart>), ApiError> {
        let mut parts = Vec::new();
        for attr in std::iter::once(&table.hash_key).chain(table.range_key.iter()) {
            let Some(value) = item.get(&attr.name) else {
                return Err(if whole { validation(format!("One or more parameter values were invalid: Missing the key {} in the item", attr.name)) } else { key_mismatch() });
            };
            if !type_matches(attr.kind, value) {
                return Err(if whole {
                    validation(format!("One or more parameter values were invalid: Type mismatch for key {} expected: {} actual: {}", attr.name, attr.kind.as_aws(), value.type_name()))
                } else {
                    key_mismatch()
                });
            }
            parts.push(KeyPart::of(value).ok_or_else(key_mismatch)?);
        }
        if !whole && item.len() != parts.len() {
            return Err(key_mismatch());
        }
        let range = if parts.len() == 2 { parts.pop() } else { None };
        let hash = parts.pop().ok_or_else(key_mismatch)?;
        Ok((hash, range))
    }

    fn table_description(table: &DynamoTable, ctx: &DynamoDbContext) -> Value {
        let mut key_schema = vec![json!({ "AttributeName": table.hash_key.name, "KeyType": "HASH" })];
        if let Some(range) = &table.range_key {
            key_schema.push(json!({ "AttributeName": range.name, "KeyType": "RANGE" }));
        }
        let (billing, read, write) = match table.billing {
            BillingMode::PayPerRequest => ("PAY_PER_REQUEST", 0, 0),
            BillingMode::Provisioned { read_units, write_units } => ("PROVISIONED", read_units, write_units),
        };
        json!({
            "AttributeDefinitions": table.attribute_definitions.iter().map(|a| json!({ "AttributeName": a.name, "AttributeType": a.kind.as_aws() })).collect::<Vec<_>>(),
            "TableName": table.name,
            "KeySchema": key_schema,
            "TableStatus": table.status(ctx.now_ms),
            "CreationDateTime": table.created_epoch_s,
            "ProvisionedThroughput": { "NumberOfDecreasesToday": 0, "ReadCapacityUnits": read, "WriteCapacityUnits": write },
            "TableSizeBytes": table.items.values().map(item_size_bytes).sum::<u64>(),
            "ItemCount": table.items.len(),
            "TableArn": table.arn,
            "TableId": table.table_id,
            "BillingModeSummary": { "BillingMode": billing },
            "DeletionProtectionEnabled": false,
        })
    }

    pub(super) fn create_table(&mut self, request: &Request, ctx: &DynamoDbContext) -> ApiResult {
        let name = table_name(request)?;
        let Some(definitions) = request.items("AttributeDefinitions") else { return Err(request.invalid(texts::required("attributeDefinitions"))) };
        let Some(schema) = request.items("KeySchema") else { return Err(request.invalid(texts::required("keySchema"))) };
        let mut attribute_definitions = Vec::new();
        for (i, d) in definitions.iter().enumerate() {
            let attr_name = d.required_string("AttributeName")?;
            let kind = d.enum_member("AttributeType", &format!("attributeDefinitions.{}.member.attributeType", i + 1), &["S", "N", "B"])?.and_then(scalar_type);
            let Some(kind) = kind else { return Err(request.invalid(texts::required(&format!("attributeDefinitions.{}.member.attributeType", i + 1)))) };
            attribute_definitions.push(KeyAttr { name: attr_name.to_string(), kind });
        }
        if schema.is_empty() || schema.len() > 2 {
            let shown = request.get("KeySchema").map(|v| v.to_string()).unwrap_or_default();
            let error = if schema.is_empty() { texts::too_short(&shown, "keySchema", 1) } else { texts::too_long(&shown, "keySchema", 2) };
            return Err(request.invalid(error));
        }
        let mut keys: Vec<(String, &'static str)> = Vec::new();
        for (i, k) in schema.iter().enumerate() {
            let attr_name = k.required_string("AttributeName")?;
            let Some(kind) = k.enum_member("KeyType", &format!("keySchema.{}.member.keyType", i + 1), &["HASH", "RANGE"])? else {
                return Err(request.invalid(texts::required(&format!("keySchema.{}.member.keyType", i + 1))));
            };
            keys.push((attr_name.to_string(), kind));
        }
        // text: DynamoDB's CreateTable refusals (observed in public SDK reports).
        let key_names: Vec<&str> = keys.iter().map(|(n, _)| n.as_str()).collect();
        let def_names: Vec<&str> = attribute_definitions.iter().map(|a| a.name.as_str()).collect();
        if let Some(missing) = key_names.iter().find(|k| !def_names.contains(k)) {
            return Err(validation(format!(
                "One or more parameter values were invalid: Some index key attributes are not defined in AttributeDefinitions. Keys: [{missing}], AttributeDefinitions: [{}]",
                def_names.join(", ")
            )));
        }
        if def_names.len() != key_names.len() {
            return Err(validation("One or more parameter values were invalid: Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions"));
        }
        if keys[0].1 != "HASH" || keys.get(1).is_some_and(|k| k.1 != "RANGE") {
            return Err(validation("Invalid KeySchema: The first KeySchemaElement is not a HASH key type"));
        }
        let find = |n: &str| attribute_definitions.iter().find(|a| a.name == n).cloned();
        let hash_key = find(&keys[0].0).ok_or_else(key_mismatch)?;
        let range_key = keys.get(1).and_then(|k| find(&k.0));
        let mode = request.enum_member("BillingMode", "billingMode", &["PROVISIONED", "PAY_PER_REQUEST"])?.unwrap_or("PROVISIONED");
        let throughput = request.object("ProvisionedThroughput");
        let billing = if mode == "PAY_PER_REQUEST" {
            if throughput.is_some() {
                return Err(validation("One or more parameter values were invalid: Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST"));
            }
            BillingMode::PayPerRequest
        } else {
            let Some(t) = throughput else {
                return Err(validation("One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED"));
            };
            let read = t.query_u64_within("ReadCapacityUnits", "provisionedThroughput.readCapacityUnits", 1, 40_000)?;
            let write = t.query_u64_within("WriteCapacityUnits", "provisionedThroughput.writeCapacityUnits", 1, 40_000)?;
            let (Some(read_units), Some(write_units)) = (read, write) else {
                return Err(validation("One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED"));
            };
            BillingMode::Provisioned { read_units, write_units }
        };
        if self.tables.contains_key(name) {
            return Err(ApiError::new("ResourceInUseException", format!("Table already exists: {name}")));
        }
        if self.tables.len() >= MAX_TABLES {
            return Err(ApiError::new("LimitExceededException", format!("The playground keeps at most {MAX_TABLES} tables.")));
        }
        let table_id = crate::iam::stable_uuid(&format!("dynamodb-table-{name}-{}", ctx.now_ms));
        let table = DynamoTable {
            name: name.to_string(),
            arn: format!("arn:aws:dynamodb:{}:{}:table/{name}", ctx.region, ctx.account_id),
            table_id,
            hash_key,
            range_key,
            attribute_definitions,
            billing,
            created_ms: ctx.now_ms,
            created_epoch_s: ctx.now_epoch_s,
            items: Default::default(),
            reads: CapacityBucket { milli_units: 0, updated_ms: ctx.now_ms },
            writes: CapacityBucket { milli_units: 0, updated_ms: ctx.now_ms },
            n_throttled_reads: 0,
            n_throttled_writes: 0,
        };
        let description = Self::table_description(&table, ctx);
        self.tables.insert(name.to_string(), table);
        Ok(json!({ "TableDescription": description }))
    }

    pub(super) fn describe_table(&self, request: &Request, ctx: &DynamoDbContext) -> ApiResult {
        let name = table_name(request)?;
        let table = self.tables.get(name).ok_or_else(resource_not_found)?;
        Ok(json!({ "Table": Self::table_description(table, ctx) }))
    }

    /// A condition expression checked against the item as it stands (an absent item reads as empty).
    fn condition_of(request: &Request, bindings: &mut Bindings) -> Result<Option<Cond>, ApiError> {
        match request.typed_str("ConditionExpression")? {
            Some(text) => Ok(Some(expr::parse_condition(ExprKind::Condition, text, bindings)?)),
            None => Ok(None),
        }
    }

    fn return_values(request: &Request, allowed: &[&'static str]) -> Result<&'static str, ApiError> {
        Ok(request.enum_member("ReturnValues", "returnValues", allowed)?.unwrap_or("NONE"))
    }

    /// PutItem's and DeleteItem's `ReturnValues` (NONE or ALL_OLD) and `ConditionExpression`, with every
    /// expression attribute name and value used.
    fn returns_and_condition(request: &Request) -> Result<(&'static str, Option<Cond>), ApiError> {
        let returns = Self::return_values(request, &["NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW"])?;
        if returns != "NONE" && returns != "ALL_OLD" {
            // text: DynamoDB's answer to PutItem or DeleteItem with another ReturnValues (observed).
            return Err(validation("ReturnValues can only be ALL_OLD or NONE"));
        }
        let (names, values) = bindings_of(request)?;
        let mut bindings = Bindings::new(&names, &values);
        let condition = Self::condition_of(request, &mut bindings)?;
        bindings.check_all_used()?;
        Ok((returns, condition))
    }

    pub(super) fn put_item(&mut self, request: &Request, ctx: &DynamoDbContext) -> ApiResult {
        let name = table_name(request)?;
        let Some(raw) = request.get("Item") else { return Err(request.invalid(texts::required("item"))) };
        let item = item_from_json(raw)?;
        let (returns, condition) = Self::returns_and_condition(request)?;
        let table = self.active_table(name, ctx)?;
        let key = Self::key_of(table, &item, true)?;
        let size = item_size_bytes(&item);
        if size > MAX_ITEM_BYTES {
            // text: DynamoDB's answer to an item over 400 KB (observed).
            return Err(validation("Item size has exceeded the maximum allowed size"));
        }
        let old = table.items.get(&key).cloned();
        if old.is_none() && table.items.len() >= MAX_ITEMS_PER_TABLE {
            return Err(validation(format!("The playground keeps at most {MAX_ITEMS_PER_TABLE} items per table.")));
        }
        let milli = write_milli(size.max(old.as_ref().map(item_size_bytes).unwrap_or(0)));
        self.spend(name, milli, true, ctx)?;
        if let Some(cond) = &condition {
            if !expr::holds(cond, old.as_ref().unwrap_or(&Item::new())) {
                return Err(conditional_check_failed());
            }
        }
        if let Some(table) = self.tables.get_mut(name) {
            table.items.insert(key, item);
        }
        let mut out = json!({});
        if returns == "ALL_OLD" {
            if let Some(old) = old {
                out["Attributes"] = item_to_json(&old);
            }
        }
        if let Some(c) = consumed(name, milli, request) {
            out["ConsumedCapacity"] = c;
        }
        Ok(out)
    }

    pub(super) fn get_item(&mut self, request: &Request, ctx: &DynamoDbContext) -> ApiResult {
        let name = table_name(request)?;
        let Some(raw) = request.get("Key") else { return Err(request.invalid(texts::required("key"))) };
        let key_item = item_from_json(raw)?;
        let (names, values) = bindings_of(request)?;
        let mut bindings = Bindings::new(&names, &values);
        let projection = match request.typed_str("ProjectionExpression")? {
            Some(text) => Some(expr::parse_projection(text, &mut bindings)?),
            None => None,
        };
        bindings.check_all_used()?;
        let consistent = request.typed_bool("ConsistentRead")?.unwrap_or(false);
        let table = self.active_table(name, ctx)?;
        let key = Self::key_of(table, &key_item, false)?;
        let found = table.items.get(&key).cloned();
        let milli = read_milli(found.as_ref().map(item_size_bytes).unwrap_or(0), consistent);
        self.spend(name, milli, false, ctx)?;
        let mut out = json!({});
        if let Some(item) = found {
            let shown = match &projection {
                Some(paths) => expr::project(&item, paths),
                None => item,
            };
            out["Item"] = item_to_json(&shown);
        }
        if let Some(c) = consumed(name, milli, request) {
            out["ConsumedCapacity"] = c;
        }
        Ok(out)
    }

    pub(super) fn delete_item(&mut self, request: &Request, ctx: &DynamoDbContext) -> ApiResult {
        let name = table_name(request)?;
        let Some(raw) = request.get("Key") else { return Err(request.invalid(texts::required("key"))) };
        let key_item = item_from_json(raw)?;
        let (returns, condition) = Self::returns_and_condition(request)?;
        let table = self.active_table(name, ctx)?;
        let key = Self::key_of(table, &key_item, false)?;
        let old = table.items.get(&key).cloned();
        let milli = write_milli(old.as_ref().map(item_size_bytes).unwrap_or(0));
        self.spend(name, milli, true, ctx)?;
        if let Some(cond) = &condition {
            if !expr::holds(cond, old.as_ref().unwrap_or(&Item::new())) {
                return Err(conditional_check_failed());
            }
        }
        if let Some(table) = self.tables.get_mut(name) {
            table.items.remove(&key);
        }
        let mut out = json!({});
        if let (Some(old), "ALL_OLD") = (&old, returns) {
            out["Attributes"] = item_to_json(old);
        }
        if let Some(c) = consumed(name, milli, request) {
            out["ConsumedCapacity"] = c;
        }
        Ok(out)
    }

    pub(super) fn update_item(&mut self, request: &Request, ctx: &DynamoDbContext) -> ApiResult {
        let name = table_name(request)?;
        let Some(raw) = request.get("Key") else { return Err(request.invalid(texts::required("key"))) };
        let key_item = item_from_json(raw)?;
        let returns = Self::return_values(request, &["NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW"])?;
        let (names, values) = bindings_of(request)?;
        let mut bindings = Bindings::new(&names, &values);
        let actions = match request.typed_str("UpdateExpression")? {
            Some(text) => expr::parse_update(text, &mut bindings)?,
            None => Vec::new(),
        };
        let condition = Self::condition_of(request, &mut bindings)?;
        bindings.check_all_used()?;
        let table = self.active_table(name, ctx)?;
        let key = Self::key_of(table, &key_item, false)?;
        let key_names: Vec<&str> = std::iter::once(table.hash_key.name.as_str()).chain(table.range_key.as_ref().map(|r| r.name.as_str())).collect();
        for action in &actions {
            let root = match action {
                expr::UpdateAction::Set(p, _) | expr::UpdateAction::Remove(p) | expr::UpdateAction::Add(p, _) | expr::UpdateAction::Delete(p, _) => expr::path_root(p),
            };
            if key_names.contains(&root) {
                // text: DynamoDB's answer to an update of a key attribute (observed).
                return Err(validation(format!("One or more parameter values were invalid: Cannot update attribute {root}. This attribute is part of the key")));
            }
        }
        let old = table.items.get(&key).cloned();
        if old.is_none() && table.items.len() >= MAX_ITEMS_PER_TABLE {
            return Err(validation(format!("The playground keeps at most {MAX_ITEMS_PER_TABLE} items per table.")));
        }
        // An update of a missing item starts from its key (UpdateItem creates the item).
        let base = old.clone().unwrap_or_else(|| key_item.clone());
        let new_item = expr::apply_update(&base, &actions)?;
        let size = item_size_bytes(&new_item);
        if size > MAX_ITEM_BYTES {
            return Err(validation("Item size to update has exceeded the maximum allowed size"));
        }
        let milli = write_milli(size.max(old.as_ref().map(item_size_bytes).unwrap_or(0)));
        self.spend(name, milli, true, ctx)?;
        if let Some(cond) = &condition {
            if !expr::holds(cond, old.as_ref().unwrap_or(&Item::new())) {
                return Err(conditional_check_failed());
            }
        }
        if let Some(table) = self.tables.get_mut(name) {
            table.items.insert(key, new_item.clone());
        }
        let updated: Vec<&str> = actions
            .iter()
            .map(|a| match a {
                expr::UpdateAction::Set(p, _) | expr::UpdateAction::Remove(p) | expr::UpdateAction::Add(p, _) | expr::UpdateAction::Delete(p, _) => expr::path_root(p),
            })
            .collect();
        let only_updated = |item: &Item| -> Item { item.iter().filter(|(k, _)| updated.contains(&k.as_str())).map(|(k, v)| (k.clone(), v.clone())).collect() };
        let attributes = match returns {
            "ALL_OLD" => old.clone(),
            "UPDATED_OLD" => old.as_ref().map(only_updated),
            "ALL_NEW" => Some(new_item.clone()),
            "UPDATED_NEW" => Some(only_updated(&new_item)),
            _ => None,
        };
        let mut out = json!({});
        if let Some(a) = attributes.filter(|a| !a.is_empty()) {
            out["Attributes"] = item_to_json(&a);
        }
        if let Some(c) = consumed(name, milli, request) {
            out["ConsumedCapacity"] = c;
        }
        Ok(out)
    }

    /// Query (with a key condition) and Scan (without): items in key order, `Limit` evaluated items per page.
    pub(super) fn query_or_scan(&mut self, request: &Request, ctx: &DynamoDbContext, query: bool) -> ApiResult {
        let name = table_name(request)?;
        let (names, values) = bindings_of(request)?;
        let mut bindings = Bindings::new(&names, &values);
        let key_condition = if query {
            match request.typed_str("KeyConditionExpression")? {
                Some(text) => Some(expr::parse_condition(ExprKind::KeyCondition, text, &mut bindings)?),
                // text: DynamoDB's answer to a Query without a key condition (observed).
                None => return Err(validation("Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.")),
            }
        } else {
            None
        };
        let filter = match request.typed_str("FilterExpression")? {
            Some(text) => Some(expr::parse_condition(ExprKind::Filter, text, &mut bindings)?),
            None => None,
        };
        let projection = match request.typed_str("ProjectionExpression")? {
            Some(text) => Some(expr::parse_projection(text, &mut bindings)?),
            None => None,
        };
        bindings.check_all_used()?;
        let limit = match request.i64("Limit")? {
            None => usize::MAX,
            Some(n) if n >= 1 => usize::try_from(n).unwrap_or(usize::MAX),
            Some(n) => return Err(request.invalid(texts::below_min(texts::Shown::Value(&n.to_string()), "limit", 1))),
        };
        let forward = request.typed_bool("ScanIndexForward")?.unwrap_or(true);
        let consistent = request.typed_bool("ConsistentRead")?.unwrap_or(false);
        let count_only = request.enum_member("Select", "select", &["ALL_ATTRIBUTES", "ALL_PROJECTED_ATTRIBUTES", "SPECIFIC_ATTRIBUTES", "COUNT"])? == Some("COUNT");
        let table = self.active_table(name, ctx)?;
        let start = match request.get("ExclusiveStartKey") {
            Some(raw) => Some(Self::key_of(table, &item_from_json(raw)?, false)?),
            None => None,
        };
        let (hash_value, range_cond) = match &key_condition {
            Some(cond) => key_condition_parts(table, cond)?,
            None => (None, None),
        };
        let mut candidates: Vec<(&(KeyPart, Option<KeyPart>), &Item)> = match &hash_value {
            Some(hash) => table.items.range((hash.clone(), None)..).take_while(|((h, _), _)| h == hash).collect(),
            None => table.items.iter().collect(),
        };
        if !forward {
            candidates.reverse();
        }
        if let Some(start) = &start {
            if let Some(i) = candidates.iter().position(|(k, _)| *k == start) {
                candidates.drain(..=i);
            }
        }
        let mut scanned = 0usize;
        let mut scanned_bytes = 0u64;
        let mut items = Vec::new();
        let mut last_key = None;
        for (key, item) in candidates.iter().filter(|(_, item)| range_cond.as_ref().is_none_or(|c| expr::holds(c, item))) {
            if scanned == limit {
                break;
            }
            scanned += 1;
            scanned_bytes += item_size_bytes(item);
            last_key = Some((*key).clone());
            if filter.as_ref().is_none_or(|f| expr::holds(f, item)) {
                items.push(match &projection {
                    Some(paths) => expr::project(item, paths),
                    None => (*item).clone(),
                });
            }
        }
        let more = scanned == limit && candidates.iter().filter(|(_, item)| range_cond.as_ref().is_none_or(|c| expr::holds(c, item))).count() > scanned;
        let last_item = if more {
            last_key.and_then(|k| table.items.get(&k)).map(|item| {
                let keys: Item = item.iter().filter(|(n, _)| **n == table.hash_key.name || table.range_key.as_ref().is_some_and(|r| r.name == **n)).map(|(n, v)| (n.clone(), v.clone())).collect();
                keys
            })
        } else {
            None
        };
        let milli = read_milli(scanned_bytes, consistent);
        self.spend(name, milli, false, ctx)?;
        let mut out = json!({ "Count": items.len(), "ScannedCount": scanned });
        if !count_only {
            out["Items"] = Value::Array(items.iter().map(item_to_json).collect());
        }
        if let Some(k) = last_item {
            out["LastEvaluatedKey"] = item_to_json(&k);
        }
        if let Some(c) = consumed(name, milli, request) {
            out["ConsumedCapacity"] = c;
        }
        Ok(out)
    }
}

/// Splits a key condition into the partition key's value and the sort key's condition. text: DynamoDB's refusals
/// (observed): "Query condition missed key schema element: <name>", "Query key condition not supported".
fn key_condition_parts(table: &DynamoTable, cond: &Cond) -> Result<(Option<KeyPart>, Option<Cond>), ApiError> {
    let mut parts = Vec::new();
    fn flatten<'c>(cond: &'c Cond, out: &mut Vec<&'c Cond>) {
        match cond {
            Cond::And(a, b) => {
                flatten(a, out);
                flatten(b, out);
            }
            other => out.push(other),
        }
    }
    flatten(cond, &mut parts);
    let unsupported = || validation("Query key condition not supported");
    let is_attr = |p: &Path, name: &str| p.len() == 1 && matches!(&p[0], PathPart::Attr(n) if n == name);
    let mut hash = None;
    let mut range = None;
    for part in parts {
        match part {
            Cond::Compare(Term::Path(p), Cmp::Eq, Term::Value(v)) if is_attr(p, &table.hash_key.name) => {
                if !type_matches(table.hash_key.kind, v) {
                    return Err(validation("One or more parameter values were invalid: Condition parameter type does not match schema type"));
                }
                hash = KeyPart::of(v);
            }
            Cond::Compare(Term::Path(p), cmp, Term::Value(_)) if *cmp != Cmp::Ne && table.range_key.as_ref().is_some_and(|r| is_attr(p, &r.name)) && range.is_none() => {
                range = Some(part.clone());
            }
            Cond::Between(Term::Path(p), Term::Value(_), Term::Value(_)) | Cond::BeginsWith(Term::Path(p), Term::Value(_))
                if table.range_key.as_ref().is_some_and(|r| is_attr(p, &r.name)) && range.is_none() =>
            {
                range = Some(part.clone());
            }
            Cond::Compare(Term::Path(p), _, _) | Cond::Between(Term::Path(p), _, _) | Cond::BeginsWith(Term::Path(p), _)
                if !is_attr(p, &table.hash_key.name) && !table.range_key.as_ref().is_some_and(|r| is_attr(p, &r.name)) =>
            {
                // A condition on an attribute outside the key schema (DynamoDB names the attribute it expected).
                return Err(validation(format!("Query condition missed key schema element: {}", table.hash_key.name)));
            }
            _ => return Err(unsupported()),
        }
    }
    match hash {
        Some(h) => Ok((Some(h), range)),
        None => Err(validation(format!("Query condition missed key schema element: {}", table.hash_key.name))),
    }
}
