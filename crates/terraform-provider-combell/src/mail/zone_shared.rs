//! What the mail zone resources (`combell_mail_alias`, `combell_mail_catch_all`,
//! `combell_mail_smtp_domain`, `combell_mail_antispam`) share. None of their objects has a GET
//! of its own: each is read from `GET /mailzones/{domain}`, the zone that lists it. The alias
//! and SMTP domain PUTs answer 202 ("accepted") without a job to follow; as for every type, the
//! state after a write is the plan (one request per write), and the next refresh shows what
//! Combell applied.
//!
//! Because every part is read from its whole zone, a refresh of N parts of one zone would cost
//! N identical GETs against a rate limit of about 100 requests a minute. [`read_zone`] therefore
//! shares one answer per zone for a few seconds through the client's list cache
//! (`Caches::mail_zones`: single flight, invalidated by the process's own writes). Reads before
//! and after a write never use an earlier answer ([`read_zone_fresh`]), and what they read
//! replaces the shared answer.
//!
//! Each part goes through the core's one path (`core::managed`), with its hooks for what is
//! particular to a part of a zone: an import ID in another form than `<domain>/<part>` (the
//! alias address alone, `import_id`), a plan check that reads the zone (`modify_plan`), and a
//! second write after a create (an SMTP domain created disabled, `after_create`).

use crate::core::api_error;
use combell_api::{CancellationToken, Client, Error, MailZone};
use tfplugin::{AttributePath, Diagnostic, Diagnostics, Field, FieldType, Value};

/// `GET /mailzones/{domain}`, or the answer another part of the zone got in the last few
/// seconds (the client's cache, which the process's own writes invalidate); `None` when the
/// domain has no mail zone (any more). For refreshes and plan checks.
pub(crate) async fn read_zone(
    client: &Client,
    domain: &str,
    cancel: &CancellationToken,
) -> Result<Option<MailZone>, Error> {
    let zone = client
        .caches()
        .mail_zones
        .get(domain, || async {
            match client.get_mail_zone(domain, cancel).await {
                Ok(zone) => Ok(vec![zone]),
                Err(err) if err.is_not_found() => Ok(Vec::new()),
                Err(err) => Err(err),
            }
        })
        .await?;
    Ok(zone.first().cloned())
}

/// `GET /mailzones/{domain}` now, whatever was read before: before and after writes. What it
/// reads is what the next [`read_zone`] shares.
pub(crate) async fn read_zone_fresh(
    client: &Client,
    domain: &str,
    cancel: &CancellationToken,
) -> Result<Option<MailZone>, Error> {
    client.caches().mail_zones.invalidate(domain);
    read_zone(client, domain, cancel).await
}

/// Adds an "Invalid domain name" error at `attribute` when the field is a known string that is
/// not a lower-case domain name.
pub(crate) fn domain_in(field: &Field<String>, attribute: &str, diags: &mut Diagnostics) {
    if let Some(domain) = field.as_str() {
        if let Err(detail) = crate::core::rules::domain_name(domain) {
            diags.error_at(AttributePath::new(attribute), "Invalid domain name", detail);
        }
    }
}

/// The detail for a domain without a mail zone.
pub(crate) fn no_zone(domain: &str) -> String {
    format!(
        "\"{domain}\" has no mail zone at Combell. A mail zone comes with an account whose \
         servicepack includes mail for that domain (see data.combell_accounts with asset_type = \
         \"mailbox\")."
    )
}

/// `<domain>/<part>` import IDs (trimmed, lower-cased): `(domain, part)`.
pub(crate) fn split_import_id(id: &str) -> Option<(String, String)> {
    let id = id.trim().to_ascii_lowercase();
    let (domain, part) = id.split_once('/')?;
    let (domain, part) = (domain.trim(), part.trim());
    if domain.is_empty() || part.is_empty() || part.contains('/') {
        return None;
    }
    Some((domain.to_string(), part.to_string()))
}

/// A set of strings, sorted and without duplicates so that states compare stably; encoded as
/// a set. A set with an unknown element reads as unknown as a whole.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct StringSet(pub Vec<String>);

impl StringSet {
    pub(crate) fn new(items: impl IntoIterator<Item = String>) -> Self {
        let mut items: Vec<String> = items.into_iter().collect();
        items.sort();
        items.dedup();
        StringSet(items)
    }
}

impl FieldType for StringSet {
    fn from_value(value: &Value, path: &AttributePath) -> Result<Option<Self>, Diagnostic> {
        Ok(Vec::<String>::from_value(value, path)?.map(StringSet))
    }
    fn to_value(&self) -> Value {
        Value::Set(self.0.iter().cloned().map(Value::from).collect())
    }
}

/// The mail zones that pass the filter, in order of domain. Combell cannot list mail zones:
/// without a filter, every account's identifier (`GET /accounts`, every page) is tried, and
/// those without a mail zone are left out.
pub(crate) async fn mail_zones(
    client: &Client,
    filters: &crate::core::list::Filters,
    cancel: &combell_api::CancellationToken,
) -> Result<Vec<combell_api::MailZone>, combell_api::Error> {
    let domains = match &filters.domain_name {
        Some(domain) => vec![domain.clone()],
        None => {
            let mut domains: Vec<String> = client
                .list_accounts(&combell_api::AccountFilter::default(), cancel)
                .await?
                .into_iter()
                .map(|a| a.identifier.to_ascii_lowercase())
                .collect();
            domains.sort();
            domains.dedup();
            domains
        }
    };
    let mut zones = Vec::new();
    for domain in domains {
        if let Some(zone) = read_zone(client, &domain, cancel).await? {
            zones.push(zone);
        }
    }
    Ok(zones)
}

