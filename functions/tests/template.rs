//! The SAM template (`infra/template.yaml`) and the code agree (issue 5, item 2):
//!
//! - every binary of `functions/src/bin/` has exactly one function, built by cargo-lambda
//!   for provided.al2023 on arm64, and every function is a binary;
//! - the HTTP routes of the template are exactly `http::routes::ROUTES`, each on the function
//!   of its group's binary; the schedules are on sweep and notify only;
//! - the table's keys, attribute definitions, index names, keys and projections equal those
//!   the code creates (`Store::create_table`, run against DynamoDB Local and described);
//! - every environment variable the code reads is set on the functions that need it (or is
//!   one of the local-only ones listed here), and nothing else is; each SSM parameter named
//!   in a function's environment is readable by that function and no other parameter is;
//! - least privilege holds in the shape the template promises: DynamoDB actions only on the
//!   table and its indexes, SNS only for notify, an Errors alarm on every function, and the
//!   dead-letter metric filter matches a line the notify code really logs.
//!
//! `cfn-lint infra/template.yaml` is run by the test script; this test checks the meaning.

#[allow(dead_code)]
#[path = "backend/support.rs"]
mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use kezek_functions::config;
use kezek_functions::http::routes::ROUTES;
use kezek_functions::http::{Group, ALL_GROUPS};
use kezek_functions::store::keys::{GSI1, GSI1PK, GSI1SK, GSI2, GSI2PK, GSI2SK, PK, SK};
use kezek_functions::store::Store;
use serde_json::{json, Value};

/// Variables the code reads only in local runs and tests; the template must not need them.
/// Set by Lambda itself (its advanced logging controls), read by `logging::init`; `RUST_LOG`
/// only locally.
/// `AWS_SESSION_TOKEN` (the role's session, also the Parameters and Secrets extension's
/// token) is set by Lambda for every function.
const LAMBDA_SET: [&str; 4] =
    ["AWS_LAMBDA_LOG_FORMAT", "AWS_LAMBDA_LOG_LEVEL", "AWS_SESSION_TOKEN", "RUST_LOG"];

const LOCAL_ONLY: [&str; 5] = [
    "KEZEK_DYNAMODB_ENDPOINT",
    "KEZEK_S3_ENDPOINT",
    "KEZEK_SNS_ENDPOINT",
    "KEZEK_TEST_SIGNING_SECRET",
    // The extension's port: the template keeps its default (2773); the tests move it.
    kezek_functions::parameters_extension::PORT_VARIABLE,
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

// ---------------------------------------------------------------- the template as JSON

/// The template with CloudFormation's short tags written in long form (`!Ref X` →
/// `{"Ref": "X"}`, `!GetAtt A.B` → `{"Fn::GetAtt": ["A", "B"]}`, `!Sub s` → `{"Fn::Sub": s}`).
fn template() -> Value {
    let text =
        std::fs::read_to_string(root().join("infra/template.yaml")).expect("infra/template.yaml");
    let yaml: serde_norway::Value = serde_norway::from_str(&text).expect("the template is YAML");
    long_form(yaml)
}

fn long_form(value: serde_norway::Value) -> Value {
    use serde_norway::Value as Y;
    match value {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => serde_json::to_value(&n).expect("a number"),
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(items.into_iter().map(long_form).collect()),
        Y::Mapping(map) => Value::Object(
            map.into_iter()
                .map(|(key, value)| {
                    let key = match key {
                        Y::String(s) => s,
                        other => serde_norway::to_string(&other).expect("a key").trim().to_owned(),
                    };
                    (key, long_form(value))
                })
                .collect(),
        ),
        Y::Tagged(tagged) => {
            let tag = tagged.tag.to_string();
            let tag = tag.trim_start_matches('!');
            let inner = long_form(tagged.value);
            let name = if tag == "Ref" || tag == "Condition" {
                tag.to_owned()
            } else {
                format!("Fn::{tag}")
            };
            let inner = match (tag, inner) {
                ("GetAtt", Value::String(s)) => {
                    let (resource, attribute) =
                        s.split_once('.').expect("!GetAtt Resource.Attribute");
                    json!([resource, attribute])
                }
                (_, inner) => inner,
            };
            json!({ name: inner })
        }
    }
}

fn resources(template: &Value) -> &serde_json::Map<String, Value> {
    template["Resources"].as_object().expect("Resources")
}

fn of_type<'a>(template: &'a Value, kind: &str) -> Vec<(&'a String, &'a Value)> {
    resources(template).iter().filter(|(_, resource)| resource["Type"] == kind).collect()
}

