//! Fixtures shared by the integration tests of the rules crate.
#![allow(dead_code)]

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use kezek_rules::application::{
    enqueue, Application, ApplicationId, EnqueueRequest, Priority, Region,
};
use kezek_rules::iin::{Iin, Sex};
use kezek_rules::places::{GroupId, Pool, PoolKey};
use kezek_rules::policy::Policy;
use kezek_rules::time::RegionClock;

pub const REGION: &str = "zhetisu-taldykorgan";

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

/// An instant given in Kazakhstan local time (+05:00).
pub fn local(y: i32, m: u32, d: u32, hour: u32, minute: u32) -> DateTime<Utc> {
    chrono::FixedOffset::east_opt(5 * 3600)
        .expect("offset")
        .with_ymd_and_hms(y, m, d, hour, minute, 0)
        .single()
        .expect("valid local time")
        .with_timezone(&Utc)
}

pub fn region() -> Region {
    Region {
        id: REGION.into(),
        name_kk: "Талдықорған".into(),
        name_ru: "Талдыкорган".into(),
        served: true,
        clock: RegionClock::default(),
    }
}

/// A valid IIN for a child born on `birth_date`; `n` picks among them.
pub fn child_iin(birth_date: NaiveDate, n: u16) -> String {
    (n..n + 50)
        .find_map(|serial| Iin::compose(birth_date, Sex::Female, serial))
        .expect("a serial with a check digit")
}

pub fn application(
    id: &str,
    birth_date: NaiveDate,
    priority: Priority,
    at: DateTime<Utc>,
) -> Application {
    let request = EnqueueRequest {
        application_id: ApplicationId(id.into()),
        child_iin: child_iin(birth_date, 1),
        priority,
    };
    enqueue(request, &region(), &Policy::default(), at).expect("enqueue").0
}

pub fn kk() -> GroupId {
    GroupId("g-kk".into())
}

pub fn ru() -> GroupId {
    GroupId("g-ru".into())
}

/// A pool of group year `year` with a Kazakh and a Russian group and no places yet.
pub fn pool(year: i32) -> Pool {
    let mut pool = Pool::new(PoolKey { region_id: REGION.into(), group_year: year });
    pool.add_group(kk()).expect("room");
    pool.add_group(ru()).expect("room");
    pool
}

/// `pool` with `count` places published in the Kazakh group.
pub fn pool_with_places(year: i32, count: u32) -> Pool {
    let mut pool = pool(year);
    let publish = pool.publish(&kk(), count).expect("publish");
    pool.apply(&publish).expect("apply");
    pool
}
