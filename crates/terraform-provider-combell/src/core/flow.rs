//! Early returns that several types share.

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

#[cfg(test)]
mod tests {
    use tfplugin::{ApplyResult, Diagnostic};

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
    }
}
