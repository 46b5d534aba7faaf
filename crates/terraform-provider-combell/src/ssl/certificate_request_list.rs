//! List resource `combell_ssl_certificate_request`: the pending SSL certificate requests
//! (`GET /sslcertificaterequests`, every page). Issued requests are not listed by Combell.

use async_trait::async_trait;
use combell_api::Client;
use tfplugin::Resource;

use crate::core::list::{Filter, Filters, FindResult, Found, Lister};
use crate::ssl::certificate_request;

pub struct SslCertificateRequestList;

#[async_trait]
impl Lister for SslCertificateRequestList {
    fn resource(&self) -> &'static dyn Resource {
        &certificate_request::RESOURCE
    }
    const DESCRIPTION: &'static str = "Lists the pending SSL certificate requests, for \
        `terraform query`. Combell lists a request only until its certificate is issued.";
    const FILTERS: &'static [Filter] = &[];
    const API_OPERATIONS: &'static [&'static str] = &[
        "GET /sslcertificaterequests",
        "GET /sslcertificaterequests/{id}",
    ];
    async fn find(&self, client: &Client, _filters: &Filters, found: &mut Found<'_>) -> FindResult {
        let mut requests = client
            .list_ssl_certificate_requests(found.stopping())
            .await?;
        requests.sort_by_key(|r| r.id);
        for request in requests {
            let shown = format!(
                "{} ({} {}, request {})",
                request.common_name, request.certificate_type, request.validation_level, request.id
            );
            if !found.send(request.id.to_string(), shown).await? {
                break;
            }
        }
        Ok(())
    }
}
