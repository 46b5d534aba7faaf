//! HMAC verification of `Authorization: hmac key:signature:nonce:timestamp`, as API-SUMMARY.md
//! §1.4 describes it. The spec says to sign the lowercased path; Combell's own PHP client keeps
//! the case and decodes a path with escapes once before encoding it. Which of the two the real
//! API verifies is not known, so [`SigningMode`] lets the simulator play either server, or
//! accept both (the default).
//!
//! Every refusal is a 401 whose text says what is wrong without echoing the signature.

use std::collections::HashMap;

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use md5::{Digest, Md5};
use sha2::Sha256;

use crate::error::ApiError;
use combell_api::signing;

/// How far a request's timestamp may be from the server clock, either way.
pub const MAX_SKEW_SECS: i64 = 300;

const CODE_FORMAT: &str = "auth_authorization_header_invalid_format";
const CODE_HMAC: &str = "authorization_hmac_invalid";

/// PHP `urlencode`: everything but `A-Za-z0-9-_.` becomes `%XX` (upper-case hex), space `+`.
pub fn php_urlencode(input: &str) -> String {
    php_urlencode_bytes(input.as_bytes())
}

/// The string that gets signed, with `path_and_query` encoded exactly as given (the caller
/// decides whether it was lowercased first).
pub fn string_to_sign(
    key: &str,
    method: &str,
    path_and_query: &str,
    timestamp: &str,
    nonce: &str,
    body: &[u8],
) -> String {
    message(
        key,
        method,
        &php_urlencode(path_and_query),
        timestamp,
        nonce,
        body,
    )
}

/// The string that gets signed, around a path and query already url-encoded.
fn message(
    key: &str,
    method: &str,
    encoded_path_and_query: &str,
    timestamp: &str,
    nonce: &str,
    body: &[u8],
) -> String {
    let content = if body.is_empty() {
        String::new()
    } else {
        BASE64.encode(Md5::digest(body))
    };
    format!(
        "{key}{}{encoded_path_and_query}{timestamp}{nonce}{content}",
        method.to_ascii_lowercase(),
    )
}

/// Which readings of the signed path the simulator verifies (`--signing`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SigningMode {
    /// The lowercased path and query as received, as the spec says.
    Spec,
    /// As Combell's PHP client signs: case kept, the path and query as received or, when they
    /// hold escapes, decoded once.
    Official,
    /// Any of those.
    #[default]
    Either,
}

impl SigningMode {
    pub fn parse(text: &str) -> Result<SigningMode, String> {
        match text.trim().to_ascii_lowercase().as_str() {
            "spec" => Ok(SigningMode::Spec),
            "official" => Ok(SigningMode::Official),
            "either" => Ok(SigningMode::Either),
            _ => Err(format!(
                "'{text}' is not a signing reading; use spec, official or either"
            )),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            SigningMode::Spec => "spec",
            SigningMode::Official => "official",
            SigningMode::Either => "either",
        }
    }
}

/// Which reading an accepted signature matched.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Matched {
    /// The two readings give the same string (a lower-case path without escapes).
    Both,
    Spec,
    Official,
}

impl Matched {
    pub fn name(self) -> &'static str {
        match self {
            Matched::Both => "both",
            Matched::Spec => "spec",
            Matched::Official => "official",
        }
    }
}

/// The url-encoded forms of `path_and_query` that `mode` accepts, each with the reading it
/// stands for.
fn accepted_forms(mode: SigningMode, path_and_query: &str) -> Vec<(String, Matched)> {
    let spec = php_urlencode(&path_and_query.to_ascii_lowercase());
    let as_received = php_urlencode(path_and_query);
    let decoded = signing::has_escape(path_and_query)
        .then(|| php_urlencode_bytes(&signing::php_urldecode(path_and_query)));
    let official: Vec<String> = std::iter::once(as_received).chain(decoded).collect();
    let label = |form: &str, reading: Matched| {
        if form == spec && official.iter().any(|o| o == form) {
            Matched::Both
        } else {
            reading
        }
    };
    let mut forms = Vec::new();
    if mode != SigningMode::Official {
        forms.push((spec.clone(), label(&spec, Matched::Spec)));
    }
    if mode != SigningMode::Spec {
        for form in &official {
            forms.push((form.clone(), label(form, Matched::Official)));
        }
    }
    forms.dedup_by(|a, b| a.0 == b.0);
    forms
}

