//! The error answers of the simulated API, in the body shapes Combell uses: a single
//! `{"error_code","error_text"}` object, or `{"validation_errors":[…]}` for a 400.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;

/// One machine-readable code with its human text. Codes are stable; texts may change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ErrorMessage {
    pub error_code: String,
    pub error_text: String,
}

impl ErrorMessage {
    pub fn new(code: &str, text: impl Into<String>) -> Self {
        ErrorMessage {
            error_code: code.to_string(),
            error_text: text.into(),
        }
    }
}

/// Everything a simulated operation can refuse with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApiError {
    /// 400 with `validation_errors`; never empty.
    Validation(Vec<ErrorMessage>),
    /// 401: bad or missing HMAC.
    Unauthorized(ErrorMessage),
    /// 404: unknown id or name.
    NotFound(ErrorMessage),
    /// 405: the path exists, the method does not.
    MethodNotAllowed,
    /// 429: over the rate limit.
    TooManyRequests,
}

/// The text Combell gives, word for word, when the rate limit is reached.
pub const TOO_MANY_REQUESTS_TEXT: &str = "Too many requests, retry later.";

impl ApiError {
    pub fn invalid(code: &str, text: impl Into<String>) -> Self {
        ApiError::Validation(vec![ErrorMessage::new(code, text)])
    }

    pub fn not_found(code: &str, text: impl Into<String>) -> Self {
        ApiError::NotFound(ErrorMessage::new(code, text))
    }

    /// 404 for a path that names nothing the simulator has a route or an object for.
    pub fn no_such_resource() -> Self {
        ApiError::not_found("not_found", "There is no such resource.")
    }

    pub fn unauthorized(code: &str, text: impl Into<String>) -> Self {
        ApiError::Unauthorized(ErrorMessage::new(code, text))
    }

    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::Validation(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
        }
    }
}

#[derive(Serialize)]
struct ValidationBody<'a> {
    validation_errors: &'a [ErrorMessage],
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        match self {
            ApiError::Validation(errors) => (
                status,
                Json(ValidationBody {
                    validation_errors: &errors,
                }),
            )
                .into_response(),
            ApiError::Unauthorized(message) | ApiError::NotFound(message) => {
                (status, Json(message)).into_response()
            }
            ApiError::MethodNotAllowed => (
                status,
                Json(ErrorMessage::new(
                    "method_not_allowed",
                    "The method is not allowed on this resource.",
                )),
            )
                .into_response(),
            ApiError::TooManyRequests => {
                let mut response = (
                    status,
                    Json(ErrorMessage::new(
                        "too_many_requests",
                        TOO_MANY_REQUESTS_TEXT,
                    )),
                )
                    .into_response();
                // Combell documents this exact reason phrase on the status line.
                response
                    .extensions_mut()
                    .insert(hyper::ext::ReasonPhrase::from_static(
                        TOO_MANY_REQUESTS_TEXT.as_bytes(),
                    ));
                response
            }
        }
    }
}

/// The codes of a 400's or a 404's errors, for tests; any other refusal fails the test.
#[cfg(test)]
pub(crate) fn codes(err: ApiError) -> Vec<String> {
    match err {
        ApiError::Validation(errors) => errors.into_iter().map(|e| e.error_code).collect(),
        ApiError::NotFound(e) => vec![e.error_code],
        other => panic!("{other:?}"),
    }
}
