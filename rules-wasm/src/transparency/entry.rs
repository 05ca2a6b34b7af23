//! The audit entry: what one log leaf says, and its canonical bytes.
//!
//! **Canonical form: a fixed binary layout** (version 1), in the style of RFC 6962's own
//! TLS-encoded entries, rather than canonical JSON (RFC 8785): every value has exactly one
//! encoding by construction (fixed-width big-endian integers, closed tag sets, length-prefixed
//! ASCII identifiers, nothing optional but explicit 0/1 flags), so the decoder refuses every
//! other byte string and `encode(decode(b)) == b` holds without a JSON canonicaliser in the
//! browser; entries are about 100 bytes (a tile of 256 entries is ~25 KiB), and decoding is a
//! few hundred nanoseconds, which keeps the auditor's replay above 100,000 entries/s.
//!
//! ```text
//! u8  version (1)
//! u8  kind                      EntryKind, see `EntryKind::code`
//! i64 at                        nanoseconds since 1970-01-01T00:00:00Z
//! u8  subject flag (0|1)        1 for an application's event, then:
//!     str  application id
//!     u8   priority class       0 out_of_turn, 1 first_priority, 2 general
//!     i64  registered at        nanoseconds (the queue order's sub-second precision)
//!     i32  eligible from        days since 1970-01-01: the first local date on which the
//!                               child has the policy's minimum age
//!     u8   from state           0 none (enqueue), 1 queued, 2 offered, 3 referred,
//!                               4 stop_listed, 5 enrolled, 6 removed
//!     u8   to state
//! u32 ×3 counters before        unreserved, offered, free choice of the pool
//! u32 ×3 counters after
//! u8  group flag (0|1), then str group id
//! u8  reason tag, then its fields:
//!     0 none
//!     1 offer      u32 position (applications ahead), u32 rank in its class, u8 ratio step
//!     2 referral   u8 source (0 offer, 1 free choice)
//!     3 removal    u8 reason (0 lapses, 1 withdrawn, 2 aged out)
//!     4 extension  u16 days
//!     5 places     u32 count
//!     6 siblings   u8 member (0-based), u8 size: one of `size` consecutive mark_siblings
//!                  entries making one sibling set (issue 15; the set is named by the first
//!                  entry's application id)
//!     7 together   u32 position (applications ahead of the set's first admitted member),
//!                  u8 size: one of `size` consecutive offers made to a sibling set at once
//! str = u8 length (1..=64), then that many bytes of [0-9A-Za-z._:-]
//! ```
//!
//! No IIN, name, phone or e-mail is in any entry. What a reader of the public log learns
//! about a child: the random application id, the priority class, the registration instant,
//! and the date of eligibility — which, with the public minimum age, *is* the birth date to
//! the day (the pool already says the birth year). The replay needs it: an offer that skipped
//! a child is legitimate only if that child was too young that day.

use chrono::{DateTime, NaiveDate, TimeDelta};

use crate::application::{PlaceSource, Priority, RemovalReason, StateName};
use crate::places::{GroupId, PlaceCounters};
use crate::siblings::SIBLINGS_MAX;
use crate::time::Instant;

/// The layout version written first in every entry.
pub const ENTRY_VERSION: u8 = 1;
/// Longest identifier (application, group) an entry carries.
pub const ID_BYTES_MAX: usize = 64;
/// Longest entry of this layout.
pub const ENTRY_BYTES_MAX: usize =
    1 + 1 + 8 + 1 + (1 + ID_BYTES_MAX + 1 + 8 + 4 + 2) + 24 + 1 + (1 + ID_BYTES_MAX) + 10;

/// What happened: every state change of an application and every place move of staff.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntryKind {
    Enqueue,
    Offer,
    ExpireOffer,
    Sign,
    Extend,
    Cancel,
    Enrol,
    Lapse,
    EndStopList,
    Withdraw,
    AgeOut,
    /// The second parent linked the application (no state change).
    Link,
    /// Staff published places (R14).
    PublishPlaces,
    /// Staff withdrew unreserved places (R14).
    WithdrawPlaces,
    /// Issue 15: an enrolled child's transfer request joined the pool's transfer queue.
    TransferRequest,
    /// A transfer request was offered a place of the pool (U -= 1; O += 1).
    TransferOffer,
    /// The transfer was signed: a place taken in the new group (`group`) and the child's
    /// old place released, in one entry (O -= 1; new.free -= 1; old.free += 1; U += 1).
    TransferSign,
    /// The applicant withdrew the request (an offered place goes back: O -= 1; U += 1).
    TransferWithdraw,
    /// The transfer offer expired (O -= 1; U += 1); the child kept its place.
    TransferExpire,
    /// The applicant marked the application a member of a sibling set (no state change).
    MarkSiblings,
}