fn php_urlencode_bytes(input: &[u8]) -> String {
    let mut out = String::with_capacity(input.len() * 3);
    for &byte in input {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => out.push(byte as char),
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

fn mac(secret: &str, message: &str) -> Result<Hmac<Sha256>, ApiError> {
    // HMAC takes keys of any length, so this cannot fail; mapped anyway rather than unwrapped.
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes())
        .map_err(|_| ApiError::unauthorized(CODE_HMAC, "The HMAC could not be computed."))?;
    mac.update(message.as_bytes());
    Ok(mac)
}

/// base64(HMAC-SHA256(secret, message)): what a client puts in the header.
pub fn signature(secret: &str, message: &str) -> String {
    match mac(secret, message) {
        Ok(mac) => BASE64.encode(mac.finalize().into_bytes()),
        Err(_) => String::new(),
    }
}

/// The four parts of the header, unverified.
#[derive(Debug, PartialEq, Eq)]
pub struct Credentials<'a> {
    pub key: &'a str,
    pub signature: &'a str,
    pub nonce: &'a str,
    pub timestamp: &'a str,
}

/// Splits `hmac key:signature:nonce:timestamp`; the scheme name is case-insensitive.
pub fn parse_header(value: &str) -> Result<Credentials<'_>, ApiError> {
    let malformed = || {
        ApiError::unauthorized(
            CODE_FORMAT,
            "The Authorization header must read 'hmac {apikey}:{signature}:{nonce}:{unix timestamp}'.",
        )
    };
    let (scheme, rest) = value.trim().split_once(' ').ok_or_else(malformed)?;
    if !scheme.eq_ignore_ascii_case("hmac") {
        return Err(malformed());
    }
    let parts: Vec<&str> = rest.trim().split(':').collect();
    let [key, signature, nonce, timestamp] = parts.as_slice() else {
        return Err(malformed());
    };
    if [key, signature, nonce, timestamp]
        .iter()
        .any(|p| p.is_empty())
        || !timestamp.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(malformed());
    }
    Ok(Credentials {
        key,
        signature,
        nonce,
        timestamp,
    })
}

/// Nonces seen inside the acceptance window. A nonce is only worth remembering while its
/// timestamp would still be accepted; after that the timestamp check refuses a replay anyway.
#[derive(Debug, Default)]
pub struct NonceStore {
    /// (key, nonce) -> unix second after which it can be forgotten.
    seen: HashMap<(String, String), i64>,
}

impl NonceStore {
    fn seen(&self, key: &str, nonce: &str) -> bool {
        self.seen
            .contains_key(&(key.to_string(), nonce.to_string()))
    }

    fn remember(&mut self, key: &str, nonce: &str, timestamp: i64, now: i64) {
        self.seen.retain(|_, expiry| *expiry >= now);
        self.seen.insert(
            (key.to_string(), nonce.to_string()),
            timestamp + MAX_SKEW_SECS,
        );
    }

    pub fn len(&self) -> usize {
        self.seen.len()
    }

    pub fn is_empty(&self) -> bool {
        self.seen.is_empty()
    }
}

/// What one request brings to be checked.
pub struct SignedRequest<'a> {
    pub authorization: Option<&'a str>,
    pub method: &'a str,
    pub path_and_query: &'a str,
    pub body: &'a [u8],
}

/// [`verify_as`] in the default mode, which accepts either reading.
pub fn verify(
    api_key: &str,
    api_secret: &str,
    request: &SignedRequest<'_>,
    now: i64,
    nonces: &mut NonceStore,
) -> Result<Matched, ApiError> {
    verify_as(
        SigningMode::Either,
        api_key,
        api_secret,
        request,
        now,
        nonces,
    )
}

