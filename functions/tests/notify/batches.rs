//! A run of many notices (more than one `PublishBatch` of e-mails per outbox shard): every
//! channel is delivered exactly once to SNS (moto's own record), in fewer SNS calls than
//! messages; an e-mail entry that SNS refuses inside a batch, or leaves unanswered, fails only
//! its notice's attempt, and the retry publishes that e-mail alone, without its SMS again.

use std::collections::{BTreeMap, HashSet};
use std::sync::Mutex;

use chrono::Duration;
use kezek_functions::notify::deliver::{
    local_sns_client, Email, Publisher, SnsPublisher, EMAIL_BATCH_MAX,
};
use kezek_functions::notify::run_notify_with;
use kezek_functions::store::keys::{shard_of, DUE_SHARDS};
use kezek_functions::store::outbox::{
    AttemptEnd, Channel, STATUS_PENDING, STATUS_SENDING, STATUS_SENT,
};
use kezek_functions::Result;

use crate::support::{child, monday, parent, store_with_demo};
use crate::{config, enqueue_child, moto, outbox, phone, profile, publish};

const NOTICES: u16 = 120;

/// The real SNS publisher, which spoils chosen e-mails once, so that moto itself refuses them
/// inside their batch: a body over SNS's 256 KiB (a `Failed` entry, `InvalidParameter`) or a
/// subject over 100 characters (moto leaves the entry out of its answer).
struct Spoiler {
    inner: SnsPublisher,
    long_body: Mutex<HashSet<String>>,
    long_subject: Mutex<HashSet<String>>,
    batch_sizes: Mutex<Vec<usize>>,
}

impl Publisher for Spoiler {
    async fn sms(&self, phone: &str, text: &str) -> Result<String> {
        self.inner.sms(phone, text).await
    }

