//! Log lines in hclog's JSON form on stderr, which is what Terraform reads from a plugin:
//! every line keeps its level under `TF_LOG` / `TF_LOG_PROVIDER`.
//!
//! Nothing here knows what a secret is, so callers must never pass one: the API secret,
//! signatures, `Authorization` headers and passwords stay out of every field.

use std::io::Write;
use std::sync::atomic::{AtomicU8, Ordering};

/// Severity, in hclog's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Trace = 1,
    Debug = 2,
    Info = 3,
    Warn = 4,
    Error = 5,
}

impl Level {
    fn as_str(self) -> &'static str {
        match self {
            Level::Trace => "trace",
            Level::Debug => "debug",
            Level::Info => "info",
            Level::Warn => "warn",
            Level::Error => "error",
        }
    }

    fn parse(text: &str) -> Option<Level> {
        match text.trim().to_ascii_lowercase().as_str() {
            "trace" | "json" | "1" => Some(Level::Trace),
            "debug" => Some(Level::Debug),
            "info" => Some(Level::Info),
            "warn" => Some(Level::Warn),
            "error" => Some(Level::Error),
            "off" | "" => None,
            _ => Some(Level::Trace),
        }
    }
}

/// 0 means "not initialised": everything from info up is written.
static MIN_LEVEL: AtomicU8 = AtomicU8::new(0);

/// Reads the wanted level from `TF_LOG_PROVIDER`, then `TF_LOG`. Terraform filters the lines
/// again on its side; this only saves the work of formatting lines nobody asked for.
pub fn init_from_env() {
    let wanted = std::env::var("TF_LOG_PROVIDER")
        .ok()
        .filter(|v| !v.is_empty())
        .or_else(|| std::env::var("TF_LOG").ok());
    let level = wanted
        .as_deref()
        .and_then(Level::parse)
        .unwrap_or(Level::Info);
    MIN_LEVEL.store(level as u8, Ordering::Relaxed);
}

/// Whether a line at `level` would be written.
pub fn enabled(level: Level) -> bool {
    let min = MIN_LEVEL.load(Ordering::Relaxed);
    let min = if min == 0 { Level::Info as u8 } else { min };
    level as u8 >= min
}

/// Writes one line: `@level`, `@message`, `@module`, `@timestamp`, then `fields`.
pub fn log(level: Level, module: &str, message: &str, fields: &[(&str, serde_json::Value)]) {
    if !enabled(level) {
        return;
    }
    let mut line = serde_json::Map::new();
    line.insert("@level".into(), level.as_str().into());
    line.insert("@message".into(), message.into());
    line.insert("@module".into(), format!("combell.{module}").into());
    line.insert(
        "@timestamp".into(),
        chrono::Utc::now()
            .format("%Y-%m-%dT%H:%M:%S%.6fZ")
            .to_string()
            .into(),
    );
    for (key, value) in fields {
        line.insert((*key).to_string(), value.clone());
    }
    let mut text = serde_json::Value::Object(line).to_string();
    text.push('\n');
    // A closed stderr must not take the provider down with it.
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

pub fn trace(module: &str, message: &str, fields: &[(&str, serde_json::Value)]) {
    log(Level::Trace, module, message, fields);
}
pub fn debug(module: &str, message: &str, fields: &[(&str, serde_json::Value)]) {
    log(Level::Debug, module, message, fields);
}
pub fn info(module: &str, message: &str, fields: &[(&str, serde_json::Value)]) {
    log(Level::Info, module, message, fields);
}
pub fn warn(module: &str, message: &str, fields: &[(&str, serde_json::Value)]) {
    log(Level::Warn, module, message, fields);
}
pub fn error(module: &str, message: &str, fields: &[(&str, serde_json::Value)]) {
    log(Level::Error, module, message, fields);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_parse_like_terraform() {
        assert_eq!(Level::parse("TRACE"), Some(Level::Trace));
        assert_eq!(Level::parse("debug"), Some(Level::Debug));
        assert_eq!(Level::parse("off"), None);
        // Terraform treats any other non-empty value as TRACE.
        assert_eq!(Level::parse("yes"), Some(Level::Trace));
    }
}
