//! The `timeouts` block shared by resources whose operations wait for Combell (provisioning
//! jobs): `timeouts { create = "45m" }`, as hashicorp's providers spell it. Each resource picks
//! the operations it offers and their defaults; the values are Go-style durations (`"30s"`,
//! `"10m"`, `"1h30m"`) checked at plan time, and an unset or unknown value means the default.
//!
//! The block lives in the configuration and is copied into the state like any attribute, so an
//! operation reads its limit from the planned (create, update) or prior (read, delete) value.

use std::time::Duration;

use tfplugin::{Attribute, AttributePath, Block, Diagnostics, NestedBlock, Nesting, Value};

/// The block's name in configurations.
pub const BLOCK: &str = "timeouts";

/// An operation that may be given a time limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Create,
    Update,
    Delete,
}

impl Op {
    pub fn name(self) -> &'static str {
        match self {
            Op::Create => "create",
            Op::Update => "update",
            Op::Delete => "delete",
        }
    }
}

/// The operations a resource offers in its block, each with its default.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Timeouts {
    pub defaults: Vec<(Op, Duration)>,
}

impl Timeouts {
    pub fn new(defaults: &[(Op, Duration)]) -> Timeouts {
        Timeouts {
            defaults: defaults.to_vec(),
        }
    }

    /// The schema block, one optional string per offered operation, documented with its default.
    pub fn block(&self) -> NestedBlock {
        let attributes = self
            .defaults
            .iter()
            .map(|(op, default)| {
                Attribute::string(op.name())
                    .optional()
                    .default(format_duration(*default))
                    .description(&format!(
                        "How long {} may wait, as a duration such as `\"30s\"`, `\"10m\"` or \
                     `\"1h30m\"` (units `s`, `m`, `h`). Defaults to `\"{}\"`.",
                        match op {
                            Op::Create => "creating the object",
                            Op::Update => "updating the object",
                            Op::Delete => "deleting the object",
                        },
                        format_duration(*default)
                    ))
            })
            .collect();
        let block = Block {
            attributes,
            description: "Time limits for operations that wait for Combell's provisioning jobs."
                .to_string(),
            ..Block::default()
        };
        // Terraform wants MinItems = MaxItems (0) for an optional single block.
        NestedBlock::new(BLOCK, Nesting::Single, block)
    }

    /// Plan-time check of every value set in `config`'s block; unknown values are skipped.
    pub fn validate(&self, config: &Value, diags: &mut Diagnostics) {
        let Some(block) = config
            .get(BLOCK)
            .filter(|b| !b.is_null() && !b.is_unknown())
        else {
            return;
        };
        for (op, _) in &self.defaults {
            if let Some(text) = block.get_str(op.name()) {
                if let Err(detail) = parse_duration(text) {
                    diags.error_at(
                        AttributePath::new(BLOCK).attr(op.name()),
                        "Invalid timeout",
                        detail,
                    );
                }
            }
        }
    }

    /// The limit for `op` from a planned or stored value: the block's value when set and valid,
    /// else the default (also for an operation the resource does not offer: one hour).
    pub fn get(&self, value: &Value, op: Op) -> Duration {
        let default = self
            .defaults
            .iter()
            .find(|(o, _)| *o == op)
            .map(|(_, d)| *d)
            .unwrap_or(Duration::from_secs(3600));
        value
            .get(BLOCK)
            .and_then(|block| block.get_str(op.name()))
            .and_then(|text| parse_duration(text).ok())
            .unwrap_or(default)
    }
}

