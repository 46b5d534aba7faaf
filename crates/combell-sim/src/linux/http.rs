//! Thin handlers for the Linux hosting, SSH and Windows hosting routes, and the routes
//! themselves, merged into the simulator's router behind the common gate.
//!
//! Every handler looks up what the path names first (404), then reads the body (400), so a
//! request to a hosting that does not exist says so whatever it carries.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use axum::{Json, Router};
use serde::Serialize;

use super::super::error::ApiError;
use super::super::http::{located, parse_json, query_map};
use super::super::paging::Paging;
use super::super::Shared;
use super::{
    ApcuInput, HostHeaderInput, LinuxState, MemoryLimitInput, PhpVersionInput, ScheduledTaskInput,
    SshKeyInput, SubsiteInput, Toggle,
};

/// This area's routes; `http::router` merges them under the gate.
pub(crate) fn routes() -> Router<Arc<Shared>> {
    const H: &str = "/v2/linuxhostings/{domainName}";
    Router::new()
        .route("/v2/linuxhostings", get(list_linux))
        .route(H, get(linux_detail))
        .route(&format!("{H}/ftp/configuration"), put(configure_ftp))
        .route(&format!("{H}/phpsettings/apcu"), put(configure_apcu))
        .route(
            &format!("{H}/phpsettings/availableversions"),
            get(php_versions),
        )
        .route(
            &format!("{H}/phpsettings/memorylimit"),
            put(configure_memory_limit),
        )
        .route(
            &format!("{H}/phpsettings/version"),
            put(configure_php_version),
        )
        .route(
            &format!("{H}/scheduledtasks"),
            get(list_tasks).post(create_task),
        )
        .route(
            &format!("{H}/scheduledtasks/{{scheduledTaskId}}"),
            get(get_task).put(update_task).delete(delete_task),
        )
        .route(
            &format!("{H}/settings/gzipcompression"),
            put(configure_gzip),
        )
        .route(
            &format!("{H}/sites/{{siteName}}/hostheaders"),
            post(add_host_header),
        )
        .route(
            &format!("{H}/sites/{{siteName}}/http2/configuration"),
            put(configure_http2),
        )
        .route(&format!("{H}/ssh/configuration"), put(configure_ssh))
        .route(
            &format!("{H}/ssh/keys"),
            get(list_ssh_keys).post(add_ssh_key),
        )
        .route(
            &format!("{H}/ssh/keys/{{fingerprint}}"),
            delete(delete_ssh_key),
        )
        .route(
            &format!("{H}/sslsettings/{{hostname}}/autoredirect"),
            put(configure_auto_redirect),
        )
        .route(
            &format!("{H}/sslsettings/{{hostname}}/letsencrypt"),
            put(configure_lets_encrypt),
        )
        .route(&format!("{H}/subsites"), post(add_subsite))
        .route(
            &format!("{H}/subsites/{{siteName}}"),
            delete(delete_subsite),
        )
        .route("/v2/ssh", get(list_all_ssh_keys))
        .route("/v2/windowshostings", get(list_windows))
        .route("/v2/windowshostings/{domainName}", get(windows_detail))
}

type Query1 = Result<Query<HashMap<String, String>>, QueryRejection>;
type Path1 = Result<Path<String>, PathRejection>;
type Path2 = Result<Path<(String, String)>, PathRejection>;

/// A path that does not even decode names nothing that exists.
fn path_or_404<T>(path: Result<Path<T>, PathRejection>) -> Result<T, ApiError> {
    path.map(|Path(p)| p)
        .map_err(|_| ApiError::not_found("not_found", "There is no such resource."))
}

fn json<T: Serialize>(answer: Result<T, ApiError>) -> Response {
    answer
        .map(|body| Json(body).into_response())
        .unwrap_or_else(IntoResponse::into_response)
}

fn no_content(answer: Result<(), ApiError>) -> Response {
    answer
        .map(|()| StatusCode::NO_CONTENT.into_response())
        .unwrap_or_else(IntoResponse::into_response)
}

/// 201 with a `Location` under the hosting, as every synchronous create here answers.
fn created(answer: Result<String, ApiError>) -> Response {
    answer
        .map(|location| located(StatusCode::CREATED, &location))
        .unwrap_or_else(IntoResponse::into_response)
}

fn hosting_path(domain: &str) -> String {
    format!("/v2/linuxhostings/{}", domain.trim().to_ascii_lowercase())
}

/// The hosting must exist before its body is even read.
fn with_hosting<T>(state: &LinuxState, domain: &str, body: &Bytes) -> Result<T, ApiError>
where
    T: serde::de::DeserializeOwned,
{
    state.hosting(domain)?;
    parse_json(body)
}

