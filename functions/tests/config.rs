//! Configuration from SSM (`kezek_functions::config`) through the Parameters and Secrets
//! Lambda Extension's protocol: a stand-in of the extension (`common/parameters_extension.rs`)
//! on a free port, reached as in a Lambda (`localhost:$PARAMETERS_SECRETS_EXTENSION_HTTP_PORT`,
//! the token `AWS_SESSION_TOKEN`), reading a real SSM endpoint: moto server, started once for
//! this test binary (as the notify tests start it for SNS).
//!
//! The settings are process environment variables, as in a Lambda. Each test uses setting
//! names of its own, except the one that builds whole routers, so the tests can run in
//! parallel (the standard library serialises access to the environment).

#[allow(dead_code)]
#[path = "notify/moto.rs"]
mod moto;

#[path = "common/parameters_extension.rs"]
mod parameters_extension;
#[path = "common/request_head.rs"]
mod request_head;

use std::sync::Once;

use aws_sdk_ssm::types::ParameterType;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chrono::{Duration, TimeZone, Utc};
use kezek_functions::commands::login::OrganisationRole;
use kezek_functions::config::{self, required_setting, setting};
use kezek_functions::http::{authentication_from_env, verifier_from_env, Group, Router};
use kezek_functions::session::{issue, Claims, SessionKey};

/// The session token of this test "function": the extension accepts only requests carrying it.
const TOKEN: &str = "test-session-token";

/// Points the configuration at the extension's stand-in (over moto) before any test reads a
/// setting; the client that puts parameters into moto.
fn ssm() -> aws_sdk_ssm::Client {
    static EXTENSION: Once = Once::new();
    EXTENSION.call_once(|| {
        let extension = parameters_extension::Extension::start(moto::endpoint(), TOKEN);
        std::env::set_var(
            kezek_functions::parameters_extension::PORT_VARIABLE,
            extension.port.to_string(),
        );
        std::env::set_var("AWS_SESSION_TOKEN", TOKEN);
    });
    aws_sdk_ssm::Client::new(&kezek_functions::sdk_config::local(moto::endpoint()))
}

/// A parameter name of this process (moto is shared when `KEZEK_SNS_ENDPOINT` is given).
fn name(leaf: &str) -> String {
    format!("/kezek/test-{}/{leaf}", std::process::id())
}

async fn put(parameter: &str, value: &str, kind: ParameterType) {
    ssm()
        .put_parameter()
        .name(parameter)
        .value(value)
        .r#type(kind)
        .overwrite(true)
        .send()
        .await
        .expect("put the parameter");
}

fn clear(setting: &str) {
    std::env::remove_var(config::value_variable(setting));
    std::env::remove_var(config::parameter_variable(setting));
}

#[tokio::test]
async fn a_parameter_named_in_the_environment_is_read_from_ssm_and_decrypted() {
    ssm();
    let secret = name("secure");
    put(&secret, "line one\nline two — қазақша", ParameterType::SecureString).await;
    std::env::set_var("KEZEK_TEST_SECURE_PARAMETER", &secret);
    assert_eq!(
        setting("TEST_SECURE").await.expect("read").as_deref(),
        Some("line one\nline two — қазақша")
    );

    let plain = name("plain");
    put(&plain, "{\"a\":1}", ParameterType::String).await;
    std::env::set_var("KEZEK_TEST_PLAIN_PARAMETER", &plain);
    assert_eq!(required_setting("TEST_PLAIN").await.expect("read"), "{\"a\":1}");
}

#[tokio::test]
async fn a_value_in_the_environment_wins_without_asking_ssm() {
    ssm();
    // The named parameter does not exist: reading it would fail, so it must not be read.
    std::env::set_var("KEZEK_TEST_LOCAL", "local value");
    std::env::set_var("KEZEK_TEST_LOCAL_PARAMETER", name("never-created"));
    assert_eq!(setting("TEST_LOCAL").await.expect("the variable").as_deref(), Some("local value"));
}

#[tokio::test]
async fn an_unset_setting_is_none_and_a_required_one_names_both_variables() {
    ssm();
    assert_eq!(setting("TEST_UNSET").await.expect("no error"), None);
    // The template passes an empty name for an optional parameter it was not given.
    std::env::set_var("KEZEK_TEST_EMPTY_PARAMETER", "");
    std::env::set_var("KEZEK_TEST_EMPTY", "  ");
    assert_eq!(setting("TEST_EMPTY").await.expect("no error"), None);
    let error = required_setting("TEST_UNSET").await.expect_err("required");
    assert!(
        error.detail().contains("KEZEK_TEST_UNSET")
            && error.detail().contains("KEZEK_TEST_UNSET_PARAMETER"),
        "{}",
        error.detail()
    );
}

#[tokio::test]
async fn a_named_parameter_that_cannot_be_read_stops_the_cold_start() {
    ssm();
    std::env::set_var("KEZEK_TEST_MISSING_PARAMETER", name("missing"));
    let error =
        setting("TEST_MISSING").await.expect_err("a missing parameter is an error, not a default");
    assert!(error.detail().contains("ParameterNotFound"), "{}", error.detail());
}

