//! Early returns and results with a state that several types share.

use tfplugin::{ApplyResult, Diagnostics, ReadResult, Value};

/// The value of a `Result<T, E>` whose error converts into `Diagnostics`, or a return from
/// the enclosing function with those diagnostics (which must convert from `Diagnostics`:
/// `ApplyResult`, `ReadResult`, `ImportResult`, `Diagnostics`). For the client lookup that
/// opens most methods: `let client = or_return!(client(ctx));`.
macro_rules! or_return {
    ($result:expr) => {
        match $result {
            ::std::result::Result::Ok(value) => value,
            ::std::result::Result::Err(error) => {
                return ::std::convert::From::from(::tfplugin::Diagnostics::from(error));
            }
        }
    };
}

pub(crate) use or_return;

/// An apply that records `state` (tainted when `diagnostics` has errors): an object that
/// exists must reach the state whatever went wrong after it was made.
pub(crate) fn apply_with(state: Value, diagnostics: Diagnostics) -> ApplyResult {
    ApplyResult {
        state: Some(state),
        diagnostics,
        ..Default::default()
    }
}

/// A read that keeps `state` and reports `diagnostics` (an API failure is not a deletion).
pub(crate) fn read_with(state: Value, diagnostics: Diagnostics) -> ReadResult {
    ReadResult {
        state: Some(state),
        diagnostics,
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tfplugin::Diagnostic;

    fn apply(ok: bool) -> ApplyResult {
        let result: Result<u8, Diagnostic> = if ok {
            Ok(1)
        } else {
            Err(Diagnostic::error("No client", "detail"))
        };
        let value = or_return!(result);
        assert_eq!(value, 1);
        ApplyResult::default()
    }

    #[test]
    fn returns_the_error_as_diagnostics() {
        assert!(!apply(true).diagnostics.has_errors());
        let failed = apply(false);
        assert!(failed.diagnostics.has_errors() && failed.state.is_none());
        let kept = apply_with(Value::Null, Diagnostic::error("x", "y").into());
        assert!(kept.state.is_some() && kept.diagnostics.has_errors());
        let kept = read_with(Value::Null, Diagnostics::default());
        assert!(kept.state.is_some() && !kept.diagnostics.has_errors());
    }
}
