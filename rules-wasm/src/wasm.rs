//! The WebAssembly face of the rules: thin wasm-bindgen exports over [`crate::api`].
//! Inputs are plain JS objects; outputs are plain JS objects shaped exactly as the native
//! JSON (`json_compatible`: `None` is `null`), so `JSON.stringify` of a result is
//! byte-identical to what the server would serialize. Refusals throw a real `Error` whose
//! `code` property is the stable code.

use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::api;
use crate::error::RuleError;

fn to_js_error(error: &RuleError) -> JsValue {
    let js_error = js_sys::Error::new(&error.to_string());
    // Setting a property on a fresh Error object cannot fail.
    let _ = js_sys::Reflect::set(
        &js_error,
        &JsValue::from_str("code"),
        &JsValue::from_str(error.code()),
    );
    js_error.into()
}

fn input<T: DeserializeOwned>(value: JsValue) -> Result<T, JsValue> {
    serde_wasm_bindgen::from_value(value)
        .map_err(|error| to_js_error(&RuleError::InvalidInput { detail: error.to_string() }))
}

fn output<T: Serialize>(result: Result<T, RuleError>) -> Result<JsValue, JsValue> {
    let value = result.map_err(|error| to_js_error(&error))?;
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|error| to_js_error(&RuleError::InvalidInput { detail: error.to_string() }))
}

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = include_str!("../types/kezek-rules.d.ts");

/// Validates an IIN and tells its birth date, century and sex.
#[wasm_bindgen(js_name = checkIin, unchecked_return_type = "Iin")]
pub fn check_iin(
    #[wasm_bindgen(unchecked_param_type = "CheckIinInput")] value: JsValue,
) -> Result<JsValue, JsValue> {
    output(api::check_iin(input(value)?))
}

/// R4: may the applicant choose a kindergarten now; every blocking reason and its end date.
#[wasm_bindgen(js_name = previewEligibility, unchecked_return_type = "PreviewOutput")]
pub fn preview_eligibility(
    #[wasm_bindgen(unchecked_param_type = "PreviewInput")] value: JsValue,
) -> Result<JsValue, JsValue> {
    output(api::preview_eligibility(input(value)?))
}

/// One deadline with the working days counted and the days skipped.
#[wasm_bindgen(js_name = explainDeadline, unchecked_return_type = "DeadlineExplanation")]
pub fn explain_deadline(
    #[wasm_bindgen(unchecked_param_type = "DeadlineInput")] value: JsValue,
) -> Result<JsValue, JsValue> {
    output(api::explain_deadline(input(value)?))
}

/// The deadlines of an application's state.
#[wasm_bindgen(js_name = applicationDeadlines, unchecked_return_type = "ApplicationDeadlines")]
pub fn application_deadlines(
    #[wasm_bindgen(unchecked_param_type = "ApplicationDeadlinesInput")] value: JsValue,
) -> Result<JsValue, JsValue> {
    output(api::application_deadlines(input(value)?))
}

/// The state entered at an instant, with the deadlines the server would set.
#[wasm_bindgen(js_name = stateFromEvent, unchecked_return_type = "ApplicationState")]
pub fn state_from_event(
    #[wasm_bindgen(unchecked_param_type = "StateFromEventInput")] value: JsValue,
) -> Result<JsValue, JsValue> {
    output(api::state_from_event(input(value)?))
}

/// The number of applications ahead of one application in its pool's queue.
#[wasm_bindgen(js_name = queuePosition, unchecked_return_type = "QueuePosition")]
pub fn queue_position(
    #[wasm_bindgen(unchecked_param_type = "QueuePositionInput")] value: JsValue,
) -> Result<JsValue, JsValue> {
    output(api::queue_position(input(value)?))
}

/// The seed's policy (the defaults of every region).
#[wasm_bindgen(js_name = defaultPolicy, unchecked_return_type = "Policy")]
pub fn default_policy() -> Result<JsValue, JsValue> {
    output(Ok(api::default_policy()))
}

/// The years the built-in working-day calendar covers.
#[wasm_bindgen(js_name = calendarYears, unchecked_return_type = "number[]")]
pub fn calendar_years() -> Result<JsValue, JsValue> {
    output(Ok(api::calendar_years()))
}