async fn list_linux(State(shared): State<Arc<Shared>>, query: Query1) -> Response {
    let answer = query_map(query)
        .and_then(|q| Paging::from_query(&q))
        .and_then(|paging| Ok(paging.respond(shared.read(|s| Ok(s.linux.list_linux()))?)));
    answer.unwrap_or_else(IntoResponse::into_response)
}

async fn linux_detail(State(shared): State<Arc<Shared>>, path: Path1) -> Response {
    json(path_or_404(path).and_then(|domain| {
        // A hosting lists the MySQL databases of its account.
        shared.read(|s| {
            let account = s
                .linux
                .linux_hostings
                .get(&domain.to_ascii_lowercase())
                .map(|h| h.account_id);
            let databases = s
                .mailmysql
                .databases
                .values()
                .filter(|db| Some(db.account_id) == account)
                .map(|db| db.name.clone())
                .collect();
            s.linux.linux_detail(&domain, databases)
        })
    }))
}

async fn configure_ftp(State(shared): State<Arc<Shared>>, path: Path1, body: Bytes) -> Response {
    no_content(path_or_404(path).and_then(|domain| {
        shared.write(|s| {
            let input: Toggle = with_hosting(&s.linux, &domain, &body)?;
            s.linux.configure_ftp(&domain, &input)
        })
    }))
}

async fn configure_ssh(State(shared): State<Arc<Shared>>, path: Path1, body: Bytes) -> Response {
    no_content(path_or_404(path).and_then(|domain| {
        shared.write(|s| {
            let input: Toggle = with_hosting(&s.linux, &domain, &body)?;
            s.linux.configure_ssh(&domain, &input)
        })
    }))
}

async fn configure_gzip(State(shared): State<Arc<Shared>>, path: Path1, body: Bytes) -> Response {
    no_content(path_or_404(path).and_then(|domain| {
        shared.write(|s| {
            let input: Toggle = with_hosting(&s.linux, &domain, &body)?;
            s.linux.configure_gzip(&domain, &input)
        })
    }))
}

async fn configure_apcu(State(shared): State<Arc<Shared>>, path: Path1, body: Bytes) -> Response {
    no_content(path_or_404(path).and_then(|domain| {
        shared.write(|s| {
            let input: ApcuInput = with_hosting(&s.linux, &domain, &body)?;
            s.linux.configure_apcu(&domain, &input)
        })
    }))
}

async fn configure_memory_limit(
    State(shared): State<Arc<Shared>>,
    path: Path1,
    body: Bytes,
) -> Response {
    no_content(path_or_404(path).and_then(|domain| {
        shared.write(|s| {
            let input: MemoryLimitInput = with_hosting(&s.linux, &domain, &body)?;
            s.linux.configure_memory_limit(&domain, &input)
        })
    }))
}

async fn php_versions(State(shared): State<Arc<Shared>>, path: Path1) -> Response {
    #[derive(Serialize)]
    struct PhpVersion {
        version: String,
    }
    json(path_or_404(path).and_then(|domain| {
        let versions = shared.read(|s| s.linux.php_versions(&domain))?;
        Ok(versions
            .into_iter()
            .map(|version| PhpVersion { version })
            .collect::<Vec<_>>())
    }))
}

async fn configure_php_version(
    State(shared): State<Arc<Shared>>,
    path: Path1,
    body: Bytes,
) -> Response {
    no_content(path_or_404(path).and_then(|domain| {
        shared.write(|s| {
            let input: PhpVersionInput = with_hosting(&s.linux, &domain, &body)?;
            s.linux.configure_php_version(&domain, &input)
        })
    }))
}

async fn list_tasks(State(shared): State<Arc<Shared>>, path: Path1) -> Response {
    json(path_or_404(path).and_then(|domain| shared.read(|s| s.linux.list_tasks(&domain))))
}

async fn create_task(State(shared): State<Arc<Shared>>, path: Path1, body: Bytes) -> Response {
    created(path_or_404(path).and_then(|domain| {
        let id = shared.write(|s| {
            let input: ScheduledTaskInput = with_hosting(&s.linux, &domain, &body)?;
            s.linux.create_task(&domain, &input)
        })?;
        Ok(format!("{}/scheduledtasks/{id}", hosting_path(&domain)))
    }))
}

async fn get_task(State(shared): State<Arc<Shared>>, path: Path2) -> Response {
    json(path_or_404(path).and_then(|(domain, id)| shared.read(|s| s.linux.get_task(&domain, &id))))
}

async fn update_task(State(shared): State<Arc<Shared>>, path: Path2, body: Bytes) -> Response {
    no_content(path_or_404(path).and_then(|(domain, id)| {
        shared.write(|s| {
            s.linux.get_task(&domain, &id)?;
            let input: ScheduledTaskInput = parse_json(&body)?;
            s.linux.update_task(&domain, &id, &input)
        })
    }))
}