    async fn emails(&self, emails: &[Email<'_>]) -> Result<Vec<Result<String>>> {
        self.batch_sizes.lock().expect("sizes").push(emails.len());
        let body = "x".repeat(256 * 1024 + 1);
        let subject = "s".repeat(101);
        let spoiled: Vec<Email<'_>> = emails
            .iter()
            .map(|email| {
                let mut email = email.clone();
                if self.long_body.lock().expect("set").remove(email.notice_id) {
                    email.body = &body;
                }
                if self.long_subject.lock().expect("set").remove(email.notice_id) {
                    email.subject = &subject;
                }
                email
            })
            .collect();
        self.inner.emails(&spoiled).await
    }
}

#[tokio::test]
async fn a_run_of_many_notices_delivers_each_channel_once_in_batches_and_retries_a_refused_entry_alone(
) {
    let store = store_with_demo().await;
    let topic = moto::topic().await;
    let config = config(&topic);
    let mut phones = Vec::new();
    for n in 1..=NOTICES {
        let (who, number) = (parent(100 + n), phone(21, n));
        let language = ["kk", "ru", "en"][usize::from(n % 3)];
        profile(&store, &who, &format!("many{n}@example.kz"), Some(number.clone()), language).await;
        enqueue_child(
            &store,
            &who,
            &child((2023, 1 + u32::from(n % 12), 1 + u32::from(n % 28)), 100 + n),
            monday() - Duration::days(10) + Duration::minutes(i64::from(n)),
        )
        .await;
        phones.push(number);
    }
    assert_eq!(publish(&store, u32::from(NOTICES), monday()).await.len(), usize::from(NOTICES));
    let pending = outbox(&store).await;
    assert_eq!(pending.len(), usize::from(NOTICES));
    let mut per_shard = [0usize; DUE_SHARDS as usize];
    for notice in &pending {
        per_shard[shard_of(&notice.item.notice_id) as usize] += 1;
    }
    assert!(
        per_shard.iter().any(|&n| n > EMAIL_BATCH_MAX),
        "a shard holds more e-mails than one batch: {per_shard:?}"
    );
    // Two notices of the same shard (so of the same batch when it has room) are spoiled.
    let busiest = (0..DUE_SHARDS).max_by_key(|&s| per_shard[s as usize]).expect("a shard");
    let mut in_busiest =
        pending.iter().map(|n| n.item.notice_id.clone()).filter(|id| shard_of(id) == busiest);
    let (refused, unanswered) =
        (in_busiest.next().expect("a notice"), in_busiest.next().expect("another"));
    let spoiler = Spoiler {
        inner: SnsPublisher::new(local_sns_client(moto::endpoint()), topic.clone()),
        long_body: Mutex::new(HashSet::from([refused.clone()])),
        long_subject: Mutex::new(HashSet::from([unanswered.clone()])),
        batch_sizes: Mutex::new(Vec::new()),
    };

    let first = run_notify_with(&store, &spoiler, &config, monday()).await.expect("run");
    let total = usize::from(NOTICES);
    assert_eq!(
        (first.claimed, first.sent, first.retried, first.messages),
        (total, total - 2, 2, 2 * total - 2),
        "{first:?}"
    );
    // One Publish per SMS, one PublishBatch per ≤ 10 e-mails of a shard.
    let batches: usize = per_shard.iter().map(|n| n.div_ceil(EMAIL_BATCH_MAX)).sum();
    assert_eq!(first.sns_calls, total + batches, "{first:?}");
    let sizes = spoiler.batch_sizes.lock().expect("sizes").clone();
    assert_eq!(sizes.len(), batches);
    assert!(sizes.iter().all(|&n| (1..=EMAIL_BATCH_MAX).contains(&n)), "{sizes:?}");
    assert!(sizes.contains(&EMAIL_BATCH_MAX), "{sizes:?}");
    for (id, part) in [(&refused, "InvalidParameter"), (&unanswered, "does not name")] {
        let stored = store.notice(id).await.expect("read").expect("kept");
        assert_eq!((stored.item.status.as_str(), stored.item.attempts), (STATUS_PENDING, 1));
        assert!(stored.sms_sent_at.is_some(), "{id}: its SMS went and is recorded");
        assert_eq!(stored.email_sent_at, None);
        assert!(
            stored.last_error.as_deref().is_some_and(|e| e.contains("email") && e.contains(part)),
            "{id}: {:?}",
            stored.last_error
        );
    }
    assert_eq!(moto::published_to(&topic).len(), total - 2);

    // Not due before its backoff; then the two e-mails alone, in one batch, no SMS again.
    let early = run_notify_with(&store, &spoiler, &config, monday() + Duration::minutes(1))
        .await
        .expect("run");
    assert_eq!((early.claimed, early.messages), (0, 0), "{early:?}");
    let retry = run_notify_with(&store, &spoiler, &config, monday() + Duration::minutes(2))
        .await
        .expect("run");
    assert_eq!(
        (retry.claimed, retry.sent, retry.messages, retry.sns_calls),
        (2, 2, 2, 1),
        "{retry:?}"
    );
    for number in &phones {
        assert_eq!(moto::sms_to(number).len(), 1, "one SMS to {number}");
    }
    let mut emails: BTreeMap<String, usize> = BTreeMap::new();
    for email in moto::published_to(&topic) {
        *emails.entry(email.attributes["noticeId"].clone()).or_default() += 1;
    }
    assert_eq!(emails.len(), total, "an e-mail per notice");
    assert!(emails.values().all(|&n| n == 1), "an e-mail sent twice: {emails:?}");
    for id in [&refused, &unanswered] {
        let stored = store.notice(id).await.expect("read").expect("kept");
        assert_eq!((stored.item.status.as_str(), stored.item.attempts), (STATUS_SENT, 2));
    }
    assert!(outbox(&store).await.is_empty());
    let again = run_notify_with(&store, &spoiler, &config, monday() + Duration::hours(1))
        .await
        .expect("run");
    assert_eq!((again.due_read, again.messages, again.sns_calls), (0, 0, 0));
}

#[tokio::test]
async fn a_claim_lost_before_its_record_still_records_the_channels_it_delivered() {
    let store = store_with_demo().await;
    let topic = moto::topic().await;
    let config = config(&topic);
    let (mother, mother_phone) = (parent(99), phone(22, 1));
    profile(&store, &mother, "lost@example.kz", Some(mother_phone.clone()), "kk").await;
    enqueue_child(&store, &mother, &child((2023, 3, 3), 99), monday() - Duration::days(3)).await;
    publish(&store, 1, monday()).await;
    let notice_id = outbox(&store).await[0].item.notice_id.clone();
    let shard = shard_of(&notice_id);
    let due = |at| {
        let store = store.clone();
        async move { store.due_notices(shard, at, 10).await.expect("due") }
    };
    // A run claims the notice, publishes its SMS, and stalls past its lease; another run
    // takes the notice over meanwhile (and stalls too).
    let seen = due(monday()).await;
    let (stalled, _) = store
        .claim_notice(&seen[0], monday(), monday() + config.lease)
        .await
        .expect("claim")
        .expect("won");
    let later = monday() + config.lease;
    let seen = due(later).await;
    let (newer, _) = store
        .claim_notice(&seen[0], later, later + config.lease)
        .await
        .expect("claim")
        .expect("won");
    assert_eq!((stalled.attempt, newer.attempt), (1, 2));

    // The stalled run's record fails its condition, but its SMS is recorded all the same.
    let end = AttemptEnd::Sent { skipped: Vec::new() };
    assert!(!store.record_attempt(&stalled, &[Channel::Sms], &end, later).await.expect("record"));
    let stored = store.notice(&stalled.notice_id).await.expect("read").expect("kept");
    assert_eq!((stored.item.status.as_str(), stored.item.attempts), (STATUS_SENDING, 2));
    assert!(stored.sms_sent_at.is_some() && stored.email_sent_at.is_none());

    // After the newer lease, a run sends the e-mail only.
    let report = crate::notify(&store, &config, later + config.lease).await;
    assert_eq!((report.claimed, report.sent, report.messages), (1, 1, 1), "{report:?}");
    assert!(moto::sms_to(&mother_phone).is_empty(), "the SMS was never sent again");
    assert_eq!(moto::published_to(&topic).len(), 1);
    let stored = store.notice(&stalled.notice_id).await.expect("read").expect("kept");
    assert_eq!((stored.item.status.as_str(), stored.item.attempts), (STATUS_SENT, 3));
}

#[tokio::test]
async fn concurrent_runs_over_many_notices_leave_each_other_the_rest_and_deliver_each_once() {
    let store = store_with_demo().await;
    let topic = moto::topic().await;
    // 4 claims at a time: a shard's ~15 notices are claimed in several chunks.
    let config = kezek_functions::notify::NotifyConfig { concurrency: 4, ..config(&topic) };
    const MANY: u16 = 96;
    let mut phones = Vec::new();
    for n in 1..=MANY {
        let (who, number) = (parent(300 + n), phone(23, n));
        profile(&store, &who, &format!("race{n}@example.kz"), Some(number.clone()), "ru").await;
        enqueue_child(
            &store,
            &who,
            &child((2023, 1 + u32::from(n % 12), 1 + u32::from(n % 28)), 300 + n),
            monday() - Duration::days(10) + Duration::minutes(i64::from(n)),
        )
        .await;
        phones.push(number);
    }
    assert_eq!(publish(&store, u32::from(MANY), monday()).await.len(), usize::from(MANY));
    let total = usize::from(MANY);
    let (mut sent, mut lost, mut left) = (0, 0, 0);
    for _ in 0..5 {
        let (a, b, c) = tokio::join!(
            crate::notify(&store, &config, monday()),
            crate::notify(&store, &config, monday()),
            crate::notify(&store, &config, monday())
        );
        for report in [&a, &b, &c] {
            assert_eq!((report.retried, report.dead_lettered), (0, 0), "{report:?}");
            sent += report.sent;
            lost += report.skipped;
            left += report.left;
        }
        if a.claimed + b.claimed + c.claimed == 0 {
            break;
        }
    }
    assert_eq!(sent, total);
    // Without leaving, each of the three runs would try every notice: 2 lost claims each.
    assert!(lost < 2 * total, "{lost} claims lost, {left} left to another run");
    assert!(outbox(&store).await.is_empty());
    for number in &phones {
        assert_eq!(moto::sms_to(number).len(), 1, "one SMS to {number}");
    }
    let mut emails: BTreeMap<String, usize> = BTreeMap::new();
    for email in moto::published_to(&topic) {
        *emails.entry(email.attributes["noticeId"].clone()).or_default() += 1;
    }
    assert_eq!(emails.len(), total);
    assert!(emails.values().all(|&n| n == 1), "an e-mail sent twice: {emails:?}");
    println!(
        "{MANY} notices, 3 runs at a time: {lost} claims lost, {left} due left to another run"
    );
}
