//! What the areas' thin handlers share: the extractor types they take, the readers of path,
//! query and body (each refusal in Combell's error shape), and the shapes of their answers.
//!
//! A handler reads its path first (404), changes or reads the state, and hands the result to
//! one of the answer shapes here ([`json`], [`no_content`], [`created`], [`job_started`], ...):
//! an `Err` always becomes the error's own answer.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, put, MethodRouter};
use axum::Json;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::ApiError;
use crate::shared::Shared;
use crate::state::SimState;

/// A path as a handler takes it, so a path that does not decode is answered by [`path_or_404`].
pub(crate) type PathArg<T> = Result<Path<T>, PathRejection>;

/// A query string as a handler takes it, so a malformed one is answered by [`query_map`].
pub(crate) type QueryArg = Result<Query<HashMap<String, String>>, QueryRejection>;

/// A path that does not even decode names nothing that exists.
pub(crate) fn path_or_404<T>(path: PathArg<T>) -> Result<T, ApiError> {
    path.map(|Path(p)| p)
        .map_err(|_| ApiError::no_such_resource())
}

/// Query parameters as a map; a malformed query string is a 400, not axum's plain-text answer.
pub(crate) fn query_map(query: QueryArg) -> Result<HashMap<String, String>, ApiError> {
    query.map(|Query(map)| map).map_err(|e| {
        ApiError::invalid("query_invalid", format!("The query string is invalid: {e}"))
    })
}

/// A non-empty query parameter; the spec's nullable filters treat empty as absent.
pub(crate) fn param<'a>(query: &'a HashMap<String, String>, name: &str) -> Option<&'a str> {
    query.get(name).map(|v| v.trim()).filter(|v| !v.is_empty())
}

/// The body as JSON of type `T`; unknown fields are ignored, as Combell does.
pub(crate) fn parse_json<T: DeserializeOwned>(body: &Bytes) -> Result<T, ApiError> {
    if body.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(ApiError::invalid(
            "request_body_required",
            "A JSON request body is required.",
        ));
    }
    serde_json::from_slice(body).map_err(|e| {
        ApiError::invalid(
            "request_body_invalid",
            format!("The request body is not valid JSON for this operation: {e}"),
        )
    })
}

pub(crate) fn set_number(headers: &mut HeaderMap, name: HeaderName, value: impl Into<u64>) {
    headers.insert(name, HeaderValue::from(value.into()));
}

/// The four `X-RateLimit-*` headers: the window's limit, its usage, what is left of it and the
/// seconds until it resets.
pub(crate) fn set_rate_limit(headers: &mut HeaderMap, [limit, usage, remaining, reset]: [u64; 4]) {
    for (name, value) in [
        ("x-ratelimit-limit", limit),
        ("x-ratelimit-usage", usage),
        ("x-ratelimit-remaining", remaining),
        ("x-ratelimit-reset", reset),
    ] {
        set_number(headers, HeaderName::from_static(name), value);
    }
}

/// An answer with no body and a `Location` header (201 and 202 creates).
pub(crate) fn located(status: StatusCode, location: &str) -> Response {
    with_location(status.into_response(), location)
}

/// Adds `Location`, relative as Combell sends it.
pub(crate) fn with_location(mut response: Response, location: &str) -> Response {
    match HeaderValue::from_str(location) {
        Ok(value) => {
            response.headers_mut().insert(header::LOCATION, value);
        }
        Err(_) => {
            hclog::warn("sim", "location is not a valid header value", &[]);
        }
    }
    response
}

/// `ok`'s answer for a success, the error's own answer otherwise.
pub(crate) fn answer<T>(result: Result<T, ApiError>, ok: impl FnOnce(T) -> Response) -> Response {
    result.map(ok).unwrap_or_else(IntoResponse::into_response)
}

/// 200 with the value as its JSON body.
pub(crate) fn json<T: Serialize>(result: Result<T, ApiError>) -> Response {
    answer(result, |body| Json(body).into_response())
}

/// `status` with no body.
pub(crate) fn empty(status: StatusCode, result: Result<(), ApiError>) -> Response {
    answer(result, |()| status.into_response())
}

