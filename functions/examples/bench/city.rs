//! A city's round (issue 11 item 2): 25,000 places published over 5 pools of 20,000–40,000
//! waiting children (150,000 in all), the offers committed with their notices in the outbox,
//! then the notices delivered by `notify` to SNS (moto at `KEZEK_SNS_ENDPOINT`).
//!
//! The round is a year after the rest of the benchmark (Tuesday 2 March 2027), so that every
//! pool's children are old enough (R4: two years) and no earlier offer or sweep meets it.
//! The city is a region of its own (Taldykorgan's clock and the default policy) with ten
//! kindergartens, each with a Kazakh group for every birth year 2020–2024. The waiting
//! children are written in batches with their queue tally (as the rest of the benchmark
//! does), with 2,000 parents whose profiles give an e-mail address and a phone. Then each
//! kindergarten publishes 500 places in each of its groups: the five pools are published at
//! once (one task per pool, its ten kindergartens one after the other, as staff would), each
//! publish running the turn engine. `notify` runs as concurrent Lambda invocations would:
//! `NOTIFY_WORKERS` runs at a time, each taking up to 400 notices, until none is left or
//! 240 s have passed (then the rate and the time all would take at it are printed).
//!
//! `KEZEK_BENCH_CITY_SCALE=N` divides every count by N (a quick check of the round itself);
//! `KEZEK_BENCH_NOTIFY_CONCURRENCY=N` sets how many notices a run delivers at once (default 32);
//! `KEZEK_BENCH_ONLY_CITY=1` runs the round alone.

use std::error::Error;
use std::time::Instant as Clock;

use chrono::{DateTime, Duration, Utc};
use kezek_functions::commands::catalog::demo_kindergartens;
use kezek_functions::commands::places::{change_places, PlacesAction, PlacesInput};
use kezek_functions::commands::profile::ProfileItem;
use kezek_functions::notify::deliver::local_sns_client;
use kezek_functions::notify::{run_notify, NotifyConfig, NotifyReport};
use kezek_functions::rules::application::{Application, ApplicationId, ApplicationState, Priority};
use kezek_functions::rules::iin::Iin;
use kezek_functions::rules::places::{GroupId, PoolKey};
use kezek_functions::rules::policy::PolicyHistory;
use kezek_functions::store::items::{ApplicationItem, GroupInfo, Keys, RegionItem};
use kezek_functions::store::keys;
use kezek_functions::store::tally::tally_items;
use kezek_functions::store::transact::to_item;
use kezek_functions::store::Store;

type Failure = Box<dyn Error + Send + Sync>;

const CITY: &str = "kz-bench-city";
/// Birth years (pools) and how many children wait in each.
const POOLS: [(i32, usize); 5] =
    [(2020, 20_000), (2021, 25_000), (2022, 30_000), (2023, 35_000), (2024, 40_000)];
const KINDERGARTENS: usize = 10;
/// Places each kindergarten publishes in each of its groups: 10 × 5 × 500 = 25,000.
const PLACES_PER_GROUP: u32 = 500;
const PARENTS: usize = 2_000;
const NOTIFY_WORKERS: usize = 8;
const NOTIFY_BUDGET: std::time::Duration = std::time::Duration::from_secs(240);

/// `KEZEK_BENCH_CITY_SCALE` (default 1).
fn scale() -> usize {
    std::env::var("KEZEK_BENCH_CITY_SCALE").ok().and_then(|n| n.parse().ok()).unwrap_or(1).max(1)
}

fn places_per_group() -> u32 {
    PLACES_PER_GROUP / u32::try_from(scale()).unwrap_or(1).min(PLACES_PER_GROUP)
}

fn group_of(kindergarten: usize, year: i32) -> GroupId {
    GroupId(format!("city-kg-{kindergarten:02}-{year}-kk"))
}

/// The city region and its kindergartens.
async fn load_city(store: &Store) -> Result<(), Failure> {
    let model: RegionItem =
        store.get(&keys::region(super::REGION)).await?.ok_or("the demo region")?;
    let mut region = model.region;
    region.id = CITY.to_owned();
    store.load_region(region, PolicyHistory::seed_defaults()).await?;
    let template = demo_kindergartens().into_iter().next().ok_or("a demo kindergarten")?;
    for k in 0..KINDERGARTENS {
        let mut kindergarten = template.clone();
        kindergarten.id = format!("city-kg-{k:02}");
        kindergarten.region_id = CITY.to_owned();
        kindergarten.groups = POOLS
            .iter()
            .map(|&(year, _)| GroupInfo {
                group_id: group_of(k, year),
                name: format!("Балапан {year}"),
                group_year: year,
                language: "kk".to_owned(),
            })
            .collect();
        store.load_kindergarten(kindergarten).await?;
    }
    Ok(())
}

/// The parents' profiles: an e-mail address and a phone each.
async fn load_parents(store: &Store, now: DateTime<Utc>) -> Result<(), Failure> {
    let mut items = Vec::with_capacity(PARENTS);
    for n in 0..PARENTS {
        let iin = super::parent(n);
        let profile = ProfileItem {
            keys: Keys::base(keys::profile(&iin)),
            email: format!("parent-{n}@example.kz"),
            phone: Some(format!("+7701{n:07}")),
            language: ["kk", "ru"][n % 2].to_owned(),
            updated_at: now,
            iin,
        };
        items.push(to_item(&profile)?);
    }
    store.write_batch(items, Vec::new()).await?;
    Ok(())
}

