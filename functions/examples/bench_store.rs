//! Store benchmark (issue 3): DynamoDB round trips and consumed capacity per command; the
//! sweep's items read against items due with 100,000 applications of which 1% are due; one
//! enqueue and one sign split into store time and our own time. Needs a DynamoDB Local at
//! `KEZEK_DYNAMODB_ENDPOINT`; `scripts/bench-store.sh` starts one and runs this.

use std::error::Error;
use std::time::Instant as Clock;

use chrono::{Datelike, Duration, NaiveDate, TimeZone, Utc};
use kezek_functions::commands::catalog::load_demo;
use kezek_functions::commands::choose::{choose, ChooseInput};
use kezek_functions::commands::enqueue::{enqueue, EnqueueInput};
use kezek_functions::commands::journal::details;
use kezek_functions::commands::places::{change_places, PlacesAction, PlacesInput};
use kezek_functions::commands::sign::{sign, SignInput};
use kezek_functions::commands::sweep::sweep;
use kezek_functions::rules::application::{Application, ApplicationId, ApplicationState, Priority};
use kezek_functions::rules::iin::{Iin, Sex};
use kezek_functions::rules::places::{GroupId, PoolKey};
use kezek_functions::signature::{HmacTestVerifier, SignedChoice};
use kezek_functions::store::items::ApplicationItem;
use kezek_functions::store::meter::Usage;
use kezek_functions::store::tally::tally_items;
use kezek_functions::store::transact::to_item;
use kezek_functions::store::Store;

#[path = "bench/city.rs"]
mod city;
#[path = "bench/cpu.rs"]
mod cpu;
#[path = "bench/floor.rs"]
mod floor;
#[path = "bench/one_by_one.rs"]
mod one_by_one;

const REGION: &str = "kz-zhetisu-taldykorgan";
const BIG_POOL_APPLICATIONS: usize = 100_000;
const SMALL_POOL_APPLICATIONS: usize = 1_000;
const DUE: u32 = 1_000;
/// Applications whose details are timed at each pool size.
const DETAILS_SAMPLE: usize = 300;
const TIMED: usize = 100;

fn iin(birth: NaiveDate, sex: Sex, serial: u16) -> String {
    (serial..serial.saturating_add(40))
        .find_map(|s| Iin::compose(birth, sex, s))
        .expect("a serial with a check digit")
}

fn parent(n: usize) -> String {
    iin(
        NaiveDate::from_ymd_opt(1985, 1, 1).expect("date") + Duration::days((n / 200) as i64),
        Sex::Female,
        (n % 200 * 40) as u16,
    )
}