/// A self-signed CA certificate (openssl, as the identity tests' PKI is made).
fn ca_pem() -> String {
    let dir = std::env::temp_dir().join(format!("kezek-config-ca-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a folder");
    let status = std::process::Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=kezek test CA/O=kezek",
        ])
        .arg("-keyout")
        .arg(dir.join("ca.key"))
        .arg("-out")
        .arg(dir.join("ca.pem"))
        .stderr(std::process::Stdio::null())
        .status()
        .expect("openssl must be installed");
    assert!(status.success(), "openssl req");
    std::fs::read_to_string(dir.join("ca.pem")).expect("ca.pem")
}

/// The Lambda path end to end: only parameter names in the environment (as the SAM template
/// sets them), the session key, trust anchors and organisations read from SSM at cold start.
#[tokio::test]
async fn the_lambda_routers_are_configured_from_ssm_parameters() {
    ssm();
    for setting in config::SETTINGS {
        clear(setting);
    }
    std::env::remove_var("KEZEK_TEST_SIGNING_SECRET");
    std::env::set_var("KEZEK_TABLE", "kezek-config-test");
    // Never reached by these checks; it keeps the store from loading the AWS configuration.
    std::env::set_var("KEZEK_DYNAMODB_ENDPOINT", "http://127.0.0.1:9");

    let secret = [0x5a_u8; 32];
    put(&name("session-key"), &STANDARD.encode(secret), ParameterType::SecureString).await;
    put(&name("trust-anchors"), "not a certificate", ParameterType::String).await;
    put(
        &name("organisations"),
        r#"{"123456789012": {"role": "staff", "kindergartenId": "tk-001"}}"#,
        ParameterType::String,
    )
    .await;

    // Without the session key parameter no router starts, and the error says what to set.
    let error = Router::from_env(&[Group::Catalog]).await.expect_err("no session key");
    assert!(error.detail().contains("KEZEK_SESSION_KEY_PARAMETER"), "{}", error.detail());

    std::env::set_var(config::parameter_variable(config::SESSION_KEY), name("session-key"));
    let from_ssm = SessionKey::from_settings().await.expect("the key from SSM");
    let now = Utc.with_ymd_and_hms(2026, 3, 2, 5, 0, 0).single().expect("an instant");
    let token = issue(
        &Claims::applicant("900115400020", now + Duration::hours(1)),
        &SessionKey::new(&secret).expect("key"),
    );
    assert!(
        kezek_functions::session::verify(&token, &from_ssm, now).is_ok(),
        "the key read from SSM is the stored one"
    );
    Router::from_env(&[Group::Catalog]).await.expect("catalog starts with its key from SSM");

    // sign and auth need the trust anchors: a parameter that is not a PEM bundle stops them…
    std::env::set_var(config::parameter_variable(config::TRUST_ANCHORS), name("trust-anchors"));
    let error = Router::from_env(&[Group::Sign]).await.expect_err("bad anchors");
    assert!(error.detail().contains("trust anchors"), "{}", error.detail());

    // …a real one starts them, with the organisations directory from SSM too.
    put(&name("trust-anchors"), &ca_pem(), ParameterType::String).await;
    Router::from_env(&[Group::Sign]).await.expect("sign starts");
    assert!(verifier_from_env().await.is_ok());
    std::env::set_var(config::parameter_variable(config::ORGANISATIONS), name("organisations"));
    let authentication = authentication_from_env().await.expect("auth configuration");
    assert_eq!(
        authentication.directory.0.get("123456789012"),
        Some(&OrganisationRole::Staff { kindergarten_id: "tk-001".to_owned() })
    );
    Router::from_env(&[Group::Auth]).await.expect("auth starts");

    // An optional CRL parameter that is named but absent is an error, not "no CRL".
    std::env::set_var(config::parameter_variable(config::CRL), name("crl-never-created"));
    let error = Router::from_env(&[Group::Auth]).await.expect_err("named CRL missing");
    assert!(error.detail().contains("ParameterNotFound"), "{}", error.detail());
    clear(config::CRL);
}

/// Issue 14: a production stage never accepts NCA's test subjects; the CRL grace and the
/// policy for unknown revocation come from plain variables, each checked.
#[test]
fn eds_options_default_to_production_no_grace_and_refusing_the_unknown() {
    use kezek_functions::config::EdsOptions;
    use kezek_identity::{SubjectRules, Unknown};
    let defaults = EdsOptions::from_values(None, None, None).expect("defaults");
    assert_eq!(defaults.subjects, SubjectRules { accept_test_subjects: false });
    assert_eq!(defaults.crl_grace, Duration::zero());
    assert_eq!(defaults.unknown, Unknown::Refuse);
    let staging = EdsOptions::from_values(Some("test"), Some("12"), Some("accept")).expect("test");
    assert!(staging.subjects.accept_test_subjects);
    assert_eq!(staging.crl_grace, Duration::hours(12));
    assert_eq!(staging.unknown, Unknown::AcceptAndLog);
    for (kind, grace, unknown) in [
        (Some("staging"), None, None),
        (None, Some("169"), None),
        (None, Some("-1"), None),
        (None, Some("a day"), None),
        (None, None, Some("ignore")),
    ] {
        assert!(
            EdsOptions::from_values(kind, grace, unknown).is_err(),
            "{kind:?} {grace:?} {unknown:?}"
        );
    }
}
