//! Every key of the one table, built in one place (see `functions/STORE.md`).
//!
//! Base table: `PK`/`SK`, values `TYPE#id`. Two global secondary indexes:
//! - `GSI1` (queue, projection INCLUDE `queue`): `GSI1PK = QUEUE#<region>#<year>#<class>`,
//!   `GSI1SK = <registered_at, fixed width>#<application id>`; only waiting applications
//!   (queued, offered, stop-listed) carry it.
//! - `GSI2` (due work and listings, projection ALL): `DUE#<shard>` / `<due_at>#<app id>` for
//!   applications with a deadline; `OUTBOX#<shard>` / `<not_before>#<notice id>` for notices
//!   to send; `REGIONS`, `KGS#<region>`, `POOLS` for the catalog.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;
use kezek_rules::application::{ApplicationId, Priority};
use kezek_rules::places::{GroupId, PoolKey};
use kezek_rules::time::Instant;

pub const PK: &str = "PK";
pub const SK: &str = "SK";
pub const GSI1: &str = "GSI1";
pub const GSI1PK: &str = "GSI1PK";
pub const GSI1SK: &str = "GSI1SK";
pub const GSI2: &str = "GSI2";
pub const GSI2PK: &str = "GSI2PK";
pub const GSI2SK: &str = "GSI2SK";

/// Shards of the due-time and outbox partitions of `GSI2` (spreads a sweep's writes).
pub const DUE_SHARDS: u32 = 8;

/// A primary key.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Key {
    pub pk: String,
    pub sk: String,
}

impl Key {
    fn new(pk: String, sk: impl Into<String>) -> Self {
        Self { pk, sk: sk.into() }
    }
    pub fn to_map(&self) -> HashMap<String, AttributeValue> {
        HashMap::from([
            (PK.to_owned(), AttributeValue::S(self.pk.clone())),
            (SK.to_owned(), AttributeValue::S(self.sk.clone())),
        ])
    }
}

/// An instant as a fixed-width, lexicographically ordered string (nanoseconds, UTC).
pub fn instant_key(at: Instant) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.9fZ").to_string()
}

pub fn region(region_id: &str) -> Key {
    Key::new(format!("REGION#{region_id}"), "REGION")
}
pub const REGIONS_LIST: &str = "REGIONS";

pub fn kindergarten(kindergarten_id: &str) -> Key {
    Key::new(format!("KG#{kindergarten_id}"), "KG")
}
pub fn kindergartens_of_region(region_id: &str) -> String {
    format!("KGS#{region_id}")
}

pub fn pool_pk(pool: &PoolKey) -> String {
    format!("POOL#{}#{}", pool.region_id, pool.group_year)
}
pub fn pool(pool: &PoolKey) -> Key {
    Key::new(pool_pk(pool), "POOL")
}
pub const POOLS_LIST: &str = "POOLS";
pub fn pools_list_sk(pool: &PoolKey) -> String {
    format!("{}#{}", pool.region_id, pool.group_year)
}
/// A group's places live in its pool's partition: one Query reads the pool and its groups.
pub fn group(pool: &PoolKey, group_id: &GroupId) -> Key {
    Key::new(pool_pk(pool), format!("{GROUP_PREFIX}{}", group_id.0))
}
pub const GROUP_PREFIX: &str = "GROUP#";

/// The partition of a pool's transparency log (`store::log`): entry batches, checkpoints, tiles.
pub fn log_pk(pool: &PoolKey) -> String {
    format!("LOG#{}#{}", pool.region_id, pool.group_year)
}
pub const LOG_BATCH_PREFIX: &str = "E#";
/// The batch of entries whose first index is `start` (fixed width: the Query reads in order).
pub fn log_batch(pool: &PoolKey, start: u64) -> Key {
    Key::new(log_pk(pool), format!("{LOG_BATCH_PREFIX}{start:012}"))
}
pub const LOG_CHECKPOINT_PREFIX: &str = "CP#";
/// The signed checkpoint of the log at `size` entries.
pub fn log_checkpoint(pool: &PoolKey, size: u64) -> Key {
    Key::new(log_pk(pool), format!("{LOG_CHECKPOINT_PREFIX}{size:012}"))
}
/// A hash tile or entry bundle of the log, by its C2SP path (`tile/0/x001/234`).
pub fn log_tile(pool: &PoolKey, path: &str) -> Key {
    Key::new(log_pk(pool), format!("T#{path}"))
}
pub fn pool_audit(pool: &PoolKey, at: Instant, event_id: &str) -> Key {
    Key::new(pool_pk(pool), format!("AUDIT#{}#{event_id}", instant_key(at)))
}

