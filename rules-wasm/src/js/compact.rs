//! The functions of [`super::api`] over the compact format: numbers in, numbers out. This is
//! all the browser's WebAssembly module exports (through one `call`); the JavaScript wrapper
//! turns the words back into the JSON-shaped objects of `types/kezek-rules.d.ts`.
//!
//! Function `n` is `api::FUNCTIONS[n - 1]`; function 0 writes the name tables of
//! [`super::names`]. The answer starts with 0 (then the output) or 1 (then the refusal's code
//! and message, as strings).

use crate::application::ApplicationId;
use crate::calendar::CalendarYear;
use crate::error::{RuleError, RuleResult};
use crate::places::GroupId;

use super::api;
use super::codec::{Malformed, Read, Reader, Writer};
use super::names;
use super::shapes::{
    read_calendar_year, read_clock, read_policy, read_queue_entry, read_ratio, read_span,
    read_state, write_explanation, write_policy, write_state,
};

/// Words of an ordinary answer (a preview is 17, a refusal about 100): room reserved up front
/// so that most calls allocate their answer once.
const ANSWER_WORDS_TYPICAL: usize = 128;

/// Runs function `function` on `input`; never panics on any input.
pub fn call(function: u32, input: &[f64]) -> Vec<f64> {
    let mut writer = Writer::with_capacity(ANSWER_WORDS_TYPICAL);
    answer(function, input, &mut writer);
    writer.words
}

/// [`call`] into a reused writer (the module keeps one, so most calls allocate nothing).
pub fn answer(function: u32, input: &[f64], writer: &mut Writer) {
    writer.words.clear();
    writer.int(0);
    let mut reader = Reader::new(input);
    if let Err(error) = run(function, &mut reader, writer) {
        writer.words.clear();
        writer.int(1);
        writer.string(error.code());
        writer.string(&error.message());
    }
}

fn run(function: u32, reader: &mut Reader<'_>, writer: &mut Writer) -> RuleResult<()> {
    match function {
        0 => write_names(writer),
        1 => check_iin(read_all(reader, |r| r.string())?, writer)?,
        2 => preview_eligibility(read_all(reader, read_preview)?, writer)?,
        3 => write_explanation(writer, &api::explain_deadline(read_all(reader, read_deadline)?)?),
        4 => application_deadlines(read_all(reader, read_deadlines)?, writer)?,
        5 => write_state(writer, &api::state_from_event(read_all(reader, read_state_event)?)?),
        6 => queue_position(read_all(reader, read_queue)?, writer)?,
        7 => write_policy(writer, &api::default_policy()),
        8 => writer.list(api::calendar_years().into_iter(), Writer::int),
        _ => return Err(RuleError::InvalidInput { detail: "unknown function".to_owned() }),
    }
    // Functions without input must have been given none.
    Ok(reader.finish()?)
}

/// Reads a whole input: every word must belong to it.
fn read_all<'a, T>(
    reader: &mut Reader<'a>,
    read: impl FnOnce(&mut Reader<'a>) -> Read<T>,
) -> Read<T> {
    let value = read(reader)?;
    reader.finish()?;
    Ok(value)
}

fn write_names(writer: &mut Writer) {
    writer.list(names::TABLES.iter(), |writer, table| {
        writer.list(table.iter(), |writer, name| writer.string(name));
    });
}

fn check_iin(iin: String, writer: &mut Writer) -> RuleResult<()> {
    let iin = api::check_iin(api::CheckIinInput { iin })?;
    writer.string(&iin.iin);
    writer.date(iin.birth_date);
    writer.int(iin.century);
    writer.int(names::sex(iin.sex));
    Ok(())
}

fn calendar_years(reader: &mut Reader<'_>) -> Read<Option<Vec<CalendarYear>>> {
    reader.option(|reader| reader.list(read_calendar_year))
}

fn read_preview(reader: &mut Reader<'_>) -> Read<api::PreviewInput> {
    Ok(api::PreviewInput {
        child_iin: reader.option(Reader::string)?,
        birth_date: reader.option(Reader::date)?,
        state: read_state(reader)?,
        free_choice_places: reader.u32()?,
        groups_with_free_places: reader.u32()?,
        policy: reader.option(read_policy)?,
        clock: reader.option(read_clock)?,
        now: reader.instant()?,
    })
}

