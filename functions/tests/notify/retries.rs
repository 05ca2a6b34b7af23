use std::sync::atomic::{AtomicU32, Ordering};

use chrono::Duration;
use kezek_functions::notify::deliver::{local_sns_client, Email, Publisher, SnsPublisher};
use kezek_functions::notify::run_notify_with;
use kezek_functions::store::outbox::{
    DEAD_LETTER_LIST, STATUS_DEAD_LETTER, STATUS_PENDING, STATUS_SENDING, STATUS_SENT,
};
use kezek_functions::{Error, Result};

use crate::support::{child, monday, parent, store_with_demo};
use crate::{config, enqueue_child, moto, notify, outbox, phone, profile, publish};

/// The real SNS publisher, whose SMS fails the first `sms_failures` times.
struct Flaky {
    inner: SnsPublisher,
    sms_failures: AtomicU32,
}

impl Publisher for Flaky {
    async fn sms(&self, phone: &str, text: &str) -> Result<String> {
        if self
            .sms_failures
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |left| left.checked_sub(1))
            .is_ok()
        {
            return Err(Error::DeliveryFailed { detail: "sms: injected failure".into() });
        }
        self.inner.sms(phone, text).await
    }

    async fn emails(&self, emails: &[Email<'_>]) -> Result<Vec<Result<String>>> {
        self.inner.emails(emails).await
    }
}

#[tokio::test]
async fn a_failing_channel_is_retried_with_backoff_then_dead_lettered_and_listed() {
    let store = store_with_demo().await;
    let topic = moto::topic().await;
    // An e-mail topic SNS does not know: every e-mail publish fails (a real SNS error).
    let broken = config(&format!("{topic}-missing"));
    let (mother, mother_phone) = (parent(1), phone(11, 1));
    profile(&store, &mother, "ana@example.kz", Some(mother_phone.clone()), "ru").await;
    let kid =
        enqueue_child(&store, &mother, &child((2023, 4, 4), 1), monday() - Duration::days(3)).await;
    publish(&store, 1, monday()).await;
    let notice_id = format!("{}-2-0", kid.id.0);

    let mut now = monday();
    let mut due_times = Vec::new();
    for attempt in 1..=broken.max_attempts {
        let early = notify(&store, &broken, now - Duration::seconds(1)).await;
        assert_eq!(early.claimed, 0, "attempt {attempt} is not due before {now}");
        let report = notify(&store, &broken, now).await;
        assert_eq!(report.claimed, 1, "attempt {attempt}: {report:?}");
        let stored = store.notice(&notice_id).await.expect("read").expect("kept");
        assert_eq!(stored.item.attempts, attempt);
        assert!(
            stored.last_error.as_deref().is_some_and(|e| e.contains("email")),
            "{:?}",
            stored.last_error
        );
        assert!(stored.sms_sent_at.is_some(), "the SMS went out on the first attempt");
        if attempt < broken.max_attempts {
            assert_eq!((report.retried, stored.item.status.as_str()), (1, STATUS_PENDING));
            let wait = broken.backoff(attempt);
            assert_eq!(wait, Duration::minutes(2 << (attempt - 1)).min(Duration::hours(1)));
            now += wait;
            due_times.push(now);
            assert_eq!(
                stored.item.keys.gsi2sk.as_deref(),
                Some(kezek_functions::store::keys::outbox_sk(now, &notice_id).as_str())
            );
        } else {
            assert_eq!(
                (report.dead_lettered, stored.item.status.as_str()),
                (1, STATUS_DEAD_LETTER)
            );
            assert_eq!(stored.item.keys.gsi2pk.as_deref(), Some(DEAD_LETTER_LIST));
        }
    }
    // 2, 4, 8, 16, 32 minutes between the six attempts.
    assert_eq!(due_times.last().map(|last| *last - monday()), Some(Duration::minutes(62)));
    assert_eq!(moto::sms_to(&mother_phone).len(), 1, "a retry sends only the channel not yet sent");
    assert!(outbox(&store).await.is_empty(), "a dead letter is out of the outbox");
    let dead = store.dead_letters(100).await.expect("dead letters");
    assert!(
        dead.iter().any(|d| d.item.notice_id == notice_id && d.item.status == STATUS_DEAD_LETTER),
        "{dead:?}"
    );
    let later = notify(&store, &broken, now + Duration::days(1)).await;
    assert_eq!((later.due_read, later.claimed), (0, 0));

    // Once the topic is fixed, an operator re-queues it: the e-mail goes, the SMS does not again.
    assert!(store.requeue_dead_letter(&notice_id, now).await.expect("requeue"));
    assert!(!store.requeue_dead_letter(&notice_id, now).await.expect("only a dead letter"));
    let fixed = config(&topic);
    let report = notify(&store, &fixed, now).await;
    assert_eq!((report.sent, report.messages), (1, 1), "{report:?}");
    assert_eq!(moto::sms_to(&mother_phone).len(), 1);
    assert_eq!(moto::published_to(&topic).len(), 1);
    assert!(!store
        .dead_letters(100)
        .await
        .expect("dead letters")
        .iter()
        .any(|d| d.item.notice_id == notice_id));
    assert_eq!(
        store.notice(&notice_id).await.expect("read").expect("kept").item.status,
        STATUS_SENT
    );
}

