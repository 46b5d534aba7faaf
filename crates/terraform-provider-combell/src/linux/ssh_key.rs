//! `combell_ssh_key`: an OpenSSH public key that may log in to a Linux hosting over SSH.
//! Import ID: `<hosting domain>/<fingerprint>`, e.g. `example.com/31:52:43:…` (the MD5
//! fingerprint `data.combell_linux_hosting` and `data.combell_ssh_keys` show).
//!
//! The API adds a key (201, the fingerprint in `Location`), lists a hosting's keys and deletes
//! one by fingerprint; there is no read of one key and no update, so a read lists the keys and
//! any change of key replaces it. The fingerprint names the key material, so once it is found
//! the configured text (its comment and spacing) is kept as written. The key is checked and
//! sent without the whitespace around it (a `.pub` file ends with a newline), and a change of
//! that whitespace alone is an in-place update of the state, not a new key.
//!
//! Created, read, changed and deleted through the core's one path (`core::managed`): created
//! once, a lost answer looked up by natural key, the fingerprint (the MD5 of the key
//! material, computed from the configured key). A create is one POST: the fingerprint comes
//! from `Location`, and reads keep that form while it names the same key.

use async_trait::async_trait;
use serde_json::json;

use crate::core::ids::{IdPart, LINUX_HOSTING};
use crate::core::managed::{Managed, Typed};
use crate::core::rules::host_name_in;
use combell_api::{self as api, CancellationToken, Client, SshKey};
use tfplugin::{
    default_plan, model, Attribute, AttributePath, Ctx, Diagnostics, Field, Model, PlanRequest,
    PlanResponse, Schema, Value,
};

const TYPE_NAME: &str = "combell_ssh_key";

model! {
    /// The state, plan and configuration of `combell_ssh_key`.
    pub struct Key {
        id: String,
        domain_name: String,
        public_key: String,
        fingerprint: String,
    }
}
const KEY_TYPES: [&str; 5] = [
    "ssh-ed25519",
    "ssh-rsa",
    "ecdsa-sha2-nistp256",
    "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521",
];

pub struct SshKeyResource;

/// The Terraform resource, as list resources name it.
pub(crate) static RESOURCE: Typed<SshKeyResource> = Typed::new(SshKeyResource);

fn schema() -> Schema {
    Schema::new(vec![
        Attribute::string("id")
            .computed()
            .description("`<domain_name>/<fingerprint>`."),
        Attribute::string("domain_name").required().description(
            "Domain name of the Linux hosting the key gives access to, such as `example.com`. \
             Changing it replaces the key.",
        ),
        Attribute::string("public_key").required().description(
            "The public key, as in an OpenSSH `.pub` file: `type base64 [comment]`, such as \
             `ssh-ed25519 AAAA… me@laptop`. Types: `ssh-ed25519`, `ssh-rsa` and \
             `ecdsa-sha2-nistp256/384/521`. Never a private key. Spacing around it is \
             allowed, so `file(\"deploy.pub\")` works as it is; the state keeps the text as \
             configured. Changing the key itself replaces it; changing only that spacing does not.",
        ),
        Attribute::string("fingerprint")
            .computed()
            .description("The key's MD5 fingerprint, as Combell names it (`aa:bb:…`)."),
    ])
    .description(
        "An SSH public key on a Linux hosting. SSH itself is switched on with \
         `combell_linux_hosting_settings.ssh_enabled`. Destroying the resource removes the key \
         from the hosting.",
    )
}

