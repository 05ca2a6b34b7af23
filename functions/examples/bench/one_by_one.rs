//! The benchmark's baseline for `notify` (issue 11, the A/B of `KEZEK_BENCH_NOTIFY_AB`): the
//! delivery path as it was before the batched one (main at cc4f2eb), kept here only to be
//! measured against it on the same outbox. Each due notice on its own, up to `concurrency` at
//! once: claim (UpdateItem), contact (GetItem), SMS (Publish), its mark (UpdateItem), e-mail
//! (Publish), its mark (UpdateItem), finish (UpdateItem) — 5 DynamoDB calls and 2 SNS calls
//! for a `turn_came` notice (the only kind of the city round, whose text names nothing else).

use aws_sdk_sns::types::MessageAttributeValue;
use futures_util::stream::{self, StreamExt};
use kezek_functions::notify::contact::load_contact;
use kezek_functions::notify::texts::{render, template, Details};
use kezek_functions::notify::{NotifyConfig, NotifyReport};
use kezek_functions::rules::time::Instant;
use kezek_functions::store::keys::DUE_SHARDS;
use kezek_functions::store::outbox::{Channel, OutboxNotice};
use kezek_functions::store::Store;
use kezek_functions::{Error, Result};

fn string(value: &str) -> MessageAttributeValue {
    MessageAttributeValue::builder()
        .data_type("String")
        .string_value(value)
        .build()
        .expect("a string attribute")
}

fn failed(channel: &str, error: &impl std::error::Error) -> String {
    format!("{channel}: {}", aws_sdk_sns::error::DisplayErrorContext(error))
}

/// One run of the old path (shards in order from 0; the old path started at a random one,
/// which only matters between concurrent runs, as here: the start is spread by `first`).
pub async fn run(
    store: &Store,
    sns: &aws_sdk_sns::Client,
    config: &NotifyConfig,
    now: Instant,
    first: u32,
) -> Result<NotifyReport> {
    let mut report = NotifyReport::default();
    for step in 0..DUE_SHARDS {
        let shard = (first + step) % DUE_SHARDS;
        let room = config.per_run.saturating_sub(report.claimed);
        if room == 0 {
            break;
        }
        let due = store.due_notices(shard, now, config.per_shard.min(room)).await?;
        report.due_read += due.len();
        let handled: Vec<_> =
            due.into_iter().map(|seen| handle(store, sns, config, seen, now)).collect();
        let mut handled = stream::iter(handled).buffer_unordered(config.concurrency.max(1));
        while let Some(outcome) = handled.next().await {
            let (claimed, messages, sent, retried, dead) = outcome?;
            report.claimed += usize::from(claimed);
            report.skipped += usize::from(!claimed);
            report.messages += messages;
            report.sns_calls += messages;
            report.sent += usize::from(sent);
            report.retried += usize::from(retried);
            report.dead_lettered += usize::from(dead);
        }
    }
    Ok(report)
}

/// Claimed?, messages, sent?, retried?, dead-lettered?
async fn handle(
    store: &Store,
    sns: &aws_sdk_sns::Client,
    config: &NotifyConfig,
    seen: OutboxNotice,
    now: Instant,
) -> Result<(bool, usize, bool, bool, bool)> {
    let Some((claim, notice)) = store.claim_notice(&seen, now, now + config.lease).await? else {
        return Ok((false, 0, false, false, false));
    };
    let mut messages = 0;
    let mut skipped = Vec::new();
    let mut failures = Vec::new();
    match load_contact(store, &notice.item.applicant_iin).await? {
        None => failures.push(Error::ContactMissing.to_string()),
        Some(contact) => {
            let details = Details {
                application_id: notice.item.notice.application_id.0.clone(),
                ..Details::default()
            };
            let text = render(&notice.item.notice.kind, contact.language, &config.clock, &details);
            if !notice.is_sent(Channel::Sms) {
                match &contact.phone {
                    Some(phone) => {
                        let sent = sns
                            .publish()
                            .phone_number(phone)
                            .message(&text.sms)
                            .message_attributes("AWS.SNS.SMS.SMSType", string("Transactional"))
                            .send()
                            .await;
                        match sent {
                            Ok(_) => {
                                messages += 1;
                                store.mark_channel_sent(&claim, Channel::Sms, now).await?;
                            }
                            Err(error) => failures.push(failed("sms", &error)),
                        }
                    }
                    None => skipped.push(Channel::Sms),
                }
            }
            if !notice.is_sent(Channel::Email) {
                let sent = sns
                    .publish()
                    .topic_arn(&config.email_topic_arn)
                    .subject(&text.subject)
                    .message(&text.email)
                    .message_attributes("recipient", string(&contact.email))
                    .message_attributes("language", string(contact.language.code()))
                    .message_attributes("template", string(template(&notice.item.notice.kind)))
                    .message_attributes("noticeId", string(&notice.item.notice_id))
                    .send()
                    .await;
                match sent {
                    Ok(_) => {
                        messages += 1;
                        store.mark_channel_sent(&claim, Channel::Email, now).await?;
                    }
                    Err(error) => failures.push(failed("email", &error)),
                }
            }
        }
    }
    if failures.is_empty() {
        let sent = store.finish_notice(&claim, &skipped, now).await?;
        return Ok((true, messages, sent, false, false));
    }
    let error = failures.join("; ");
    if claim.attempt >= config.max_attempts {
        let dead = store.dead_letter_notice(&claim, now, &error).await?;
        Ok((true, messages, false, false, dead))
    } else {
        let retried =
            store.retry_notice(&claim, now + config.backoff(claim.attempt), &error).await?;
        Ok((true, messages, false, retried, false))
    }
}