const KINDS: [EntryKind; 20] = [
    EntryKind::Enqueue,
    EntryKind::Offer,
    EntryKind::ExpireOffer,
    EntryKind::Sign,
    EntryKind::Extend,
    EntryKind::Cancel,
    EntryKind::Enrol,
    EntryKind::Lapse,
    EntryKind::EndStopList,
    EntryKind::Withdraw,
    EntryKind::AgeOut,
    EntryKind::Link,
    EntryKind::PublishPlaces,
    EntryKind::WithdrawPlaces,
    EntryKind::TransferRequest,
    EntryKind::TransferOffer,
    EntryKind::TransferSign,
    EntryKind::TransferWithdraw,
    EntryKind::TransferExpire,
    EntryKind::MarkSiblings,
];

impl EntryKind {
    /// The byte of the layout: 1..=20 in the order of the variants.
    pub fn code(self) -> u8 {
        KINDS.iter().position(|kind| *kind == self).expect("every kind is listed") as u8 + 1
    }
    fn from_code(code: u8) -> Option<Self> {
        KINDS.get(usize::from(code).checked_sub(1)?).copied()
    }
    /// Whether the entry is about one application (the rest are staff's place moves).
    pub fn has_subject(self) -> bool {
        !matches!(self, EntryKind::PublishPlaces | EntryKind::WithdrawPlaces)
    }
}

/// The application an entry is about, as the queue sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    pub application_id: String,
    pub priority: Priority,
    pub registered_at: Instant,
    pub eligible_from: NaiveDate,
    pub from_state: Option<StateName>,
    pub to_state: StateName,
}

/// Why it happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    None,
    /// The turn engine's offer: the application's place in the queue at that moment.
    Offer {
        position: u32,
        class_rank: u32,
        ratio_step: u8,
    },
    /// A referral, and where its place came from.
    Referral {
        source: PlaceSource,
    },
    Removal {
        reason: RemovalReason,
    },
    Extension {
        days: u16,
    },
    /// Staff's place move of `count` places.
    Places {
        count: u32,
    },
    /// Member `member` (0-based) of a sibling set of `size` marked by consecutive entries.
    Siblings {
        member: u8,
        size: u8,
    },
    /// The turn engine's offer to a sibling set at once (`size` consecutive offers), when the
    /// set's turn came at `position` (applications ahead of its first admitted member).
    Together {
        position: u32,
        size: u8,
    },
}

/// One leaf of a pool's log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub kind: EntryKind,
    pub at: Instant,
    pub subject: Option<Subject>,
    pub counters_before: PlaceCounters,
    pub counters_after: PlaceCounters,
    pub group_id: Option<GroupId>,
    pub reason: Reason,
}

/// Why bytes are not a canonical entry (or an entry cannot be written).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryError {
    /// Truncated, trailing bytes, an unknown version, tag or flag, or fields that do not go
    /// together (a subject on a place move, none on an application's event).
    Malformed,
    /// An identifier that is empty, too long or outside `[0-9A-Za-z._:-]`.
    IdentifierInvalid,
    /// An instant or date outside what the layout holds.
    TimeOutOfRange,
}

impl EntryError {
    pub fn code(self) -> &'static str {
        match self {
            EntryError::Malformed => "entry_malformed",
            EntryError::IdentifierInvalid => "entry_identifier_invalid",
            EntryError::TimeOutOfRange => "entry_time_out_of_range",
        }
    }
}

const STATES: [StateName; 6] = [
    StateName::Queued,
    StateName::Offered,
    StateName::Referred,
    StateName::StopListed,
    StateName::Enrolled,
    StateName::Removed,
];
const PRIORITIES: [Priority; 3] = [Priority::OutOfTurn, Priority::FirstPriority, Priority::General];
const SOURCES: [PlaceSource; 2] = [PlaceSource::Offer, PlaceSource::FreeChoice];
const REMOVALS: [RemovalReason; 3] =
    [RemovalReason::Lapses, RemovalReason::Withdrawn, RemovalReason::AgedOut];

fn index_of<T: PartialEq>(table: &[T], value: &T) -> u8 {
    table.iter().position(|item| item == value).expect("closed tables") as u8
}