#[async_trait]
impl Managed for SshKeyResource {
    type Model = Key;
    const TYPE_NAME: &'static str = TYPE_NAME;
    const LOG: &'static str = "ssh_key";
    const ID_PARTS: &'static [IdPart] = &[
        LINUX_HOSTING,
        (
            "fingerprint",
            "The key's MD5 fingerprint, as Combell names it (`aa:bb:…`).",
        ),
    ];
    const ID_EXAMPLE: &'static str = "example.com/31:52:43:3a:66:f7:e4:5f:28:39:64:08:5f:75:de:3f";
    const API_OPERATIONS: &'static [&'static str] = &[
        "GET /linuxhostings/{domainName}/ssh/keys",
        "POST /linuxhostings/{domainName}/ssh/keys",
        "DELETE /linuxhostings/{domainName}/ssh/keys/{fingerprint}",
    ];
    const REQUIRES_REPLACE: &'static [&'static str] = &["domain_name"];

    fn schema(&self) -> Schema {
        schema()
    }

    fn validate(&self, config: &Key, diags: &mut Diagnostics) {
        host_name_in(&config.domain_name, "domain_name", "domain name", diags);
        if let Some(key) = config.public_key.as_str() {
            if let Err(detail) = check_public_key(key.trim()) {
                diags.error_at(
                    AttributePath::new("public_key"),
                    "Invalid SSH public key",
                    detail,
                );
            }
        }
    }

    /// A key is replaced when its text changes meaning: the spacing around it (the final
    /// newline of a `.pub` file read with `file()`) is no change, and is only stored. Every
    /// other configurable attribute replaces the key, so an update only stores that spacing.
    async fn modify_plan(
        &self,
        _ctx: &Ctx,
        schema: &Schema,
        req: &PlanRequest,
        resp: &mut PlanResponse,
    ) {
        if req.prior.is_null() || resp.planned.is_null() || !resp.requires_replace.is_empty() {
            return;
        }
        let (prior, config) = match (Key::decode(&req.prior), Key::decode(&req.config)) {
            (Ok(prior), Ok(config)) => (prior, config),
            (Err(diags), _) | (_, Err(diags)) => {
                resp.diagnostics.extend(diags);
                return;
            }
        };
        let key_changed = match (&config.public_key, &prior.public_key) {
            (Field::Known(new), Field::Known(old)) => new.trim() != old.trim(),
            (Field::Null, old) => !old.is_null(),
            _ => true,
        };
        if key_changed {
            let mut fresh = req.clone();
            fresh.prior = Value::Null;
            resp.planned = default_plan(schema, &[], &[], fresh).planned;
            resp.requires_replace = vec![AttributePath::new("public_key")];
        }
    }

    fn what(&self, planned: &Key) -> String {
        format!(
            "SSH key on the Linux hosting \"{}\"",
            planned.domain_name.as_str().unwrap_or_default()
        )
    }

    async fn send_create(
        &self,
        client: &Client,
        planned: &Key,
        _config: &Key,
        cancel: &CancellationToken,
    ) -> Result<String, api::Error> {
        let domain = planned.domain_name.as_str().unwrap_or_default();
        let key = planned.public_key.as_str().unwrap_or_default().trim();
        let fingerprint = client.add_linux_ssh_key(domain, key, cancel).await?;
        hclog::info(
            "ssh_key",
            "SSH key added",
            &[
                ("domain_name", json!(domain)),
                ("fingerprint", json!(fingerprint)),
            ],
        );
        Ok(fingerprint)
    }

    /// The fingerprint comes from `Location`: one POST, no list read back.
    fn created(&self, planned: &Key, fingerprint: &str) -> Key {
        let domain = planned.domain_name.as_str().unwrap_or_default();
        Key {
            id: format!("{}/{fingerprint}", domain.to_ascii_lowercase()).into(),
            fingerprint: fingerprint.to_string().into(),
            ..planned.clone()
        }
    }

    /// By fingerprint among the hosting's keys: the state's, or before a create the one the
    /// configured key has.
    async fn fetch(
        &self,
        client: &Client,
        key: &Key,
        cancel: &CancellationToken,
    ) -> Result<Option<Key>, api::Error> {
        let Some(domain) = key.domain_name.as_str() else {
            return Ok(None);
        };
        let fingerprint = match key.fingerprint.as_str() {
            Some(f) => f.to_string(),
            None => match key
                .public_key
                .as_str()
                .and_then(|k| key_fingerprint(k.trim()))
            {
                Some(f) => f,
                None => return Ok(None),
            },
        };
        let keys = client.list_linux_ssh_keys(domain, cancel).await?;
        Ok(state_from(domain, &fingerprint, &keys, key))
    }

    async fn send_delete(
        &self,
        client: &Client,
        prior: &Key,
        cancel: &CancellationToken,
    ) -> Result<Diagnostics, api::Error> {
        let domain = prior.domain_name.as_str().unwrap_or_default();
        let fingerprint = prior.fingerprint.as_str().unwrap_or_default();
        client
            .delete_linux_ssh_key(domain, fingerprint, cancel)
            .await?;
        Ok(Diagnostics::default())
    }

    fn refused(&self, planned: &Key, err: &api::Error) -> Option<String> {
        if !err.codes().contains(&"ssh_key_already_exists") {
            return None;
        }
        let domain = planned.domain_name.as_str().unwrap_or_default();
        Some(format!(
            "This key is already on the Linux hosting \"{domain}\". To manage it with \
             Terraform, import it: terraform import <resource address> {domain}/<fingerprint> \
             (data.combell_linux_hosting lists the fingerprints). {err}"
        ))
    }

    fn imported(&self, parts: &[String]) -> Key {
        Key {
            domain_name: parts[0].to_ascii_lowercase().into(),
            fingerprint: parts[1].to_ascii_lowercase().into(),
            ..Default::default()
        }
    }
}