pub fn application_pk(id: &ApplicationId) -> String {
    format!("APP#{}", id.0)
}
pub fn application(id: &ApplicationId) -> Key {
    Key::new(application_pk(id), "APP")
}
/// The application's transfer request (issue 15), in the application's partition: one item,
/// the latest request; while it is open it is listed in its pool's transfer queue.
pub fn transfer(id: &ApplicationId) -> Key {
    Key::new(application_pk(id), "TRANSFER")
}
/// The GSI2 listing of a pool's open transfer requests (the transfer queue).
pub fn transfers_of_pool(pool: &PoolKey) -> String {
    format!("TRANSFERS#{}#{}", pool.region_id, pool.group_year)
}
/// A request's place in its pool's transfer queue: by the request's time, then the id.
pub fn transfer_queue_sk(requested_at: Instant, id: &ApplicationId) -> String {
    format!("{}#{}", instant_key(requested_at), id.0)
}
/// The application's history, in version order, in its own partition.
pub fn application_audit(id: &ApplicationId, version: u64) -> Key {
    Key::new(application_pk(id), format!("{AUDIT_PREFIX}{version:010}"))
}
pub const AUDIT_PREFIX: &str = "AUDIT#";
pub fn referral_document(id: &ApplicationId, number: &str) -> Key {
    Key::new(application_pk(id), format!("{DOC_PREFIX}REFERRAL#{number}"))
}
pub const DOC_PREFIX: &str = "DOC#";

/// A sibling set (issue 15): its members, in its own partition.
pub fn sibling_set(set_id: &str) -> Key {
    Key::new(format!("SIBLINGS#{set_id}"), "SET")
}

/// One active application per child.
pub fn child(child_iin: &str) -> Key {
    Key::new(format!("CHILD#{child_iin}"), "ACTIVE")
}
pub fn idempotency(scope: &str, key: &str) -> Key {
    Key::new(format!("IDEM#{scope}#{key}"), "IDEM")
}
pub fn notice(notice_id: &str) -> Key {
    Key::new(format!("NOTICE#{notice_id}"), "NOTICE")
}
pub fn choice_nonce_pk(nonce: &str) -> String {
    format!("NONCE#{nonce}")
}
pub fn choice_nonce(nonce: &str) -> Key {
    Key::new(choice_nonce_pk(nonce), NONCE_SK)
}
pub const NONCE_SK: &str = "NONCE";
/// What `sign` needs, taken by `choose`, beside the nonce: one Query of the partition reads both.
pub fn choice_basis(nonce: &str) -> Key {
    Key::new(choice_nonce_pk(nonce), BASIS_SK)
}
pub const BASIS_SK: &str = "BASIS";

fn priority_class(priority: Priority) -> &'static str {
    match priority {
        Priority::OutOfTurn => "out_of_turn",
        Priority::FirstPriority => "first_priority",
        Priority::General => "general",
    }
}
pub const PRIORITIES: [Priority; 3] =
    [Priority::OutOfTurn, Priority::FirstPriority, Priority::General];

/// GSI1: one partition per pool and priority class, so the rules' merge can be applied.
pub fn queue_pk(pool: &PoolKey, priority: Priority) -> String {
    format!("QUEUE#{}#{}#{}", pool.region_id, pool.group_year, priority_class(priority))
}
pub fn queue_sk(registered_at: Instant, id: &ApplicationId) -> String {
    format!("{}#{}", instant_key(registered_at), id.0)
}

