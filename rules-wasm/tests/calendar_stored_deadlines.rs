//! A corrected calendar never rewrites a deadline already set (DESIGN §1.3): an offer made
//! while the calendar still had the law before 2026 (Constitution Day on 30 August, so
//! Monday 31 August 2026 a moved day off) keeps the window it was given; offers made after
//! the correction get the corrected window.

mod common;

use common::*;
use kezek_rules::application::{Application, ApplicationState, Command, Priority, RuleContext};
use kezek_rules::calendar::{HolidayDate, WorkingCalendar};
use kezek_rules::places::Pool;
use kezek_rules::policy::Policy;
use kezek_rules::time::{Instant, RegionClock};

/// The built-in calendar with 2026 as it was before the correction: 30 August a holiday.
fn calendar_before_the_correction() -> WorkingCalendar {
    let mut calendar = WorkingCalendar::kazakhstan().clone();
    let mut year = calendar.year_data(2026).expect("2026 is built in").clone();
    year.holidays.push(HolidayDate {
        date: date(2026, 8, 30),
        code: "constitution_day".into(),
        moves_when_on_weekend: true,
    });
    calendar.add_year(year).expect("valid data");
    calendar
}

fn apply(
    application: &Application,
    pool: &mut Pool,
    command: Command,
    calendar: &WorkingCalendar,
    now: Instant,
) -> Result<Application, &'static str> {
    let policy = Policy::default();
    let clock = RegionClock::default();
    let context = RuleContext { policy: &policy, calendar, clock: &clock, now };
    let transition = application.apply(&command, pool, &context).map_err(|e| e.code())?;
    for place_move in &transition.effects.places {
        pool.apply(place_move).expect("moves apply to the pool they were decided on");
    }
    Ok(transition.application)
}

fn expires_at(application: &Application) -> Instant {
    match &application.state {
        ApplicationState::Offered { expires_at, .. } => *expires_at,
        other => panic!("not offered: {other:?}"),
    }
}

#[test]
fn an_offer_made_before_the_correction_keeps_its_window_over_31_august_2026() {
    let old = calendar_before_the_correction();
    let new = WorkingCalendar::kazakhstan();
    let offered_at = local(2026, 8, 27, 10, 0);

    // Offered on Thursday 27 August 2026 with the old data: Fri 28 (1), Mon 31 moved day off,
    // Tue 1 (2), Wed 2 September (3) → 00:00 local Thursday 3 September.
    let mut pool = pool_with_places(2023, 2);
    let queued =
        application("a-old", date(2023, 1, 10), Priority::General, local(2024, 5, 2, 9, 0));
    let offered = apply(&queued, &mut pool, Command::Offer, &old, offered_at).expect("offered");
    assert_eq!(expires_at(&offered), local(2026, 9, 3, 0, 0));

    // After the correction the stored window still rules: at 00:00 on Wednesday 2 September
    // (the corrected end) the offer is still open; it expires on 3 September as announced.
    let on_the_2nd = local(2026, 9, 2, 0, 0);
    assert_eq!(
        apply(&offered, &mut pool.clone(), Command::ExpireOffer, new, on_the_2nd).map(|_| ()),
        Err("offer_not_expired")
    );
    let expired = apply(&offered, &mut pool, Command::ExpireOffer, new, local(2026, 9, 3, 0, 0))
        .expect("expires at its own deadline");
    assert_eq!(expired.state, ApplicationState::Queued);

    // The same offer made with the corrected calendar ends a working day earlier.
    let mut pool = pool_with_places(2023, 1);
    let queued =
        application("a-new", date(2023, 1, 10), Priority::General, local(2024, 5, 2, 9, 0));
    let offered = apply(&queued, &mut pool, Command::Offer, new, offered_at).expect("offered");
    assert_eq!(expires_at(&offered), local(2026, 9, 2, 0, 0));
}
