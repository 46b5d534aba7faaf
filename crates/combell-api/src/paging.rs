//! Lists over `skip`/`take` (API-SUMMARY.md §1.5): keep asking until the server says everything
//! was returned, or a page comes back empty.

use reqwest::Method;
use serde::de::DeserializeOwned;
use tokio_util::sync::CancellationToken;

use super::transport::{header_u64, Request};
use super::{api_path, Client, Error};

/// Combell's own default is 25; larger pages mean fewer requests against the rate limit. No
/// maximum is documented (clients use 100 to 1000) and `X-Paging-Take` says when a server
/// returned fewer, so 500 lists a zone of a few hundred records in one call.
pub const DEFAULT_PAGE_SIZE: u32 = 500;

/// A guard against a server whose headers never say "done": no real list is this long.
const MAX_PAGES: u32 = 10_000;

/// Where the next page starts, or `None` when the list is complete.
///
/// `page_len` is the number of items decoded; `header_take` and `header_total` are
/// `X-Paging-Take` and `X-Paging-TotalResults` when present.
pub fn next_skip(
    skip: u64,
    requested_take: u64,
    page_len: u64,
    header_take: Option<u64>,
    header_total: Option<u64>,
) -> Option<u64> {
    if page_len == 0 {
        return None;
    }
    // The header describes the page as returned; the count of decoded items is the fallback
    // and is what was actually received.
    let taken = header_take.filter(|take| *take > 0).unwrap_or(page_len);
    let next = skip.saturating_add(taken);
    match header_total {
        Some(total) => (next < total).then_some(next),
        // Without a total, a short page is the last one.
        None => (page_len >= requested_take).then_some(next),
    }
}

impl Client {
    /// GETs every page of the collection at `/{root}`, unfiltered.
    pub(crate) async fn get_every_page<T: DeserializeOwned>(
        &self,
        root: &str,
        cancel: &CancellationToken,
    ) -> Result<Vec<T>, Error> {
        self.get_paged(Request::new(Method::GET, api_path(&[root])?), cancel)
            .await
    }

    /// GETs every page of a paged collection. `request` carries the filters; `skip` and `take`
    /// are added here.
    pub(crate) async fn get_paged<T: DeserializeOwned>(
        &self,
        request: Request,
        cancel: &CancellationToken,
    ) -> Result<Vec<T>, Error> {
        let take = u64::from(self.page_size());
        let mut all = Vec::new();
        let mut skip = 0u64;
        let mut pages = 0u32;
        loop {
            let page_request = request.clone().query("skip", skip).query("take", take);
            let response = self.send(&page_request, cancel).await?;
            pages += 1;
            if pages > MAX_PAGES {
                return Err(response.unexpected(&format!(
                    "the list did not end after {MAX_PAGES} pages; the paging headers are wrong"
                )));
            }
            let page: Vec<T> = response.json_list()?;
            let next = next_skip(
                skip,
                take,
                page.len() as u64,
                header_u64(&response.headers, "x-paging-take"),
                header_u64(&response.headers, "x-paging-totalresults"),
            );
            all.extend(page);
            match next {
                Some(next) => skip = next,
                None => return Ok(all),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// skip, requested take, items, X-Paging-Take, X-Paging-TotalResults, expected next skip.
    type Row = (u64, u64, u64, Option<u64>, Option<u64>, Option<u64>);

    #[test]
    fn paging_rules() {
        #[rustfmt::skip]
        let table: Vec<Row> = vec![
            (0, 100, 100, Some(100), Some(250), Some(100)),
            (100, 100, 100, Some(100), Some(250), Some(200)),
            (200, 100, 50, Some(50), Some(250), None),
            (0, 100, 100, Some(100), Some(100), None),
            // The server may return fewer than asked while more remain.
            (0, 100, 25, Some(25), Some(60), Some(25)),
            // Empty page ends the list whatever the headers claim.
            (0, 100, 0, Some(0), Some(60), None),
            // No headers: a full page means "maybe more", a short one means "done".
            (0, 100, 100, None, None, Some(100)),
            (100, 100, 3, None, None, None),
            // Header names are looked up case-insensitively by the HeaderMap; a zero take
            // header falls back to what was received.
            (0, 10, 10, Some(0), Some(30), Some(10)),
        ];
        for (skip, take, len, header_take, total, expected) in table {
            assert_eq!(
                next_skip(skip, take, len, header_take, total),
                expected,
                "skip={skip} take={take} len={len} header_take={header_take:?} total={total:?}"
            );
        }
    }
}