#[tokio::test]
async fn a_flaky_channel_recovers_on_a_later_attempt_without_repeating_the_other() {
    let store = store_with_demo().await;
    let topic = moto::topic().await;
    let config = config(&topic);
    let (father, father_phone) = (parent(2), phone(12, 1));
    profile(&store, &father, "papa@example.kz", Some(father_phone.clone()), "kk").await;
    let kid =
        enqueue_child(&store, &father, &child((2023, 5, 5), 2), monday() - Duration::days(3)).await;
    publish(&store, 1, monday()).await;
    let flaky = Flaky {
        inner: SnsPublisher::new(local_sns_client(moto::endpoint()), topic.clone()),
        sms_failures: AtomicU32::new(2),
    };

    let first = run_notify_with(&store, &flaky, &config, monday()).await.expect("run");
    assert_eq!(
        (first.retried, first.messages),
        (1, 1),
        "the e-mail went, the SMS failed: {first:?}"
    );
    let second = run_notify_with(&store, &flaky, &config, monday() + Duration::minutes(2))
        .await
        .expect("run");
    assert_eq!((second.retried, second.messages), (1, 0), "{second:?}");
    let third = run_notify_with(&store, &flaky, &config, monday() + Duration::minutes(6))
        .await
        .expect("run");
    assert_eq!((third.sent, third.messages), (1, 1), "{third:?}");
    assert_eq!(moto::sms_to(&father_phone).len(), 1);
    assert_eq!(moto::published_to(&topic).len(), 1, "the e-mail was not sent again");
    let stored = store.notice(&format!("{}-2-0", kid.id.0)).await.expect("read").expect("kept");
    assert_eq!((stored.item.status.as_str(), stored.item.attempts), (STATUS_SENT, 3));
}

#[tokio::test]
async fn a_notice_waits_for_the_applicants_contact() {
    let store = store_with_demo().await;
    let topic = moto::topic().await;
    let config = config(&topic);
    let (mother, mother_phone) = (parent(3), phone(13, 1));
    enqueue_child(&store, &mother, &child((2023, 6, 6), 3), monday() - Duration::days(3)).await;
    publish(&store, 1, monday()).await;
    let report = notify(&store, &config, monday()).await;
    assert_eq!((report.retried, report.messages), (1, 0), "no profile yet: {report:?}");
    let waiting = outbox(&store).await;
    assert!(
        waiting[0].last_error.as_deref().is_some_and(|e| e.contains("contact_missing")),
        "{waiting:?}"
    );

    profile(&store, &mother, "ana3@example.kz", Some(mother_phone.clone()), "kk").await;
    let report = notify(&store, &config, monday() + Duration::minutes(2)).await;
    assert_eq!((report.sent, report.messages), (1, 2), "{report:?}");
    assert_eq!(moto::sms_to(&mother_phone).len(), 1);
}

#[tokio::test]
async fn a_claim_whose_run_died_is_taken_over_after_its_lease() {
    let store = store_with_demo().await;
    let topic = moto::topic().await;
    let config = config(&topic);
    let (mother, mother_phone) = (parent(4), phone(14, 1));
    profile(&store, &mother, "ana4@example.kz", Some(mother_phone.clone()), "ru").await;
    enqueue_child(&store, &mother, &child((2023, 7, 7), 4), monday() - Duration::days(3)).await;
    publish(&store, 1, monday()).await;
    // A run claims the notice and dies before sending anything.
    let seen = store
        .due_notices(
            kezek_functions::store::keys::shard_of(&outbox(&store).await[0].item.notice_id),
            monday(),
            10,
        )
        .await
        .expect("due");
    let (claim, claimed) = store
        .claim_notice(&seen[0], monday(), monday() + config.lease)
        .await
        .expect("claim")
        .expect("won");
    assert_eq!((claim.attempt, claimed.item.status.as_str()), (1, STATUS_SENDING));
    assert!(
        store
            .claim_notice(&seen[0], monday(), monday() + config.lease)
            .await
            .expect("claim")
            .is_none(),
        "claimed once"
    );

    let during = notify(&store, &config, monday() + config.lease - Duration::seconds(1)).await;
    assert_eq!((during.claimed, during.messages), (0, 0), "the lease holds: {during:?}");
    let after = notify(&store, &config, monday() + config.lease).await;
    assert_eq!((after.claimed, after.sent, after.messages), (1, 1, 2), "{after:?}");
    assert_eq!(moto::sms_to(&mother_phone).len(), 1);
    // The dead run's late outcome cannot overwrite the newer one.
    assert!(!store
        .retry_notice(&claim, monday() + Duration::hours(1), "late")
        .await
        .expect("update"));
    assert_eq!(
        store.notice(&claim.notice_id).await.expect("read").expect("kept").item.status,
        STATUS_SENT
    );
}
