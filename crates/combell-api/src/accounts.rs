//! Accounts: instances of a servicepack. Creating one is asynchronous (202 + provisioning job).

use reqwest::Method;
use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;

use super::location::LocationRef;
use super::transport::Request;
use super::{api_path, null_as_default, Client, Error, Secret, Servicepack};

/// An entry of `GET /accounts`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    #[serde(default, deserialize_with = "null_as_default")]
    pub id: i64,
    #[serde(default, deserialize_with = "null_as_default")]
    pub identifier: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub servicepack_id: i64,
}

/// `GET /accounts/{id}`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountDetail {
    #[serde(default, deserialize_with = "null_as_default")]
    pub id: i64,
    #[serde(default, deserialize_with = "null_as_default")]
    pub identifier: String,
    #[serde(default)]
    pub servicepack: Option<Servicepack>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub addons: Vec<Addon>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Addon {
    #[serde(default, deserialize_with = "null_as_default")]
    pub id: i64,
    #[serde(default, deserialize_with = "null_as_default")]
    pub name: String,
}

/// The asset types `GET /accounts` can filter on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AssetType {
    Domain,
    LinuxHosting,
    Mysql,
    Dns,
    Mailbox,
    WindowsHosting,
}

impl AssetType {
    pub fn as_str(self) -> &'static str {
        match self {
            AssetType::Domain => "domain",
            AssetType::LinuxHosting => "linux_hosting",
            AssetType::Mysql => "mysql",
            AssetType::Dns => "dns",
            AssetType::Mailbox => "mailbox",
            AssetType::WindowsHosting => "windows_hosting",
        }
    }
}

impl std::str::FromStr for AssetType {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Ok(match text {
            "domain" => AssetType::Domain,
            "linux_hosting" => AssetType::LinuxHosting,
            "mysql" => AssetType::Mysql,
            "dns" => AssetType::Dns,
            "mailbox" => AssetType::Mailbox,
            "windows_hosting" => AssetType::WindowsHosting,
            other => {
                return Err(Error::Invalid(format!(
                    "unknown asset type \"{other}\" (expected one of domain, linux_hosting, \
                     mysql, dns, mailbox, windows_hosting)"
                )))
            }
        })
    }
}

/// Filters of `GET /accounts`; `None` leaves a filter out.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AccountFilter {
    pub identifier: Option<String>,
    pub asset_type: Option<AssetType>,
}

/// `POST /accounts`. The FTP password only applies to servicepacks with hosting.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CreateAccount {
    pub identifier: String,
    pub servicepack_id: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ftp_password: Option<Secret>,
}

/// The provisioning job an asynchronous create started.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JobRef {
    pub job_id: String,
    /// The `Location` as received; pass it (or `job_id`) to [`Client::wait_for_job`].
    pub location: String,
}

impl From<LocationRef> for JobRef {
    fn from(location: LocationRef) -> JobRef {
        JobRef {
            job_id: location.id,
            location: location.path,
        }
    }
}

impl Client {
    /// `GET /accounts`, every page.
    pub async fn list_accounts(
        &self,
        filter: &AccountFilter,
        cancel: &CancellationToken,
    ) -> Result<Vec<Account>, Error> {
        let mut request = Request::new(Method::GET, api_path(&["accounts"])?);
        if let Some(identifier) = &filter.identifier {
            request = request.query("identifier", identifier);
        }
        if let Some(asset_type) = filter.asset_type {
            request = request.query("asset_type", asset_type.as_str());
        }
        self.get_paged(request, cancel).await
    }

    /// `GET /accounts/{id}`.
    pub async fn get_account(
        &self,
        id: i64,
        cancel: &CancellationToken,
    ) -> Result<AccountDetail, Error> {
        let request = Request::new(Method::GET, api_path(&["accounts", &id.to_string()])?);
        self.get_json(request, cancel).await
    }

    /// `POST /accounts`: starts provisioning and returns the job to wait for. The new account's
    /// id is the last segment of the finished job's resource link.
    pub async fn create_account(
        &self,
        account: &CreateAccount,
        cancel: &CancellationToken,
    ) -> Result<JobRef, Error> {
        let request = Request::new(Method::POST, api_path(&["accounts"])?).json(account)?;
        self.start_job(request, cancel).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_body_and_password_redaction() {
        let create = CreateAccount {
            identifier: "example.com".into(),
            servicepack_id: 7,
            ftp_password: Some(Secret::new("Passw0rd99")),
        };
        let body = serde_json::to_value(&create).unwrap();
        assert_eq!(
            body,
            serde_json::json!({"identifier":"example.com","servicepack_id":7,"ftp_password":"Passw0rd99"})
        );
        assert!(!format!("{create:?}").contains("Passw0rd99"));
        let without = CreateAccount {
            ftp_password: None,
            ..create
        };
        assert!(serde_json::to_value(&without)
            .unwrap()
            .get("ftp_password")
            .is_none());
    }

    #[test]
    fn detail_reads_tolerantly() {
        let detail: AccountDetail = serde_json::from_str(
            r#"{"id":5,"identifier":"a.be","servicepack":{"id":1,"name":"x"},"addons":null,"new":1}"#,
        )
        .unwrap();
        assert_eq!(detail.id, 5);
        assert!(detail.addons.is_empty());
        assert_eq!(detail.servicepack.unwrap().name, "x");
    }

    #[test]
    fn asset_types_round_trip() {
        for t in [
            AssetType::Domain,
            AssetType::LinuxHosting,
            AssetType::Mysql,
            AssetType::Dns,
            AssetType::Mailbox,
            AssetType::WindowsHosting,
        ] {
            assert_eq!(t.as_str().parse::<AssetType>().unwrap(), t);
        }
        assert!("ftp".parse::<AssetType>().is_err());
    }
}
