//! `combell_ssh_keys`: every SSH public key of the account and the Linux hostings each is on
//! (`GET /v2/ssh`, all pages), sorted by fingerprint. `combell_ssh_key` manages a key on one
//! hosting.

use async_trait::async_trait;

use crate::core::data::{Failure, Reader};
use combell_api::{CancellationToken, Client};

use combell_api::SshKeyDetail;
use tfplugin::{model, Attribute, Nesting, Schema, Type};

model! {
    /// The state of `combell_ssh_keys`.
    pub struct SshKeys {
        id: String,
        keys: Vec<Key>,
    }
}

model! {
    /// One key of [`SshKeys`].
    pub struct Key {
        fingerprint: String,
        public_key: String,
        linux_hostings: Vec<String>,
    }
}

pub struct SshKeysDataSource;

const TYPE_NAME: &str = "combell_ssh_keys";

#[async_trait]
impl Reader for SshKeysDataSource {
    type Model = SshKeys;
    const TYPE_NAME: &'static str = TYPE_NAME;
    const API_OPERATIONS: &'static [&'static str] = &["GET /ssh"];

    fn schema(&self) -> Schema {
        Schema::new(vec![
            Attribute::string("id")
                .computed()
                .description("Always `ssh`; present because Terraform expects an id."),
            Attribute::nested(
                "keys",
                Nesting::List,
                vec![
                    Attribute::string("fingerprint")
                        .computed()
                        .description("The key's MD5 fingerprint (`aa:bb:…`)."),
                    Attribute::string("public_key")
                        .computed()
                        .description("The public key, as in an OpenSSH `.pub` file."),
                    Attribute::new("linux_hostings", Type::list(Type::String))
                        .computed()
                        .description("Domain names of the Linux hostings the key is on."),
                ],
            )
            .computed()
            .description("The account's SSH keys, sorted by fingerprint."),
        ])
        .description(
            "Lists every SSH public key of the Combell account with the Linux hostings it gives \
             access to.",
        )
    }

    async fn read(
        &self,
        client: &Client,
        _config: SshKeys,
        cancel: &CancellationToken,
    ) -> Result<SshKeys, Failure> {
        Ok(state_from(client.list_all_ssh_keys(cancel).await?))
    }
}

fn state_from(mut keys: Vec<SshKeyDetail>) -> SshKeys {
    keys.sort_by(|a, b| a.fingerprint.cmp(&b.fingerprint));
    let list: Vec<Key> = keys
        .into_iter()
        .map(|k| {
            let mut hostings: Vec<String> = k
                .linux_hostings
                .iter()
                .map(|h| h.to_ascii_lowercase())
                .collect();
            hostings.sort();
            Key {
                fingerprint: k.fingerprint.into(),
                public_key: k.public_key.into(),
                linux_hostings: hostings.into(),
            }
        })
        .collect();
    SshKeys {
        id: "ssh".to_string().into(),
        keys: list.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_keys_with_sorted_hostings() {
        let state = state_from(vec![
            SshKeyDetail {
                fingerprint: "bb".into(),
                public_key: "k2".into(),
                linux_hostings: vec!["b.be".into(), "A.be".into()],
            },
            SshKeyDetail {
                fingerprint: "aa".into(),
                public_key: "k1".into(),
                linux_hostings: Vec::new(),
            },
        ]);
        let keys = state.keys.items();
        assert_eq!(keys[0].fingerprint.as_str(), Some("aa"));
        let hostings: Vec<_> = keys[1]
            .linux_hostings
            .items()
            .iter()
            .map(String::as_str)
            .collect();
        assert_eq!(hostings, ["a.be", "b.be"]);
    }
}
