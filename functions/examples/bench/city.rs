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
//! 8 runs at a time (`KEZEK_BENCH_NOTIFY_RUNS`; one starts when another ends), each taking up to
//! 400 notices, until none is left or 240 s have passed (then the rate and the time all would take at it are printed).
//!
//! `KEZEK_BENCH_CITY_SCALE=N` divides every count by N (a quick check of the round itself);
//! `KEZEK_BENCH_NOTIFY_CONCURRENCY=N` sets how many calls of each kind a run has in flight
//! (default 8 here, [`NOTIFY_CONCURRENCY_DEFAULT`]);
//! `KEZEK_BENCH_NOTIFY_AB=1` delivers alternating quarters of the outbox through the path
//! before the batched one (`one_by_one.rs`) and the batched one, and prints both;
//! `KEZEK_BENCH_ONLY_CITY=1` runs the round alone; `KEZEK_BENCH_CITY_NO_NOTIFY=1` stops it once the
//! offers are committed.

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
const NOTIFY_WORKERS_DEFAULT: usize = 8;
/// Calls of each kind a run has in flight here (the product's default is 32): moto answers one
/// request at a time (one Python process), and 8 runs × 32 calls only made its 256 threads
/// contend — 25,000 notices took 137 s at 32 and 118 s at 8 in the same machine state.
const NOTIFY_CONCURRENCY_DEFAULT: usize = 8;

/// `KEZEK_BENCH_NOTIFY_RUNS` (default 8): how many `notify` runs go at once.
fn notify_workers() -> usize {
    std::env::var("KEZEK_BENCH_NOTIFY_RUNS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(NOTIFY_WORKERS_DEFAULT)
        .max(1)
}
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

/// Which delivery path a slice of the outbox goes through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Path {
    /// `notify::run_notify`: batched reads, PublishBatch, one record per notice.
    Batched,
    /// The path before it (`one_by_one.rs`), for the A/B.
    OneByOne,
}

impl Path {
    fn name(self) -> &'static str {
        match self {
            Path::Batched => "batched",
            Path::OneByOne => "one by one (before)",
        }
    }
}

/// What delivering a slice of the outbox took.
#[derive(Debug, Clone, Default)]
struct Slice {
    report: NotifyReport,
    seconds: f64,
    dynamodb_calls: u64,
    /// The budget ended before the slice's notices were all sent.
    out_of_time: bool,
}

impl Slice {
    fn add(&mut self, other: &Slice) {
        let (a, b) = (&mut self.report, &other.report);
        a.claimed += b.claimed;
        a.sent += b.sent;
        a.messages += b.messages;
        a.retried += b.retried;
        a.dead_lettered += b.dead_lettered;
        a.sns_calls += b.sns_calls;
        a.skipped += b.skipped;
        a.left += b.left;
        self.seconds += other.seconds;
        self.dynamodb_calls += other.dynamodb_calls;
        self.out_of_time |= other.out_of_time;
    }

    fn print(&self, what: &str, offered: usize) {
        let sent = self.report.sent.max(1) as f64;
        let rate = self.report.sent as f64 / self.seconds;
        println!(
            "city round: notify {what}: {} notices in {:.1} s = {rate:.0} notices/s; per notice {:.2} DynamoDB calls + {:.2} SNS calls ({} messages, {} retried, {} dead letters; {} claims lost to another run, {} due left to it); 25,000 would take {:.0} s, these {offered} {:.0} s",
            self.report.sent,
            self.seconds,
            self.dynamodb_calls as f64 / sent,
            self.report.sns_calls as f64 / sent,
            self.report.messages,
            self.report.retried,
            self.report.dead_lettered,
            self.report.skipped,
            self.report.left,
            25_000.0 / rate,
            offered as f64 / rate,
        );
    }
}

/// A random shard for a baseline run to start at (as `notify` does).
fn random_shard() -> u32 {
    use std::hash::BuildHasher;
    let random = std::collections::hash_map::RandomState::new().hash_one(keys::DUE_SHARDS);
    (random % u64::from(keys::DUE_SHARDS)) as u32
}