/// Finds, for each mail zone that passes the filter ([`mail_zones`]), the objects `objects`
/// names in it (given the zone's domain in lower case), and sends them.
pub(crate) async fn per_mail_zone(
    client: &Client,
    filters: &crate::core::list::Filters,
    found: &mut crate::core::list::Found<'_>,
    objects: impl Fn(&str, &combell_api::MailZone) -> Vec<(String, String)> + Send + Sync,
) -> crate::core::list::FindResult {
    for zone in mail_zones(client, filters, found.stopping()).await? {
        let domain = zone.name.to_ascii_lowercase();
        if !found.send_all(objects(&domain, &zone)).await? {
            break;
        }
    }
    Ok(())
}

/// Every item in lower case, in the API's order.
pub(crate) fn lower_all(items: &[String]) -> Vec<String> {
    items.iter().map(|s| s.to_ascii_lowercase()).collect()
}

/// The check before a create in the mail zone of `domain`: the zone must exist (read fresh), and
/// an object that `taken` finds there already is not ours (its destroy would belong to this
/// configuration): refused, with `taken`'s words for it and how to import it
/// (`<domain>/<key>`), the `summary` given.
pub(crate) async fn refuse_taken<T>(
    client: &Client,
    (domain, key): (&str, &str),
    summary: &str,
    cancel: &CancellationToken,
    taken: impl FnOnce(&MailZone) -> Option<String>,
) -> Result<Option<T>, Diagnostic> {
    match read_zone_fresh(client, domain, cancel).await {
        Ok(None) => {
            Err(Diagnostic::error(summary, no_zone(domain)).at(AttributePath::new("domain_name")))
        }
        Ok(Some(zone)) => match taken(&zone) {
            Some(there) => Err(Diagnostic::error(
                summary,
                format!(
                    "{there} To manage it with Terraform, import it: terraform import <resource \
                     address> {domain}/{key}"
                ),
            )),
            None => Ok(None),
        },
        Err(err) => Err(api_error(summary, &err)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gets(sim: &combell_sim::RunningSim) -> u64 {
        sim.stats()["by_method"]["GET"].as_u64().unwrap_or(0)
    }

    #[tokio::test]
    async fn parts_of_a_zone_share_one_read_and_writes_read_fresh() {
        let sim = combell_sim::start(combell_sim::SimConfig::for_tests())
            .await
            .unwrap();
        let client = Client::new(combell_api::ClientConfig {
            endpoint: sim.base_url(),
            api_key: sim.config().api_key.clone(),
            api_secret: combell_api::Secret::new(sim.config().api_secret.clone()),
            ..Default::default()
        })
        .unwrap();
        let cancel = CancellationToken::new();
        let reads = futures_join(&client, &cancel).await;
        assert!(reads
            .iter()
            .all(|z| z.as_ref().is_some_and(|z| z.name == "example.com")));
        assert_eq!(gets(&sim), 1, "five concurrent refreshes, one GET");

        let dest = vec!["a@example.org".to_string()];
        client
            .create_mail_alias("example.com", "team@example.com", &dest, &cancel)
            .await
            .unwrap();
        let zone = read_zone_fresh(&client, "example.com", &cancel)
            .await
            .unwrap();
        let done = zone
            .as_ref()
            .is_some_and(|z| z.alias("team@example.com").is_some());
        assert!(done && zone.is_some());
        assert_eq!(gets(&sim), 2, "a write is read back fresh");
        let shared = read_zone(&client, "example.com", &cancel).await.unwrap();
        assert!(shared.unwrap().alias("team@example.com").is_some());
        assert_eq!(gets(&sim), 2, "and the fresh answer is shared");
        assert_eq!(
            read_zone(&client, "nomail.example", &cancel).await.unwrap(),
            None
        );
    }

    async fn futures_join(client: &Client, cancel: &CancellationToken) -> Vec<Option<MailZone>> {
        let one = || async { read_zone(client, "Example.com", cancel).await.unwrap() };
        let (a, b, c, d, e) = tokio::join!(one(), one(), one(), one(), one());
        vec![a, b, c, d, e]
    }

    #[test]
    fn import_ids() {
        assert_eq!(
            split_import_id(" Example.com/Team@Example.com "),
            Some(("example.com".into(), "team@example.com".into()))
        );
        for bad in ["example.com", "/a@b.be", "example.com/", "a/b/c", ""] {
            assert_eq!(split_import_id(bad), None, "{bad}");
        }
    }

    #[test]
    fn domains_and_sets() {
        assert!(crate::core::rules::domain_name("example.com").is_ok());
        for bad in ["Example.com", "example", "", "a b.com"] {
            assert!(crate::core::rules::domain_name(bad).is_err(), "{bad}");
        }
        assert_eq!(
            StringSet::new(["b".to_string(), "a".to_string(), "b".to_string()]).to_value(),
            Value::Set(vec!["a".into(), "b".into()])
        );
        let partial = Value::Set(vec!["x".into(), Value::Unknown]);
        let path = AttributePath::new("destinations");
        assert!(Field::<StringSet>::decode_at(Some(&partial), &path)
            .unwrap()
            .is_unknown());
    }
}
