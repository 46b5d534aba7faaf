//! List resources of the reseller account's domains (`GET /domains`, every page):
//! `combell_domain` (name servers and renewal of a domain already there) and
//! `combell_domain_registration` (the purchase itself), one per domain each.

use async_trait::async_trait;
use combell_api::Client;
use tfplugin::Resource;

use crate::core::list::{Filter, Filters, FindResult, Found, Lister};
use crate::domains::domain;
use crate::domains::registration;

pub struct DomainList;
pub struct DomainRegistrationList;

async fn find_domains(client: &Client, filters: &Filters, found: &mut Found<'_>) -> FindResult {
    let mut domains = client.list_domains(found.stopping()).await?;
    domains.sort_by(|a, b| a.domain_name.cmp(&b.domain_name));
    for domain in domains {
        let name = domain.domain_name.to_ascii_lowercase();
        if !filters.wants_domain(&name) {
            continue;
        }
        let shown = format!("{name} (expires {})", domain.expiration_date);
        if !found.send(name, shown).await? {
            break;
        }
    }
    Ok(())
}

#[async_trait]
impl Lister for DomainList {
    fn resource(&self) -> &'static dyn Resource {
        &domain::RESOURCE
    }
    const DESCRIPTION: &'static str =
        "Lists the domains of the Combell reseller account, for `terraform query`.";
    const FILTERS: &'static [Filter] = &[Filter::DomainName("domain")];
    const API_OPERATIONS: &'static [&'static str] = &["GET /domains", "GET /domains/{domainName}"];
    async fn find(&self, client: &Client, filters: &Filters, found: &mut Found<'_>) -> FindResult {
        find_domains(client, filters, found).await
    }
}

#[async_trait]
impl Lister for DomainRegistrationList {
    fn resource(&self) -> &'static dyn Resource {
        &registration::RESOURCE
    }
    const DESCRIPTION: &'static str =
        "Lists the domains of the Combell reseller account as registrations, for `terraform \
         query`. The same domains as the `combell_domain` list: import a domain as one or the \
         other (`combell_domain` manages its name servers and renewal; a registration only \
         records the purchase).";
    const FILTERS: &'static [Filter] = &[Filter::DomainName("domain")];
    const API_OPERATIONS: &'static [&'static str] = &["GET /domains", "GET /domains/{domainName}"];
    async fn find(&self, client: &Client, filters: &Filters, found: &mut Found<'_>) -> FindResult {
        find_domains(client, filters, found).await
    }
}