fn child(year: i32, n: usize) -> String {
    let birth =
        NaiveDate::from_ymd_opt(year, 1, 1).expect("date") + Duration::days((n % 360) as i64);
    // Up to 278 blocks of 360 days: serials 0..=834 (+ up to 40 to find a check digit).
    iin(birth, Sex::Male, (n / 360 * 3) as u16)
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// Per-call medians of total time, store time and own time, with round trips and capacity.
struct Timings {
    total: Vec<f64>,
    store: Vec<f64>,
    usage: Vec<Usage>,
}

impl Timings {
    fn new() -> Self {
        Self { total: Vec::new(), store: Vec::new(), usage: Vec::new() }
    }
    fn add(&mut self, elapsed: f64, usage: Usage) {
        self.total.push(elapsed * 1e3);
        self.store.push(usage.store_seconds * 1e3);
        self.usage.push(usage);
    }
    fn report(&mut self, name: &str) {
        let own: Vec<f64> = self.total.iter().zip(&self.store).map(|(t, s)| t - s).collect();
        let mut own = own;
        let mut trips: Vec<f64> = self.usage.iter().map(|u| u.round_trips as f64).collect();
        let most_trips = trips.iter().copied().fold(0.0, f64::max);
        let round_trips = median(&mut trips);
        let capacity: f64 =
            self.usage.iter().map(|u| u.capacity_units).sum::<f64>() / self.usage.len() as f64;
        let (total, store, own) =
            (median(&mut self.total), median(&mut self.store), median(&mut own));
        println!(
            "{name}: median {total:.2} ms = store {store:.2} ms + own {own:.3} ms ({:.1}% own); round trips {round_trips} (median; {most_trips} at most, a cold process also reads the calendar); capacity {capacity:.1} units (mean)",
            own / total * 100.0
        );
    }
}

/// The `n`-th bulk application of `pool`: one in ten first priority, registrations about
/// 800 s apart over some 900 days (about 100 a day, as a city's pool fills).
fn bulk_application(
    pool: &PoolKey,
    n: usize,
    now: chrono::DateTime<Utc>,
) -> Result<ApplicationItem, Box<dyn Error>> {
    let child_iin = child(pool.group_year, n);
    let birth_date = Iin::parse(&child_iin)?.birth_date;
    debug_assert_eq!(birth_date.year(), pool.group_year);
    let application = Application {
        id: ApplicationId(format!("bulk-{n:06}")),
        child_iin,
        child_birth_date: birth_date,
        pool: pool.clone(),
        priority: if n.is_multiple_of(10) { Priority::FirstPriority } else { Priority::General },
        registered_at: now - Duration::days(1_000) + Duration::seconds(n as i64 * 800),
        lapses: 0,
        state: ApplicationState::Queued,
        version: 1,
        siblings: None,
    };
    Ok(ApplicationItem::new(application, parent(n), None, Vec::new()))
}

/// GET /applications/{id} (the details command) for [`DETAILS_SAMPLE`] applications spread
/// over `people`: prints the medians, the most round trips and items of one read; returns
/// the median in milliseconds.
async fn time_details(
    store: &Store,
    people: &[(ApplicationId, String)],
    now: chrono::DateTime<Utc>,
) -> Result<f64, Box<dyn Error>> {
    let step = (people.len() / DETAILS_SAMPLE).max(1);
    // A warm process: the calendar is read once and kept (commands::calendar).
    details(store, &people[0].1, &people[0].0, now).await?;
    let mut timings = Timings::new();
    let (mut most_trips, mut most_items) = (0, 0);
    for (id, applicant) in people.iter().step_by(step) {
        let (before, started) = (store.usage(), Clock::now());
        let shown = details(store, applicant, id, now).await?;
        let usage = store.usage().since(before);
        timings.add(started.elapsed().as_secs_f64(), usage);
        shown.position.ok_or("a waiting application has a position")?;
        most_trips = most_trips.max(usage.round_trips);
        most_items = most_items.max(usage.items_read);
    }
    let p50 = median(&mut timings.total.clone());
    timings.report(&format!("GET /applications/{{id}} at {} waiting", people.len()));
    println!("  at most {most_trips} round trips and {most_items} items read per GET");
    Ok(p50)
}

/// 100,000 queued applications in the 2022 pool, written directly in batches with their
/// queue tally; GET /applications/{id} timed at 1,000 and at 100,000 waiting.
async fn positions(store: &Store, now: chrono::DateTime<Utc>) -> Result<(), Box<dyn Error>> {
    let pool = PoolKey { region_id: REGION.into(), group_year: 2022 };
    let started = Clock::now();
    let mut entries = Vec::with_capacity(BIG_POOL_APPLICATIONS);
    let mut people = Vec::with_capacity(BIG_POOL_APPLICATIONS);
    let mut medians = Vec::new();
    for (from, to) in
        [(0, SMALL_POOL_APPLICATIONS), (SMALL_POOL_APPLICATIONS, BIG_POOL_APPLICATIONS)]
    {
        let mut items = Vec::with_capacity(to - from);
        for n in from..to {
            let item = bulk_application(&pool, n, now)?;
            entries.push(item.queue.clone().ok_or("waits")?);
            people.push((item.application.id.clone(), item.applicant_iin.clone()));
            items.push(to_item(&item)?);
        }
        // The tally of everything loaded so far, written whole over the previous one.
        items.extend(tally_items(&pool, &entries));
        store.write_batch(items, Vec::new()).await?;
        println!("bulk load up to {to} applications: {:.1} s", started.elapsed().as_secs_f64());
        medians.push((to, time_details(store, &people, now).await?));
    }
    let [(small, at_small), (big, at_big)] = medians[..] else { return Err("two sizes".into()) };
    println!(
        "GET /applications/{{id}} p50: {at_small:.2} ms at {small} waiting, {at_big:.2} ms at {big} waiting ({:.2}x)",
        at_big / at_small
    );

    Ok(())
}

/// Publishes [`DUE`] places in the 2022 pool of [`BIG_POOL_APPLICATIONS`] waiting (loaded by
/// [`positions`]): the turn engine reads the queue's heads and offers them.
async fn offers_over_big_pool(
    store: &Store,
    now: chrono::DateTime<Utc>,
) -> Result<(), Box<dyn Error>> {
    // Publish DUE places in the 2022 pool: the turn engine reads the queue and offers DUE.
    let group_2022 = GroupId("tk-001-2022-kk".into());
    let cpu = cpu::CpuTimes::now();
    let (before, started) = (store.usage(), Clock::now());
    let published = change_places(
        store,
        "tk-001",
        &PlacesInput { action: PlacesAction::Publish, group_id: group_2022, count: DUE },
        Some("publish-2022"),
        now,
    )
    .await?;
    let usage = store.usage().since(before);
    println!(
        "turn engine over {BIG_POOL_APPLICATIONS} applications, {DUE} places: {:.2} s, {} offers, {} round trips, {} items read, {:.0} capacity units; {}",
        started.elapsed().as_secs_f64(),
        published.offered.len(),
        usage.round_trips,
        usage.items_read,
        usage.capacity_units,
        cpu::CpuTimes::now().since(&cpu)
    );
    let bare_ms = floor::bare_transaction_ms(store).await?;
    let transactions =
        f64::from(DUE) / kezek_functions::commands::turn_engine::OFFERS_PER_TRANSACTION as f64;
    println!(
        "  the store's floor, same run: a bare transaction of 98 conditional puts {bare_ms:.1} ms median; {DUE} offers in {transactions:.1} such transactions: {:.2} s",
        transactions * bare_ms / 1e3
    );
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let endpoint = std::env::var("KEZEK_DYNAMODB_ENDPOINT")
        .map_err(|_| "set KEZEK_DYNAMODB_ENDPOINT (scripts/bench-store.sh does)")?;
    let store =
        Store::new(Store::local_client(&endpoint), format!("kezek-bench-{}", std::process::id()));
    store.create_table().await?;
    load_demo(&store).await?;
    let now = Utc.with_ymd_and_hms(2026, 3, 2, 5, 0, 0).single().ok_or("instant")?;
    if std::env::var_os("KEZEK_BENCH_ONLY_POSITIONS").is_some() {
        return positions(&store, now).await;
    }
    if std::env::var_os("KEZEK_BENCH_ONLY_OFFERS").is_some() {
        positions(&store, now).await?;
        return offers_over_big_pool(&store, now).await;
    }
    if std::env::var_os("KEZEK_BENCH_ONLY_CITY").is_some() {
        return city::city_round(&store, now + Duration::days(365))
            .await
            .map_err(|error| error as Box<dyn Error>);
    }

    // One enqueue, TIMED times (2023 pool).
    let mut enqueues = Timings::new();
    let mut applications = Vec::new();
    for n in 0..TIMED {
        let input = EnqueueInput {
            region_id: REGION.into(),
            child_iin: child(2023, n),
            priority: Priority::General,
            second_parent_iin: None,
        };
        let (before, started) = (store.usage(), Clock::now());
        let output = enqueue(
            &store,
            &parent(n),
            &input,
            Some(&format!("enqueue-{n}")),
            now - Duration::days(10),
        )
        .await?;
        enqueues.add(started.elapsed().as_secs_f64(), store.usage().since(before));
        applications.push((output.application.id, parent(n)));
    }
    enqueues.report("enqueue");

    // Publish TIMED places: the turn engine offers them; then choose + sign each.
    let group = GroupId("tk-001-2023-kk".into());
    let (before, started) = (store.usage(), Clock::now());
    let published = change_places(
        &store,
        "tk-001",
        &PlacesInput {
            action: PlacesAction::Publish,
            group_id: group.clone(),
            count: TIMED as u32,
        },
        Some("publish"),
        now,
    )
    .await?;
    let usage = store.usage().since(before);
    println!(
        "publish {TIMED} places + turn engine: {:.0} ms, {} offers, {} round trips, {} items read, {:.0} capacity units",
        started.elapsed().as_secs_f64() * 1e3,
        published.offered.len(),
        usage.round_trips,
        usage.items_read,
        usage.capacity_units
    );
    let verifier = HmacTestVerifier::new(b"bench");
    let (mut chooses, mut signs) = (Timings::new(), Timings::new());
    for (id, applicant) in applications.iter().filter(|(id, _)| published.offered.contains(id)) {
        let (before, started) = (store.usage(), Clock::now());
        let issued = choose(
            &store,
            applicant,
            &ChooseInput { application_id: id.clone(), group_id: group.clone() },
            now,
        )
        .await?;
        chooses.add(started.elapsed().as_secs_f64(), store.usage().since(before));
        let signature = SignedChoice {
            signature_base64: verifier.sign_as(applicant, issued.signed_text.as_bytes()),
            certificate_base64: None,
        };
        let input = SignInput { nonce: issued.nonce, signature, expected_version: None };
        let (before, started) = (store.usage(), Clock::now());
        sign(&store, &verifier, applicant, &input, Some(&format!("sign-{}", id.0)), now).await?;
        signs.add(started.elapsed().as_secs_f64(), store.usage().since(before));
    }
    chooses.report("choose");
    signs.report("sign");

    positions(&store, now).await?;

    offers_over_big_pool(&store, now).await?;

    // The offers expire after 3 working days: a sweep at +7 days finds exactly DUE items due
    // (plus the referrals of the timed signs, which lapse too).
    let later = now + Duration::days(7);
    let (before, started) = (store.usage(), Clock::now());
    let report = sweep(&store, later).await?;
    let usage = store.usage().since(before);
    println!(
        "sweep: {} due read, {} applied, {:.1} s; items read {} for {} due ({:.2} per item due), round trips {}, capacity {:.0} units",
        report.due_read,
        report.applied,
        started.elapsed().as_secs_f64(),
        usage.items_read,
        report.due_read,
        usage.items_read as f64 / report.due_read.max(1) as f64,
        usage.round_trips,
        usage.capacity_units
    );

    // A city's round a year later: 25,000 places over 5 pools, offers, notices delivered
    // (left out by scripts/bench-logging.sh, whose commit before has none).
    if std::env::var_os("KEZEK_BENCH_SKIP_CITY").is_some() {
        return Ok(());
    }
    city::city_round(&store, now + Duration::days(365))
        .await
        .map_err(|error| error as Box<dyn Error>)?;
    Ok(())
}
