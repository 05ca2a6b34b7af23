//! The forecast benchmark's pool (issue 15: "forecast for a 50,000-entry pool"), feature
//! `forecast-bench` only: an application at the back of 500 out-of-turn, 7,500
//! first-priority and 42,000 general applications, with two years of a big city pool's
//! history. The native criterion bench (`benches/transparency.rs`) and the WebAssembly one
//! (the exports below, wasm32 only; `scripts/bench-forecast.sh`) time the same forecast.

use chrono::{Duration, NaiveDate};

use super::{forecast, month_index, Forecast, ForecastInput, MonthHistory};
use crate::application::Priority;

/// `general` applications of the general class ahead (the others as above).
pub fn forecast_pool(general: usize) -> ForecastInput {
    let from = NaiveDate::from_ymd_opt(2026, 12, 1).expect("date");
    // As in a real queue, registration order is about birth order (parents register soon
    // after the birth): the dates grow along each class, with some disorder.
    let dates = |n: usize, step: i64| -> Vec<NaiveDate> {
        (0..n)
            .map(|i| {
                let along = (i as i64) * 900 / n as i64;
                from - Duration::days(700) + Duration::days(along + (i as i64 * step) % 45)
            })
            .collect()
    };
    ForecastInput {
        from_month: from,
        priority: Priority::General,
        eligible_from: from + Duration::days(60),
        ahead: [dates(500, 7), dates(7_500, 11), dates(general, 13)],
        history: (0..24)
            .map(|m| MonthHistory {
                offers: 1_400 + 37 * (m % 7),
                taken: 1_100,
                arrivals: [20, 150, 900],
            })
            .collect(),
        ratio: crate::policy::Policy::default().priority_ratio,
        seed: 42,
    }
}

/// The WebAssembly exports the benchmark calls (numbers in and out: the raw module's
/// exports work without the generated bindings).
#[cfg(target_arch = "wasm32")]
mod exports {
    use wasm_bindgen::prelude::wasm_bindgen;

    /// The forecast of the pool with `general` general applications ahead: the month (from
    /// the start) its likely range begins, or `u32::MAX` when there is no range.
    #[wasm_bindgen]
    pub fn forecast_bench(general: u32) -> u32 {
        super::likely_from_month(general as usize)
    }

    /// Building the input alone, to tell its cost from the forecast's.
    #[wasm_bindgen]
    pub fn forecast_input_only(general: u32) -> u32 {
        super::forecast_pool(general as usize).ahead[2].len() as u32
    }
}

/// The forecast of the pool: the month (from the start) its likely range begins.
pub fn likely_from_month(general: usize) -> u32 {
    let input = forecast_pool(general);
    match forecast(&input) {
        Forecast::Range { likely_from, .. } => month_index(input.from_month, likely_from) as u32,
        Forecast::TooLittleHistory { .. } => u32::MAX,
    }
}
