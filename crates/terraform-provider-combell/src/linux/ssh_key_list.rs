//! List resource `combell_ssh_key`: the SSH keys of the Linux hostings, one per key and
//! hosting. Every hosting's keys come in one paged listing (`GET /ssh`); a hosting named in
//! the filter is read alone (`GET /linuxhostings/{domain}/ssh/keys`).

use async_trait::async_trait;
use combell_api::Client;
use tfplugin::Resource;

use crate::core::list::{unless_missing, Filter, Filters, FindResult, Found, Lister};
use crate::linux::ssh_key;

pub struct SshKeyList;

/// A key's comment (its last word, usually `user@host`) for the display name.
fn comment(public_key: &str) -> &str {
    let words: Vec<&str> = public_key.split_whitespace().collect();
    if words.len() > 2 {
        words[words.len() - 1]
    } else {
        ""
    }
}

#[async_trait]
impl Lister for SshKeyList {
    fn resource(&self) -> &'static dyn Resource {
        &ssh_key::RESOURCE
    }
    const DESCRIPTION: &'static str =
        "Lists the SSH keys of the Linux hostings (a key on several hostings once per \
         hosting), for `terraform query`.";
    const FILTERS: &'static [Filter] = &[Filter::DomainName("Linux hosting")];
    const API_OPERATIONS: &'static [&'static str] =
        &["GET /ssh", "GET /linuxhostings/{domainName}/ssh/keys"];
    async fn find(&self, client: &Client, filters: &Filters, found: &mut Found<'_>) -> FindResult {
        // (hosting, fingerprint, comment), in order.
        let mut keys: Vec<(String, String, String)> = match &filters.domain_name {
            Some(domain) => {
                unless_missing(client.list_linux_ssh_keys(domain, found.stopping()).await)?
                    .unwrap_or_default()
                    .into_iter()
                    .map(|k| {
                        let note = comment(&k.public_key).to_string();
                        (domain.clone(), k.fingerprint.to_ascii_lowercase(), note)
                    })
                    .collect()
            }
            None => client
                .list_all_ssh_keys(found.stopping())
                .await?
                .into_iter()
                .flat_map(|k| {
                    let fingerprint = k.fingerprint.to_ascii_lowercase();
                    let note = comment(&k.public_key).to_string();
                    k.linux_hostings
                        .into_iter()
                        .map(move |h| (h.to_ascii_lowercase(), fingerprint.clone(), note.clone()))
                })
                .collect(),
        };
        keys.sort();
        keys.dedup();
        for (domain, fingerprint, note) in keys {
            let shown = format!("{note} {fingerprint} on {domain}")
                .trim()
                .to_string();
            if !found.send(format!("{domain}/{fingerprint}"), shown).await? {
                break;
            }
        }
        Ok(())
    }
}
