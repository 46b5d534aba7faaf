//! The command line's values that are more than text: durations and rate limits.

use std::time::Duration;

use crate::ratelimit::RateLimit;

/// Reads `250ms`, `2s`, `1m`; a bare number is seconds.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let (number, unit) = match text.find(|c: char| !c.is_ascii_digit()) {
        Some(at) => text.split_at(at),
        None => (text, "s"),
    };
    let value: u64 = number
        .parse()
        .map_err(|_| format!("'{text}' is not a duration like 500ms, 2s or 1m"))?;
    match unit {
        "ms" => Ok(Duration::from_millis(value)),
        "s" => Ok(Duration::from_secs(value)),
        "m" => value
            .checked_mul(60)
            .map(Duration::from_secs)
            .ok_or_else(|| format!("'{text}' is too long")),
        _ => Err(format!(
            "'{text}' has an unknown unit; use ms, s or m (500ms, 2s, 1m)"
        )),
    }
}

/// Reads `100/60s` or `off`.
pub fn parse_rate_limit(text: &str) -> Result<Option<RateLimit>, String> {
    let text = text.trim();
    if text.eq_ignore_ascii_case("off") {
        return Ok(None);
    }
    let (limit, window) = text
        .split_once('/')
        .ok_or_else(|| format!("'{text}' is not a rate limit like 100/60s or off"))?;
    let limit: u32 = limit
        .trim()
        .parse()
        .map_err(|_| format!("'{limit}' is not a whole number of requests"))?;
    let window = parse_duration(window)?;
    if limit == 0 || window.is_zero() {
        return Err(format!(
            "'{text}': the limit and the window must be above zero (or use off)"
        ));
    }
    Ok(Some(RateLimit { limit, window }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_take_the_documented_units() {
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("2s"), Ok(Duration::from_secs(2)));
        assert_eq!(parse_duration("3m"), Ok(Duration::from_secs(180)));
        assert_eq!(parse_duration("5"), Ok(Duration::from_secs(5)));
        for bad in ["", "s", "2h", "-1s", "1.5s", "99999999999999999999m"] {
            assert!(parse_duration(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn rate_limits_parse_or_switch_off() {
        assert_eq!(
            parse_rate_limit("100/60s"),
            Ok(Some(RateLimit {
                limit: 100,
                window: Duration::from_secs(60)
            }))
        );
        assert_eq!(parse_rate_limit("OFF"), Ok(None));
        for bad in ["100", "0/60s", "10/0s", "x/1s", "10/1h"] {
            assert!(parse_rate_limit(bad).is_err(), "{bad:?}");
        }
    }
}
