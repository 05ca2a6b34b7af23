//! The Lambda binaries' log set-up (issue 11 item 5): what `lambda_runtime`'s default
//! subscriber did, without its `tracing` feature — whose `EnvFilter` links a regex engine into
//! every binary for a level that is one word. Lines go to stdout without time (CloudWatch
//! stamps them) or target; JSON objects when Lambda's advanced logging controls ask for JSON
//! (`AWS_LAMBDA_LOG_FORMAT=JSON`), text otherwise. The level is `AWS_LAMBDA_LOG_LEVEL`, else
//! `RUST_LOG`, else INFO; a value that is not one level (e.g. `RUST_LOG`'s per-crate
//! directives, which the regex served) counts as INFO.

use tracing_subscriber::filter::LevelFilter;

/// The level a setting names (`trace` … `error`, `off`, any case); INFO when absent or not a
/// level.
pub fn level_of(setting: Option<&str>) -> LevelFilter {
    setting.and_then(|value| value.trim().parse().ok()).unwrap_or(LevelFilter::INFO)
}

/// Whether Lambda asks for JSON lines.
pub fn json_of(format: Option<&str>) -> bool {
    format.is_some_and(|value| value.trim().eq_ignore_ascii_case("json"))
}

/// Installs the subscriber from the environment (once, at cold start).
pub fn init() {
    let level = std::env::var("AWS_LAMBDA_LOG_LEVEL").or_else(|_| std::env::var("RUST_LOG"));
    let format = std::env::var("AWS_LAMBDA_LOG_FORMAT");
    let builder = tracing_subscriber::fmt()
        .with_target(false)
        .without_time()
        .with_max_level(level_of(level.as_deref().ok()))
        .with_writer(std::io::stdout);
    if json_of(format.as_deref().ok()) {
        builder.json().init();
    } else {
        builder.init();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_and_formats_from_the_environment_values() {
        assert_eq!(level_of(None), LevelFilter::INFO);
        assert_eq!(level_of(Some("DEBUG")), LevelFilter::DEBUG);
        assert_eq!(level_of(Some(" warn ")), LevelFilter::WARN);
        assert_eq!(level_of(Some("off")), LevelFilter::OFF);
        assert_eq!(level_of(Some("info,aws_smithy=warn")), LevelFilter::INFO);
        assert!(json_of(Some("JSON")) && json_of(Some("json")));
        assert!(!json_of(Some("Text")) && !json_of(None));
    }
}