/// A function's property, falling back to `Globals.Function`.
fn property<'a>(template: &'a Value, function: &'a Value, name: &str) -> &'a Value {
    let own = &function["Properties"][name];
    if own.is_null() {
        &template["Globals"]["Function"][name]
    } else {
        own
    }
}

/// Binary name → (logical id, resource).
fn functions(template: &Value) -> BTreeMap<String, (String, Value)> {
    let mut found = BTreeMap::new();
    for (id, function) in of_type(template, "AWS::Serverless::Function") {
        let binary = function["Metadata"]["BuildProperties"]["Binary"]
            .as_str()
            .unwrap_or_else(|| panic!("{id}: Metadata.BuildProperties.Binary"));
        let previous = found.insert(binary.to_owned(), (id.clone(), function.clone()));
        assert!(previous.is_none(), "two functions build the binary {binary}");
    }
    found
}

fn binaries() -> BTreeSet<String> {
    std::fs::read_dir(root().join("functions/src/bin"))
        .expect("functions/src/bin")
        .map(|entry| entry.expect("an entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "rs"))
        .map(|path| path.file_stem().expect("a name").to_string_lossy().into_owned())
        .collect()
}

/// `(method, path)` → binary, from the functions' `HttpApi` events.
fn template_routes(template: &Value) -> BTreeMap<(String, String), String> {
    let mut routes = BTreeMap::new();
    for (binary, (id, function)) in functions(template) {
        for (name, event) in function["Properties"]["Events"].as_object().into_iter().flatten() {
            if event["Type"] != "HttpApi" {
                continue;
            }
            let properties = &event["Properties"];
            assert_eq!(
                properties["ApiId"],
                json!({ "Ref": "HttpApi" }),
                "{id}.{name}: on the stack's HttpApi"
            );
            let method = properties["Method"]
                .as_str()
                .unwrap_or_else(|| panic!("{id}.{name}: Method"))
                .to_uppercase();
            let path = properties["Path"]
                .as_str()
                .unwrap_or_else(|| panic!("{id}.{name}: Path"))
                .to_owned();
            let previous = routes.insert((method.clone(), path.clone()), binary.clone());
            assert!(previous.is_none(), "{method} {path} is routed twice");
        }
    }
    routes
}

// ---------------------------------------------------------------- functions and routes

#[test]
fn every_binary_has_exactly_one_function_built_by_cargo_lambda_for_arm64() {
    let template = template();
    let functions = functions(&template);
    assert_eq!(
        functions.keys().cloned().collect::<BTreeSet<_>>(),
        binaries(),
        "functions of the template vs functions/src/bin/*.rs"
    );
    for (binary, (id, function)) in &functions {
        assert_eq!(function["Metadata"]["BuildMethod"], "rust-cargolambda", "{id}");
        assert_eq!(property(&template, function, "Runtime"), "provided.al2023", "{id}");
        assert_eq!(property(&template, function, "Architectures"), &json!(["arm64"]), "{id}");
        assert_eq!(property(&template, function, "Handler"), "bootstrap", "{id}");
        // SAM runs `cargo lambda build --bin <binary>` in CodeUri and takes
        // `<CodeUri>/target/lambda/<binary>/bootstrap`: CodeUri must be the workspace root.
        let code = property(&template, function, "CodeUri")
            .as_str()
            .unwrap_or_else(|| panic!("{id}: CodeUri"));
        let code = root().join("infra").join(code);
        let manifest = std::fs::read_to_string(code.join("Cargo.toml"))
            .unwrap_or_else(|e| panic!("{id}: {}/Cargo.toml: {e}", code.display()));
        assert!(
            manifest.contains("[workspace]"),
            "{id}: CodeUri {} is not the workspace root",
            code.display()
        );
        assert!(
            code.join("functions/src/bin").join(format!("{binary}.rs")).is_file(),
            "{id}: {binary}.rs under CodeUri"
        );
    }
}

#[test]
fn the_template_routes_are_exactly_the_code_routes_on_their_groups_binaries() {
    let template = template();
    let in_template = template_routes(&template);
    let in_code: BTreeMap<(String, String), String> = ROUTES
        .iter()
        .map(|(method, path, group)| {
            ((method.to_string(), path.to_string()), group.binary().to_owned())
        })
        .collect();
    assert_eq!(in_code.len(), ROUTES.len(), "ROUTES has a duplicate");
    for (route, binary) in &in_template {
        assert_eq!(
            in_code.get(route),
            Some(binary),
            "template route {route:?} on {binary}: not served by that binary in ROUTES"
        );
    }
    for (route, binary) in &in_code {
        assert_eq!(
            in_template.get(route),
            Some(binary),
            "ROUTES entry {route:?} ({binary}) is missing from the template"
        );
    }
    // Every group's binary is deployed.
    let deployed = functions(&template);
    for group in ALL_GROUPS {
        assert!(deployed.contains_key(group.binary()), "{group:?}: no function {}", group.binary());
    }
}

#[test]
fn sweep_and_notify_run_on_schedules_and_nothing_else_does() {
    let template = template();
    let expected: BTreeMap<&str, &str> =
        [("sweep", "rate(5 minutes)"), ("notify", "rate(1 minute)"), ("crl_fetch", "rate(1 hour)")]
            .into();
    for (binary, (id, function)) in functions(&template) {
        let schedules: Vec<&Value> = function["Properties"]["Events"]
            .as_object()
            .into_iter()
            .flatten()
            .filter(|(_, event)| event["Type"] == "Schedule")
            .map(|(_, event)| &event["Properties"]["Schedule"])
            .collect();
        match expected.get(binary.as_str()) {
            Some(rate) => {
                assert_eq!(schedules, vec![&json!(rate)], "{id}");
                assert!(
                    template_routes(&template).values().all(|b| b != &binary),
                    "{id} is scheduled, not an HTTP function"
                );
                assert!(
                    !function["Properties"]["DeadLetterQueue"].is_null(),
                    "{id}: failed scheduled runs need a dead-letter target"
                );
            }
            None => assert!(schedules.is_empty(), "{id} is not scheduled"),
        }
    }
}

/// A change that writes notices wakes notify at once (issue 11 item 2): notify, and only
/// notify, has a DynamoDB event on the table's stream, filtered to the inserts of notice items
/// by the key prefix the store really writes.
#[test]
fn new_notices_wake_notify_through_the_table_stream() {
    let template = template();
    assert_eq!(
        resources(&template)["Table"]["Properties"]["StreamSpecification"]["StreamViewType"],
        "KEYS_ONLY"
    );
    let notice_pk = kezek_functions::store::keys::notice("n-1").pk;
    let prefix = notice_pk.strip_suffix("n-1").expect("the notice id ends the key");
    for (binary, (id, function)) in functions(&template) {
        let streams: Vec<&Value> = function["Properties"]["Events"]
            .as_object()
            .into_iter()
            .flatten()
            .filter(|(_, event)| event["Type"] == "DynamoDB")
            .map(|(_, event)| &event["Properties"])
            .collect();
        if binary != "notify" {
            assert!(streams.is_empty(), "{id} reads no stream");
            continue;
        }
        let [stream] = streams[..] else { panic!("{id}: one stream event, got {streams:?}") };
        assert_eq!(stream["Stream"], json!({ "Fn::GetAtt": ["Table", "StreamArn"] }), "{id}");
        let filters = stream["FilterCriteria"]["Filters"].as_array().expect("filters");
        let [filter] = &filters[..] else { panic!("{id}: one filter") };
        let pattern: Value =
            serde_json::from_str(filter["Pattern"].as_str().expect("a pattern")).expect("JSON");
        assert_eq!(
            pattern,
            json!({ "eventName": ["INSERT"], "dynamodb": { "Keys": { PK: { "S": [{ "prefix": prefix }] } } } }),
            "{id}: woken by inserted notices only"
        );
        let batch = stream["BatchSize"].as_u64().expect("BatchSize");
        assert!((1..=400).contains(&batch), "{id}: a batch is at most one run's notices");
    }
}

// ---------------------------------------------------------------- the table

#[tokio::test]
async fn the_table_and_its_indexes_are_the_ones_the_store_creates() {
    let template = template();
    let table = &resources(&template)["Table"]["Properties"];

    // What the code creates, described by a real DynamoDB (Local).
    let name = format!("kezek-template-{}", std::process::id());
    let store = Store::new(Store::local_client(support::endpoint()), &name);
    store.create_table().await.expect("create the table");
    let described =
        store.client().describe_table().table_name(&name).send().await.expect("describe");
    let created = described.table().expect("a table");

    let schema = |elements: &[aws_sdk_dynamodb::types::KeySchemaElement]| -> Vec<Value> {
        elements.iter().map(|k| json!({ "AttributeName": k.attribute_name(), "KeyType": k.key_type().as_str() })).collect()
    };
    assert_eq!(table["KeySchema"], Value::Array(schema(created.key_schema())), "base keys");
    assert_eq!(
        table["KeySchema"],
        json!([{ "AttributeName": PK, "KeyType": "HASH" }, { "AttributeName": SK, "KeyType": "RANGE" }]),
        "base keys are store::keys::PK/SK"
    );

    let definitions = |list: Vec<Value>| -> BTreeSet<String> {
        list.into_iter().map(|v| v.to_string()).collect()
    };
    let created_definitions: Vec<Value> = created
        .attribute_definitions()
        .iter()
        .map(|a| json!({ "AttributeName": a.attribute_name(), "AttributeType": a.attribute_type().as_str() }))
        .collect();
    assert_eq!(
        definitions(table["AttributeDefinitions"].as_array().expect("definitions").clone()),
        definitions(created_definitions),
        "attribute definitions"
    );

    let mut template_indexes = BTreeMap::new();
    for index in table["GlobalSecondaryIndexes"].as_array().expect("indexes") {
        let mut projection = index["Projection"].clone();
        if let Some(attributes) = projection.get_mut("NonKeyAttributes") {
            let mut sorted: Vec<Value> = attributes.as_array().expect("a list").clone();
            sorted.sort_by_key(|v| v.to_string());
            *attributes = Value::Array(sorted);
        }
        template_indexes.insert(
            index["IndexName"].as_str().expect("a name").to_owned(),
            (index["KeySchema"].clone(), projection),
        );
    }
    let mut created_indexes = BTreeMap::new();
    for index in created.global_secondary_indexes() {
        let projection = index.projection().expect("a projection");
        let mut value =
            json!({ "ProjectionType": projection.projection_type().expect("a type").as_str() });
        let mut attributes: Vec<&str> =
            projection.non_key_attributes().iter().map(String::as_str).collect();
        if !attributes.is_empty() {
            attributes.sort_unstable();
            value["NonKeyAttributes"] = json!(attributes);
        }
        created_indexes.insert(
            index.index_name().expect("a name").to_owned(),
            (Value::Array(schema(index.key_schema())), value),
        );
    }
    assert_eq!(
        template_indexes, created_indexes,
        "global secondary indexes (name, keys, projection)"
    );
    let names: BTreeSet<&str> = template_indexes.keys().map(String::as_str).collect();
    assert_eq!(names, BTreeSet::from([GSI1, GSI2]), "index names are store::keys::GSI1/GSI2");
    assert_eq!(
        template_indexes[GSI1].0,
        json!([{ "AttributeName": GSI1PK, "KeyType": "HASH" }, { "AttributeName": GSI1SK, "KeyType": "RANGE" }])
    );
    assert_eq!(
        template_indexes[GSI2].0,
        json!([{ "AttributeName": GSI2PK, "KeyType": "HASH" }, { "AttributeName": GSI2SK, "KeyType": "RANGE" }])
    );

    // What a real deployment adds and DynamoDB Local cannot show.
    assert_eq!(table["BillingMode"], "PAY_PER_REQUEST");
    assert_eq!(table["DeletionProtectionEnabled"], true);
    assert_eq!(table["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"], true);
    assert_eq!(resources(&template)["Table"]["DeletionPolicy"], "Retain");
}

// ---------------------------------------------------------------- configuration

/// Every `env::var("KEZEK_…")` literal under `functions/src`.
fn variables_read_by_the_code() -> BTreeSet<String> {
    fn walk(dir: &Path, found: &mut BTreeSet<String>) {
        for entry in std::fs::read_dir(dir).expect("a folder") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                walk(&path, found);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).expect("a source file");
                for pattern in ["env::var(\"", "env::var_os(\""] {
                    let mut rest = text.as_str();
                    while let Some(at) = rest.find(pattern) {
                        rest = &rest[at + pattern.len()..];
                        let end = rest.find('"').expect("a closing quote");
                        found.insert(rest[..end].to_owned());
                    }
                }
            }
        }
    }
    let mut found = BTreeSet::new();
    walk(&root().join("functions/src"), &mut found);
    found
}

