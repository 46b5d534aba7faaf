//! Combell's HMAC request signature (API-SUMMARY.md §1.4).
//!
//! Kept free of I/O and clocks so that the simulator can verify signatures with the very same
//! code the client signs with, and so that tests can pin the published vectors.

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use md5::{Digest, Md5};
use sha2::Sha256;

/// The string that gets signed. Exposed for the simulator's diagnostics and for tests; it
/// contains no secret.
pub fn string_to_sign(
    key: &str,
    method: &str,
    path_and_query: &str,
    body: &[u8],
    unix_ts: i64,
    nonce: &str,
) -> String {
    let mut out = String::with_capacity(key.len() + path_and_query.len() * 3 + 64);
    out.push_str(key);
    out.push_str(&method.to_ascii_lowercase());
    // The spec lowercases before encoding; the official PHP client does not. Lowercase, since a
    // server that accepts either (like Combell's) accepts this, and the spec is the contract.
    // ASCII only, as PHP's strtolower (and the simulator) do: Unicode lowercasing would sign
    // another string than the server computes for a path with non-ASCII letters.
    out.push_str(&php_urlencode(&path_and_query.to_ascii_lowercase()));
    out.push_str(&unix_ts.to_string());
    out.push_str(nonce);
    if !body.is_empty() {
        out.push_str(&BASE64.encode(Md5::digest(body)));
    }
    out
}

/// The signature alone: base64 (with padding) of HMAC-SHA256 over [`string_to_sign`], keyed
/// with the secret's raw bytes (decoding the secret as base64 breaks every request).
pub fn signature(
    key: &str,
    secret: &str,
    method: &str,
    path_and_query: &str,
    body: &[u8],
    unix_ts: i64,
    nonce: &str,
) -> String {
    let message = string_to_sign(key, method, path_and_query, body, unix_ts, nonce);
    // HMAC accepts keys of any length, so this cannot fail; fall back to an empty signature
    // (which the server will refuse with a 401) rather than panic.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
        return String::new();
    };
    mac.update(message.as_bytes());
    BASE64.encode(mac.finalize().into_bytes())
}

/// The value of the `Authorization` header: `hmac key:signature:nonce:timestamp`.
///
/// `path_and_query` must start with the API version (`/v2/...`). The nonce must not contain
/// `:`, the header's separator.
pub fn sign(
    key: &str,
    secret: &str,
    method: &str,
    path_and_query: &str,
    body: &[u8],
    unix_ts: i64,
    nonce: &str,
) -> String {
    let sig = signature(key, secret, method, path_and_query, body, unix_ts, nonce);
    format!("hmac {key}:{sig}:{nonce}:{unix_ts}")
}

/// The parts of an `Authorization: hmac key:sig:nonce:ts` header, for the simulator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizationParts {
    pub key: String,
    pub signature: String,
    pub nonce: String,
    pub unix_ts: i64,
}

/// Splits an `Authorization` header value; `None` when it is not in the `hmac` form.
pub fn parse_authorization(value: &str) -> Option<AuthorizationParts> {
    let rest = value.trim().strip_prefix("hmac ")?;
    let mut parts = rest.split(':');
    let key = parts.next()?;
    let signature = parts.next()?;
    let nonce = parts.next()?;
    let ts = parts.next()?;
    if parts.next().is_some() || key.is_empty() || signature.is_empty() || nonce.is_empty() {
        return None;
    }
    Some(AuthorizationParts {
        key: key.to_string(),
        signature: signature.to_string(),
        nonce: nonce.to_string(),
        unix_ts: ts.parse().ok()?,
    })
}

/// A fresh random nonce: 32 lowercase hex digits, so never a `:`.
pub fn new_nonce() -> String {
    let bytes: [u8; 16] = rand::random();
    let mut out = String::with_capacity(32);
    for b in bytes {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// PHP's `urlencode`: everything except `A-Za-z0-9-_.` becomes `%XX` with upper-case hex,
/// and a space becomes `+`. Works on the UTF-8 bytes, as PHP does.
pub fn php_urlencode(input: &str) -> String {
    let mut out = String::with_capacity(input.len() * 3);
    for &b in input.as_bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => out.push(b as char),
            b' ' => out.push('+'),
            _ => {
                out.push('%');
                out.push(hex_upper(b >> 4));
                out.push(hex_upper(b & 0x0f));
            }
        }
    }
    out
}