fn epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid date")
}

fn check_id(id: &str) -> Result<(), EntryError> {
    let valid = (1..=ID_BYTES_MAX).contains(&id.len())
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b':' | b'-'));
    if valid {
        Ok(())
    } else {
        Err(EntryError::IdentifierInvalid)
    }
}

struct Writer(Vec<u8>);

impl Writer {
    fn u8(&mut self, value: u8) {
        self.0.push(value);
    }
    fn bytes(&mut self, value: &[u8]) {
        self.0.extend_from_slice(value);
    }
    fn instant(&mut self, at: Instant) -> Result<(), EntryError> {
        let nanos = at.timestamp_nanos_opt().ok_or(EntryError::TimeOutOfRange)?;
        self.bytes(&nanos.to_be_bytes());
        Ok(())
    }
    fn id(&mut self, id: &str) -> Result<(), EntryError> {
        check_id(id)?;
        self.u8(id.len() as u8);
        self.bytes(id.as_bytes());
        Ok(())
    }
    fn counters(&mut self, counters: PlaceCounters) {
        for value in [counters.unreserved, counters.offered, counters.free_choice] {
            self.bytes(&value.to_be_bytes());
        }
    }
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, count: usize) -> Result<&'a [u8], EntryError> {
        if self.0.len() < count {
            return Err(EntryError::Malformed);
        }
        let (head, rest) = self.0.split_at(count);
        self.0 = rest;
        Ok(head)
    }
    fn array<const N: usize>(&mut self) -> Result<[u8; N], EntryError> {
        Ok(self.take(N)?.try_into().expect("took N bytes"))
    }
    fn u8(&mut self) -> Result<u8, EntryError> {
        Ok(self.take(1)?[0])
    }
    fn u32(&mut self) -> Result<u32, EntryError> {
        Ok(u32::from_be_bytes(self.array()?))
    }
    fn flag(&mut self) -> Result<bool, EntryError> {
        match self.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(EntryError::Malformed),
        }
    }
    fn tag<T: Copy>(&mut self, table: &[T]) -> Result<T, EntryError> {
        table.get(usize::from(self.u8()?)).copied().ok_or(EntryError::Malformed)
    }
    fn instant(&mut self) -> Result<Instant, EntryError> {
        Ok(DateTime::from_timestamp_nanos(i64::from_be_bytes(self.array()?)))
    }
    fn id(&mut self) -> Result<String, EntryError> {
        let length = usize::from(self.u8()?);
        let bytes = self.take(length)?;
        let id = std::str::from_utf8(bytes).map_err(|_| EntryError::IdentifierInvalid)?;
        check_id(id)?;
        Ok(id.to_owned())
    }
    fn counters(&mut self) -> Result<PlaceCounters, EntryError> {
        Ok(PlaceCounters {
            unreserved: self.u32()?,
            offered: self.u32()?,
            free_choice: self.u32()?,
        })
    }
}

impl Subject {
    fn write(&self, out: &mut Writer) -> Result<(), EntryError> {
        out.id(&self.application_id)?;
        out.u8(index_of(&PRIORITIES, &self.priority));
        out.instant(self.registered_at)?;
        let days = i32::try_from((self.eligible_from - epoch()).num_days())
            .map_err(|_| EntryError::TimeOutOfRange)?;
        out.bytes(&days.to_be_bytes());
        out.u8(self.from_state.map_or(0, |state| index_of(&STATES, &state) + 1));
        out.u8(index_of(&STATES, &self.to_state) + 1);
        Ok(())
    }

    fn read(input: &mut Reader<'_>) -> Result<Self, EntryError> {
        let application_id = input.id()?;
        let priority = input.tag(&PRIORITIES)?;
        let registered_at = input.instant()?;
        let days = i32::from_be_bytes(input.array()?);
        let eligible_from = epoch()
            .checked_add_signed(TimeDelta::days(i64::from(days)))
            .ok_or(EntryError::TimeOutOfRange)?;
        let from_state = match input.u8()? {
            0 => None,
            code => Some(*STATES.get(usize::from(code) - 1).ok_or(EntryError::Malformed)?),
        };
        let to_state = match input.u8()? {
            0 => return Err(EntryError::Malformed),
            code => *STATES.get(usize::from(code) - 1).ok_or(EntryError::Malformed)?,
        };
        Ok(Self { application_id, priority, registered_at, eligible_from, from_state, to_state })
    }
}

