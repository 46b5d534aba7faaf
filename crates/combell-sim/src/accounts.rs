//! Accounts: `GET /v2/accounts` (paged; `identifier`, `asset_type` filters),
//! `GET /v2/accounts/{accountId}`, and `POST /v2/accounts`, which answers 202 with a
//! provisioning job; the account (with its domain asset and DNS zone) exists only once the job
//! has finished.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use serde::{Deserialize, Serialize};

use crate::error::{ApiError, ErrorMessage};
use crate::handler::{job_started, json, param, parse_json, QueryArg};
use crate::names::{check_password, is_domain_name};
use crate::paging::paged;
use crate::servicepacks::ServicepackView;
use crate::shared::{now_ms, Shared};
use crate::state::{Account, AssetType, JobWork, SimState, Zone};

/// The API's `Account`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AccountView {
    pub id: i32,
    pub identifier: String,
    pub servicepack_id: i32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Addon {
    pub id: i32,
    pub name: String,
}

/// The API's `AccountDetail`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AccountDetail {
    pub addons: Vec<Addon>,
    pub id: i32,
    pub identifier: String,
    pub servicepack: Option<ServicepackView>,
}

/// The API's `CreateAccount`; every field optional on the wire, checked by [`SimState::create_account`].
#[derive(Clone, Debug, Default, Deserialize)]
pub struct CreateAccount {
    pub identifier: Option<String>,
    pub servicepack_id: Option<i64>,
    pub ftp_password: Option<String>,
}

/// Filters of `GET /v2/accounts`.
#[derive(Clone, Debug, Default)]
pub struct AccountFilter {
    pub identifier: Option<String>,
    pub asset_type: Option<AssetType>,
}

fn account_not_found(id: &str) -> ApiError {
    ApiError::not_found(
        "account_not_found",
        format!("Account '{id}' does not exist."),
    )
}

impl SimState {
    pub fn list_accounts(&self, filter: &AccountFilter) -> Vec<AccountView> {
        self.accounts
            .iter()
            .filter(|a| {
                filter
                    .identifier
                    .as_ref()
                    .is_none_or(|want| a.identifier.eq_ignore_ascii_case(want))
            })
            .filter(|a| filter.asset_type.is_none_or(|t| a.assets.contains(&t)))
            .map(|a| AccountView {
                id: a.id,
                identifier: a.identifier.clone(),
                servicepack_id: a.servicepack_id,
            })
            .collect()
    }

    pub fn account_detail(&self, id: &str) -> Result<AccountDetail, ApiError> {
        let wanted: i32 = id.trim().parse().map_err(|_| account_not_found(id))?;
        let account = self
            .accounts
            .iter()
            .find(|a| a.id == wanted)
            .ok_or_else(|| account_not_found(id))?;
        Ok(AccountDetail {
            addons: Vec::new(),
            id: account.id,
            identifier: account.identifier.clone(),
            servicepack: self.servicepack_view(account.servicepack_id),
        })
    }

    /// Validates and queues the creation; returns the job id. All problems are reported at once.
    pub fn create_account(
        &mut self,
        request: &CreateAccount,
        now_ms: i64,
        job_duration_ms: i64,
    ) -> Result<String, ApiError> {
        let mut errors = Vec::new();
        let identifier = request
            .identifier
            .as_deref()
            .map(|i| i.trim().to_ascii_lowercase())
            .unwrap_or_default();
        if identifier.is_empty() {
            errors.push(ErrorMessage::new(
                "account_identifier_required",
                "An identifier (a domain name) is required.",
            ));
        } else if !is_domain_name(&identifier) {
            errors.push(ErrorMessage::new(
                "account_identifier_invalid",
                format!("'{identifier}' is not a valid domain name."),
            ));
        } else if self.identifier_taken(&identifier) {
            errors.push(ErrorMessage::new(
                "account_identifier_already_exists",
                format!("An account for '{identifier}' already exists or is being provisioned."),
            ));
        }
        let pack = match request.servicepack_id {
            None => {
                errors.push(ErrorMessage::new(
                    "account_servicepack_id_required",
                    "A servicepack_id is required.",
                ));
                None
            }
            Some(id) => {
                let pack = i32::try_from(id)
                    .ok()
                    .and_then(|id| self.servicepacks.iter().find(|p| p.id == id));
                if pack.is_none() {
                    errors.push(ErrorMessage::new(
                        "account_servicepack_id_invalid",
                        format!("Servicepack {id} does not exist."),
                    ));
                }
                pack.map(|p| p.id)
            }
        };
        if let Some(password) = &request.ftp_password {
            if let Err(problem) = check_password(password) {
                errors.push(ErrorMessage::new("account_ftp_password_invalid", problem));
            }
        }
        let Some(servicepack_id) = pack.filter(|_| errors.is_empty()) else {
            return Err(ApiError::Validation(errors));
        };
        let account_id = self.next_account_id;
        self.next_account_id = self.next_account_id.saturating_add(1);
        Ok(self.create_job(
            JobWork::CreateAccount {
                account_id,
                identifier,
                servicepack_id,
            },
            now_ms,
            job_duration_ms,
        ))
    }

    fn identifier_taken(&self, identifier: &str) -> bool {
        self.accounts.iter().any(|a| a.identifier == identifier)
            || self.jobs.iter().any(|j| {
                matches!(&j.work, JobWork::CreateAccount { identifier: i, .. } if i == identifier)
                    && j.status == super::state::JobStatus::Ongoing
            })
    }