async fn delete_task(State(shared): State<Arc<Shared>>, path: Path2) -> Response {
    no_content(
        path_or_404(path)
            .and_then(|(domain, id)| shared.write(|s| s.linux.delete_task(&domain, &id))),
    )
}

async fn add_host_header(State(shared): State<Arc<Shared>>, path: Path2, body: Bytes) -> Response {
    created(path_or_404(path).and_then(|(domain, site)| {
        let name = shared.write(|s| {
            let input: HostHeaderInput = with_hosting(&s.linux, &domain, &body)?;
            s.linux.add_host_header(&domain, &site, &input)
        })?;
        Ok(format!(
            "{}/sites/{}/hostheaders/{name}",
            hosting_path(&domain),
            site.trim().to_ascii_lowercase()
        ))
    }))
}

async fn configure_http2(State(shared): State<Arc<Shared>>, path: Path2, body: Bytes) -> Response {
    no_content(path_or_404(path).and_then(|(domain, site)| {
        shared.write(|s| {
            let input: Toggle = with_hosting(&s.linux, &domain, &body)?;
            s.linux.configure_http2(&domain, &site, &input)
        })
    }))
}

async fn list_ssh_keys(State(shared): State<Arc<Shared>>, path: Path1) -> Response {
    json(path_or_404(path).and_then(|domain| shared.read(|s| s.linux.list_ssh_keys(&domain))))
}

async fn add_ssh_key(State(shared): State<Arc<Shared>>, path: Path1, body: Bytes) -> Response {
    created(path_or_404(path).and_then(|domain| {
        let fingerprint = shared.write(|s| {
            let input: SshKeyInput = with_hosting(&s.linux, &domain, &body)?;
            s.linux.add_ssh_key(&domain, &input)
        })?;
        Ok(format!("{}/ssh/keys/{fingerprint}", hosting_path(&domain)))
    }))
}

async fn delete_ssh_key(State(shared): State<Arc<Shared>>, path: Path2) -> Response {
    no_content(path_or_404(path).and_then(|(domain, fingerprint)| {
        shared.write(|s| s.linux.delete_ssh_key(&domain, &fingerprint))
    }))
}

async fn configure_auto_redirect(
    State(shared): State<Arc<Shared>>,
    path: Path2,
    body: Bytes,
) -> Response {
    no_content(path_or_404(path).and_then(|(domain, hostname)| {
        shared.write(|s| {
            let input: Toggle = with_hosting(&s.linux, &domain, &body)?;
            s.linux.configure_auto_redirect(&domain, &hostname, &input)
        })
    }))
}

async fn configure_lets_encrypt(
    State(shared): State<Arc<Shared>>,
    path: Path2,
    body: Bytes,
) -> Response {
    no_content(path_or_404(path).and_then(|(domain, hostname)| {
        shared.write(|s| {
            let input: Toggle = with_hosting(&s.linux, &domain, &body)?;
            s.linux.configure_lets_encrypt(&domain, &hostname, &input)
        })
    }))
}

async fn add_subsite(State(shared): State<Arc<Shared>>, path: Path1, body: Bytes) -> Response {
    created(path_or_404(path).and_then(|domain| {
        let name = shared.write(|s| {
            let input: SubsiteInput = with_hosting(&s.linux, &domain, &body)?;
            s.linux.add_subsite(&domain, &input)
        })?;
        Ok(format!("{}/subsites/{name}", hosting_path(&domain)))
    }))
}

async fn delete_subsite(State(shared): State<Arc<Shared>>, path: Path2) -> Response {
    no_content(
        path_or_404(path)
            .and_then(|(domain, site)| shared.write(|s| s.linux.delete_subsite(&domain, &site))),
    )
}

async fn list_all_ssh_keys(State(shared): State<Arc<Shared>>, query: Query1) -> Response {
    let answer = query_map(query)
        .and_then(|q| Paging::from_query(&q))
        .and_then(|paging| Ok(paging.respond(shared.read(|s| Ok(s.linux.all_ssh_keys()))?)));
    answer.unwrap_or_else(IntoResponse::into_response)
}

async fn list_windows(State(shared): State<Arc<Shared>>, query: Query1) -> Response {
    let answer = query_map(query)
        .and_then(|q| Paging::from_query(&q))
        .and_then(|paging| Ok(paging.respond(shared.read(|s| Ok(s.linux.list_windows()))?)));
    answer.unwrap_or_else(IntoResponse::into_response)
}

async fn windows_detail(State(shared): State<Arc<Shared>>, path: Path1) -> Response {
    json(path_or_404(path).and_then(|domain| shared.read(|s| s.linux.windows_detail(&domain))))
}
