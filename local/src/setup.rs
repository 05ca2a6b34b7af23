//! What the local service needs before it serves: the table (created once, kept in DynamoDB
//! Local's data folder), the demo catalogue (regions incl. the three served elsewhere,
//! kindergartens with Kazakh and Russian groups; the 2024–2027 calendar is built in), a few
//! demo applications so a new child does not queue alone, and the SNS topic of e-mail notices.

use chrono::NaiveDate;
use kezek_functions::commands::catalog::load_demo;
use kezek_functions::commands::enqueue::{enqueue, EnqueueInput};
use kezek_functions::notify::NotifyConfig;
use kezek_functions::rules::application::Priority;
use kezek_functions::rules::iin::{Iin, Sex};
use kezek_functions::store::Store;

use crate::options::Options;

/// The demo region where the demo applications wait (Taldykorgan, +05:00).
pub const DEMO_REGION: &str = "kz-zhetisu-taldykorgan";
/// The topic e-mail notices go to (in moto).
const EMAIL_TOPIC: &str = "kezek-local-email";

type Failure = Box<dyn std::error::Error + Send + Sync>;

pub async fn prepare(
    store: &Store,
    sns: &aws_sdk_sns::Client,
    options: &Options,
) -> Result<NotifyConfig, Failure> {
    let exists = store.client().describe_table().table_name(store.table()).send().await.is_ok();
    if !exists {
        store.create_table().await?;
        tracing::info!(table = store.table(), "table created");
    }
    // Repeatable: descriptions are overwritten, place counters are never reset.
    load_demo(store).await?;
    enqueue_demo_children(store).await?;
    let topic = sns.create_topic().name(EMAIL_TOPIC).send().await?;
    let topic_arn = topic.topic_arn().ok_or("moto returned no topic ARN")?.to_owned();
    let mut notify = NotifyConfig::new(topic_arn);
    notify.endpoint_url = Some(options.sns_endpoint.clone());
    Ok(notify)
}

fn iin(birth: (i32, u32, u32), sex: Sex, serial: u16) -> Option<String> {
    let date = NaiveDate::from_ymd_opt(birth.0, birth.1, birth.2)?;
    (serial..serial + 20).find_map(|s| Iin::compose(date, sex, s))
}

/// Three children of demo parents, born in 2023, in the demo region's queue (one of each
/// priority class). Fixed idempotency keys: a restart replays instead of adding.
async fn enqueue_demo_children(store: &Store) -> Result<(), Failure> {
    let registered_at = chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2025, 6, 2, 5, 0, 0)
        .single()
        .ok_or("demo registration time")?;
    let demo =
        [(Priority::General, 100u16), (Priority::FirstPriority, 200), (Priority::OutOfTurn, 300)];
    for (n, (priority, serial)) in demo.into_iter().enumerate() {
        let parent = iin((1990, 5, 20), Sex::Female, serial).ok_or("demo parent IIN")?;
        let child = iin((2023, 4, 10), Sex::Male, serial).ok_or("demo child IIN")?;
        let input = EnqueueInput {
            region_id: DEMO_REGION.to_owned(),
            child_iin: child,
            priority,
            second_parent_iin: None,
        };
        let key = format!("demo-enqueue-{n}");
        let at = registered_at + chrono::Duration::minutes(i64::try_from(n)?);
        match enqueue(store, &parent, &input, Some(&key), at).await {
            Ok(_) => {}
            // Enrolled or removed since: the child's demo life went on; leave it.
            Err(kezek_functions::Error::Condition(kezek_functions::store::Role::Child)) => {}
            Err(error) => return Err(error.into()),
        }
    }
    Ok(())
}
