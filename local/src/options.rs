//! Command-line options of `kezek-local` (few enough to read by hand).

use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct Options {
    pub port: u16,
    /// The moto server's URL (SNS).
    pub sns_endpoint: String,
    /// The folder of the preview page (`web/`).
    pub web_dir: PathBuf,
    /// The local clock runs this far ahead of the system clock (`--clock-offset 3d`).
    pub clock_offset_seconds: i64,
    /// Sweep and notify run this often (`--sweep-every 30s`); 0 turns the loop off.
    pub sweep_every_seconds: u64,
}

const USAGE: &str = "usage: kezek-local --sns-endpoint URL [--port 8080] [--web-dir web] [--clock-offset 3d] [--sweep-every 30s]";

/// `3d`, `12h`, `90m`, `45s` or a number of seconds; a leading `-` moves back.
pub fn parse_duration_seconds(text: &str) -> Result<i64, String> {
    let text = text.trim();
    let (sign, body) = match text.strip_prefix('-') {
        Some(rest) => (-1, rest),
        None => (1, text),
    };
    let (number, unit) = match body.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((at, _)) => body.split_at(at),
        None => (body, "s"),
    };
    let number: i64 =
        number.parse().map_err(|_| format!("not a duration: {text:?} (e.g. 3d, 12h, 90m, 45s)"))?;
    let unit_seconds = match unit {
        "d" => 86_400,
        "h" => 3_600,
        "m" => 60,
        "s" => 1,
        _ => return Err(format!("not a duration unit: {unit:?} (d, h, m or s)")),
    };
    // A limit on everything: ten years either way.
    number
        .checked_mul(unit_seconds)
        .filter(|s| s.abs() <= 10 * 366 * 86_400)
        .map(|s| sign * s)
        .ok_or_else(|| format!("duration out of range: {text:?}"))
}

impl Options {
    pub fn from_args(mut args: impl Iterator<Item = String>) -> Result<Self, String> {
        let mut options = Self {
            port: 8080,
            sns_endpoint: String::new(),
            web_dir: PathBuf::from("web"),
            clock_offset_seconds: 0,
            sweep_every_seconds: 30,
        };
        while let Some(flag) = args.next() {
            let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value\n{USAGE}"));
            match flag.as_str() {
                "--port" => {
                    options.port =
                        value()?.parse().map_err(|_| format!("--port takes a number\n{USAGE}"))?
                }
                "--sns-endpoint" => options.sns_endpoint = value()?,
                "--web-dir" => options.web_dir = PathBuf::from(value()?),
                "--clock-offset" => {
                    options.clock_offset_seconds = parse_duration_seconds(&value()?)?
                }
                "--sweep-every" => {
                    options.sweep_every_seconds = u64::try_from(parse_duration_seconds(&value()?)?)
                        .map_err(|_| "--sweep-every cannot be negative".to_owned())?
                }
                _ => return Err(format!("unknown option {flag}\n{USAGE}")),
            }
        }
        if options.sns_endpoint.is_empty() {
            return Err(format!("--sns-endpoint is required\n{USAGE}"));
        }
        Ok(options)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_people_write_them() {
        assert_eq!(parse_duration_seconds("3d"), Ok(259_200));
        assert_eq!(parse_duration_seconds("12h"), Ok(43_200));
        assert_eq!(parse_duration_seconds("90m"), Ok(5_400));
        assert_eq!(parse_duration_seconds("-1d"), Ok(-86_400));
        assert_eq!(parse_duration_seconds("15"), Ok(15));
        assert!(parse_duration_seconds("3w").is_err());
        assert!(parse_duration_seconds("d").is_err());
        assert!(parse_duration_seconds("99999d").is_err());
    }

    #[test]
    fn options_need_the_sns_endpoint_and_refuse_unknown_flags() {
        let args =
            |list: &[&str]| list.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>().into_iter();
        let options = Options::from_args(args(&[
            "--sns-endpoint",
            "http://127.0.0.1:5000",
            "--clock-offset",
            "3d",
            "--port",
            "9000",
        ]))
        .expect("options");
        assert_eq!((options.port, options.clock_offset_seconds), (9000, 259_200));
        assert!(Options::from_args(args(&["--port", "9000"])).is_err());
        assert!(Options::from_args(args(&["--sns-endpoint", "x", "--bogus"])).is_err());
    }
}
