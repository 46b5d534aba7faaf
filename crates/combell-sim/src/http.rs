//! The router: Combell's routes under `/v2` behind one gate (stats, auth, rate limit), and the
//! admin routes under `/_sim`. What the area handlers share is in `handler`.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use serde_json::json;

use crate::auth::{self, SignedRequest};
use crate::domainssl::{domains, ssl};
use crate::error::ApiError;
use crate::faults::KillSwitch;
use crate::handler::{get_named, set_number, set_rate_limit};
use crate::ratelimit::Decision;
use crate::shared::{lock, now_ms, Shared};
use crate::state::SimState;
use crate::{accounts, admin, dns, jobs, linux, servicepacks};

/// Larger bodies are refused before anything parses them.
const MAX_BODY_BYTES: usize = 1024 * 1024;

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    let v2 = Router::new()
        .route("/v2/servicepacks", get(servicepacks::list))
        .route("/v2/accounts", get(accounts::list).post(accounts::create))
        .route("/v2/accounts/{accountId}", get(accounts::get_one))
        .route("/v2/provisioningjobs/{jobId}", get(jobs::get_one))
        .route(
            "/v2/dns/{domainName}/records",
            get(dns::list).post(dns::create),
        )
        .route(
            "/v2/dns/{domainName}/records/{recordId}",
            get(dns::get_one).put(dns::update).delete(dns::delete),
        )
        .route("/v2/domains", get(domains::list))
        .route("/v2/domains/registrations", post(domains::register))
        .route(
            "/v2/domains/{domainName}",
            get_named(SimState::domain_detail),
        )
        .route(
            "/v2/domains/{domainName}/nameservers",
            domains::put_name_servers(),
        )
        .route("/v2/domains/{domainName}/renew", domains::put_renew())
        .route(
            "/v2/sslcertificaterequests",
            get(ssl::list_requests).post(ssl::create_request),
        )
        .route(
            "/v2/sslcertificaterequests/{id}",
            get(ssl::get_request).put(ssl::verify_request),
        )
        .route("/v2/sslcertificates", get(ssl::list_certificates))
        .route(
            "/v2/sslcertificates/{sha1Fingerprint}",
            get_named(SimState::ssl_certificate_detail),
        )
        .route(
            "/v2/sslcertificates/{sha1Fingerprint}/download",
            get(ssl::download_certificate),
        )
        .merge(linux::http::routes())
        .merge(super::mailmysql::routes());
    let admin = Router::new()
        .route("/_sim/stats", get(admin::stats))
        .route("/_sim/reset", post(admin::reset))
        .route("/_sim/jobs/fail-next", post(admin::fail_next_job))
        .route("/_sim/jobs/{jobId}/fail", post(admin::fail_job))
        .route("/_sim/jobs/{jobId}/cancel", post(admin::cancel_job))
        .route(
            "/_sim/faults",
            get(admin::list_faults)
                .post(admin::add_fault)
                .delete(admin::clear_faults),
        )
        .route("/_sim/faults/{faultId}", delete(admin::remove_fault))
        .route(
            "/_sim/sslcertificaterequests/{id}/cancel",
            post(ssl::cancel_request),
        );
    v2.merge(admin)
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(shared.clone(), gate))
        .with_state(shared)
}

async fn not_found() -> ApiError {
    ApiError::no_such_resource()
}

async fn method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed
}

fn is_v2(path: &str) -> bool {
    path == "/v2" || path.starts_with("/v2/")
}

