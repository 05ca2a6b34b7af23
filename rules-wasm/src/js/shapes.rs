//! The rules' types in the compact format ([`super::codec`]): fields in the order of their
//! JSON shapes (`types/kezek-rules.d.ts`), enums as their index in [`super::names`].
//! The JavaScript wrapper (`npm/js/core.js`) reads and writes the same order.

use crate::application::{ApplicationState, Referral};
use crate::calendar::{CalendarYear, DayKind, DaySwap, HolidayDate};
use crate::deadline::DeadlineExplanation;
use crate::places::GroupId;
use crate::policy::{Blackout, MonthDay, Policy, PriorityRatio, Span};
use crate::queue::QueueEntry;
use crate::time::{RegionClock, UtcOffsetChange};

use super::codec::{Malformed, Read, Reader, Writer};
use super::names;

const UNKNOWN_NAME: Malformed = Malformed("unknown name index");

pub fn read_span(reader: &mut Reader<'_>) -> Read<Span> {
    let unit = reader.u8()?;
    let count = reader.u16()?;
    match unit {
        0 => Ok(Span::WorkingDays(count)),
        1 => Ok(Span::CalendarDays(count)),
        2 => Ok(Span::Hours(count)),
        _ => Err(UNKNOWN_NAME),
    }
}

pub fn write_span(writer: &mut Writer, span: Span) {
    writer.int(names::span_unit(span));
    writer.int(span.count());
}

fn read_month_day(reader: &mut Reader<'_>) -> Read<MonthDay> {
    Ok(MonthDay { month: reader.u8()?, day: reader.u8()? })
}

pub fn read_policy(reader: &mut Reader<'_>) -> Read<Policy> {
    Ok(Policy {
        min_age_years: reader.u8()?,
        offer_window: read_span(reader)?,
        referral_validity: read_span(reader)?,
        stop_list: read_span(reader)?,
        max_lapses: reader.u8()?,
        extension_max_days: reader.u16()?,
        extensions_allowed: reader.u8()?,
        cancel_window_hours: reader.u16()?,
        priority_ratio: read_ratio(reader)?,
        blackouts: reader.list(|reader| {
            Ok(Blackout { first_day: read_month_day(reader)?, last_day: read_month_day(reader)? })
        })?,
        age_out_years: reader.option(Reader::u8)?,
        enqueue_age_limit_years: reader.u8()?,
        // The browser's module runs no turn engine: sibling sets are the server's.
        #[cfg(feature = "siblings")]
        sibling_placement: crate::siblings::SiblingPlacement::Independent,
        // Transfers are decided on the server only; the browser's format does not carry it.
        #[cfg(feature = "json")]
        transfer_sharing: crate::policy::TransferSharing::default(),
    })
}

pub fn read_ratio(reader: &mut Reader<'_>) -> Read<PriorityRatio> {
    Ok(PriorityRatio { first_priority: reader.u8()?, general: reader.u8()? })
}

pub fn write_policy(writer: &mut Writer, policy: &Policy) {
    writer.int(policy.min_age_years);
    write_span(writer, policy.offer_window);
    write_span(writer, policy.referral_validity);
    write_span(writer, policy.stop_list);
    writer.int(policy.max_lapses);
    writer.int(policy.extension_max_days);
    writer.int(policy.extensions_allowed);
    writer.int(policy.cancel_window_hours);
    writer.int(policy.priority_ratio.first_priority);
    writer.int(policy.priority_ratio.general);
    writer.list(policy.blackouts.iter(), |writer, blackout| {
        for day in [blackout.first_day, blackout.last_day] {
            writer.int(day.month);
            writer.int(day.day);
        }
    });
    writer.option(policy.age_out_years, |writer, years| writer.int(years));
    writer.int(policy.enqueue_age_limit_years);
}

pub fn read_clock(reader: &mut Reader<'_>) -> Read<RegionClock> {
    Ok(RegionClock {
        initial_offset_seconds: reader.i32()?,
        changes: reader.list(|reader| {
            Ok(UtcOffsetChange { from_at: reader.instant()?, offset_seconds: reader.i32()? })
        })?,
    })
}

fn read_referral(reader: &mut Reader<'_>) -> Read<Referral> {
    Ok(Referral {
        group_id: GroupId(reader.string()?),
        source: names::place_source_named(reader.u8()?).ok_or(UNKNOWN_NAME)?,
        issued_at: reader.instant()?,
        valid_until_at: reader.instant()?,
        cancel_until_at: reader.instant()?,
        extensions_used: reader.u8()?,
        extended_days: reader.u16()?,
    })
}

fn write_referral(writer: &mut Writer, referral: &Referral) {
    writer.string(&referral.group_id.0);
    writer.int(names::place_source(referral.source));
    writer.instant(referral.issued_at);
    writer.instant(referral.valid_until_at);
    writer.instant(referral.cancel_until_at);
    writer.int(referral.extensions_used);
    writer.int(referral.extended_days);
}