/// Which binaries need each variable or setting (a setting `S` is satisfied by
/// `KEZEK_S` or `KEZEK_S_PARAMETER`). Derived from the groups where the code does.
fn needs() -> BTreeMap<String, BTreeSet<String>> {
    let all: BTreeSet<String> = binaries();
    let http: BTreeSet<String> = ALL_GROUPS.iter().map(|g| g.binary().to_owned()).collect();
    let eds: BTreeSet<String> =
        [Group::Sign, Group::Auth].iter().map(|g| g.binary().to_owned()).collect();
    let auth: BTreeSet<String> = [Group::Auth.binary().to_owned()].into();
    let fetch: BTreeSet<String> = ["crl_fetch".to_owned()].into();
    let eds_and_fetch: BTreeSet<String> = eds.union(&fetch).cloned().collect();
    BTreeMap::from([
        ("KEZEK_TABLE".to_owned(), all),
        (config::value_variable(config::SESSION_KEY), http),
        (config::value_variable(config::TRUST_ANCHORS), eds_and_fetch.clone()),
        ("KEZEK_EDS_BUCKET".to_owned(), eds_and_fetch),
        ("KEZEK_CRL_URLS".to_owned(), fetch),
        ("KEZEK_EDS_REFRESH_SECONDS".to_owned(), eds.clone()),
        ("KEZEK_REVOCATION_CHECKS".to_owned(), eds.clone()),
        ("KEZEK_OCSP_URL".to_owned(), eds.clone()),
        (config::value_variable(config::CRL), eds.clone()),
        ("KEZEK_STAGE_KIND".to_owned(), eds.clone()),
        ("KEZEK_CRL_GRACE_HOURS".to_owned(), eds.clone()),
        ("KEZEK_REVOCATION_UNKNOWN".to_owned(), eds),
        (config::value_variable(config::ORGANISATIONS), auth),
        (config::value_variable(config::LOG_KEY), ["sweep".to_owned()].into()),
        ("KEZEK_EMAIL_TOPIC_ARN".to_owned(), ["notify".to_owned()].into()),
        // The referral PDF's QR code: the verification page's URL.
        ("KEZEK_VERIFY_URL".to_owned(), [Group::Applications.binary().to_owned()].into()),
    ])
}

