//! Combell's HMAC request signature (API-SUMMARY.md §1.4).
//!
//! Kept free of I/O and clocks so that the simulator can verify signatures with the very same
//! code the client signs with, and so that tests can pin the published vectors.

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use md5::{Digest, Md5};
use sha2::Sha256;

/// How the signed path and query are read before they are url-encoded into the string to sign.
///
/// Combell's spec lowercases them; Combell's own PHP client keeps the case and, when they hold
/// percent-escapes, decodes them once first. Both give the same string for a lower-case path
/// without escapes; which one production verifies for other paths is not known, so the client
/// signs [`Reading::Official`] first and learns from a refusal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Reading {
    /// As Combell's PHP client signs: case kept, decoded once when it holds an escape.
    Official,
    /// As the spec says: lowercased (ASCII), as sent.
    Spec,
}

impl Reading {
    pub const ALL: [Reading; 2] = [Reading::Official, Reading::Spec];

    pub fn name(self) -> &'static str {
        match self {
            Reading::Official => "official",
            Reading::Spec => "spec",
        }
    }

    pub fn other(self) -> Reading {
        match self {
            Reading::Official => Reading::Spec,
            Reading::Spec => Reading::Official,
        }
    }

    /// `path_and_query` as this reading puts it into the string to sign: url-encoded.
    pub fn encoded(self, path_and_query: &str) -> String {
        match self {
            // ASCII only, as PHP's strtolower (and the simulator) do: Unicode lowercasing
            // would sign another string than the server computes for non-ASCII letters.
            Reading::Spec => php_urlencode(&path_and_query.to_ascii_lowercase()),
            Reading::Official if has_escape(path_and_query) => {
                php_urlencode_bytes(&php_urldecode(path_and_query))
            }
            Reading::Official => php_urlencode(path_and_query),
        }
    }
}

/// Whether both readings sign `path_and_query` alike, so that a refusal cannot be a matter of
/// reading.
pub fn readings_agree(path_and_query: &str) -> bool {
    Reading::Official.encoded(path_and_query) == Reading::Spec.encoded(path_and_query)
}

/// The string that gets signed, in the spec's reading. Exposed for the simulator's diagnostics
/// and for tests; it contains no secret.
pub fn string_to_sign(
    key: &str,
    method: &str,
    path_and_query: &str,
    body: &[u8],
    unix_ts: i64,
    nonce: &str,
) -> String {
    string_to_sign_as(
        Reading::Spec,
        key,
        method,
        path_and_query,
        body,
        unix_ts,
        nonce,
    )
}

/// The string that gets signed when the server reads the path the `reading` way.
pub fn string_to_sign_as(
    reading: Reading,
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
    out.push_str(&reading.encoded(path_and_query));
    out.push_str(&unix_ts.to_string());
    out.push_str(nonce);
    if !body.is_empty() {
        out.push_str(&BASE64.encode(Md5::digest(body)));
    }
    out
}

/// The signature alone, in the spec's reading: base64 (with padding) of HMAC-SHA256 over
/// [`string_to_sign`], keyed with the secret's raw bytes (decoding the secret as base64 breaks
/// every request).
pub fn signature(
    key: &str,
    secret: &str,
    method: &str,
    path_and_query: &str,
    body: &[u8],
    unix_ts: i64,
    nonce: &str,
) -> String {
    signature_as(
        Reading::Spec,
        key,
        secret,
        method,
        path_and_query,
        body,
        unix_ts,
        nonce,
    )
}

/// The signature over [`string_to_sign_as`].
#[allow(clippy::too_many_arguments)]
pub fn signature_as(
    reading: Reading,
    key: &str,
    secret: &str,
    method: &str,
    path_and_query: &str,
    body: &[u8],
    unix_ts: i64,
    nonce: &str,
) -> String {
    let message = string_to_sign_as(reading, key, method, path_and_query, body, unix_ts, nonce);
    // HMAC accepts keys of any length, so this cannot fail; fall back to an empty signature
    // (which the server will refuse with a 401) rather than panic.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
        return String::new();
    };
    mac.update(message.as_bytes());
    BASE64.encode(mac.finalize().into_bytes())
}

