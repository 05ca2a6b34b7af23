//! The native twin of the WebAssembly exports, for the parity test and for scripts:
//! reads JSON lines `{"fn": "<export name>", "input": {...}}` from stdin and prints one line
//! per input, `{"ok": <output>}` or `{"error": {"code", "message"}}`.

use std::io::{self, BufRead, Write};

use kezek_rules::api;
use kezek_rules::error::RuleError;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};

/// Serializes the output itself (never through `Value`, which would reorder the keys).
fn call<I: DeserializeOwned, O: Serialize>(
    input: Value,
    function: fn(I) -> Result<O, RuleError>,
) -> Result<String, RuleError> {
    let input: I = serde_json::from_value(input)
        .map_err(|error| RuleError::InvalidInput { detail: error.to_string() })?;
    let output = function(input)?;
    serde_json::to_string(&output)
        .map_err(|error| RuleError::InvalidInput { detail: error.to_string() })
}

fn plain<O: Serialize>(output: O) -> Result<String, RuleError> {
    serde_json::to_string(&output)
        .map_err(|error| RuleError::InvalidInput { detail: error.to_string() })
}

fn dispatch(line: &str) -> Result<String, RuleError> {
    let request: Value = serde_json::from_str(line)
        .map_err(|error| RuleError::InvalidInput { detail: error.to_string() })?;
    let input = request.get("input").cloned().unwrap_or(Value::Null);
    match request.get("fn").and_then(Value::as_str).unwrap_or_default() {
        "checkIin" => call(input, api::check_iin),
        "previewEligibility" => call(input, api::preview_eligibility),
        "explainDeadline" => call(input, api::explain_deadline),
        "applicationDeadlines" => call(input, api::application_deadlines),
        "stateFromEvent" => call(input, api::state_from_event),
        "queuePosition" => call(input, api::queue_position),
        "defaultPolicy" => plain(api::default_policy()),
        "calendarYears" => plain(api::calendar_years()),
        other => Err(RuleError::InvalidInput { detail: format!("unknown function `{other}`") }),
    }
}

fn main() -> io::Result<()> {
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    for line in io::stdin().lock().lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        match dispatch(&line) {
            Ok(output) => writeln!(out, "{{\"ok\":{output}}}")?,
            Err(error) => writeln!(out, "{}", json!({ "error": error }))?,
        }
    }
    out.flush()
}
