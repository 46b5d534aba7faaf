//! `combell_ssh_keys`: every SSH public key of the account and the Linux hostings each is on
//! (`GET /v2/ssh`, all pages), sorted by fingerprint. `combell_ssh_key` manages a key on one
//! hosting.

use async_trait::async_trait;

use crate::core::{api_error, client};
use combell_api::SshKeyDetail;
use tfplugin::{Attribute, Ctx, DataSource, Nesting, ReadResult, Schema, Type, Value};

pub struct SshKeysDataSource;

const TYPE_NAME: &str = "combell_ssh_keys";

#[async_trait]
impl DataSource for SshKeysDataSource {
    fn type_name(&self) -> &str {
        TYPE_NAME
    }
    fn api_operations(&self) -> &'static [&'static str] {
        &["GET /ssh"]
    }

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

    async fn read(&self, ctx: &Ctx, _config: &Value) -> ReadResult {
        let client = match client(ctx) {
            Ok(client) => client,
            Err(diag) => return ReadResult::error(diag),
        };
        match client.list_all_ssh_keys(ctx.stopping()).await {
            Ok(keys) => ReadResult::ok(state_from(keys)),
            Err(err) => ReadResult::error(api_error(format!("Unable to read {TYPE_NAME}"), &err)),
        }
    }
}

fn state_from(mut keys: Vec<SshKeyDetail>) -> Value {
    keys.sort_by(|a, b| a.fingerprint.cmp(&b.fingerprint));
    let list = keys
        .into_iter()
        .map(|k| {
            let mut hostings: Vec<String> = k
                .linux_hostings
                .iter()
                .map(|h| h.to_ascii_lowercase())
                .collect();
            hostings.sort();
            Value::object([
                ("fingerprint", k.fingerprint.into()),
                ("public_key", k.public_key.into()),
                ("linux_hostings", hostings.into()),
            ])
        })
        .collect();
    Value::object([("id", "ssh".into()), ("keys", Value::List(list))])
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
        let keys = state.get_list("keys");
        assert_eq!(keys[0].get_str("fingerprint"), Some("aa"));
        let hostings: Vec<_> = keys[1]
            .get_list("linux_hostings")
            .iter()
            .filter_map(Value::as_str)
            .collect();
        assert_eq!(hostings, ["a.be", "b.be"]);
    }
}