/// The value of the `Authorization` header in the spec's reading:
/// `hmac key:signature:nonce:timestamp`.
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
    sign_as(
        Reading::Spec,
        key,
        secret,
        method,
        path_and_query,
        body,
        unix_ts,
        nonce,
    )
}

/// The `Authorization` header for a server that reads the path the `reading` way.
#[allow(clippy::too_many_arguments)]
pub fn sign_as(
    reading: Reading,
    key: &str,
    secret: &str,
    method: &str,
    path_and_query: &str,
    body: &[u8],
    unix_ts: i64,
    nonce: &str,
) -> String {
    let sig = signature_as(
        reading,
        key,
        secret,
        method,
        path_and_query,
        body,
        unix_ts,
        nonce,
    );
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
    php_urlencode_bytes(input.as_bytes())
}

fn php_urlencode_bytes(input: &[u8]) -> String {
    let mut out = String::with_capacity(input.len() * 3);
    for &b in input {
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

/// Whether `input` holds a percent-escape (`%` and two hex digits).
pub fn has_escape(input: &str) -> bool {
    input
        .as_bytes()
        .windows(3)
        .any(|w| w[0] == b'%' && hex_value(w[1]).is_some() && hex_value(w[2]).is_some())
}

/// PHP's `urldecode`: `+` becomes a space, `%XX` (either case) its byte; a `%` without two hex
/// digits stays as it is. Bytes, not text: the result need not be UTF-8.
pub fn php_urldecode(input: &str) -> Vec<u8> {
    let bytes = input.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                match (hex_value(bytes[i + 1]), hex_value(bytes[i + 2])) {
                    (Some(high), Some(low)) => {
                        out.push(high << 4 | low);
                        i += 3;
                        continue;
                    }
                    _ => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    out
}

fn hex_value(digit: u8) -> Option<u8> {
    char::from(digit).to_digit(16).map(|v| v as u8)
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
        use combell_sim::auth::{verify, NonceStore, SignedRequest};
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

    /// (method, path and query, reading, string to sign, signature), the signatures computed
    /// apart from this code (Python's hmac over the strings described in the field notes).
    const READING_VECTORS: &[(&str, &str, Reading, &str, &str)] = &[
        (
            "GET",
            "/v2/mysqldatabases/ID1001_shop",
            Reading::Official,
            "my_keyget%2Fv2%2Fmysqldatabases%2FID1001_shop17000000000123456789abcdef",
            "JK7Bd9WcCgxt3kn5eqTRjcO79bTjNSm667yUv+9W6X4=",
        ),
        (
            "GET",
            "/v2/mysqldatabases/ID1001_shop",
            Reading::Spec,
            "my_keyget%2Fv2%2Fmysqldatabases%2Fid1001_shop17000000000123456789abcdef",
            "1g7xSnd97TDkk112EhKamzTTT3Ran6XDCDq3eM70ybI=",
        ),
        (
            "GET",
            "/v2/dns/b%C3%BCcher.be/records",
            Reading::Official,
            "my_keyget%2Fv2%2Fdns%2Fb%C3%BCcher.be%2Frecords17000000000123456789abcdef",
            "+DVXOt8xHDhoo2rDsDM91l1L0oCAMWzOJYF8Gim/XCg=",
        ),
        (
            "GET",
            "/v2/dns/b%C3%BCcher.be/records",
            Reading::Spec,
            "my_keyget%2Fv2%2Fdns%2Fb%25c3%25bccher.be%2Frecords17000000000123456789abcdef",
            "1MfKksDNKP2p+LQFFmbN66uxwjhbdPNybXnrcQKDkX4=",
        ),
        (
            "DELETE",
            "/v2/linuxhostings/example.com/ssh/keys/00:11:22:33",
            Reading::Official,
            "my_keydelete%2Fv2%2Flinuxhostings%2Fexample.com%2Fssh%2Fkeys%2F00%3A11%3A22%3A33\
             17000000000123456789abcdef",
            "V4wwqBoJdoEpqaLn4d3zLMtwFnl8z3R60+f3Sl+145w=",
        ),
        (
            "DELETE",
            "/v2/linuxhostings/example.com/ssh/keys/00:11:22:33",
            Reading::Spec,
            "my_keydelete%2Fv2%2Flinuxhostings%2Fexample.com%2Fssh%2Fkeys%2F00%3A11%3A22%3A33\
             17000000000123456789abcdef",
            "V4wwqBoJdoEpqaLn4d3zLMtwFnl8z3R60+f3Sl+145w=",
        ),
        (
            "DELETE",
            "/v2/linuxhostings/example.com/ssh/keys/00%3A11%3A22%3A33",
            Reading::Official,
            "my_keydelete%2Fv2%2Flinuxhostings%2Fexample.com%2Fssh%2Fkeys%2F00%3A11%3A22%3A33\
             17000000000123456789abcdef",
            "V4wwqBoJdoEpqaLn4d3zLMtwFnl8z3R60+f3Sl+145w=",
        ),
        (
            "DELETE",
            "/v2/linuxhostings/example.com/ssh/keys/00%3A11%3A22%3A33",
            Reading::Spec,
            "my_keydelete%2Fv2%2Flinuxhostings%2Fexample.com%2Fssh%2Fkeys%2F00%253a11%253a22%253a33\
             17000000000123456789abcdef",
            "M7jLaLibAnrbUr0amF0vpsBCVee+NSeDjBtjc/inUQs=",
        ),
        (
            "GET",
            "/v2/accounts?identifier=a%20b%2Bc",
            Reading::Official,
            "my_keyget%2Fv2%2Faccounts%3Fidentifier%3Da+b%2Bc17000000000123456789abcdef",
            "gs6t3eEwO3GuSTyMAe2MBkZt0KwDh6QWBIQy+5KS9PM=",
        ),
        (
            "GET",
            "/v2/accounts?identifier=a%20b%2Bc",
            Reading::Spec,
            "my_keyget%2Fv2%2Faccounts%3Fidentifier%3Da%2520b%252bc17000000000123456789abcdef",
            "Bq7Z+tmwcLKRABlnvD23XdqBEWiJzkbc4haOWRwyv+4=",
        ),
    ];

    #[test]
    fn vectors_of_both_readings() {
        for (method, pq, reading, message, sig) in READING_VECTORS {
            assert_eq!(
                string_to_sign_as(*reading, KEY, method, pq, b"", TS, NONCE),
                *message,
                "{method} {pq} ({reading:?})"
            );
            assert_eq!(
                signature_as(*reading, KEY, SECRET, method, pq, b"", TS, NONCE),
                *sig,
                "{method} {pq} ({reading:?})"
            );
        }
    }

    #[test]
    fn readings_agree_only_on_plain_lower_case_paths() {
        for pq in [
            "/v2/domains?skip=0&take=10",
            "/v2/dns/example.com/records",
            "/v2/linuxhostings/example.com/ssh/keys/00:11:22:33",
            "/v2/mailboxes/info@example.com",
        ] {
            assert!(readings_agree(pq), "{pq}");
        }
        for pq in [
            "/v2/mysqldatabases/ID1001_shop",
            "/v2/dns/b%C3%BCcher.be/records",
            "/v2/linuxhostings/example.com/ssh/keys/00%3A11",
            "/v2/accounts?identifier=no%20such%20account",
        ] {
            assert!(!readings_agree(pq), "{pq}");
        }
        // The spec's reading is what the unqualified functions sign.
        let pq = "/v2/mysqldatabases/ID1001_shop";
        assert_eq!(
            sign(KEY, SECRET, "GET", pq, b"", TS, NONCE),
            sign_as(Reading::Spec, KEY, SECRET, "GET", pq, b"", TS, NONCE)
        );
    }

    #[test]
    fn urldecode_matches_php() {
        assert_eq!(php_urldecode("a+b%20c%2b%2B"), b"a b c++");
        assert_eq!(php_urldecode("100%"), b"100%");
        assert_eq!(php_urldecode("%zz%4"), b"%zz%4");
        assert_eq!(php_urldecode("%C3%BC"), "ü".as_bytes());
        assert_eq!(php_urldecode("%ff"), vec![0xff]);
        assert!(has_escape("a%3Ab"));
        assert!(!has_escape("100%"));
        assert!(!has_escape("a+b"));
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