/// `notify` runs through `path`, `KEZEK_BENCH_NOTIFY_RUNS` at a time (as concurrent Lambda
/// invocations: when one ends the next starts), until at least `target` notices are sent, a
/// run claims nothing, or `budget` has passed.
async fn deliver_slice(
    store: &Store,
    sns: &aws_sdk_sns::Client,
    config: &NotifyConfig,
    path: Path,
    target: usize,
    budget: std::time::Duration,
    now: DateTime<Utc>,
) -> Result<Slice, Failure> {
    let mut config = config.clone();
    config.per_run = config.per_run.min(target.div_ceil(notify_workers()).max(1));
    let mut slice = Slice::default();
    let (before, started) = (store.usage(), Clock::now());
    let start = |runs: &mut tokio::task::JoinSet<_>| {
        let (store, sns, config) = (store.clone(), sns.clone(), config.clone());
        runs.spawn(async move {
            match path {
                Path::Batched => run_notify(&store, &sns, &config, now).await,
                Path::OneByOne => {
                    super::one_by_one::run(&store, &sns, &config, now, random_shard()).await
                }
            }
        });
    };
    let mut runs = tokio::task::JoinSet::new();
    for _ in 0..notify_workers() {
        start(&mut runs);
    }
    while let Some(run) = runs.join_next().await {
        let report = run??;
        let claimed = report.claimed;
        slice.add(&Slice { report, ..Slice::default() });
        // A run that claimed nothing is not replaced (the others may still leave some due);
        // the runs in flight count as sending their most against the target.
        let enough = slice.report.sent + runs.len() * config.per_run >= target;
        if claimed > 0 && !enough && started.elapsed() <= budget {
            start(&mut runs);
        }
    }
    slice.seconds = started.elapsed().as_secs_f64();
    slice.out_of_time = slice.report.sent < target && started.elapsed() > budget;
    slice.dynamodb_calls = store.usage().since(before).round_trips;
    Ok(slice)
}

/// The notices delivered by `notify` (moto): all through the batched path, or, with
/// `KEZEK_BENCH_NOTIFY_AB=1`, alternating quarters of the same outbox through the path before
/// and the batched one (same machine state), each path's figures printed.
async fn deliver_all(
    store: &Store,
    endpoint: &str,
    offered: usize,
    now: DateTime<Utc>,
) -> Result<(NotifyReport, bool), Failure> {
    let sns = local_sns_client(endpoint);
    let topic = sns.create_topic().name("kezek-bench-city").send().await?;
    let mut config = NotifyConfig::new(topic.topic_arn.ok_or("topic arn")?);
    config.endpoint_url = Some(endpoint.to_owned());
    config.concurrency = std::env::var("KEZEK_BENCH_NOTIFY_CONCURRENCY")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(NOTIFY_CONCURRENCY_DEFAULT);
    println!(
        "city round: notify has up to {} calls of each kind in flight per run, {} runs at a time",
        config.concurrency,
        notify_workers()
    );
    if std::env::var_os("KEZEK_BENCH_NOTIFY_AB").is_none() {
        let all =
            deliver_slice(store, &sns, &config, Path::Batched, offered, NOTIFY_BUDGET, now).await?;
        all.print(Path::Batched.name(), offered);
        return Ok((all.report, all.out_of_time));
    }
    let quarter = offered.div_ceil(4);
    let (mut batched, mut one_by_one) = (Slice::default(), Slice::default());
    for path in [Path::OneByOne, Path::Batched, Path::OneByOne, Path::Batched] {
        let slice =
            deliver_slice(store, &sns, &config, path, quarter, NOTIFY_BUDGET / 4, now).await?;
        slice.print(&format!("A/B quarter, {}", path.name()), offered);
        match path {
            Path::Batched => batched.add(&slice),
            Path::OneByOne => one_by_one.add(&slice),
        }
    }
    one_by_one.print(&format!("A/B, {}", Path::OneByOne.name()), offered);
    batched.print(&format!("A/B, {}", Path::Batched.name()), offered);
    let mut total = batched;
    total.add(&one_by_one);
    Ok((total.report, total.out_of_time))
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

    let (before, started, cpu) = (store.usage(), Clock::now(), super::cpu::CpuTimes::now());
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
        "city round: {places} places published, {offered} offers committed with their notices in the outbox in {published:.1} s ({round_trips} round trips, 5 pools at once); {}",
        super::cpu::CpuTimes::now().since(&cpu)
    );

    if std::env::var_os("KEZEK_BENCH_CITY_NO_NOTIFY").is_some() {
        return Ok(());
    }
    let (started, cpu) = (Clock::now(), super::cpu::CpuTimes::now());
    let (report, out_of_time) = deliver_all(store, &endpoint, offered, now).await?;
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "city round: notify delivered {} of {offered} notices ({} SMS + e-mails to SNS on moto, {} retried, {} dead letters) in {seconds:.1} s ({} runs at a time): {:.0} notices/s, all {offered} in about {:.0} s at that rate; {}",
        report.sent,
        report.messages,
        report.retried,
        report.dead_lettered,
        notify_workers(),
        report.sent as f64 / seconds,
        offered as f64 * seconds / report.sent.max(1) as f64,
        super::cpu::CpuTimes::now().since(&cpu)
    );
    if report.sent < offered && !out_of_time {
        return Err(format!("{offered} offers but {} notices delivered", report.sent).into());
    }
    Ok(())
}