/// Checks header format, key, timestamp, signature and nonce, in that order; a nonce is only
/// recorded once everything else passed, so a forged request cannot burn a real client's nonce.
/// Tells which reading the signature matched.
pub fn verify_as(
    mode: SigningMode,
    api_key: &str,
    api_secret: &str,
    request: &SignedRequest<'_>,
    now: i64,
    nonces: &mut NonceStore,
) -> Result<Matched, ApiError> {
    let header = request.authorization.ok_or_else(|| {
        ApiError::unauthorized(CODE_FORMAT, "The Authorization header is missing.")
    })?;
    let creds = parse_header(header)?;
    if creds.key != api_key {
        return Err(ApiError::unauthorized(
            CODE_HMAC,
            "The API key is not known.",
        ));
    }
    let timestamp: i64 = creds.timestamp.parse().map_err(|_| {
        ApiError::unauthorized(CODE_FORMAT, "The timestamp is not a unix time in seconds.")
    })?;
    if (now - timestamp).abs() > MAX_SKEW_SECS {
        return Err(ApiError::unauthorized(
            CODE_HMAC,
            format!(
                "The request timestamp is more than {MAX_SKEW_SECS} seconds away from the server time; check the clock."
            ),
        ));
    }
    let claimed = BASE64
        .decode(creds.signature)
        .map_err(|_| ApiError::unauthorized(CODE_HMAC, "The signature is not valid base64."))?;
    let mut matched = None;
    for (form, reading) in accepted_forms(mode, request.path_and_query) {
        let message = message(
            creds.key,
            request.method,
            &form,
            creds.timestamp,
            creds.nonce,
            request.body,
        );
        if mac(api_secret, &message)?.verify_slice(&claimed).is_ok() {
            matched = Some(reading);
            break;
        }
    }
    let Some(matched) = matched else {
        return Err(signature_mismatch());
    };
    if nonces.seen(creds.key, creds.nonce) {
        return Err(ApiError::unauthorized(
            CODE_HMAC,
            "The nonce was already used; every request needs a new one.",
        ));
    }
    nonces.remember(creds.key, creds.nonce, timestamp, now);
    Ok(matched)
}

/// The refusal of a well-formed, timely request whose signature matches no accepted reading.
pub fn signature_mismatch() -> ApiError {
    ApiError::unauthorized(CODE_HMAC, SIGNATURE_MISMATCH)
}

const SIGNATURE_MISMATCH: &str = "The signature does not match the request.";

