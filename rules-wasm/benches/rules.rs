//! Benchmarks of the rules (criterion): `cargo bench -p kezek-rules`.
//! Aims (issue 2): turn engine ≤ 50 ms for 10,000 offers over 200,000 applications;
//! one working-day deadline ≤ 1 µs; one eligibility preview natively (the WebAssembly
//! figure comes from scripts/bench-preview.mjs).

use std::hint::black_box;

use chrono::{Duration, FixedOffset, NaiveDate, TimeZone, Utc};
use criterion::{criterion_group, criterion_main, Criterion};
use kezek_rules::api::{preview_eligibility, PreviewInput};
use kezek_rules::application::{
    Application, ApplicationId, ApplicationState, Command, Priority, RuleContext,
};
use kezek_rules::calendar::WorkingCalendar;
use kezek_rules::deadline::deadline_at;
use kezek_rules::js::codec::Writer;
use kezek_rules::js::compact;
use kezek_rules::places::{GroupId, Pool, PoolKey};
use kezek_rules::policy::{Policy, Span};
use kezek_rules::queue::{QueueEntry, Waiting};
use kezek_rules::time::{Instant, RegionClock};
use kezek_rules::turn_engine::select_offers;

const APPLICATIONS: usize = 200_000;
const PLACES: u32 = 10_000;

fn local(y: i32, m: u32, d: u32, hour: u32) -> Instant {
    FixedOffset::east_opt(5 * 3600)
        .expect("offset")
        .with_ymd_and_hms(y, m, d, hour, 0, 0)
        .single()
        .expect("valid")
        .with_timezone(&Utc)
}

fn applications(key: &PoolKey) -> Vec<Application> {
    (0..APPLICATIONS)
        .map(|i| Application {
            id: ApplicationId(format!("app-{i:07}")),
            child_iin: String::new(),
            // A spread of birth dates: about a quarter are still too young in March 2026.
            child_birth_date: NaiveDate::from_ymd_opt(2023, 1, 1).expect("date")
                + Duration::days((i * 7 % 700) as i64),
            pool: key.clone(),
            priority: match i % 10 {
                0 => Priority::OutOfTurn,
                1 | 2 => Priority::FirstPriority,
                _ => Priority::General,
            },
            registered_at: local(2023, 6, 1, 9)
                + Duration::milliseconds((i as i64 * 7_919) % 86_400_000 * 300),
            lapses: 0,
            state: ApplicationState::Queued,
            version: 1,
            siblings: None,
        })
        .collect()
}

fn turn_engine(c: &mut Criterion) {
    let key = PoolKey { region_id: "bench".into(), group_year: 2023 };
    let applications = applications(&key);
    let entries: Vec<QueueEntry> =
        applications.iter().filter_map(kezek_rules::queue::QueueEntry::of).collect();
    let mut pool = Pool::new(key);
    pool.add_group(GroupId("g".into())).expect("room");
    let publish = pool.publish(&GroupId("g".into()), PLACES).expect("publish");
    pool.apply(&publish).expect("apply");
    let policy = Policy::default();
    let clock = RegionClock::default();
    let now = local(2026, 3, 2, 10);
    let context = RuleContext {
        policy: &policy,
        calendar: WorkingCalendar::kazakhstan(),
        clock: &clock,
        now,
    };
    assert_eq!(
        select_offers(&entries, PLACES, &policy, &clock, now).expect("runs").len(),
        PLACES as usize
    );
    c.bench_function("turn_engine/select_10k_of_200k", |b| {
        b.iter(|| select_offers(black_box(&entries), PLACES, &policy, &clock, now).expect("runs"))
    });
    c.bench_function("turn_engine/select_and_offer_10k_of_200k", |b| {
        b.iter(|| {
            let selected =
                select_offers(black_box(&entries), PLACES, &policy, &clock, now).expect("runs");
            let mut offered = 0;
            for index in selected {
                let transition =
                    applications[index].apply(&Command::Offer, &pool, &context).expect("offer");
                offered += transition.effects.places.len();
            }
            offered
        })
    });
    let waiting = entries.iter().filter(|e| e.waiting == Waiting::Queued).count();
    assert_eq!(waiting, APPLICATIONS);
}

fn deadlines(c: &mut Criterion) {
    let calendar = WorkingCalendar::kazakhstan();
    let clock = RegionClock::default();
    let event_at = local(2026, 3, 19, 15);
    c.bench_function("deadline/offer_window_3_working_days", |b| {
        b.iter(|| {
            deadline_at(black_box(Span::WorkingDays(3)), black_box(event_at), calendar, &clock)
                .expect("in range")
        })
    });
    c.bench_function("deadline/stop_list_10_working_days", |b| {
        b.iter(|| {
            deadline_at(black_box(Span::WorkingDays(10)), black_box(event_at), calendar, &clock)
                .expect("in range")
        })
    });
}

fn preview(c: &mut Criterion) {
    let input = PreviewInput {
        child_iin: None,
        birth_date: Some(NaiveDate::from_ymd_opt(2024, 3, 14).expect("date")),
        state: ApplicationState::Queued,
        free_choice_places: 2,
        groups_with_free_places: 3,
        policy: None,
        clock: None,
        now: local(2026, 3, 2, 10),
    };
    c.bench_function("preview/eligibility_native", |b| {
        b.iter(|| preview_eligibility(black_box(input.clone())).expect("valid"))
    });
    // The native twin of a call across the WebAssembly boundary: JSON text in, JSON text out.
    let json = serde_json::to_string(&input).expect("serializes");
    c.bench_function("preview/eligibility_native_json", |b| {
        b.iter(|| {
            let parsed: PreviewInput = serde_json::from_str(black_box(&json)).expect("parses");
            serde_json::to_string(&preview_eligibility(parsed).expect("valid")).expect("serializes")
        })
    });
    // The twin of the module's own work: the compact words in, the compact words out.
    let words = compact_preview_words(&input);
    assert_eq!(compact::call(2, &words)[0], 0.0, "answers");
    c.bench_function("preview/eligibility_native_compact", |b| {
        b.iter(|| compact::call(2, black_box(&words)))
    });
}

/// The compact input of a preview with a birth date, no policy and no clock (see js/compact.rs).
fn compact_preview_words(input: &PreviewInput) -> Vec<f64> {
    let mut writer = Writer::default();
    writer.option(None::<&str>, Writer::string);
    writer.option(input.birth_date, Writer::date);
    writer.int(0); // queued
    writer.int(i64::from(input.free_choice_places));
    writer.int(i64::from(input.groups_with_free_places));
    writer.flag(false);
    writer.flag(false);
    writer.instant(input.now);
    writer.words
}

criterion_group!(benches, turn_engine, deadlines, preview);
criterion_main!(benches);
