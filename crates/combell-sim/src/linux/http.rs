//! Thin handlers for the Linux hosting, SSH and Windows hosting routes, and the routes
//! themselves, merged into the simulator's router behind the common gate.
//!
//! Every handler looks up what the path names first (404), then reads the body (400), so a
//! request to a hosting that does not exist says so whatever it carries.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::response::Response;
use axum::routing::MethodRouter;
use axum::routing::{delete, get, post, put};
use axum::Router;
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::{LinuxState, ScheduledTaskInput};
use crate::error::ApiError;
use crate::handler::{created, json, no_content, path_or_404, put_on_named, PathArg, QueryArg};
use crate::paging::paged;
use crate::shared::Shared;

/// This area's routes; `http::router` merges them under the gate.
pub(crate) fn routes() -> Router<Arc<Shared>> {
    const H: &str = "/v2/linuxhostings/{domainName}";
    Router::new()
        .route("/v2/linuxhostings", get(list_linux))
        .route(H, get(linux_detail))
        .route(
            &format!("{H}/ftp/configuration"),
            configure(LinuxState::configure_ftp),
        )
        .route(
            &format!("{H}/phpsettings/apcu"),
            configure(LinuxState::configure_apcu),
        )
        .route(
            &format!("{H}/phpsettings/availableversions"),
            get(php_versions),
        )
        .route(
            &format!("{H}/phpsettings/memorylimit"),
            configure(LinuxState::configure_memory_limit),
        )
        .route(
            &format!("{H}/phpsettings/version"),
            configure(LinuxState::configure_php_version),
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
            configure(LinuxState::configure_gzip),
        )
        .route(
            &format!("{H}/sites/{{siteName}}/hostheaders"),
            post(add_host_header),
        )
        .route(
            &format!("{H}/sites/{{siteName}}/http2/configuration"),
            configure_part(LinuxState::configure_http2),
        )
        .route(
            &format!("{H}/ssh/configuration"),
            configure(LinuxState::configure_ssh),
        )
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
            configure_part(LinuxState::configure_auto_redirect),
        )
        .route(
            &format!("{H}/sslsettings/{{hostname}}/letsencrypt"),
            configure_part(LinuxState::configure_lets_encrypt),
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

type Path1 = PathArg<String>;
type Path2 = PathArg<(String, String)>;

fn hosting_path(domain: &str) -> String {
    format!("/v2/linuxhostings/{}", domain.trim().to_ascii_lowercase())
}

/// A change to the hosting named `domain`: the hosting must exist before its body is even read.
fn hosting_write<I: DeserializeOwned, T>(
    shared: &Shared,
    domain: &str,
    body: &Bytes,
    apply: impl FnOnce(&mut LinuxState, &I) -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    shared.write_body(
        body,
        |s| s.linux.hosting(domain).map(|_| ()),
        |s, input| apply(&mut s.linux, input),
    )
}

/// The route of a settings PUT on the hosting the path names (204).
fn configure<I: DeserializeOwned + 'static>(
    apply: fn(&mut LinuxState, &str, &I) -> Result<(), ApiError>,
) -> MethodRouter<Arc<Shared>> {
    put(
        move |State(shared): State<Arc<Shared>>, path: Path1, body: Bytes| async move {
            put_on_named(
                &shared,
                path,
                &body,
                |s, domain| s.linux.hosting(domain),
                |s, domain, input| apply(&mut s.linux, domain, input),
            )
        },
    )
}

/// The route of a settings PUT on something of the hosting (a site, a host name) the path
/// names (204).
fn configure_part<I: DeserializeOwned + 'static>(
    apply: fn(&mut LinuxState, &str, &str, &I) -> Result<(), ApiError>,
) -> MethodRouter<Arc<Shared>> {
    put(
        move |State(shared): State<Arc<Shared>>, path: Path2, body: Bytes| async move {
            no_content(path_or_404(path).and_then(|(domain, part)| {
                hosting_write(&shared, &domain, &body, |linux, input| {
                    apply(linux, &domain, &part, input)
                })
            }))
        },
    )
}