/// Parses a Go-style duration: a sequence of decimal numbers, each with a unit (`ms`, `s`, `m`,
/// `h`), such as `"30m"`, `"1h30m"`, `"1.5h"` or `"90s"`. Zero and negative durations are refused:
/// they would make every operation fail at once.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let bad = |why: &str| {
        Err(format!(
            "\"{text}\" is not a duration: {why}. Write a number with a unit, such as \"30s\", \
             \"10m\", \"1h30m\" or \"1.5h\" (units ms, s, m, h)."
        ))
    };
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return bad("it is empty");
    }
    if trimmed.starts_with('-') {
        return bad("it is negative");
    }
    let mut rest = trimmed.strip_prefix('+').unwrap_or(trimmed);
    let mut total = 0f64;
    while !rest.is_empty() {
        let number_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let (number, after) = rest.split_at(number_len);
        let Ok(amount) = number.parse::<f64>() else {
            return bad("a number is missing or malformed");
        };
        let unit_len = after
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(after.len());
        let (unit, after) = after.split_at(unit_len);
        let seconds = match unit {
            "ms" => 0.001,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            "" => return bad("a unit is missing"),
            _ => return bad(&format!("\"{unit}\" is not a unit")),
        };
        total += amount * seconds;
        rest = after;
    }
    // A year is far beyond any provisioning job; the cap keeps the conversion finite.
    if !(total.is_finite() && total <= 366.0 * 86_400.0) {
        return bad("it is longer than a year");
    }
    if total <= 0.0 {
        return bad("it must be longer than zero");
    }
    Ok(Duration::from_secs_f64(total))
}

/// `30m`, `1h30m`, `45s`: the shortest Go-style spelling of whole seconds.
pub fn format_duration(duration: Duration) -> String {
    let secs = duration.as_secs();
    if secs == 0 {
        return format!("{}ms", duration.as_millis());
    }
    let (h, m, s) = (secs / 3600, secs % 3600 / 60, secs % 60);
    let mut out = String::new();
    if h > 0 {
        out.push_str(&format!("{h}h"));
    }
    if m > 0 {
        out.push_str(&format!("{m}m"));
    }
    if s > 0 {
        out.push_str(&format!("{s}s"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_in_go_spelling() {
        let cases = [
            ("30s", 30.0),
            ("10m", 600.0),
            ("1h30m", 5400.0),
            ("1.5h", 5400.0),
            ("500ms", 0.5),
            ("2h45m10s", 9910.0),
            (" 45m ", 2700.0),
        ];
        for (text, secs) in cases {
            assert_eq!(
                parse_duration(text),
                Ok(Duration::from_secs_f64(secs)),
                "{text}"
            );
        }
        for bad in [
            "", "30", "m", "10 m", "10d", "-5m", "0s", "1.2.3s", "abc", "9999h",
        ] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn defaults_format_back() {
        assert_eq!(format_duration(Duration::from_secs(1800)), "30m");
        assert_eq!(format_duration(Duration::from_secs(5400)), "1h30m");
        assert_eq!(format_duration(Duration::from_secs(45)), "45s");
        assert_eq!(format_duration(Duration::from_millis(500)), "500ms");
    }

    fn timeouts() -> Timeouts {
        Timeouts::new(&[(Op::Create, Duration::from_secs(1800))])
    }

    #[test]
    fn values_override_defaults() {
        let t = timeouts();
        let unset = Value::object([("timeouts", Value::Null)]);
        assert_eq!(t.get(&unset, Op::Create), Duration::from_secs(1800));
        let set = Value::object([("timeouts", Value::object([("create", "2m".into())]))]);
        assert_eq!(t.get(&set, Op::Create), Duration::from_secs(120));
        assert_eq!(t.get(&set, Op::Delete), Duration::from_secs(3600));
    }

    #[test]
    fn invalid_values_are_reported_at_their_path() {
        let t = timeouts();
        let mut diags = Diagnostics::default();
        let config = Value::object([("timeouts", Value::object([("create", "soon".into())]))]);
        t.validate(&config, &mut diags);
        let paths: Vec<_> = diags.iter().filter_map(|d| d.path.clone()).collect();
        assert_eq!(paths, vec![AttributePath::new("timeouts").attr("create")]);
        let mut diags = Diagnostics::default();
        let unknown = Value::object([("timeouts", Value::object([("create", Value::Unknown)]))]);
        t.validate(&unknown, &mut diags);
        assert!(diags.is_empty());
    }

    #[test]
    fn block_offers_only_the_chosen_operations() {
        let block = timeouts().block();
        assert_eq!(block.type_name, "timeouts");
        assert_eq!(block.nesting, Nesting::Single);
        assert_eq!((block.min_items, block.max_items), (0, 0));
        let names: Vec<_> = block
            .block
            .attributes
            .iter()
            .map(|a| a.name.as_str())
            .collect();
        assert_eq!(names, ["create"]);
        assert!(block.block.attributes[0].description.contains("\"30m\""));
    }
}
