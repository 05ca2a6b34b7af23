//! `notify` against a real DynamoDB Local and a real SNS endpoint (moto): notices produced by
//! the commands, delivered by SMS and e-mail, once, with retries and dead letters.

mod batches;
mod delivery;
mod moto;
mod retries;
#[allow(dead_code)]
#[path = "../backend/support.rs"]
mod support;

use chrono::Duration;
use kezek_functions::commands::choose::{choose, ChooseInput};
use kezek_functions::commands::enqueue::{enqueue, EnqueueInput};
use kezek_functions::commands::places::{change_places, PlacesAction, PlacesInput};
use kezek_functions::commands::profile::{set_profile, ProfileInput};
use kezek_functions::commands::sign::{sign, SignInput, SignOutput};
use kezek_functions::notify::deliver::local_sns_client;
use kezek_functions::notify::{run_notify, NotifyConfig, NotifyReport};
use kezek_functions::rules::application::{Application, ApplicationId, Priority};
use kezek_functions::rules::places::GroupId;
use kezek_functions::rules::time::Instant;
use kezek_functions::signature::{HmacTestVerifier, SignedChoice};
use kezek_functions::store::outbox::OutboxNotice;
use kezek_functions::store::Store;

pub fn config(topic_arn: &str) -> NotifyConfig {
    NotifyConfig { endpoint_url: Some(moto::endpoint().to_owned()), ..NotifyConfig::new(topic_arn) }
}

pub async fn notify(store: &Store, config: &NotifyConfig, now: Instant) -> NotifyReport {
    let sns = local_sns_client(config.endpoint_url.as_deref().expect("a local endpoint"));
    run_notify(store, &sns, config, now).await.expect("notify runs")
}

/// A phone number of its own for person `n` of the test `test`.
pub fn phone(test: u32, n: u16) -> String {
    format!("+7701{:03}{:04}", test, n)
}

pub async fn profile(store: &Store, iin: &str, email: &str, phone: Option<String>, language: &str) {
    let input = ProfileInput { email: email.to_owned(), phone, language: language.to_owned() };
    set_profile(store, iin, &input, support::monday() - Duration::days(60)).await.expect("profile");
}

pub async fn enqueue_child(store: &Store, parent: &str, child: &str, now: Instant) -> Application {
    let input = EnqueueInput {
        region_id: support::REGION.into(),
        child_iin: child.into(),
        priority: Priority::General,
        second_parent_iin: None,
    };
    enqueue(store, parent, &input, None, now).await.expect("enqueued").application
}

pub fn group(kindergarten: &str, year: i32, language: &str) -> GroupId {
    GroupId(format!("{kindergarten}-{year}-{language}"))
}

/// Staff of `tk-001` publish `count` places of its 2023 Kazakh group: the turn engine
/// offers them, each offer with a `turn_came` notice in its transaction.
pub async fn publish(store: &Store, count: u32, now: Instant) -> Vec<ApplicationId> {
    let input =
        PlacesInput { action: PlacesAction::Publish, group_id: group("tk-001", 2023, "kk"), count };
    change_places(store, "tk-001", &input, None, now).await.expect("published").offered
}

/// The applicant chooses the 2023 Kazakh group of `tk-001` and signs it.
pub async fn choose_and_sign(
    store: &Store,
    parent: &str,
    id: &ApplicationId,
    expected_version: Option<u64>,
    now: Instant,
) -> kezek_functions::Result<SignOutput> {
    let verifier = HmacTestVerifier::new(b"notify-secret");
    let input = ChooseInput { application_id: id.clone(), group_id: group("tk-001", 2023, "kk") };
    let choice = choose(store, parent, &input, now).await?;
    let signature = SignedChoice {
        signature_base64: verifier.sign_as(parent, choice.signed_text.as_bytes()),
        certificate_base64: None,
    };
    sign(
        store,
        &verifier,
        parent,
        &SignInput { nonce: choice.nonce, signature, expected_version },
        None,
        now,
    )
    .await
}

/// Every notice still in the outbox index.
pub async fn outbox(store: &Store) -> Vec<OutboxNotice> {
    store.outbox_notices(1000).await.expect("outbox")
}