/// Whether `refusal` is [`signature_mismatch`], as opposed to a bad header, key or clock.
pub fn is_signature_mismatch(refusal: &ApiError) -> bool {
    matches!(refusal, ApiError::Unauthorized(m) if m.error_text == SIGNATURE_MISMATCH)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_700_000_000;
    const VECTOR_BODY: &str =
        r#"{"type":"A","record_name":"www","ttl":3600,"content":"192.0.2.1"}"#;

    fn header(sig: &str, nonce: &str, ts: i64) -> String {
        format!("hmac my_key:{sig}:{nonce}:{ts}")
    }

    fn check(
        method: &str,
        pq: &str,
        body: &[u8],
        auth: &str,
        now: i64,
        nonces: &mut NonceStore,
    ) -> Result<(), ApiError> {
        let req = SignedRequest {
            authorization: Some(auth),
            method,
            path_and_query: pq,
            body,
        };
        verify("my_key", "my_secret", &req, now, nonces).map(|_| ())
    }

    /// A published vector: `pq` and `body`, signed as `sign_method` with `my_key`, `my_secret`
    /// and nonce `0123456789abcdef` at 1700000000, give the string `message` and the signature
    /// `sig`, and the header is accepted as `check_method` at `now`; returns the header.
    fn signed_vector(
        (sign_method, check_method): (&str, &str),
        pq: &str,
        body: &[u8],
        (message, sig): (&str, &str),
        now: i64,
    ) -> String {
        let signed = string_to_sign(
            "my_key",
            sign_method,
            pq,
            "1700000000",
            "0123456789abcdef",
            body,
        );
        assert_eq!(signed, message);
        let signature = signature("my_secret", &signed);
        assert_eq!(signature, sig);
        let mut nonces = NonceStore::default();
        let auth = header(&signature, "0123456789abcdef", NOW);
        check(check_method, pq, body, &auth, now, &mut nonces).unwrap();
        auth
    }

    fn code(err: ApiError) -> String {
        match err {
            ApiError::Unauthorized(m) => m.error_code,
            other => panic!("expected 401, got {other:?}"),
        }
    }

    #[test]
    fn urlencode_matches_php() {
        assert_eq!(
            php_urlencode("/v2/accounts?skip=0&take=25"),
            "%2Fv2%2Faccounts%3Fskip%3D0%26take%3D25"
        );
        assert_eq!(php_urlencode("a b~*@"), "a+b%7E%2A%40");
        assert_eq!(php_urlencode("é"), "%C3%A9");
    }

    #[test]
    fn vector_get_without_body() {
        signed_vector(
            ("GET", "GET"),
            "/v2/domains?skip=0&take=10",
            b"",
            (
                "my_keyget%2Fv2%2Fdomains%3Fskip%3D0%26take%3D1017000000000123456789abcdef",
                "TMzDXA+0IRPIYea7NZkZYFZjqYYeAb6tNIFnqYcQ6pE=",
            ),
            NOW,
        );
    }

    #[test]
    fn vector_post_with_body() {
        let auth = signed_vector(
            ("post", "POST"),
            "/v2/dns/example.com/records",
            VECTOR_BODY.as_bytes(),
            (
                "my_keypost%2Fv2%2Fdns%2Fexample.com%2Frecords17000000000123456789abcdefZVmBwyxnUrx29zUR+y4oXg==",
                "uLqDv3wE1/EaY/swlwiePK9ajEPa1VcGUqBIlbxevwU=",
            ),
            NOW + 10,
        );
        // The same signature over a different body is refused.
        let mut fresh = NonceStore::default();
        let err = check(
            "POST",
            "/v2/dns/example.com/records",
            b"{}",
            &auth,
            NOW,
            &mut fresh,
        )
        .unwrap_err();
        assert_eq!(code(err), CODE_HMAC);
    }

    #[test]
    fn lowercased_and_as_sent_paths_are_both_accepted() {
        let pq = "/v2/accounts?identifier=Example.COM";
        let mut nonces = NonceStore::default();
        for (i, signed) in [pq.to_string(), pq.to_ascii_lowercase()].iter().enumerate() {
            let nonce = format!("nonce{i}");
            let message = string_to_sign("my_key", "get", signed, "1700000000", &nonce, b"");
            let auth = header(&signature("my_secret", &message), &nonce, NOW);
            check("GET", pq, b"", &auth, NOW, &mut nonces).unwrap();
        }
        // A signature over some other casing is neither.
        let message = string_to_sign(
            "my_key",
            "get",
            "/V2/ACCOUNTS?IDENTIFIER=EXAMPLE.COM",
            "1700000000",
            "n3",
            b"",
        );
        let auth = header(&signature("my_secret", &message), "n3", NOW);
        assert!(check("GET", pq, b"", &auth, NOW, &mut nonces).is_err());
    }

    /// Signs `signed` (the text before url-encoding) and checks `received` in `mode`.
    fn check_mode(mode: SigningMode, received: &str, signed: &[u8]) -> Result<Matched, ApiError> {
        let nonce = combell_api::signing::new_nonce();
        let message = message(
            "my_key",
            "get",
            &php_urlencode_bytes(signed),
            "1700000000",
            &nonce,
            b"",
        );
        let auth = header(&signature("my_secret", &message), &nonce, NOW);
        let req = SignedRequest {
            authorization: Some(&auth),
            method: "GET",
            path_and_query: received,
            body: b"",
        };
        verify_as(
            mode,
            "my_key",
            "my_secret",
            &req,
            NOW,
            &mut NonceStore::default(),
        )
    }

    #[test]
    fn each_mode_accepts_its_readings_only() {
        use SigningMode::{Either, Official, Spec};
        let idn = "/v2/dns/b%C3%BCcher.be/records";
        let decoded = "/v2/dns/bücher.be/records".as_bytes();
        let lowered = b"/v2/dns/b%c3%bccher.be/records";
        let upper = "/v2/mysqldatabases/ID1001_shop";
        let plain = "/v2/dns/example.com/records";
        #[rustfmt::skip]
        let table: &[(SigningMode, &str, &[u8], Option<Matched>)] = &[
            (Spec, idn, lowered, Some(Matched::Spec)),
            (Spec, idn, decoded, None),
            (Spec, idn, idn.as_bytes(), None),
            (Official, idn, decoded, Some(Matched::Official)),
            (Official, idn, idn.as_bytes(), Some(Matched::Official)),
            (Official, idn, lowered, None),
            (Either, idn, lowered, Some(Matched::Spec)),
            (Either, idn, decoded, Some(Matched::Official)),
            (Spec, upper, b"/v2/mysqldatabases/id1001_shop", Some(Matched::Spec)),
            (Spec, upper, upper.as_bytes(), None),
            (Official, upper, upper.as_bytes(), Some(Matched::Official)),
            (Official, upper, b"/v2/mysqldatabases/id1001_shop", None),
            (Spec, plain, plain.as_bytes(), Some(Matched::Both)),
            (Official, plain, plain.as_bytes(), Some(Matched::Both)),
            (Either, plain, plain.as_bytes(), Some(Matched::Both)),
            // PHP's urldecode reads `+` as a space.
            (Official, "/v2/accounts?identifier=a%20b+c", b"/v2/accounts?identifier=a b c", Some(Matched::Official)),
        ];
        for (mode, received, signed, expected) in table {
            let got = check_mode(*mode, received, signed);
            match expected {
                Some(reading) => assert_eq!(got.ok(), Some(*reading), "{mode:?} {received}"),
                None => {
                    let err = got.expect_err(received);
                    assert!(is_signature_mismatch(&err), "{mode:?} {received}: {err:?}");
                }
            }
        }
        assert_eq!(SigningMode::parse("Official"), Ok(Official));
        assert_eq!(SigningMode::parse("either"), Ok(Either));
        assert!(SigningMode::parse("lower").is_err());
        assert_eq!(SigningMode::default(), Either);
    }

    fn signed_get(nonce: &str, ts: i64) -> String {
        let message = string_to_sign(
            "my_key",
            "get",
            "/v2/servicepacks",
            &ts.to_string(),
            nonce,
            b"",
        );
        header(&signature("my_secret", &message), nonce, ts)
    }

    #[test]
    fn old_or_future_timestamps_are_refused() {
        let mut nonces = NonceStore::default();
        for ts in [NOW - MAX_SKEW_SECS - 1, NOW + MAX_SKEW_SECS + 1] {
            let auth = signed_get("n", ts);
            let err = check("GET", "/v2/servicepacks", b"", &auth, NOW, &mut nonces).unwrap_err();
            assert_eq!(code(err), CODE_HMAC);
        }
        let auth = signed_get("edge", NOW - MAX_SKEW_SECS);
        check("GET", "/v2/servicepacks", b"", &auth, NOW, &mut nonces).unwrap();
    }

    #[test]
    fn replayed_nonce_is_refused_and_forgotten_after_the_window() {
        let mut nonces = NonceStore::default();
        let auth = signed_get("once", NOW);
        check("GET", "/v2/servicepacks", b"", &auth, NOW, &mut nonces).unwrap();
        let err = check("GET", "/v2/servicepacks", b"", &auth, NOW + 1, &mut nonces).unwrap_err();
        assert_eq!(code(err), CODE_HMAC);
        // Later on the timestamp check takes over, and the store does not grow without bound.
        let later = NOW + 2 * MAX_SKEW_SECS;
        check(
            "GET",
            "/v2/servicepacks",
            b"",
            &signed_get("other", later),
            later,
            &mut nonces,
        )
        .unwrap();
        assert_eq!(nonces.len(), 1);
    }

    #[test]
    fn a_forged_request_does_not_burn_the_nonce() {
        let mut nonces = NonceStore::default();
        let forged = header("AAAA", "shared", NOW);
        assert!(check("GET", "/v2/servicepacks", b"", &forged, NOW, &mut nonces).is_err());
        check(
            "GET",
            "/v2/servicepacks",
            b"",
            &signed_get("shared", NOW),
            NOW,
            &mut nonces,
        )
        .unwrap();
    }

    #[test]
    fn bad_headers_are_refused_with_the_format_code() {
        let mut nonces = NonceStore::default();
        for bad in [
            "",
            "hmac",
            "Bearer abc",
            "hmac my_key:sig:nonce",
            "hmac my_key:sig:nonce:ts",
            "hmac my_key::nonce:1700000000",
            "hmac my_key:sig:nonce:1700000000:extra",
        ] {
            let err = check("GET", "/v2/servicepacks", b"", bad, NOW, &mut nonces).unwrap_err();
            assert_eq!(code(err), CODE_FORMAT, "header {bad:?}");
        }
        let req = SignedRequest {
            authorization: None,
            method: "GET",
            path_and_query: "/v2/servicepacks",
            body: b"",
        };
        let err = verify("my_key", "my_secret", &req, NOW, &mut nonces).unwrap_err();
        assert_eq!(code(err), CODE_FORMAT);
        assert_eq!(
            parse_header("HMAC k:s:n:1").unwrap(),
            Credentials {
                key: "k",
                signature: "s",
                nonce: "n",
                timestamp: "1"
            }
        );
    }

    #[test]
    fn wrong_key_or_secret_is_refused() {
        let mut nonces = NonceStore::default();
        let auth = signed_get("n1", NOW).replace("my_key", "other_key");
        let err = check("GET", "/v2/servicepacks", b"", &auth, NOW, &mut nonces).unwrap_err();
        assert_eq!(code(err), CODE_HMAC);
        let message = string_to_sign("my_key", "get", "/v2/servicepacks", "1700000000", "n2", b"");
        let auth = header(&signature("not_my_secret", &message), "n2", NOW);
        let err = check("GET", "/v2/servicepacks", b"", &auth, NOW, &mut nonces).unwrap_err();
        assert_eq!(code(err), CODE_HMAC);
    }
}