/// Everything a `/v2` request goes through before its handler: counted, authenticated, rate
/// limited, put through the fault rules; and every answer gets the `X-RateLimit-*` headers and
/// is counted by status.
async fn gate(State(shared): State<Arc<Shared>>, request: Request, next: Next) -> Response {
    if !is_v2(request.uri().path()) {
        return next.run(request).await;
    }
    let method = request.method().as_str().to_string();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_string())
        .unwrap_or_else(|| "(unmatched)".to_string());
    lock(&shared.stats).record(&method, &route);
    let switch = request
        .extensions()
        .get::<ConnectInfo<KillSwitch>>()
        .map(|c| c.0.clone());
    let (response, decision) = checked(&shared, request, next, &method, &route, switch).await;
    let status = match &response {
        Some(r) => r.status().as_u16().to_string(),
        None => "dropped".to_string(),
    };
    lock(&shared.stats).record_status(&status);
    match response {
        Some(response) => finish(response, decision, &method, &route),
        // The connection's writes now fail, so this answer never leaves.
        None => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// The gate's work; `None` means the connection was dropped unanswered.
async fn checked(
    shared: &Arc<Shared>,
    request: Request,
    next: Next,
    method: &str,
    route: &str,
    switch: Option<KillSwitch>,
) -> (Option<Response>, Option<Decision>) {
    let path_and_query = request
        .uri()
        .path_and_query()
        .map(|pq| pq.as_str().to_string())
        .unwrap_or_else(|| request.uri().path().to_string());
    let path = request.uri().path().to_string();
    let (parts, body) = request.into_parts();
    let authorization = parts
        .headers
        .get(header::AUTHORIZATION)
        .map(|v| v.to_str().unwrap_or("\u{0}invalid"));
    let claimed_key = authorization
        .and_then(|h| auth::parse_header(h).ok())
        .map(|c| c.key.to_string())
        .unwrap_or_default();
    let now = now_ms();

    let body = match axum::body::to_bytes(body, MAX_BODY_BYTES).await {
        Ok(bytes) => bytes,
        Err(_) => {
            let decision = lock(&shared.limiter).peek(&claimed_key, now);
            return (Some(body_too_large()), decision);
        }
    };
    let verdict = {
        let config = shared.config();
        let signed = SignedRequest {
            authorization,
            method,
            path_and_query: &path_and_query,
            body: &body,
        };
        auth::verify_as(
            config.signing,
            &config.api_key,
            &config.api_secret,
            &signed,
            now.div_euclid(1000),
            &mut lock(&shared.nonces),
        )
    };
    match &verdict {
        Ok(reading) => lock(&shared.stats).record_signature(Some(*reading)),
        Err(refusal) if auth::is_signature_mismatch(refusal) => {
            lock(&shared.stats).record_signature(None)
        }
        Err(_) => {}
    }
    if let Err(refusal) = verdict {
        let decision = lock(&shared.limiter).peek(&claimed_key, now);
        return (Some(refusal.into_response()), decision);
    }
    let decision = lock(&shared.limiter).check(&claimed_key, now);
    if let Some(d) = decision {
        if !d.allowed {
            let mut response = ApiError::TooManyRequests.into_response();
            set_number(response.headers_mut(), header::RETRY_AFTER, d.reset_secs);
            return (Some(response), decision);
        }
    }
    let plan = lock(&shared.faults).plan(method, &path, route);
    if !plan.delay.is_zero() {
        tokio::time::sleep(plan.delay).await;
    }
    let request = Request::from_parts(parts, Body::from(body));
    let response = match plan.outcome {
        None => next.run(request).await,
        Some(kind) => match admin::apply_fault(shared, kind, request, next, switch).await {
            Some(response) => response,
            None => return (None, decision),
        },
    };
    (Some(response), decision)
}

/// 413 in Combell's single-error shape, before anything has parsed the body.
fn body_too_large() -> Response {
    (
        StatusCode::PAYLOAD_TOO_LARGE,
        Json(json!({
            "error_code": "request_body_too_large",
            "error_text": format!("The request body is larger than {MAX_BODY_BYTES} bytes."),
        })),
    )
        .into_response()
}

fn finish(
    mut response: Response,
    decision: Option<Decision>,
    method: &str,
    route: &str,
) -> Response {
    if let Some(d) = decision {
        let headers = response.headers_mut();
        // A fault's 429 brings its own numbers; the real window's must not overwrite them.
        if headers.contains_key("x-ratelimit-limit") {
            return response;
        }
        let [limit, usage, remaining] = [d.limit, d.usage, d.remaining].map(u64::from);
        set_rate_limit(headers, [limit, usage, remaining, d.reset_secs]);
    }
    hclog::debug(
        "sim",
        "request",
        &[
            ("method", json!(method)),
            ("route", json!(route)),
            ("status", json!(response.status().as_u16())),
        ],
    );
    response
}