/// A function's environment: `Globals` merged with its own.
fn environment(template: &Value, function: &Value) -> serde_json::Map<String, Value> {
    let mut variables = template["Globals"]["Function"]["Environment"]["Variables"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    if let Some(own) = function["Properties"]["Environment"]["Variables"].as_object() {
        variables.extend(own.clone());
    }
    variables
}

#[test]
fn every_variable_the_code_reads_is_set_on_the_functions_that_need_it_and_no_other() {
    let template = template();
    let needs = needs();
    let settings: BTreeSet<String> =
        config::SETTINGS.iter().map(|s| config::value_variable(s)).collect();

    // Nothing read by the code goes unclassified: a new variable must be added to `needs`
    // (and to the template) or to LOCAL_ONLY.
    for variable in variables_read_by_the_code() {
        assert!(
            needs.contains_key(&variable)
                || LOCAL_ONLY.contains(&variable.as_str())
                || LAMBDA_SET.contains(&variable.as_str()),
            "functions/src reads {variable}: set it in infra/template.yaml and add it to needs(), or list it as LOCAL_ONLY"
        );
    }
    for setting in &settings {
        assert!(
            needs.contains_key(setting),
            "config::SETTINGS has {setting}: which functions need it?"
        );
    }

    for (binary, (id, function)) in functions(&template) {
        let environment = environment(&template, &function);
        let mut allowed: BTreeSet<String> = ["RUST_LOG".to_owned()].into();
        for (variable, binaries) in &needs {
            let names = if settings.contains(variable) {
                vec![variable.clone(), format!("{variable}_PARAMETER")]
            } else {
                vec![variable.clone()]
            };
            if binaries.contains(&binary) {
                assert!(
                    names.iter().any(|name| environment.contains_key(name)),
                    "{id} ({binary}) needs {} set",
                    names.join(" or ")
                );
                allowed.extend(names);
            }
        }
        for variable in environment.keys() {
            assert!(
                allowed.contains(variable),
                "{id} ({binary}) gets {variable}, which its code does not read"
            );
            assert!(
                !LOCAL_ONLY.contains(&variable.as_str()),
                "{id}: {variable} is for local runs only"
            );
        }
        // A secret's value is never in the template: settings come as SSM parameter names.
        for setting in &settings {
            assert!(
                !environment.contains_key(setting),
                "{id}: {setting} would put the value in the template; pass {setting}_PARAMETER"
            );
        }
    }
}

/// The policy statements a function's role gets from its `Policies`.
fn statements(function: &Value) -> Vec<Value> {
    let mut found = Vec::new();
    for policy in function["Properties"]["Policies"].as_array().into_iter().flatten() {
        assert!(policy.is_object(), "policies are written out as statements, not SAM policy templates or managed policies: {policy}");
        for statement in policy["Statement"].as_array().expect("Statement") {
            found.push(statement.clone());
        }
    }
    found
}

fn list(value: &Value) -> Vec<Value> {
    match value {
        Value::Array(items) => items.clone(),
        Value::Null => Vec::new(),
        other => vec![other.clone()],
    }
}

/// `{"Fn::If": [condition, then, else]}` → `then` (the conditional part is still granted).
fn unconditional(value: &Value) -> Option<&Value> {
    match value.get("Fn::If") {
        Some(branches) => branches.get(1).filter(|v| v.get("Ref") != Some(&json!("AWS::NoValue"))),
        None => Some(value),
    }
}

#[test]
fn each_function_reads_exactly_the_ssm_parameters_named_in_its_environment() {
    let template = template();
    for (binary, (id, function)) in functions(&template) {
        let environment = environment(&template, &function);
        let named: BTreeSet<String> = environment
            .iter()
            .filter(|(name, _)| name.ends_with("_PARAMETER"))
            .map(|(name, value)| {
                let value = unconditional(value).unwrap_or_else(|| panic!("{id}: {name}"));
                value["Ref"]
                    .as_str()
                    .unwrap_or_else(|| panic!("{id}: {name} is a Ref to a template parameter"))
                    .to_owned()
            })
            .collect();
        let mut readable = BTreeSet::new();
        for statement in statements(&function) {
            let actions = list(&statement["Action"]);
            if !actions.iter().any(|a| a.as_str().is_some_and(|a| a.starts_with("ssm:"))) {
                continue;
            }
            assert_eq!(
                actions,
                vec![json!("ssm:GetParameter")],
                "{id}: SSM access is GetParameter only"
            );
            for resource in list(&statement["Resource"]) {
                let resource =
                    unconditional(&resource).unwrap_or_else(|| panic!("{id}: an SSM resource"));
                let arn = resource["Fn::Sub"]
                    .as_str()
                    .unwrap_or_else(|| panic!("{id}: SSM resource {resource} is a parameter ARN"));
                let parameter = arn
                    .strip_prefix(
                        "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter${",
                    )
                    .and_then(|rest| rest.strip_suffix('}'))
                    .unwrap_or_else(|| panic!("{id}: {arn} is not exactly one named parameter"));
                readable.insert(parameter.to_owned());
            }
        }
        assert_eq!(
            readable, named,
            "{id} ({binary}): SSM parameters it may read vs those its environment names"
        );
        // The parameters come through the Parameters and Secrets Lambda Extension
        // (kezek_functions::parameters_extension): its layer is on exactly the functions that
        // read one, and is the only layer.
        let layers = property(&template, &function, "Layers");
        if readable.is_empty() {
            assert!(layers.is_null(), "{id} ({binary}) reads no parameter: no layer ({layers})");
        } else {
            assert_eq!(
                layers,
                &json!([{ "Ref": "ParametersExtensionLayerArn" }]),
                "{id} ({binary}) reads SSM parameters: the extension's layer"
            );
        }
    }
}

// ---------------------------------------------------------------- privileges and alarms

#[test]
fn dynamodb_access_is_on_the_table_and_its_indexes_and_sns_only_for_notify() {
    let template = template();
    let known = [
        "GetItem",
        "BatchGetItem",
        "Query",
        "PutItem",
        "UpdateItem",
        "DeleteItem",
        "ConditionCheckItem",
    ];
    for (binary, (id, function)) in functions(&template) {
        let mut dynamodb = BTreeSet::new();
        for statement in statements(&function) {
            assert_eq!(statement["Effect"], "Allow", "{id}");
            for action in list(&statement["Action"]) {
                let action = action.as_str().unwrap_or_else(|| panic!("{id}: an action"));
                assert!(!action.contains('*'), "{id}: no wildcard actions ({action})");
                let (service, name) =
                    action.split_once(':').unwrap_or_else(|| panic!("{id}: {action}"));
                match service {
                    "dynamodb" => {
                        assert!(
                            known.contains(&name),
                            "{id}: dynamodb:{name} is not an action the store performs"
                        );
                        dynamodb.insert(name.to_owned());
                        for resource in list(&statement["Resource"]) {
                            let on_table = resource == json!({ "Fn::GetAtt": ["Table", "Arn"] });
                            let on_index = resource["Fn::Sub"]
                                .as_str()
                                .and_then(|s| s.strip_prefix("${Table.Arn}/index/"))
                                .is_some_and(|index| [GSI1, GSI2].contains(&index));
                            assert!(
                                on_table || (on_index && name == "Query"),
                                "{id}: dynamodb:{name} on {resource}"
                            );
                        }
                    }
                    "sns" => {
                        assert_eq!(binary, "notify", "{id}: only notify publishes notices");
                        assert_eq!(name, "Publish", "{id}");
                    }
                    "ssm" => {}
                    // Issue 14: the EDS bucket's anchors and CRLs; only crl_fetch writes.
                    "s3" => {
                        assert!(
                            ["GetObject", "ListBucket"].contains(&name)
                                || (name == "PutObject" && binary == "crl_fetch"),
                            "{id}: s3:{name}"
                        );
                        for resource in list(&statement["Resource"]) {
                            let on_bucket =
                                resource == json!({ "Fn::GetAtt": ["EdsBucket", "Arn"] });
                            let in_bucket = resource["Fn::Sub"].as_str().is_some_and(|arn| {
                                ["${EdsBucket.Arn}/crl/*", "${EdsBucket.Arn}/trust/anchors.pem"]
                                    .contains(&arn)
                            });
                            assert!(
                                (on_bucket && name == "ListBucket")
                                    || (in_bucket && name != "ListBucket"),
                                "{id}: s3:{name} on {resource}"
                            );
                        }
                    }
                    other => panic!("{id}: unexpected service {other}"),
                }
            }
        }
        assert!(
            !dynamodb.is_empty() || binary == "crl_fetch",
            "{id}: every function but crl_fetch uses the table"
        );
    }
    // notify may publish to the e-mail topic (and SMS, which has no ARN).
    let (_, notify) = &functions(&template)["notify"];
    let topics: Vec<Value> = statements(notify)
        .into_iter()
        .filter(|s| s["Action"] == "sns:Publish")
        .flat_map(|s| list(&s["Resource"]))
        .collect();
    assert!(
        topics.contains(&json!({ "Ref": "EmailNoticesTopic" })),
        "notify publishes to the e-mail notices topic"
    );
    // notify reads the contacts of a shard's notices with BatchGetItem (notify::attempts).
    let actions: Vec<Value> =
        statements(notify).into_iter().flat_map(|s| list(&s["Action"])).collect();
    assert!(
        actions.contains(&json!("dynamodb:BatchGetItem")),
        "notify reads contacts with BatchGetItem: {actions:?}"
    );
}

#[test]
fn every_function_has_an_errors_alarm_and_dead_lettered_notices_alarm() {
    let template = template();
    let alarms = of_type(&template, "AWS::CloudWatch::Alarm");
    for (binary, (id, _)) in functions(&template) {
        let found = alarms.iter().any(|(_, alarm)| {
            let p = &alarm["Properties"];
            p["Namespace"] == "AWS/Lambda"
                && p["MetricName"] == "Errors"
                && list(&p["Dimensions"])
                    .contains(&json!({ "Name": "FunctionName", "Value": { "Ref": id } }))
                && list(&p["AlarmActions"]).contains(&json!({ "Ref": "AlarmsTopic" }))
        });
        assert!(found, "{id} ({binary}): no Errors alarm to the alarms topic");
    }

    // The dead-letter metric counts a line notify really logs, in notify's log group.
    let filters = of_type(&template, "AWS::Logs::MetricFilter");
    let (_, filter) = filters
        .iter()
        .find(|(_, f)| {
            f["Properties"]["MetricTransformations"][0]["MetricName"] == "DeadLetteredNotices"
        })
        .expect("a DeadLetteredNotices metric filter");
    let (notify_id, notify) = &functions(&template)["notify"];
    assert_eq!(
        filter["Properties"]["LogGroupName"], notify["Properties"]["LoggingConfig"]["LogGroup"],
        "the filter reads {notify_id}'s log group"
    );
    let pattern = filter["Properties"]["FilterPattern"].as_str().expect("a pattern");
    let phrase =
        pattern.strip_prefix('"').and_then(|p| p.strip_suffix('"')).expect("a quoted term pattern");
    let code =
        std::fs::read_to_string(root().join("functions/src/notify/attempts.rs")).expect("notify");
    assert!(
        code.contains(&format!("\"{phrase}\"")),
        "notify no longer logs \"{phrase}\": the dead-letter alarm would never fire"
    );
    let namespace = &filter["Properties"]["MetricTransformations"][0]["MetricNamespace"];
    let alarmed = alarms.iter().any(|(_, alarm)| {
        let p = &alarm["Properties"];
        p["MetricName"] == "DeadLetteredNotices"
            && &p["Namespace"] == namespace
            && list(&p["AlarmActions"]).contains(&json!({ "Ref": "AlarmsTopic" }))
    });
    assert!(alarmed, "no alarm on DeadLetteredNotices");
}

#[test]
fn the_outputs_give_the_api_url_and_the_table_name() {
    let template = template();
    let outputs = &template["Outputs"];
    let url = outputs["ApiUrl"]["Value"]["Fn::Sub"].as_str().expect("ApiUrl");
    assert!(url.starts_with("https://${HttpApi}.execute-api."), "{url}");
    assert_eq!(outputs["TableName"]["Value"], json!({ "Ref": "Table" }));
}