/// `count` waiting children of the `year` pool with their tally.
async fn load_pool(
    store: Store,
    year: i32,
    count: usize,
    now: DateTime<Utc>,
) -> Result<(), Failure> {
    let pool = PoolKey { region_id: CITY.to_owned(), group_year: year };
    let mut items = Vec::with_capacity(count + 1_000);
    let mut entries = Vec::with_capacity(count);
    for n in 0..count {
        let child_iin = super::child(year, n);
        let application = Application {
            id: ApplicationId(format!("city{year}-{n:06}")),
            child_birth_date: Iin::parse(&child_iin)?.birth_date,
            child_iin,
            pool: pool.clone(),
            priority: if n.is_multiple_of(10) {
                Priority::FirstPriority
            } else {
                Priority::General
            },
            registered_at: now - Duration::days(1_000) + Duration::seconds(n as i64 * 800),
            lapses: 0,
            state: ApplicationState::Queued,
            version: 1,
            siblings: None,
        };
        let item = ApplicationItem::new(application, super::parent(n % PARENTS), None, Vec::new());
        entries.push(item.queue.clone().ok_or("waits")?);
        items.push(to_item(&item)?);
    }
    items.extend(tally_items(&pool, &entries));
    store.write_batch(items, Vec::new()).await?;
    Ok(())
}

/// Each kindergarten publishes its places in the `year` group, one after the other; the
/// offers made.
async fn publish_pool(store: Store, year: i32, now: DateTime<Utc>) -> Result<usize, Failure> {
    let mut offered = 0;
    for k in 0..KINDERGARTENS {
        let input = PlacesInput {
            action: PlacesAction::Publish,
            group_id: group_of(k, year),
            count: places_per_group(),
        };
        let kindergarten = format!("city-kg-{k:02}");
        offered += change_places(&store, &kindergarten, &input, None, now).await?.offered.len();
    }
    Ok(offered)
}

/// `notify` runs, `NOTIFY_WORKERS` at a time, until a round of runs claims nothing or
/// `NOTIFY_BUDGET` has passed (the aim is 120 s; the rest would only repeat the rate).
async fn deliver_all(
    store: &Store,
    endpoint: &str,
    now: DateTime<Utc>,
) -> Result<NotifyReport, Failure> {
    let sns = local_sns_client(endpoint);
    let topic = sns.create_topic().name("kezek-bench-city").send().await?;
    let mut config = NotifyConfig::new(topic.topic_arn.ok_or("topic arn")?);
    config.endpoint_url = Some(endpoint.to_owned());
    if let Some(n) =
        std::env::var("KEZEK_BENCH_NOTIFY_CONCURRENCY").ok().and_then(|n| n.parse().ok())
    {
        config.concurrency = n;
    }
    println!("city round: notify delivers up to {} notices at once per run", config.concurrency);
    let mut total = NotifyReport::default();
    let started = Clock::now();
    loop {
        let runs: Vec<_> = (0..NOTIFY_WORKERS)
            .map(|_| {
                let (store, sns, config) = (store.clone(), sns.clone(), config.clone());
                tokio::spawn(async move { run_notify(&store, &sns, &config, now).await })
            })
            .collect();
        let mut claimed = 0;
        for run in runs {
            let report = run.await??;
            claimed += report.claimed;
            total.claimed += report.claimed;
            total.sent += report.sent;
            total.messages += report.messages;
            total.retried += report.retried;
            total.dead_lettered += report.dead_lettered;
        }
        if claimed == 0 || started.elapsed() > NOTIFY_BUDGET {
            return Ok(total);
        }
    }
}

/// The whole round, printed.
pub async fn city_round(store: &Store, now: DateTime<Utc>) -> Result<(), Failure> {
    let Ok(endpoint) = std::env::var("KEZEK_SNS_ENDPOINT") else {
        println!("city round: skipped (set KEZEK_SNS_ENDPOINT; scripts/bench-store.sh does)");
        return Ok(());
    };
    let started = Clock::now();
    load_city(store).await?;
    load_parents(store, now).await?;
    let loads: Vec<_> = POOLS
        .iter()
        .map(|&(year, count)| tokio::spawn(load_pool(store.clone(), year, count / scale(), now)))
        .collect();
    for load in loads {
        load.await??;
    }
    let waiting: usize = POOLS.iter().map(|(_, count)| count / scale()).sum();
    println!(
        "city round: {waiting} waiting in {} pools loaded in {:.1} s",
        POOLS.len(),
        started.elapsed().as_secs_f64()
    );

    let (before, started) = (store.usage(), Clock::now());
    let publishes: Vec<_> = POOLS
        .iter()
        .map(|&(year, _)| tokio::spawn(publish_pool(store.clone(), year, now)))
        .collect();
    let mut offered = 0;
    for publish in publishes {
        offered += publish.await??;
    }
    let published = started.elapsed().as_secs_f64();
    // One store, one meter: the five pools' round trips together.
    let round_trips = store.usage().since(before).round_trips;
    let places = KINDERGARTENS * POOLS.len() * places_per_group() as usize;
    println!(
        "city round: {places} places published, {offered} offers committed with their notices in the outbox in {published:.1} s ({round_trips} round trips, 5 pools at once)"
    );

    let started = Clock::now();
    let report = deliver_all(store, &endpoint, now).await?;
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "city round: notify delivered {} of {offered} notices ({} SMS + e-mails to SNS on moto, {} retried, {} dead letters) in {seconds:.1} s ({NOTIFY_WORKERS} runs at a time): {:.0} notices/s, all {offered} in about {:.0} s at that rate",
        report.sent,
        report.messages,
        report.retried,
        report.dead_lettered,
        report.sent as f64 / seconds,
        offered as f64 * seconds / report.sent.max(1) as f64
    );
    if report.sent < offered && started.elapsed() <= NOTIFY_BUDGET {
        return Err(format!("{offered} offers but {} notices delivered", report.sent).into());
    }
    Ok(())
}