impl Reason {
    fn write(&self, out: &mut Writer) {
        match *self {
            Reason::None => out.u8(0),
            Reason::Offer { position, class_rank, ratio_step } => {
                out.u8(1);
                out.bytes(&position.to_be_bytes());
                out.bytes(&class_rank.to_be_bytes());
                out.u8(ratio_step);
            }
            Reason::Referral { source } => {
                out.u8(2);
                out.u8(index_of(&SOURCES, &source));
            }
            Reason::Removal { reason } => {
                out.u8(3);
                out.u8(index_of(&REMOVALS, &reason));
            }
            Reason::Extension { days } => {
                out.u8(4);
                out.bytes(&days.to_be_bytes());
            }
            Reason::Places { count } => {
                out.u8(5);
                out.bytes(&count.to_be_bytes());
            }
            Reason::Siblings { member, size } => {
                out.u8(6);
                out.u8(member);
                out.u8(size);
            }
            Reason::Together { position, size } => {
                out.u8(7);
                out.bytes(&position.to_be_bytes());
                out.u8(size);
            }
        }
    }

    fn read(input: &mut Reader<'_>) -> Result<Self, EntryError> {
        Ok(match input.u8()? {
            0 => Reason::None,
            1 => Reason::Offer {
                position: input.u32()?,
                class_rank: input.u32()?,
                ratio_step: input.u8()?,
            },
            2 => Reason::Referral { source: input.tag(&SOURCES)? },
            3 => Reason::Removal { reason: input.tag(&REMOVALS)? },
            4 => Reason::Extension { days: u16::from_be_bytes(input.array()?) },
            5 => Reason::Places { count: input.u32()? },
            6 => {
                let (member, size) = (input.u8()?, input.u8()?);
                let sizes = 2..=SIBLINGS_MAX as u8;
                if !sizes.contains(&size) || member >= size {
                    return Err(EntryError::Malformed);
                }
                Reason::Siblings { member, size }
            }
            7 => {
                let position = input.u32()?;
                let size = input.u8()?;
                if !(1..=SIBLINGS_MAX as u8).contains(&size) {
                    return Err(EntryError::Malformed);
                }
                Reason::Together { position, size }
            }
            _ => return Err(EntryError::Malformed),
        })
    }
}

impl AuditEntry {
    /// The canonical bytes (the log leaf is `SHA-256(0x00 || these)`).
    pub fn encode(&self) -> Result<Vec<u8>, EntryError> {
        if self.kind.has_subject() != self.subject.is_some() {
            return Err(EntryError::Malformed);
        }
        let mut out = Writer(Vec::with_capacity(128));
        out.u8(ENTRY_VERSION);
        out.u8(self.kind.code());
        out.instant(self.at)?;
        out.u8(u8::from(self.subject.is_some()));
        if let Some(subject) = &self.subject {
            subject.write(&mut out)?;
        }
        out.counters(self.counters_before);
        out.counters(self.counters_after);
        out.u8(u8::from(self.group_id.is_some()));
        if let Some(group_id) = &self.group_id {
            out.id(&group_id.0)?;
        }
        self.reason.write(&mut out);
        debug_assert!(out.0.len() <= ENTRY_BYTES_MAX);
        Ok(out.0)
    }

    /// Reads canonical bytes; refuses anything [`AuditEntry::encode`] would not write.
    pub fn decode(bytes: &[u8]) -> Result<Self, EntryError> {
        if bytes.len() > ENTRY_BYTES_MAX {
            return Err(EntryError::Malformed);
        }
        let mut input = Reader(bytes);
        if input.u8()? != ENTRY_VERSION {
            return Err(EntryError::Malformed);
        }
        let kind = EntryKind::from_code(input.u8()?).ok_or(EntryError::Malformed)?;
        let at = input.instant()?;
        let subject = if input.flag()? { Some(Subject::read(&mut input)?) } else { None };
        if kind.has_subject() != subject.is_some() {
            return Err(EntryError::Malformed);
        }
        let counters_before = input.counters()?;
        let counters_after = input.counters()?;
        let group_id = if input.flag()? { Some(GroupId(input.id()?)) } else { None };
        let reason = Reason::read(&mut input)?;
        if !input.0.is_empty() {
            return Err(EntryError::Malformed);
        }
        Ok(Self { kind, at, subject, counters_before, counters_after, group_id, reason })
    }

    /// The application's id, for an application's event.
    pub fn application_id(&self) -> Option<&str> {
        self.subject.as_ref().map(|subject| subject.application_id.as_str())
    }
}