/// A synchronous create on the hosting: 201 with the `Location`
/// `/v2/linuxhostings/{domain}/{under}/{name}`, `name` being what `create` returns.
fn create_on<I: DeserializeOwned>(
    shared: &Shared,
    path: Path1,
    body: &Bytes,
    under: &str,
    create: impl FnOnce(&mut LinuxState, &str, &I) -> Result<String, ApiError>,
) -> Response {
    created(path_or_404(path).and_then(|domain| {
        let name = hosting_write(shared, &domain, body, |linux, input| {
            create(linux, &domain, input)
        })?;
        Ok(format!("{}/{under}/{name}", hosting_path(&domain)))
    }))
}

async fn list_linux(State(shared): State<Arc<Shared>>, query: QueryArg) -> Response {
    paged(query, |_| shared.read(|s| Ok(s.linux.list_linux())))
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

async fn list_tasks(State(shared): State<Arc<Shared>>, path: Path1) -> Response {
    json(path_or_404(path).and_then(|domain| shared.read(|s| s.linux.list_tasks(&domain))))
}

async fn create_task(State(shared): State<Arc<Shared>>, path: Path1, body: Bytes) -> Response {
    create_on(
        &shared,
        path,
        &body,
        "scheduledtasks",
        LinuxState::create_task,
    )
}

async fn get_task(State(shared): State<Arc<Shared>>, path: Path2) -> Response {
    json(path_or_404(path).and_then(|(domain, id)| shared.read(|s| s.linux.get_task(&domain, &id))))
}

async fn update_task(State(shared): State<Arc<Shared>>, path: Path2, body: Bytes) -> Response {
    no_content(path_or_404(path).and_then(|(domain, id)| {
        shared.write_body(
            &body,
            |s| s.linux.get_task(&domain, &id).map(|_| ()),
            |s, input: &ScheduledTaskInput| s.linux.update_task(&domain, &id, input),
        )
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
        let name = hosting_write(&shared, &domain, &body, |linux, input| {
            linux.add_host_header(&domain, &site, input)
        })?;
        Ok(format!(
            "{}/sites/{}/hostheaders/{name}",
            hosting_path(&domain),
            site.trim().to_ascii_lowercase()
        ))
    }))
}

async fn list_ssh_keys(State(shared): State<Arc<Shared>>, path: Path1) -> Response {
    json(path_or_404(path).and_then(|domain| shared.read(|s| s.linux.list_ssh_keys(&domain))))
}

async fn add_ssh_key(State(shared): State<Arc<Shared>>, path: Path1, body: Bytes) -> Response {
    create_on(&shared, path, &body, "ssh/keys", LinuxState::add_ssh_key)
}

async fn delete_ssh_key(State(shared): State<Arc<Shared>>, path: Path2) -> Response {
    no_content(path_or_404(path).and_then(|(domain, fingerprint)| {
        shared.write(|s| s.linux.delete_ssh_key(&domain, &fingerprint))
    }))
}

async fn add_subsite(State(shared): State<Arc<Shared>>, path: Path1, body: Bytes) -> Response {
    create_on(&shared, path, &body, "subsites", LinuxState::add_subsite)
}

async fn delete_subsite(State(shared): State<Arc<Shared>>, path: Path2) -> Response {
    no_content(
        path_or_404(path)
            .and_then(|(domain, site)| shared.write(|s| s.linux.delete_subsite(&domain, &site))),
    )
}

async fn list_all_ssh_keys(State(shared): State<Arc<Shared>>, query: QueryArg) -> Response {
    paged(query, |_| shared.read(|s| Ok(s.linux.all_ssh_keys())))
}

async fn list_windows(State(shared): State<Arc<Shared>>, query: QueryArg) -> Response {
    paged(query, |_| shared.read(|s| Ok(s.linux.list_windows())))
}

async fn windows_detail(State(shared): State<Arc<Shared>>, path: Path1) -> Response {
    json(path_or_404(path).and_then(|domain| shared.read(|s| s.linux.windows_detail(&domain))))
}
