//! Mailboxes: `GET /v2/mailboxes` (`domain_name` filter, not paged), `POST /v2/mailboxes`
//! (synchronous 201 + `Location: /v2/mailboxes/{address}`), `GET` and `DELETE`
//! `/v2/mailboxes/{mailboxName}`, and the 204 PUTs of auto-forward, auto-reply and password.
//!
//! A mailbox belongs to the mail zone of its domain and to one of that zone's mail zone
//! accounts (`account_id`). `GET /v2/mailboxes` without `domain_name` lists every mailbox: the
//! spec calls the filter "obligated" yet optional, and declares no 400 to refuse with.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::response::Response;
use axum::routing::MethodRouter;
use serde::{Deserialize, Serialize};

use crate::error::{ApiError, ErrorMessage};
use crate::handler::{created, json, param, parse_json, put_named, query_map, QueryArg};
use crate::names::{check_password, domain_of, is_email_address, key};
use crate::shared::Shared;
use crate::state::mail::{AutoForward, AutoReply, Mailbox};
use crate::state::SimState;

/// Longest auto-reply subject and message accepted, in characters.
const MAX_SUBJECT_CHARS: usize = 255;
const MAX_MESSAGE_CHARS: usize = 10_000;
/// Most auto-forward destinations accepted.
const MAX_FORWARDS: usize = 25;

impl Mailbox {
    fn summary(&self) -> MailboxSummary {
        MailboxSummary {
            name: self.name.clone(),
            max_size: self.max_size,
            actual_size: self.actual_size,
        }
    }

    /// The login is the address itself, as on Combell's mail servers.
    fn detail(&self) -> MailboxDetail {
        MailboxDetail {
            name: self.name.clone(),
            max_size: self.max_size,
            actual_size: self.actual_size,
            login: self.name.clone(),
            auto_forward: self.auto_forward.clone(),
            auto_reply: self.auto_reply.clone(),
        }
    }
}

/// The API's `Mailbox`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MailboxSummary {
    pub name: String,
    pub max_size: i32,
    pub actual_size: i32,
}

/// The API's `MailboxDetail`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MailboxDetail {
    pub name: String,
    pub max_size: i32,
    pub actual_size: i32,
    pub login: String,
    pub auto_forward: AutoForward,
    pub auto_reply: AutoReply,
}

/// `CreateMailboxRequest`.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct CreateMailbox {
    pub account_id: Option<i64>,
    pub email_address: Option<String>,
    pub password: Option<String>,
}

/// `AutoForward` as a client sends it.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct AutoForwardInput {
    pub enabled: Option<bool>,
    pub email_addresses: Option<Vec<String>>,
    pub copy_to_myself: Option<bool>,
}

/// `AutoReply` as a client sends it.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct AutoReplyInput {
    pub enabled: Option<bool>,
    pub subject: Option<String>,
    pub message: Option<String>,
}

/// `UpdateMailboxPasswordRequest` (and the MySQL user's, which has the same shape).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct PasswordInput {
    pub password: Option<String>,
}

fn mailbox_not_found(name: &str) -> ApiError {
    ApiError::not_found(
        "mailbox_not_found",
        format!("Mailbox '{name}' does not exist."),
    )
}

/// The password rules of API-SUMMARY.md §1.9, reported under `code`.
pub(crate) fn password_problem(password: Option<&str>, prefix: &str) -> Option<ErrorMessage> {
    match password {
        None | Some("") => Some(ErrorMessage::new(
            &format!("{prefix}_password_required"),
            "A password is required.",
        )),
        Some(password) => check_password(password)
            .err()
            .map(|problem| ErrorMessage::new(&format!("{prefix}_password_invalid"), problem)),
    }
}

impl SimState {
    /// Every mailbox, or those of one domain, by address.
    pub fn list_mailboxes(&self, domain: Option<&str>) -> Vec<MailboxSummary> {
        let domain = domain.map(key);
        self.mailmysql
            .mailboxes
            .values()
            .filter(|m| domain.as_deref().is_none_or(|d| domain_of(&m.name) == d))
            .map(Mailbox::summary)
            .collect()
    }