/// The queue tally of one pool and priority class (issue 11 item 1, `store::tally`): its
/// summary (`SUMMARY`: how many wait, and per registration month), one item per month
/// (`MONTH#<yyyy-mm>`: per day of that month) and one item per day (`DAY#<date>`: that day's
/// members, by their `queue_sk`), in one base-table partition.
pub fn tally_pk(pool: &PoolKey, priority: Priority) -> String {
    format!("TALLY#{}#{}#{}", pool.region_id, pool.group_year, priority_class(priority))
}
pub fn tally_summary(pool: &PoolKey, priority: Priority) -> Key {
    Key::new(tally_pk(pool, priority), TALLY_SUMMARY_SK)
}
pub const TALLY_SUMMARY_SK: &str = "SUMMARY";
pub fn tally_day(pool: &PoolKey, priority: Priority, day: chrono::NaiveDate) -> Key {
    Key::new(tally_pk(pool, priority), format!("{TALLY_DAY_PREFIX}{day}"))
}
pub const TALLY_DAY_PREFIX: &str = "DAY#";
/// The month item of the month starting on `month` (`kezek_rules::queue::position::tally_month`).
pub fn tally_month(pool: &PoolKey, priority: Priority, month: chrono::NaiveDate) -> Key {
    Key::new(tally_pk(pool, priority), format!("{TALLY_MONTH_PREFIX}{}", month.format("%Y-%m")))
}
pub const TALLY_MONTH_PREFIX: &str = "MONTH#";
/// The summary's attribute counting the waiting members registered in the month starting on
/// `month` (`mYYYYMM`: names order like months).
pub fn tally_month_attribute(month: chrono::NaiveDate) -> String {
    format!("m{}", month.format("%Y%m"))
}
/// A month item's attribute counting the waiting members registered on `day` (`dYYYYMMDD`:
/// names order like days).
pub fn tally_day_attribute(day: chrono::NaiveDate) -> String {
    format!("d{}", day.format("%Y%m%d"))
}

/// The month of a summary's attribute named by [`tally_month_attribute`], if it is one.
pub fn tally_month_of(name: &str) -> Option<chrono::NaiveDate> {
    let digits = name.strip_prefix('m').filter(|d| d.len() == 6)?;
    chrono::NaiveDate::parse_from_str(&format!("{digits}01"), "%Y%m%d").ok()
}
/// The day of a month item's attribute named by [`tally_day_attribute`], if it is one.
pub fn tally_day_of(name: &str) -> Option<chrono::NaiveDate> {
    let digits = name.strip_prefix('d').filter(|d| d.len() == 8)?;
    chrono::NaiveDate::parse_from_str(digits, "%Y%m%d").ok()
}

/// A kindergarten's referrals waiting for their child (R13, `GET /staff/referrals`): one item
/// per referred application in the kindergarten's own partition, beside its `KG` item.
pub fn kindergarten_referral(kindergarten_id: &str, id: &ApplicationId) -> Key {
    Key::new(kindergarten(kindergarten_id).pk, format!("{KG_REFERRAL_PREFIX}{}", id.0))
}
pub const KG_REFERRAL_PREFIX: &str = "REFERRAL#";

/// A child moved into or out of a kindergarten by a signed transfer (issue 15,
/// `GET /staff/transfers`): one item per side of each transfer, in the kindergarten's own
/// partition, ordered by the signing instant (a Query in descending order reads the latest).
pub fn kindergarten_move(
    kindergarten_id: &str,
    at: Instant,
    side: &str,
    id: &ApplicationId,
) -> Key {
    Key::new(
        kindergarten(kindergarten_id).pk,
        format!("{KG_MOVE_PREFIX}{}#{side}#{}", instant_key(at), id.0),
    )
}
pub const KG_MOVE_PREFIX: &str = "MOVE#";

