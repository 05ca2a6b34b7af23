use chrono::Duration;
use kezek_functions::rules::application::NoticeKind;
use kezek_functions::store::outbox::STATUS_SENT;

use crate::support::{child, monday, parent, store_with_demo};
use crate::{
    choose_and_sign, config, enqueue_child, moto, notify, outbox, phone, profile, publish,
};

#[tokio::test]
async fn the_turn_came_is_delivered_once_by_sms_and_email_in_kazakh() {
    let store = store_with_demo().await;
    let topic = moto::topic().await;
    let config = config(&topic);
    let (mother, mother_phone) = (parent(1), phone(1, 1));
    profile(&store, &mother, "ana@example.kz", Some(mother_phone.clone()), "kk").await;
    let kid =
        enqueue_child(&store, &mother, &child((2023, 4, 4), 1), monday() - Duration::days(3)).await;
    assert_eq!(publish(&store, 1, monday()).await, vec![kid.id.clone()]);
    let pending = outbox(&store).await;
    assert_eq!(pending.len(), 1);
    let notice_id = pending[0].item.notice_id.clone();
    assert_eq!(notice_id, format!("{}-2-0", kid.id.0));

    let report = notify(&store, &config, monday()).await;
    assert_eq!(
        (report.due_read, report.claimed, report.sent, report.messages),
        (1, 1, 1, 2),
        "{report:?}"
    );
    let sms = moto::sms_to(&mother_phone);
    assert_eq!(sms.len(), 1, "{sms:?}");
    // The offer window ends at 00:00 on Friday 6 March (+05:00): the last day is 5 March.
    assert_eq!(sms[0].message, "Кезегіңіз келді: балабақшаны 2026 жылғы 5 наурыз күнінің соңына дейін таңдап, қол қойыңыз.");
    let emails = moto::published_to(&topic);
    assert_eq!(emails.len(), 1, "{emails:?}");
    let email = &emails[0];
    assert_eq!(email.subject, "kezek: Балабақшаға кезегіңіз келді");
    assert_eq!(email.attributes.get("recipient").map(String::as_str), Some("ana@example.kz"));
    assert_eq!(email.attributes.get("language").map(String::as_str), Some("kk"));
    assert_eq!(email.attributes.get("template").map(String::as_str), Some("turn_came"));
    assert_eq!(email.attributes.get("noticeId"), Some(&notice_id));
    assert!(email.message.starts_with("Құрметті ата-ана!"), "{}", email.message);
    assert!(
        email.message.contains(&kid.id.0)
            && email.message.contains("2026 жылғы 5 наурыз күнінің соңына дейін"),
        "{}",
        email.message
    );

    let stored = store.notice(&notice_id).await.expect("read").expect("kept");
    assert_eq!((stored.item.status.as_str(), stored.item.attempts), (STATUS_SENT, 1));
    assert!(
        stored.sms_sent_at.is_some() && stored.email_sent_at.is_some() && stored.sent_at.is_some()
    );
    assert_eq!(stored.item.keys.gsi2pk, None, "a sent notice leaves the outbox index");
    assert!(outbox(&store).await.is_empty());

    // Running again, even much later, sends nothing more.
    for later in [monday(), monday() + Duration::days(2)] {
        let again = notify(&store, &config, later).await;
        assert_eq!((again.due_read, again.claimed, again.messages), (0, 0, 0), "{again:?}");
    }
    assert_eq!(moto::sms_to(&mother_phone).len(), 1);
    assert_eq!(moto::published_to(&topic).len(), 1);
}

#[tokio::test]
async fn a_referral_in_russian_names_the_kindergarten_and_its_last_valid_day() {
    let store = store_with_demo().await;
    let topic = moto::topic().await;
    let config = config(&topic);
    let (father, father_phone) = (parent(2), phone(2, 1));
    profile(&store, &father, "papa@example.kz", Some(father_phone.clone()), "ru").await;
    let kid =
        enqueue_child(&store, &father, &child((2023, 5, 5), 2), monday() - Duration::days(3)).await;
    publish(&store, 1, monday()).await;
    let now = monday() + Duration::hours(2);
    let signed = choose_and_sign(&store, &father, &kid.id, None, now).await.expect("signed");
    assert!(matches!(outbox(&store).await.len(), 2));

    let report = notify(&store, &config, now).await;
    assert_eq!((report.claimed, report.sent, report.messages), (2, 2, 4), "{report:?}");
    let sms: Vec<String> = moto::sms_to(&father_phone).into_iter().map(|s| s.message).collect();
    assert_eq!(sms.len(), 2, "{sms:?}");
    assert!(sms.contains(&"Подошла ваша очередь: выберите детский сад и подпишите выбор до конца дня 5 марта 2026 г.".to_owned()), "{sms:?}");
    // Five working days after Monday 2 March 2026: 3, 4, 5, 6 and 10 March (8 March, a
    // Sunday, moves its day off to Monday 9 March); valid through the end of 10 March.
    assert_eq!(
        signed.referral.valid_until_at,
        chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 3, 10, 19, 0, 0)
            .single()
            .expect("instant")
    );
    assert!(
        sms.contains(&"Выдано направление в детский сад (Детский сад №1 «Акбота»). Направление действительно до конца дня 10 марта 2026 г.".to_owned()),
        "{sms:?}"
    );
    let emails = moto::published_to(&topic);
    let templates: Vec<&str> =
        emails.iter().filter_map(|e| e.attributes.get("template").map(String::as_str)).collect();
    assert_eq!(templates.len(), 2);
    assert!(
        templates.contains(&"turn_came") && templates.contains(&"referral_issued"),
        "{templates:?}"
    );
    let referral = emails
        .iter()
        .find(|e| e.attributes.get("template").map(String::as_str) == Some("referral_issued"))
        .expect("referral e-mail");
    assert_eq!(referral.subject, "kezek: Выдано направление в детский сад");
    assert_eq!(referral.attributes.get("language").map(String::as_str), Some("ru"));
    assert!(
        referral.message.starts_with("Уважаемый родитель!")
            && referral.message.contains("до конца дня 10 марта 2026 г."),
        "{}",
        referral.message
    );
    assert!(outbox(&store).await.is_empty());
}