/// Fingerprints compare without case, `MD5:` prefix or colons.
/// The MD5 fingerprint (`aa:bb:…`) of an OpenSSH public key, as Combell names keys.
fn key_fingerprint(public_key: &str) -> Option<String> {
    use base64::Engine;
    use md5::{Digest, Md5};
    let data = public_key.split_whitespace().nth(1)?;
    let blob = base64::engine::general_purpose::STANDARD
        .decode(data)
        .ok()?;
    let digest = Md5::digest(&blob);
    Some(
        digest
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<Vec<_>>()
            .join(":"),
    )
}

fn same_fingerprint(a: &str, b: &str) -> bool {
    let norm = |f: &str| {
        let f = f.trim();
        let f = f
            .strip_prefix("MD5:")
            .or_else(|| f.strip_prefix("md5:"))
            .unwrap_or(f);
        f.replace(':', "").to_ascii_lowercase()
    };
    norm(a) == norm(b)
}

/// The one mapping from the API; `None` when the key is not on the hosting.
fn state_from(domain: &str, fingerprint: &str, keys: &[SshKey], base: &Key) -> Option<Key> {
    let key = keys
        .iter()
        .find(|k| same_fingerprint(&k.fingerprint, fingerprint))?;
    let domain = domain.to_ascii_lowercase();
    // The configured text is kept once the key is found (unknown reads as not configured),
    // and so is the stored form of the fingerprint (the one `Location` gave) while it names
    // the same key: the identity must not change.
    let base = base.known_part();
    let fingerprint = base
        .fingerprint
        .as_str()
        .filter(|f| same_fingerprint(f, &key.fingerprint))
        .unwrap_or(&key.fingerprint)
        .to_string();
    Some(Key {
        id: format!("{domain}/{fingerprint}").into(),
        domain_name: domain.into(),
        public_key: base.public_key.or(key.public_key.clone().into()),
        fingerprint: fingerprint.into(),
    })
}