/// A stable shard of `DUE_SHARDS` for an id (FNV-1a).
pub fn shard_of(id: &str) -> u32 {
    let hash = id
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3));
    (hash % u64::from(DUE_SHARDS)) as u32
}
pub fn due_pk(shard: u32) -> String {
    format!("DUE#{shard}")
}
pub fn due_sk(due_at: Instant, id: &ApplicationId) -> String {
    format!("{}#{}", instant_key(due_at), id.0)
}
/// The upper bound (inclusive) of due sort keys at `now`: everything due at or before it.
pub fn due_upper(now: Instant) -> String {
    format!("{}#~", instant_key(now))
}
pub fn outbox_pk(shard: u32) -> String {
    format!("OUTBOX#{shard}")
}
pub fn outbox_sk(not_before: Instant, notice_id: &str) -> String {
    format!("{}#{notice_id}", instant_key(not_before))
}

/// A one-time login challenge (EDS login, DESIGN §3).
pub fn login_challenge(nonce: &str) -> Key {
    Key::new(format!("LOGIN#{nonce}"), "LOGIN")
}

/// A person's profile: e-mail (required from the first login, R2), phone, language.
pub fn profile(iin: &str) -> Key {
    Key::new(format!("USER#{iin}"), "PROFILE")
}

/// A calendar year an operator loaded (`POST /operator/calendar`): every year in one
/// partition, `CALENDAR` / `CALENDAR#<year>`, read with one Query.
pub fn calendar_year(year: i32) -> Key {
    Key::new("CALENDAR".to_owned(), format!("CALENDAR#{year}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    #[test]
    fn instant_keys_sort_like_instants() {
        let a = Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).single().expect("instant");
        let b = a + chrono::Duration::nanoseconds(1);
        let c = a + chrono::Duration::seconds(10);
        assert!(instant_key(a) < instant_key(b) && instant_key(b) < instant_key(c));
        assert_eq!(instant_key(a), "2026-03-01T09:00:00.000000000Z");
        let id = ApplicationId("zzzz".into());
        assert!(
            due_sk(a, &id) <= due_upper(a) && due_upper(a) < due_sk(b, &ApplicationId("0".into()))
        );
    }

    #[test]
    fn queue_sort_keys_order_like_the_rules_order_within_a_class() {
        use kezek_rules::queue::{by_registration, QueueEntry, Waiting};
        let at = Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).single().expect("instant");
        let entry = |id: &str, nanos: i64| QueueEntry {
            id: ApplicationId(id.into()),
            priority: Priority::General,
            registered_at: at + chrono::Duration::nanoseconds(nanos),
            birth_date: chrono::NaiveDate::from_ymd_opt(2024, 1, 1).expect("date"),
            waiting: Waiting::Queued,
            together: None,
        };
        let entries = [entry("b", 0), entry("a", 0), entry("ab", 0), entry("0", 1), entry("z", -1)];
        for a in &entries {
            for b in &entries {
                let keys = queue_sk(a.registered_at, &a.id).cmp(&queue_sk(b.registered_at, &b.id));
                assert_eq!(keys, by_registration(a, b), "{a:?} {b:?}");
            }
        }
        let day = chrono::NaiveDate::from_ymd_opt(2026, 3, 1).expect("date");
        assert_eq!(tally_day_attribute(day), "d20260301");
        assert_eq!(tally_month_attribute(day), "m202603");
        let pool = PoolKey { region_id: "r".into(), group_year: 2024 };
        assert_eq!(tally_month(&pool, Priority::General, day).sk, "MONTH#2026-03");
        let first = chrono::NaiveDate::from_ymd_opt(2026, 3, 1).expect("date");
        assert_eq!(tally_month_of(&tally_month_attribute(day)), Some(first));
        assert_eq!(tally_day_of(&tally_day_attribute(day)), Some(day));
        assert_eq!((tally_day_of("waiting"), tally_month_of("members")), (None, None));
    }

    #[test]
    fn shards_are_in_range() {
        assert!((0..100).all(|i| shard_of(&format!("app{i}")) < DUE_SHARDS));
    }
}