    pub fn mailbox(&self, name: &str) -> Result<&Mailbox, ApiError> {
        self.mailmysql
            .mailboxes
            .get(&key(name))
            .ok_or_else(|| mailbox_not_found(&key(name)))
    }

    fn mailbox_mut(&mut self, name: &str) -> Result<&mut Mailbox, ApiError> {
        self.mailmysql
            .mailboxes
            .get_mut(&key(name))
            .ok_or_else(|| mailbox_not_found(&key(name)))
    }

    pub fn mailbox_detail(&self, name: &str) -> Result<MailboxDetail, ApiError> {
        self.mailbox(name).map(Mailbox::detail)
    }

    /// Returns the new mailbox's address.
    pub fn create_mailbox(&mut self, request: &CreateMailbox) -> Result<String, ApiError> {
        let mut errors = Vec::new();
        let address = request
            .email_address
            .as_deref()
            .map(key)
            .unwrap_or_default();
        let zone = if address.is_empty() {
            errors.push(ErrorMessage::new(
                "mailbox_email_address_required",
                "The e-mail address of the mailbox is required.",
            ));
            None
        } else if !is_email_address(&address) {
            errors.push(ErrorMessage::new(
                "mailbox_email_address_invalid",
                format!("'{address}' is not a valid e-mail address."),
            ));
            None
        } else {
            let zone = self.mailmysql.mail_zones.get(domain_of(&address));
            if zone.is_none() {
                errors.push(ErrorMessage::new(
                    "mailbox_mail_zone_not_found",
                    format!(
                        "There is no mail zone for '{}'; create an account with mail for it first.",
                        domain_of(&address)
                    ),
                ));
            } else if self.mailmysql.mailboxes.contains_key(&address) {
                errors.push(ErrorMessage::new(
                    "mailbox_already_exists",
                    format!("Mailbox '{address}' already exists."),
                ));
            } else if zone.is_some_and(|z| z.aliases.iter().any(|a| a.email_address == address)) {
                errors.push(ErrorMessage::new(
                    "mailbox_address_is_an_alias",
                    format!("'{address}' is an alias; delete the alias first."),
                ));
            }
            zone
        };
        let account_id = match request.account_id {
            None => {
                errors.push(ErrorMessage::new(
                    "mailbox_account_id_required",
                    "The mail zone account id (account_id) is required.",
                ));
                None
            }
            Some(id) => {
                let found = i32::try_from(id).ok().filter(|id| {
                    zone.is_none_or(|z| z.available_accounts.iter().any(|a| a.account_id == *id))
                });
                if found.is_none() {
                    errors.push(ErrorMessage::new(
                        "mailbox_account_id_invalid",
                        format!(
                            "{id} is not a mail zone account of this domain; see available_accounts of its mail zone."
                        ),
                    ));
                }
                found
            }
        };
        if let Some(problem) = password_problem(request.password.as_deref(), "mailbox") {
            errors.push(problem);
        }
        let Some(account_id) = account_id.filter(|_| errors.is_empty()) else {
            return Err(ApiError::Validation(errors));
        };
        let mut mailbox = Mailbox::new(&address, account_id);
        if let Some(size) = zone.and_then(|z| {
            z.available_accounts
                .iter()
                .find(|a| a.account_id == account_id)
                .map(|a| a.size)
        }) {
            mailbox.max_size = size;
        }
        self.mailmysql.mailboxes.insert(address.clone(), mailbox);
        Ok(address)
    }

    pub fn delete_mailbox(&mut self, name: &str) -> Result<(), ApiError> {
        self.mailbox(name)?;
        self.mailmysql.mailboxes.remove(&key(name));
        Ok(())
    }