fn hex_upper(nibble: u8) -> char {
    char::from(b"0123456789ABCDEF"[usize::from(nibble & 0x0f)])
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "my_key";
    const SECRET: &str = "my_secret";
    const TS: i64 = 1_700_000_000;
    const NONCE: &str = "0123456789abcdef";

    /// Found by the sim_signature fuzz target: a path with a non-ASCII capital letter was
    /// lowercased by Unicode rules here and by ASCII rules in the simulator.
    #[test]
    fn non_ascii_paths_verify_in_the_simulator() {
        use crate::sim::auth::{verify, NonceStore, SignedRequest};
        for path in ["\u{fffd}\u{410}Q", "/v2/dns/ÉXAMPLE.com/records", "/V2/İ"] {
            let header = sign(KEY, SECRET, "GET", path, b"", TS, NONCE);
            let request = SignedRequest {
                authorization: Some(&header),
                method: "GET",
                path_and_query: path,
                body: b"",
            };
            let verified = verify(KEY, SECRET, &request, TS, &mut NonceStore::default());
            assert!(verified.is_ok(), "{path}: {verified:?}");
        }
    }

    #[test]
    fn vector_get_with_query() {
        let pq = "/v2/domains?skip=0&take=10";
        assert_eq!(
            string_to_sign(KEY, "GET", pq, b"", TS, NONCE),
            "my_keyget%2Fv2%2Fdomains%3Fskip%3D0%26take%3D1017000000000123456789abcdef"
        );
        assert_eq!(
            sign(KEY, SECRET, "GET", pq, b"", TS, NONCE),
            "hmac my_key:TMzDXA+0IRPIYea7NZkZYFZjqYYeAb6tNIFnqYcQ6pE=:0123456789abcdef:1700000000"
        );
    }

    #[test]
    fn vector_post_with_body() {
        let body = br#"{"type":"A","record_name":"www","ttl":3600,"content":"192.0.2.1"}"#;
        let pq = "/v2/dns/example.com/records";
        assert_eq!(
            string_to_sign(KEY, "post", pq, body, TS, NONCE),
            "my_keypost%2Fv2%2Fdns%2Fexample.com%2Frecords17000000000123456789abcdef\
             ZVmBwyxnUrx29zUR+y4oXg=="
        );
        assert_eq!(
            signature(KEY, SECRET, "POST", pq, body, TS, NONCE),
            "uLqDv3wE1/EaY/swlwiePK9ajEPa1VcGUqBIlbxevwU="
        );
    }

    #[test]
    fn path_is_lowercased_before_encoding() {
        let upper = sign(
            KEY,
            SECRET,
            "GET",
            "/v2/DNS/Example.COM/records",
            b"",
            TS,
            NONCE,
        );
        let lower = sign(
            KEY,
            SECRET,
            "get",
            "/v2/dns/example.com/records",
            b"",
            TS,
            NONCE,
        );
        assert_eq!(upper, lower);
    }

    #[test]
    fn encoder_matches_php_urlencode() {
        assert_eq!(php_urlencode("AZaz09-_."), "AZaz09-_.");
        assert_eq!(php_urlencode("a b"), "a+b");
        assert_eq!(php_urlencode("/?=&@"), "%2F%3F%3D%26%40");
        assert_eq!(php_urlencode("~*!'()"), "%7E%2A%21%27%28%29");
        assert_eq!(php_urlencode("%2f"), "%252f");
        assert_eq!(php_urlencode("é"), "%C3%A9");
        assert_eq!(php_urlencode(":+"), "%3A%2B");
        assert_eq!(php_urlencode(""), "");
    }

    #[test]
    fn nonce_is_fresh_and_colon_free() {
        let a = new_nonce();
        let b = new_nonce();
        assert_ne!(a, b);
        assert_eq!(a.len(), 32);
        assert!(!a.contains(':'));
    }

    #[test]
    fn authorization_round_trips() {
        let header = sign(KEY, SECRET, "GET", "/v2/accounts", b"", TS, NONCE);
        let parts = parse_authorization(&header).unwrap();
        assert_eq!(parts.key, KEY);
        assert_eq!(parts.nonce, NONCE);
        assert_eq!(parts.unix_ts, TS);
        assert_eq!(
            parts.signature,
            signature(KEY, SECRET, "GET", "/v2/accounts", b"", TS, NONCE)
        );
        assert!(parse_authorization("Bearer x").is_none());
        assert!(parse_authorization("hmac a:b:c").is_none());
        assert!(parse_authorization("hmac a:b:c:notanumber").is_none());
    }
}