fn preview_eligibility(input: api::PreviewInput, writer: &mut Writer) -> RuleResult<()> {
    let output = api::preview_eligibility(input)?;
    writer.date(output.birth_date);
    writer.int(output.group_year);
    writer.date(output.today);
    writer.int(output.age_years);
    writer.option(output.turns_min_age_on, Writer::date);
    writer.flag(output.eligibility.allowed);
    writer.list(output.eligibility.reasons.iter(), |writer, reason| {
        use crate::eligibility::BlockingReason::*;
        writer.int(names::blocking_reason(reason));
        let allowed_from = match reason {
            StopListed { allowed_from }
            | ChildTooYoung { allowed_from }
            | BlackoutPeriod { allowed_from } => Some(*allowed_from),
            ApplicationFinal | AlreadyReferred | OfferExpired | TurnNotCome | NoFreePlaces => None,
        };
        writer.option(allowed_from, Writer::date);
    });
    Ok(())
}

fn read_deadline(reader: &mut Reader<'_>) -> Read<api::DeadlineInput> {
    Ok(api::DeadlineInput {
        span: read_span(reader)?,
        event_at: reader.instant()?,
        clock: reader.option(read_clock)?,
        calendar_years: calendar_years(reader)?,
    })
}

fn read_deadlines(reader: &mut Reader<'_>) -> Read<api::ApplicationDeadlinesInput> {
    Ok(api::ApplicationDeadlinesInput {
        state: read_state(reader)?,
        policy: reader.option(read_policy)?,
        clock: reader.option(read_clock)?,
        calendar_years: calendar_years(reader)?,
    })
}

fn application_deadlines(
    input: api::ApplicationDeadlinesInput,
    writer: &mut Writer,
) -> RuleResult<()> {
    let deadlines = api::application_deadlines(input)?;
    writer.option(deadlines.offer_expires_at, Writer::instant);
    writer.option(deadlines.offer_window.as_ref(), write_explanation);
    writer.option(deadlines.referral_valid_until_at, Writer::instant);
    writer.option(deadlines.referral_validity.as_ref(), write_explanation);
    writer.option(deadlines.cancel_until_at, Writer::instant);
    writer.option(deadlines.extension_limit_at, Writer::instant);
    writer.option(deadlines.stop_list_until_at, Writer::instant);
    writer.option(deadlines.stop_list.as_ref(), write_explanation);
    Ok(())
}

fn read_state_event(reader: &mut Reader<'_>) -> Read<api::StateFromEventInput> {
    Ok(api::StateFromEventInput {
        state: names::state_named(reader.u8()?).ok_or(Malformed("unknown name index"))?,
        event_at: reader.instant()?,
        group_id: reader.option(|reader| reader.string().map(GroupId))?,
        policy: reader.option(read_policy)?,
        clock: reader.option(read_clock)?,
        calendar_years: calendar_years(reader)?,
    })
}

fn read_queue(reader: &mut Reader<'_>) -> Read<api::QueuePositionInput> {
    Ok(api::QueuePositionInput {
        entries: reader.list(read_queue_entry)?,
        application_id: ApplicationId(reader.string()?),
        priority_ratio: reader.option(read_ratio)?,
    })
}

fn queue_position(input: api::QueuePositionInput, writer: &mut Writer) -> RuleResult<()> {
    let position = api::queue_position(input)?;
    writer.count(position.ahead);
    writer.count(position.waiting);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(words: &[f64]) -> Vec<String> {
        let mut reader = Reader::new(words);
        let mut found = Vec::new();
        while let Ok(text) = reader.string() {
            found.push(text);
        }
        found
    }

    #[test]
    fn a_refusal_is_status_1_code_and_message() {
        let mut input = Writer::default();
        input.string("2305");
        let answer = call(1, &input.words);
        assert_eq!(answer[0], 1.0);
        assert_eq!(
            strings(&answer[1..]),
            ["iin_length", "an IIN has 12 digits, this one has 4 characters"]
        );
    }

    #[test]
    fn malformed_input_is_invalid_input_for_every_function() {
        for function in 0..=9 {
            let answer = call(function, &[7.5, -1.0, f64::INFINITY]);
            assert_eq!(answer[0], 1.0, "function {function}");
            assert_eq!(strings(&answer[1..])[0], "invalid_input");
        }
    }

    #[test]
    fn the_name_tables_lead_with_the_function_names() {
        let answer = call(0, &[]);
        assert_eq!(answer[0], 0.0);
        let mut reader = Reader::new(&answer[1..]);
        let tables = reader.list(|reader| reader.list(Reader::string)).expect("tables");
        assert_eq!(tables.len(), names::TABLES.len());
        assert_eq!(tables[0], api::FUNCTIONS);
        reader.finish().expect("all read");
    }
}
