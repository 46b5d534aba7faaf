//! Entry points for the fuzz targets in `fuzz/` (cargo-fuzz). Not part of the API: each
//! function feeds arbitrary bytes to the same code that handles a real answer or request and
//! returns what came out, so that a fuzzer can look for panics, hangs and runaway memory.

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use crate::jobs::{parse_estimate, JobOutcome, WireJob};
use crate::paging::next_skip;
use crate::transport::{header_u64, Response};
use crate::{
    parse_location, Account, AccountDetail, ApiError, DnsRecord, Mailbox, MailboxDetail,
    MysqlDatabase, MysqlUser, Servicepack,
};

/// One answer from the API: status, headers (invalid names or values are skipped, as the
/// HTTP layer would refuse them) and body.
pub struct Answer<'a> {
    pub status: u16,
    pub headers: Vec<(&'a str, &'a [u8])>,
    pub body: &'a [u8],
}

/// Runs an answer through everything the client does with answers: the error body parser
/// (for 400 and up), every area's JSON decoders, the job decoder, `Location` and the paging
/// headers. Returns how many of the decoders accepted the body.
pub fn client_answer(answer: &Answer<'_>) -> usize {
    let mut headers = HeaderMap::new();
    for (name, value) in &answer.headers {
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_bytes(value),
        ) {
            headers.append(name, value);
        }
    }
    if answer.status >= 400 {
        let error = ApiError::from_body(answer.status, "GET", "/v2/fuzz", answer.body);
        let _ = error.to_string();
    }
    let response = Response {
        status: answer.status,
        headers,
        body: answer.body.to_vec(),
        method: "GET".into(),
        path: "/v2/fuzz".into(),
    };
    let mut accepted = 0;
    let mut count = |ok: bool| accepted += usize::from(ok);
    count(response.json_list::<Servicepack>().is_ok());
    count(response.json_list::<Account>().is_ok());
    count(response.json::<AccountDetail>().is_ok());
    count(response.json_list::<DnsRecord>().is_ok());
    count(response.json::<DnsRecord>().is_ok());
    count(response.json_list::<Mailbox>().is_ok());
    count(response.json::<MailboxDetail>().is_ok());
    count(response.json_list::<MysqlDatabase>().is_ok());
    count(response.json::<MysqlDatabase>().is_ok());
    count(response.json_list::<MysqlUser>().is_ok());
    if let Err(err) = response.json::<serde_json::Value>() {
        let _ = err.to_string();
    }
    if let Ok(job) = response.json::<WireJob>() {
        count(true);
        if let Some(estimate) = job.completion.and_then(|c| c.estimate) {
            let _ = parse_estimate(&estimate);
        }
        let outcome = JobOutcome {
            job_id: "fuzz".into(),
            resource_links: job.resource_links.unwrap_or_default(),
            location: response.header("location").map(str::to_string),
        };
        let _ = outcome.resource_id();
        let _ = job.status.map(|s| s.to_ascii_lowercase());
    }
    if let Err(err) = response.location() {
        let _ = err.to_string();
    }
    if let Some(location) = response.header("location") {
        let _ = parse_location(location);
    }
    let take = header_u64(&response.headers, "x-paging-take");
    let total = header_u64(&response.headers, "x-paging-totalresults");
    let skip = header_u64(&response.headers, "x-paging-skip").unwrap_or(0);
    let _ = next_skip(skip, 100, accepted as u64, take, total);
    accepted
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Inputs the fuzz targets are seeded with; crashes they find are added here.
    #[test]
    fn tricky_answers_do_not_panic() {
        type Case<'a> = (u16, &'a [(&'a str, &'a [u8])], &'a [u8]);
        let cases: [Case; 7] = [
            (200, &[], b"[]"),
            (201, &[("location", b"/v2/x/%")], b""),
            (200, &[("x-paging-take", b"18446744073709551615")], b"[{}]"),
            (302, &[("location", b"\xff\xfe")], b"moved"),
            (400, &[], br#"{"validation_errors":[{"error_code":null}]}"#),
            (500, &[], b"<html>\x00\x01</html>"),
            (
                200,
                &[],
                br#"{"status":"finished","resource_links":["::::", "/v2/a/%zz"]}"#,
            ),
        ];
        for (status, headers, body) in cases {
            client_answer(&Answer {
                status,
                headers: headers.to_vec(),
                body,
            });
        }
        assert!(
            client_answer(&Answer {
                status: 200,
                headers: vec![],
                body: b"[]"
            }) >= 5
        );
    }
}