/// 204, what most changes answer.
pub(crate) fn no_content(result: Result<(), ApiError>) -> Response {
    empty(StatusCode::NO_CONTENT, result)
}

/// 201 with no body and the `Location` of what was made.
pub(crate) fn created(location: Result<String, ApiError>) -> Response {
    answer(location, |location| located(StatusCode::CREATED, &location))
}

/// 202 with the `Location` of the provisioning job to poll.
pub(crate) fn job_started(job_id: Result<String, ApiError>) -> Response {
    answer(job_id, |job_id| {
        located(
            StatusCode::ACCEPTED,
            &format!("/v2/provisioningjobs/{job_id}"),
        )
    })
}

/// A 204 PUT on the object the path names: `find` must find it (else its 404) before the body
/// is even read (else a 400); then `apply` changes it.
pub(crate) fn put_on_named<F: ?Sized, I: DeserializeOwned>(
    shared: &Shared,
    path: PathArg<String>,
    body: &Bytes,
    find: impl for<'a> FnOnce(&'a SimState, &str) -> Result<&'a F, ApiError>,
    apply: impl FnOnce(&mut SimState, &str, &I) -> Result<(), ApiError>,
) -> Response {
    no_content(path_or_404(path).and_then(|name| {
        shared.write_body(
            body,
            |s| find(s, &name).map(|_| ()),
            |s, input| apply(s, &name, input),
        )
    }))
}

/// The route of a 204 PUT on the object the path names, made by [`put_on_named`].
pub(crate) fn put_named<F: ?Sized + 'static, I: DeserializeOwned + 'static>(
    find: for<'a> fn(&'a SimState, &str) -> Result<&'a F, ApiError>,
    apply: fn(&mut SimState, &str, &I) -> Result<(), ApiError>,
) -> MethodRouter<Arc<Shared>> {
    put(
        move |State(shared): State<Arc<Shared>>, path: PathArg<String>, body: Bytes| async move {
            put_on_named(&shared, path, &body, find, apply)
        },
    )
}

/// The route of a GET of the object the path names: 200 with what `read` makes of it as JSON.
pub(crate) fn get_named<T: Serialize + 'static>(
    read: fn(&SimState, &str) -> Result<T, ApiError>,
) -> MethodRouter<Arc<Shared>> {
    get(
        move |State(shared): State<Arc<Shared>>, path: PathArg<String>| async move {
            json(path_or_404(path).and_then(|name| shared.read(|s| read(s, &name))))
        },
    )
}

/// The route of a DELETE of the object the path names: 204 once `remove` has removed it.
pub(crate) fn delete_named(
    remove: fn(&mut SimState, &str) -> Result<(), ApiError>,
) -> MethodRouter<Arc<Shared>> {
    delete(
        move |State(shared): State<Arc<Shared>>, path: PathArg<String>| async move {
            no_content(path_or_404(path).and_then(|name| shared.write(|s| remove(s, &name))))
        },
    )
}

/// The route of a DELETE of a part of something (`/{name}/.../{part}`) that the path names: 204
/// once `remove` has removed it.
pub(crate) fn delete_part(
    remove: fn(&mut SimState, &str, &str) -> Result<(), ApiError>,
) -> MethodRouter<Arc<Shared>> {
    delete(
        move |State(shared): State<Arc<Shared>>, path: PathArg<(String, String)>| async move {
            no_content(
                path_or_404(path)
                    .and_then(|(name, part)| shared.write(|s| remove(s, &name, &part))),
            )
        },
    )
}

impl Shared {
    /// How long a provisioning job takes, in milliseconds.
    pub(crate) fn job_duration_ms(&self) -> i64 {
        i64::try_from(self.config().job_duration.as_millis()).unwrap_or(i64::MAX)
    }

    /// A change to something the path names: `found` must find it (else its 404) before the
    /// body is even read as `I` (else a 400); then `apply` makes the change.
    pub(crate) fn write_body<I: DeserializeOwned, T>(
        &self,
        body: &Bytes,
        found: impl FnOnce(&SimState) -> Result<(), ApiError>,
        apply: impl FnOnce(&mut SimState, &I) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        self.write(|s| {
            found(s)?;
            let input: I = parse_json(body)?;
            apply(s, &input)
        })
    }
}