pub fn read_state(reader: &mut Reader<'_>) -> Read<ApplicationState> {
    use crate::application::StateName::*;
    let name = names::state_named(reader.u8()?).ok_or(UNKNOWN_NAME)?;
    Ok(match name {
        Queued => ApplicationState::Queued,
        Offered => ApplicationState::Offered {
            offered_at: reader.instant()?,
            expires_at: reader.instant()?,
        },
        Referred => ApplicationState::Referred { referral: read_referral(reader)? },
        StopListed => ApplicationState::StopListed {
            since_at: reader.instant()?,
            until_at: reader.instant()?,
        },
        Enrolled => ApplicationState::Enrolled {
            referral: read_referral(reader)?,
            enrolled_at: reader.instant()?,
        },
        Removed => ApplicationState::Removed {
            reason: names::removal_reason_named(reader.u8()?).ok_or(UNKNOWN_NAME)?,
            removed_at: reader.instant()?,
        },
    })
}

pub fn write_state(writer: &mut Writer, state: &ApplicationState) {
    writer.int(names::state(state.name()));
    match state {
        ApplicationState::Queued => {}
        ApplicationState::Offered { offered_at: first, expires_at: second }
        | ApplicationState::StopListed { since_at: first, until_at: second } => {
            writer.instant(*first);
            writer.instant(*second);
        }
        ApplicationState::Referred { referral } => write_referral(writer, referral),
        ApplicationState::Enrolled { referral, enrolled_at } => {
            write_referral(writer, referral);
            writer.instant(*enrolled_at);
        }
        ApplicationState::Removed { reason, removed_at } => {
            writer.int(names::removal_reason(*reason));
            writer.instant(*removed_at);
        }
    }
}

pub fn read_calendar_year(reader: &mut Reader<'_>) -> Read<CalendarYear> {
    Ok(CalendarYear {
        year: reader.i32()?,
        holidays: reader.list(|reader| {
            Ok(HolidayDate {
                date: reader.date()?,
                code: reader.string()?,
                moves_when_on_weekend: reader.flag()?,
            })
        })?,
        swaps: reader
            .list(|reader| Ok(DaySwap { worked_on: reader.date()?, day_off: reader.date()? }))?,
        source: reader.string()?,
    })
}

pub fn read_queue_entry(reader: &mut Reader<'_>) -> Read<QueueEntry> {
    Ok(QueueEntry {
        id: crate::application::ApplicationId(reader.string()?),
        priority: names::priority_named(reader.u8()?).ok_or(UNKNOWN_NAME)?,
        registered_at: reader.instant()?,
        birth_date: reader.date()?,
        waiting: names::waiting_named(reader.u8()?).ok_or(UNKNOWN_NAME)?,
        #[cfg(feature = "siblings")]
        together: None,
    })
}

fn write_day_kind(writer: &mut Writer, day: &DayKind) {
    writer.int(names::day_kind(day));
    match day {
        DayKind::Working | DayKind::Weekend => {}
        DayKind::WorkingByDecree { instead_of: date }
        | DayKind::SwappedDayOff { worked_on: date } => writer.date(*date),
        DayKind::Holiday { holiday } => writer.string(holiday),
        DayKind::MovedDayOff { holiday, holiday_date } => {
            writer.string(holiday);
            writer.date(*holiday_date);
        }
    }
}

pub fn write_explanation(writer: &mut Writer, explanation: &DeadlineExplanation) {
    write_span(writer, explanation.span);
    writer.instant(explanation.event_at);
    writer.date(explanation.event_local_date);
    writer.instant(explanation.deadline_at);
    writer.date(explanation.deadline_local_date);
    writer.list(explanation.counted_days.iter(), |writer, day| writer.date(*day));
    writer.list(explanation.skipped_days.iter(), |writer, skipped| {
        writer.date(skipped.date);
        write_day_kind(writer, &skipped.day);
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::application::{PlaceSource, RemovalReason};
    use chrono::{TimeZone, Utc};

    #[test]
    fn states_and_policies_round_trip() {
        let at = |hour| Utc.with_ymd_and_hms(2026, 3, 2, hour, 0, 0).single().expect("instant");
        let referral = Referral {
            group_id: GroupId("g-1".to_owned()),
            source: PlaceSource::FreeChoice,
            issued_at: at(1),
            valid_until_at: at(2),
            cancel_until_at: at(3),
            extensions_used: 1,
            extended_days: 12,
        };
        let states = [
            ApplicationState::Queued,
            ApplicationState::Offered { offered_at: at(1), expires_at: at(2) },
            ApplicationState::Referred { referral: referral.clone() },
            ApplicationState::StopListed { since_at: at(3), until_at: at(4) },
            ApplicationState::Enrolled { referral, enrolled_at: at(5) },
            ApplicationState::Removed { reason: RemovalReason::AgedOut, removed_at: at(6) },
        ];
        for state in states {
            let mut writer = Writer::default();
            write_state(&mut writer, &state);
            let mut reader = Reader::new(&writer.words);
            assert_eq!(read_state(&mut reader).expect("reads"), state);
            reader.finish().expect("all read");
        }
        let policy = Policy::with_august_blackout();
        let mut writer = Writer::default();
        write_policy(&mut writer, &policy);
        let mut reader = Reader::new(&writer.words);
        assert_eq!(read_policy(&mut reader).expect("reads"), policy);
        reader.finish().expect("all read");
    }
}
