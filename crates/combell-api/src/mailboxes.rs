//! Mailboxes, addressed by their e-mail address. Creates are synchronous (201 + `Location`);
//! auto-reply, auto-forward and password are separate 204 PUTs on the mailbox. The password is
//! never returned, and `GET /mailboxes/{address}` does not say which mail zone account the
//! mailbox belongs to.

use reqwest::Method;
use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;

use super::transport::Request;
use super::{api_path, api_path_below, null_as_default, require, Client, Error, Secret};

/// An entry of `GET /mailboxes`. Sizes are in MB.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mailbox {
    #[serde(default, deserialize_with = "null_as_default")]
    pub name: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub max_size: i64,
    #[serde(default, deserialize_with = "null_as_default")]
    pub actual_size: i64,
}

/// `GET /mailboxes/{address}`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailboxDetail {
    #[serde(default, deserialize_with = "null_as_default")]
    pub name: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub max_size: i64,
    #[serde(default, deserialize_with = "null_as_default")]
    pub actual_size: i64,
    #[serde(default, deserialize_with = "null_as_default")]
    pub login: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub auto_forward: AutoForward,
    #[serde(default, deserialize_with = "null_as_default")]
    pub auto_reply: AutoReply,
}

/// The API's `AutoForward`, read and written whole.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AutoForward {
    #[serde(default, deserialize_with = "null_as_default")]
    pub enabled: bool,
    #[serde(default, deserialize_with = "null_as_default")]
    pub email_addresses: Vec<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub copy_to_myself: bool,
}

/// The API's `AutoReply`, read and written whole.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AutoReply {
    #[serde(default, deserialize_with = "null_as_default")]
    pub enabled: bool,
    #[serde(default, deserialize_with = "null_as_default")]
    pub subject: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub message: String,
}

/// `POST /mailboxes`. `account_id` is a mail zone account (`MailZone.available_accounts`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CreateMailbox {
    pub account_id: i64,
    pub email_address: String,
    pub password: Secret,
}

/// The part of `GET /mailzones/{domain}` a mailbox needs: the mail zone accounts it can be
/// created in.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
struct MailZoneAccounts {
    #[serde(default, deserialize_with = "null_as_default")]
    available_accounts: Vec<MailZoneAccount>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
struct MailZoneAccount {
    #[serde(default, deserialize_with = "null_as_default")]
    account_id: i64,
}

#[derive(Serialize)]
struct PasswordBody<'a> {
    password: &'a Secret,
}

/// A request on one mailbox (`rest` below it); a blank address is refused.
fn mailbox_request(method: Method, address: &str, rest: &[&str]) -> Result<Request, Error> {
    require("mailbox address", address)?;
    Ok(Request::new(
        method,
        api_path_below("mailboxes", address, rest)?,
    ))
}

impl Client {
    /// `GET /mailboxes?domain_name=`: the mailboxes of one domain (not paged).
    pub async fn list_mailboxes(
        &self,
        domain: &str,
        cancel: &CancellationToken,
    ) -> Result<Vec<Mailbox>, Error> {
        require("domain name", domain)?;
        let request =
            Request::new(Method::GET, api_path(&["mailboxes"])?).query("domain_name", domain);
        self.get_list(request, cancel).await
    }

    /// The ids of the mail zone accounts of a domain (`MailZone.available_accounts`), where
    /// mailboxes are created. A domain without a mail zone gives `is_not_found()`.
    pub async fn mail_zone_account_ids(
        &self,
        domain: &str,
        cancel: &CancellationToken,
    ) -> Result<Vec<i64>, Error> {
        require("domain name", domain)?;
        let request = Request::new(Method::GET, api_path(&["mailzones", domain])?);
        let zone: MailZoneAccounts = self.get_json(request, cancel).await?;
        Ok(zone
            .available_accounts
            .into_iter()
            .map(|a| a.account_id)
            .collect())
    }

    /// `GET /mailboxes/{address}`. A missing mailbox is an error with `is_not_found()`.
    pub async fn get_mailbox(
        &self,
        address: &str,
        cancel: &CancellationToken,
    ) -> Result<MailboxDetail, Error> {
        self.get_json(mailbox_request(Method::GET, address, &[])?, cancel)
            .await
    }

    /// `POST /mailboxes`; returns the new mailbox's address as `Location` names it.
    pub async fn create_mailbox(
        &self,
        mailbox: &CreateMailbox,
        cancel: &CancellationToken,
    ) -> Result<String, Error> {
        require("mailbox address", &mailbox.email_address)?;
        let request = Request::new(Method::POST, api_path(&["mailboxes"])?).json(mailbox)?;
        self.create_located(request, cancel).await
    }

    /// `DELETE /mailboxes/{address}` (204). An already missing mailbox gives `is_not_found()`.
    pub async fn delete_mailbox(
        &self,
        address: &str,
        cancel: &CancellationToken,
    ) -> Result<(), Error> {
        self.send_only(mailbox_request(Method::DELETE, address, &[])?, cancel)
            .await
    }

    /// `PUT /mailboxes/{address}/password` (204).
    pub async fn set_mailbox_password(
        &self,
        address: &str,
        password: &Secret,
        cancel: &CancellationToken,
    ) -> Result<(), Error> {
        let request = mailbox_request(Method::PUT, address, &["password"])?
            .json(&PasswordBody { password })?;
        self.send_only(request, cancel).await
    }

    /// `PUT /mailboxes/{address}/autoreply` (204): replaces the whole setting.
    pub async fn set_mailbox_autoreply(
        &self,
        address: &str,
        reply: &AutoReply,
        cancel: &CancellationToken,
    ) -> Result<(), Error> {
        let request = mailbox_request(Method::PUT, address, &["autoreply"])?.json(reply)?;
        self.send_only(request, cancel).await
    }

    /// `PUT /mailboxes/{address}/autoforward` (204): replaces the whole setting.
    pub async fn set_mailbox_autoforward(
        &self,
        address: &str,
        forward: &AutoForward,
        cancel: &CancellationToken,
    ) -> Result<(), Error> {
        let request = mailbox_request(Method::PUT, address, &["autoforward"])?.json(forward)?;
        self.send_only(request, cancel).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_detail_with_nulls_and_unknown_fields() {
        let detail: MailboxDetail = serde_json::from_str(
            r#"{"name":"info@example.com","max_size":5120,"actual_size":null,
                "login":"info@example.com","auto_forward":null,
                "auto_reply":{"enabled":true,"subject":null,"message":"Away"},"future":1}"#,
        )
        .unwrap();
        assert_eq!(detail.max_size, 5120);
        assert_eq!(detail.actual_size, 0);
        assert_eq!(detail.auto_forward, AutoForward::default());
        assert!(detail.auto_reply.enabled);
        assert_eq!(detail.auto_reply.subject, "");
    }

    #[test]
    fn writes_wire_names_and_the_password_only_in_the_body() {
        let create = CreateMailbox {
            account_id: 1001,
            email_address: "a@example.com".into(),
            password: Secret::new("Secret123"),
        };
        assert_eq!(
            serde_json::to_string(&create).unwrap(),
            r#"{"account_id":1001,"email_address":"a@example.com","password":"Secret123"}"#
        );
        assert!(!format!("{create:?}").contains("Secret123"));
        let forward = AutoForward {
            enabled: true,
            email_addresses: vec!["b@example.org".into()],
            copy_to_myself: true,
        };
        assert_eq!(
            serde_json::to_string(&forward).unwrap(),
            r#"{"enabled":true,"email_addresses":["b@example.org"],"copy_to_myself":true}"#
        );
    }
}