    pub fn set_autoforward(
        &mut self,
        name: &str,
        input: &AutoForwardInput,
    ) -> Result<(), ApiError> {
        let own = self.mailbox(name)?.name.clone();
        let enabled = input.enabled.unwrap_or(false);
        let addresses: Vec<String> = input
            .email_addresses
            .iter()
            .flatten()
            .map(|a| key(a))
            .collect();
        let mut errors = Vec::new();
        if enabled && addresses.is_empty() {
            errors.push(ErrorMessage::new(
                "mailbox_autoforward_addresses_required",
                "An enabled auto-forward needs at least one e-mail address.",
            ));
        }
        if addresses.len() > MAX_FORWARDS {
            errors.push(ErrorMessage::new(
                "mailbox_autoforward_too_many_addresses",
                format!("At most {MAX_FORWARDS} forward addresses are allowed."),
            ));
        }
        for address in &addresses {
            if !is_email_address(address) {
                errors.push(ErrorMessage::new(
                    "mailbox_autoforward_address_invalid",
                    format!("'{address}' is not a valid e-mail address."),
                ));
            } else if *address == own {
                errors.push(ErrorMessage::new(
                    "mailbox_autoforward_to_itself",
                    "A mailbox cannot forward to itself; use copy_to_myself instead.",
                ));
            }
        }
        if !errors.is_empty() {
            return Err(ApiError::Validation(errors));
        }
        let mut unique: Vec<String> = Vec::with_capacity(addresses.len());
        for address in addresses {
            if !unique.contains(&address) {
                unique.push(address);
            }
        }
        self.mailbox_mut(name)?.auto_forward = AutoForward {
            enabled,
            email_addresses: unique,
            copy_to_myself: input.copy_to_myself.unwrap_or(false),
        };
        Ok(())
    }

    pub fn set_autoreply(&mut self, name: &str, input: &AutoReplyInput) -> Result<(), ApiError> {
        self.mailbox(name)?;
        let enabled = input.enabled.unwrap_or(false);
        let subject = input.subject.clone().unwrap_or_default();
        let message = input.message.clone().unwrap_or_default();
        let mut errors = Vec::new();
        if enabled && message.trim().is_empty() {
            errors.push(ErrorMessage::new(
                "mailbox_autoreply_message_required",
                "An enabled auto-reply needs a message.",
            ));
        }
        if subject.chars().count() > MAX_SUBJECT_CHARS {
            errors.push(ErrorMessage::new(
                "mailbox_autoreply_subject_too_long",
                format!("The subject may be at most {MAX_SUBJECT_CHARS} characters."),
            ));
        }
        if message.chars().count() > MAX_MESSAGE_CHARS {
            errors.push(ErrorMessage::new(
                "mailbox_autoreply_message_too_long",
                format!("The message may be at most {MAX_MESSAGE_CHARS} characters."),
            ));
        }
        if !errors.is_empty() {
            return Err(ApiError::Validation(errors));
        }
        self.mailbox_mut(name)?.auto_reply = AutoReply {
            enabled,
            subject,
            message,
        };
        Ok(())
    }

    /// Checks the new password; nothing is stored (see the module docs of `mailmysql`).
    pub fn set_mailbox_password(
        &mut self,
        name: &str,
        input: &PasswordInput,
    ) -> Result<(), ApiError> {
        self.mailbox(name)?;
        match password_problem(input.password.as_deref(), "mailbox") {
            Some(problem) => Err(ApiError::Validation(vec![problem])),
            None => Ok(()),
        }
    }
}

pub(crate) async fn list(State(shared): State<Arc<Shared>>, query: QueryArg) -> Response {
    json(query_map(query).and_then(|query| {
        let domain = param(&query, "domain_name").map(str::to_string);
        shared.read(|s| Ok(s.list_mailboxes(domain.as_deref())))
    }))
}

pub(crate) async fn create(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    created(
        parse_json::<CreateMailbox>(&body)
            .and_then(|request| shared.write(|s| s.create_mailbox(&request)))
            .map(|address| format!("/v2/mailboxes/{address}")),
    )
}

/// `PUT .../autoforward` (204).
pub(crate) fn autoforward() -> MethodRouter<Arc<Shared>> {
    put_named(SimState::mailbox, SimState::set_autoforward)
}

/// `PUT .../autoreply` (204).
pub(crate) fn autoreply() -> MethodRouter<Arc<Shared>> {
    put_named(SimState::mailbox, SimState::set_autoreply)
}