#[tokio::test]
async fn without_a_phone_only_the_email_is_sent() {
    let store = store_with_demo().await;
    let topic = moto::topic().await;
    let config = config(&topic);
    let mother = parent(3);
    profile(&store, &mother, "no-phone@example.kz", None, "en").await;
    let kid =
        enqueue_child(&store, &mother, &child((2023, 6, 6), 3), monday() - Duration::days(3)).await;
    publish(&store, 1, monday()).await;
    let report = notify(&store, &config, monday()).await;
    assert_eq!((report.sent, report.messages), (1, 1), "{report:?}");
    let emails = moto::published_to(&topic);
    assert_eq!(emails.len(), 1);
    assert_eq!(emails[0].attributes.get("language").map(String::as_str), Some("en"));
    assert!(emails[0].message.contains("until the end of 5 March 2026"), "{}", emails[0].message);
    let stored = store.notice(&format!("{}-2-0", kid.id.0)).await.expect("read").expect("kept");
    assert_eq!(stored.item.status, STATUS_SENT);
    assert_eq!(stored.sms_sent_at, None);
    assert_eq!(stored.skipped_channels, Some(vec!["sms".to_owned()]));
}

#[tokio::test]
async fn two_concurrent_runs_deliver_each_notice_exactly_once() {
    let store = store_with_demo().await;
    let topic = moto::topic().await;
    let config = config(&topic);
    let mut phones = Vec::new();
    for n in 1..=5u16 {
        let (who, number) = (parent(10 + n), phone(4, n));
        profile(
            &store,
            &who,
            &format!("p{n}@example.kz"),
            Some(number.clone()),
            if n % 2 == 0 { "ru" } else { "kk" },
        )
        .await;
        enqueue_child(
            &store,
            &who,
            &child((2023, 1, u32::from(n)), 10 + n),
            monday() - Duration::days(10) + Duration::minutes(i64::from(n)),
        )
        .await;
        phones.push(number);
    }
    assert_eq!(publish(&store, 5, monday()).await.len(), 5);
    assert_eq!(outbox(&store).await.len(), 5);

    let (a, b, c) = tokio::join!(
        notify(&store, &config, monday()),
        notify(&store, &config, monday()),
        notify(&store, &config, monday())
    );
    assert_eq!(a.claimed + b.claimed + c.claimed, 5, "{a:?} {b:?} {c:?}");
    assert_eq!(a.sent + b.sent + c.sent, 5);
    assert_eq!(a.messages + b.messages + c.messages, 10);
    for number in &phones {
        assert_eq!(moto::sms_to(number).len(), 1, "one SMS to {number}");
    }
    let emails = moto::published_to(&topic);
    assert_eq!(emails.len(), 5);
    let mut ids: Vec<&String> =
        emails.iter().filter_map(|e| e.attributes.get("noticeId")).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 5, "one e-mail per notice");
    let again = notify(&store, &config, monday() + Duration::hours(1)).await;
    assert_eq!((again.claimed, again.messages), (0, 0));
    assert!(outbox(&store).await.is_empty());
}

#[tokio::test]
async fn nothing_is_sent_for_a_change_that_did_not_commit() {
    let store = store_with_demo().await;
    let topic = moto::topic().await;
    let config = config(&topic);
    let (mother, mother_phone) = (parent(4), phone(5, 1));
    profile(&store, &mother, "ana4@example.kz", Some(mother_phone.clone()), "kk").await;
    let kid =
        enqueue_child(&store, &mother, &child((2023, 7, 7), 4), monday() - Duration::days(3)).await;
    publish(&store, 1, monday()).await;
    assert_eq!(notify(&store, &config, monday()).await.sent, 1, "the turn came");

    // A sign over a stale version fails as a whole: no referral, no notice.
    let now = monday() + Duration::hours(1);
    let refused =
        choose_and_sign(&store, &mother, &kid.id, Some(1), now).await.expect_err("stale version");
    assert_eq!(refused.code(), "version_conflict");
    assert!(outbox(&store).await.is_empty(), "no notice of a failed transaction");
    assert!(store.notice(&format!("{}-3-0", kid.id.0)).await.expect("read").is_none());
    let report = notify(&store, &config, now).await;
    assert_eq!((report.due_read, report.messages), (0, 0), "{report:?}");
    assert_eq!(moto::sms_to(&mother_phone).len(), 1);
    let emails = moto::published_to(&topic);
    assert_eq!(emails.len(), 1);
    assert_eq!(emails[0].attributes.get("template").map(String::as_str), Some("turn_came"));

    // The same sign at the current version commits, and its notice is delivered.
    choose_and_sign(&store, &mother, &kid.id, Some(2), now).await.expect("signed");
    let kinds: Vec<NoticeKind> =
        outbox(&store).await.into_iter().map(|n| n.item.notice.kind).collect();
    assert!(matches!(kinds.as_slice(), [NoticeKind::ReferralIssued { .. }]), "{kinds:?}");
    assert_eq!(notify(&store, &config, now).await.sent, 1);
    assert_eq!(moto::sms_to(&mother_phone).len(), 2);
}