/// The shape of an OpenSSH public key; the text is never echoed (a pasted private key must not
/// reach a log or a terminal).
fn check_public_key(key: &str) -> Result<(), String> {
    if key.contains("PRIVATE KEY") {
        return Err(
            "This is a private key. Give the public key (the .pub file) instead, and keep the \
             private key out of your configuration."
                .into(),
        );
    }
    let words: Vec<&str> = key.split_whitespace().collect();
    let [kind, data, ..] = words.as_slice() else {
        return Err(
            "A public key reads \"type base64 [comment]\", such as \"ssh-ed25519 AAAA… me@host\"."
                .into(),
        );
    };
    if !KEY_TYPES.contains(kind) {
        return Err(format!(
            "The key type must be one of {}.",
            KEY_TYPES.join(", ")
        ));
    }
    let base64_ok = data.len() >= 16
        && data
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/' || b == b'=');
    if !base64_ok || key.contains('\n') {
        return Err(
            "The key data (the second word) must be base64 on one line, as in a .pub file.".into(),
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use tfplugin::{Ctx, Resource};

    const KEY: &str = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDt5iTBIDtIyfZBxo1HueefMCIZhtWfwvJotJ1C5DmK+ deploy@example.com";

    #[test]
    fn public_key_rules() {
        assert!(check_public_key(KEY).is_ok());
        for bad in [
            "-----BEGIN OPENSSH PRIVATE KEY-----\nabc",
            "ssh-dss AAAAB3NzaC1kc3MAAACBAP",
            "ssh-ed25519",
            "ssh-ed25519 not*base64*at*all*!!",
        ] {
            let err = check_public_key(bad).unwrap_err();
            assert!(!err.contains("NzaC1"), "the key is never echoed: {err}");
        }
    }

    #[test]
    fn a_pub_file_as_read_is_accepted_and_its_spacing_replaces_nothing() {
        let file = format!("{KEY}\n");
        let mut config = Key {
            domain_name: "example.com".to_string().into(),
            public_key: file.clone().into(),
            ..Default::default()
        };
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let diags = rt.block_on(RESOURCE.validate(&Ctx::for_tests(None), &config.encode()));
        assert!(!diags.has_errors(), "{diags:?}");
        let prior = Key {
            id: "example.com/aa".to_string().into(),
            domain_name: "example.com".to_string().into(),
            public_key: KEY.to_string().into(),
            fingerprint: "aa".to_string().into(),
        };
        let mut proposed = Key {
            id: "example.com/aa".to_string().into(),
            fingerprint: "aa".to_string().into(),
            ..config.clone()
        };
        let plan = |config: &Key, proposed: &Key| {
            let p = rt.block_on(RESOURCE.plan(
                &Ctx::for_tests(None),
                PlanRequest {
                    prior: prior.encode(),
                    proposed: proposed.encode(),
                    config: config.encode(),
                    prior_private: Vec::new(),
                },
            ));
            (
                Key::decode_complete(&p.planned).unwrap(),
                p.requires_replace,
            )
        };
        let (planned, requires_replace) = plan(&config, &proposed);
        assert!(requires_replace.is_empty());
        assert_eq!(planned.public_key.as_str(), Some(file.as_str()));
        assert_eq!(planned.fingerprint.as_str(), Some("aa"));
        let other =
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJWSHR6erSQZLaLEBf/t9vMuBhqb9KQupEQYDJYiOPYz x";
        config.public_key.set(other);
        proposed.public_key.set(other);
        let (planned, requires_replace) = plan(&config, &proposed);
        assert_eq!(requires_replace, vec![AttributePath::new("public_key")]);
        assert!(planned.fingerprint.is_unknown());
    }

    #[test]
    fn mapping_finds_the_key_by_fingerprint_in_any_form() {
        let keys = [SshKey {
            fingerprint: "31:52:43:3a:66:f7:e4:5f:28:39:64:08:5f:75:de:3f".into(),
            public_key: KEY.into(),
        }];
        let state = state_from(
            "Example.com",
            "MD5:3152433A66F7E45F283964085F75DE3F",
            &keys,
            &Key::default(),
        )
        .unwrap();
        assert_eq!(
            state.id.as_str(),
            Some("example.com/31:52:43:3a:66:f7:e4:5f:28:39:64:08:5f:75:de:3f")
        );
        assert_eq!(state.public_key.as_str(), Some(KEY));
        assert!(state_from("example.com", "00:11", &keys, &state).is_none());
    }
}
