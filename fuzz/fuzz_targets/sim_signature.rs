//! The simulator's request authentication: arbitrary `Authorization` headers, methods, paths
//! and bodies must be refused or accepted without a panic; and whatever the path and body, a
//! request the client signed must be accepted.
#![no_main]

use combell_api::signing;
use combell_sim::auth::{parse_header, verify, NonceStore, SignedRequest};
use libfuzzer_sys::fuzz_target;

const KEY: &str = "fuzz-key";
const SECRET: &str = "fuzz-secret";
const NOW: i64 = 1_800_000_000;

fuzz_target!(|data: &[u8]| {
    // header \0 method \0 path \0 body
    let mut parts = data.splitn(4, |b| *b == 0);
    let header = String::from_utf8_lossy(parts.next().unwrap_or_default());
    let method = String::from_utf8_lossy(parts.next().unwrap_or_default());
    let path = String::from_utf8_lossy(parts.next().unwrap_or_default());
    let body = parts.next().unwrap_or_default();

    let _ = parse_header(&header);
    let mut nonces = NonceStore::default();
    let request = SignedRequest {
        authorization: Some(&header),
        method: &method,
        path_and_query: &path,
        body,
    };
    let _ = verify(KEY, SECRET, &request, NOW, &mut nonces);

    let signed = signing::sign(KEY, SECRET, &method, &path, body, NOW, "fuzznonce");
    let request = SignedRequest {
        authorization: Some(&signed),
        ..request
    };
    let mut nonces = NonceStore::default();
    if let Err(e) = verify(KEY, SECRET, &request, NOW, &mut nonces) {
        panic!("a request signed by the client was refused: {e:?}");
    }
});