/// `PUT .../password` (204).
pub(crate) fn password() -> MethodRouter<Arc<Shared>> {
    put_named(SimState::mailbox, SimState::set_mailbox_password)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::codes;

    fn request(address: &str, account: i64, password: &str) -> CreateMailbox {
        CreateMailbox {
            account_id: Some(account),
            email_address: Some(address.to_string()),
            password: Some(password.to_string()),
        }
    }

    #[test]
    fn create_checks_zone_account_and_password() {
        let mut state = SimState::seed();
        assert_eq!(
            state
                .create_mailbox(&request("Jan@Example.com", 1001, "abcdef12"))
                .unwrap(),
            "jan@example.com"
        );
        assert_eq!(state.list_mailboxes(Some("EXAMPLE.COM")).len(), 2);
        assert_eq!(state.list_mailboxes(Some("example.net")).len(), 0);
        let cases: [(CreateMailbox, &[&str]); 6] = [
            (
                CreateMailbox::default(),
                &[
                    "mailbox_email_address_required",
                    "mailbox_account_id_required",
                    "mailbox_password_required",
                ],
            ),
            (
                request("jan@example.com", 1001, "abcdef12"),
                &["mailbox_already_exists"],
            ),
            (
                request("sales@example.com", 1001, "abcdef12"),
                &["mailbox_address_is_an_alias"],
            ),
            (
                request("a@example.net", 1002, "abcdef12"),
                &["mailbox_mail_zone_not_found"],
            ),
            (
                request("b@example.com", 1002, "abcdefgh"),
                &["mailbox_account_id_invalid", "mailbox_password_invalid"],
            ),
            (
                request("b@@example.com", 1001, "abc def12"),
                &["mailbox_email_address_invalid", "mailbox_password_invalid"],
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(codes(state.create_mailbox(&input).unwrap_err()), expected);
        }
        assert_eq!(state.list_mailboxes(None).len(), 2);
    }

    #[test]
    fn forward_and_reply_rules() {
        let mut state = SimState::seed();
        let forward = |enabled: bool, to: &[&str]| AutoForwardInput {
            enabled: Some(enabled),
            email_addresses: Some(to.iter().map(|a| a.to_string()).collect()),
            copy_to_myself: Some(true),
        };
        state
            .set_autoforward(
                "INFO@example.com",
                &forward(true, &["Boss@example.org", "boss@example.org"]),
            )
            .unwrap();
        let stored = &state.mailbox("info@example.com").unwrap().auto_forward;
        assert_eq!(stored.email_addresses, ["boss@example.org"]);
        assert!(stored.copy_to_myself);
        assert_eq!(
            codes(
                state
                    .set_autoforward("info@example.com", &forward(true, &[]))
                    .unwrap_err()
            ),
            ["mailbox_autoforward_addresses_required"]
        );
        assert_eq!(
            codes(
                state
                    .set_autoforward(
                        "info@example.com",
                        &forward(false, &["info@example.com", "x"])
                    )
                    .unwrap_err()
            ),
            [
                "mailbox_autoforward_to_itself",
                "mailbox_autoforward_address_invalid"
            ]
        );
        assert_eq!(
            codes(
                state
                    .set_autoforward("nobody@example.com", &forward(false, &[]))
                    .unwrap_err()
            ),
            ["mailbox_not_found"]
        );

        let reply = AutoReplyInput {
            enabled: Some(true),
            subject: Some("Away".into()),
            message: None,
        };
        assert_eq!(
            codes(state.set_autoreply("info@example.com", &reply).unwrap_err()),
            ["mailbox_autoreply_message_required"]
        );
        state
            .set_autoreply("info@example.com", &AutoReplyInput::default())
            .unwrap();
        let detail = state.mailbox_detail("info@example.com").unwrap();
        assert_eq!(detail.auto_reply, AutoReply::default());
        assert_eq!(detail.login, "info@example.com");
    }

    #[test]
    fn password_changes_are_checked() {
        let mut state = SimState::seed();
        let password = |p: &str| PasswordInput {
            password: Some(p.to_string()),
        };
        state
            .set_mailbox_password("info@example.com", &password("n3wpassword"))
            .unwrap();
        assert_eq!(
            codes(
                state
                    .set_mailbox_password("info@example.com", &password("sh0rt"))
                    .unwrap_err()
            ),
            ["mailbox_password_invalid"]
        );
        assert_eq!(
            codes(
                state
                    .set_mailbox_password("info@example.com", &PasswordInput::default())
                    .unwrap_err()
            ),
            ["mailbox_password_required"]
        );
    }
}