    /// What the finished job leaves behind: the account and, for its identifier, a DNS zone.
    pub(crate) fn materialise_account(
        &mut self,
        account_id: i32,
        identifier: &str,
        servicepack_id: i32,
    ) -> Vec<String> {
        let assets = self
            .servicepacks
            .iter()
            .find(|p| p.id == servicepack_id)
            .map(|p| p.assets.clone())
            .unwrap_or_else(|| vec![AssetType::Domain, AssetType::Dns]);
        self.linux
            .provision(account_id, identifier, servicepack_id, &assets);
        self.provision_account_domain(identifier, &assets, now_ms());
        self.accounts.push(Account {
            id: account_id,
            identifier: identifier.to_string(),
            servicepack_id,
            assets,
        });
        self.provision_mailmysql(account_id, identifier, servicepack_id);
        if !self.zones.contains_key(identifier) {
            let records = self.new_zone_records();
            self.zones.insert(
                identifier.to_string(),
                Zone {
                    domain_name: identifier.to_string(),
                    records,
                },
            );
        }
        vec![format!("/v2/accounts/{account_id}")]
    }
}

pub(crate) async fn list(State(shared): State<Arc<Shared>>, query: QueryArg) -> Response {
    paged(query, |query| {
        let asset_type = match param(query, "asset_type") {
            None => None,
            Some(text) => Some(AssetType::parse(text).ok_or_else(|| {
                ApiError::invalid(
                    "asset_type_invalid",
                    format!("'{text}' is not an asset type (domain, linux_hosting, mysql, dns, mailbox, windows_hosting)."),
                )
            })?),
        };
        let filter = AccountFilter {
            identifier: param(query, "identifier").map(str::to_string),
            asset_type,
        };
        shared.read(|s| Ok(s.list_accounts(&filter)))
    })
}

pub(crate) async fn get_one(
    State(shared): State<Arc<Shared>>,
    Path(account_id): Path<String>,
) -> Response {
    json(shared.read(|s| s.account_detail(&account_id)))
}

pub(crate) async fn create(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let duration_ms = shared.job_duration_ms();
    job_started(
        parse_json::<CreateAccount>(&body).and_then(|request| {
            shared.write(|s| s.create_account(&request, now_ms(), duration_ms))
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(identifier: &str, pack: i64) -> CreateAccount {
        CreateAccount {
            identifier: Some(identifier.to_string()),
            servicepack_id: Some(pack),
            ftp_password: None,
        }
    }

    fn codes(err: ApiError) -> Vec<String> {
        match err {
            ApiError::Validation(errors) => errors.into_iter().map(|e| e.error_code).collect(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_account_appears_only_when_the_job_finishes() {
        let mut state = SimState::seed();
        let job = state
            .create_account(&request("New-Site.be", 12), 1_000, 500)
            .unwrap();
        let filter = AccountFilter {
            identifier: Some("new-site.be".into()),
            ..Default::default()
        };
        assert!(state.list_accounts(&filter).is_empty());
        assert!(!state.advance(1_499));
        assert!(state.advance(1_500));
        let found = state.list_accounts(&filter);
        assert_eq!(found.len(), 1);
        assert!(state.zones.contains_key("new-site.be"));
        let info = state.job_answer(&job, 1_500).unwrap();
        assert_eq!(
            info.resource_links,
            Some(vec![format!("/v2/accounts/{}", found[0].id)])
        );
    }

    #[test]
    fn validation_reports_every_problem() {
        let mut state = SimState::seed();
        let err = state
            .create_account(&CreateAccount::default(), 0, 0)
            .unwrap_err();
        assert_eq!(
            codes(err),
            [
                "account_identifier_required",
                "account_servicepack_id_required"
            ]
        );
        let err = state
            .create_account(&request("example.com", 99), 0, 0)
            .unwrap_err();
        assert_eq!(
            codes(err),
            [
                "account_identifier_already_exists",
                "account_servicepack_id_invalid"
            ]
        );
        let mut bad_password = request("fresh.be", 12);
        bad_password.ftp_password = Some("short1".into());
        assert_eq!(
            codes(state.create_account(&bad_password, 0, 0).unwrap_err()),
            ["account_ftp_password_invalid"]
        );
        assert_eq!(
            codes(
                state
                    .create_account(&request("no_such domain", 12), 0, 0)
                    .unwrap_err()
            ),
            ["account_identifier_invalid"]
        );
        assert!(state.jobs.is_empty());
    }

    #[test]
    fn filters_by_identifier_and_asset_type() {
        let state = SimState::seed();
        let hosting = AccountFilter {
            asset_type: Some(AssetType::LinuxHosting),
            ..Default::default()
        };
        let ids: Vec<i32> = state.list_accounts(&hosting).iter().map(|a| a.id).collect();
        assert_eq!(ids, [1001]);
        assert_eq!(state.list_accounts(&AccountFilter::default()).len(), 2);
        assert!(state.account_detail("abc").is_err());
        assert_eq!(
            state
                .account_detail("1002")
                .unwrap()
                .servicepack
                .unwrap()
                .id,
            11
        );
    }

    #[test]
    fn password_rules() {
        assert!(check_password("abcdef12").is_ok());
        for bad in [
            "abc12",
            "abcdefgh",
            "12345678",
            "abc def12",
            "abcdef12$",
            "a1234567890123456789x",
            "abcd\u{0}1234",
            "abcd\u{1b}1234",
        ] {
            assert!(check_password(bad).is_err(), "{bad}");
        }
    }
}
