//! URL pieces: encoding path segments and query values the client sends, and reading the
//! `Location` headers (relative or absolute) the API sends back.

use super::Error;

/// What a `Location` header (or a job's resource link) points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocationRef {
    /// The path, as sent (still percent-encoded), without scheme, host, query or fragment.
    pub path: String,
    /// The last non-empty path segment, percent-decoded: the id or name of the resource.
    pub id: String,
}

/// Reads a `Location` value such as `/v2/dns/example.com/records/1-9988776610` or
/// `https://api.combell.com/v2/provisioningjobs/<uuid>`.
pub fn parse_location(value: &str) -> Result<LocationRef, Error> {
    let value = value.trim();
    let bad = |why: &str| Error::Invalid(format!("unusable Location \"{value}\": {why}"));
    let path = if let Some(scheme_end) = value.find("://") {
        let after = &value[scheme_end + 3..];
        match after.find('/') {
            Some(slash) => &after[slash..],
            None => return Err(bad("no path")),
        }
    } else {
        value
    };
    let path = path.split(['?', '#']).next().unwrap_or_default();
    // A bare word is no location: whatever form the API uses, it names a path.
    if !path.contains('/') {
        return Err(bad("not a path"));
    }
    let last = path
        .split('/')
        .rev()
        .find(|segment| !segment.is_empty())
        .ok_or_else(|| bad("no path segment"))?;
    let id = percent_decode(last).ok_or_else(|| bad("bad percent-encoding"))?;
    if id.is_empty() {
        return Err(bad("empty id"));
    }
    if id.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(bad("the id holds blanks or control characters"));
    }
    Ok(LocationRef {
        path: path.to_string(),
        id,
    })
}

/// Encodes one path segment. Leaves alone what RFC 3986 allows in a segment (`A-Za-z0-9-._~`,
/// `: @ ! $ & ' ( ) * + , ; =`) and percent-encodes everything else with upper-case hex, so
/// that `/`, `?`, `#` or `%` in an opaque id can never change which resource is addressed.
///
/// Escaping no more than that matters for the signature: Combell's readings of the signed path
/// differ only for a path with capitals or escapes, so a fingerprint goes as `00:11:...` and
/// signs alike whichever way the server reads it.
pub fn encode_segment(segment: &str) -> String {
    encode(segment, |b| {
        matches!(
            b,
            b':' | b'@'
                | b'!'
                | b'$'
                | b'&'
                | b'\''
                | b'('
                | b')'
                | b'*'
                | b'+'
                | b','
                | b';'
                | b'='
        )
    })
}

/// Encodes a query key or value (space as `%20`, `@` and the unreserved set kept).
pub fn encode_query(value: &str) -> String {
    encode(value, |b| b == b'@')
}

fn encode(input: &str, keep_extra: impl Fn(u8) -> bool) -> String {
    let mut out = String::with_capacity(input.len());
    for &b in input.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') || keep_extra(b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Percent-decodes; `None` on a malformed escape or invalid UTF-8.
pub fn percent_decode(input: &str) -> Option<String> {
    let bytes = input.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = input.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Joins query pairs, encoding both sides.
pub(crate) fn query_string(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode_query(k), encode_query(v)))
        .collect::<Vec<_>>()
        .join("&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_location() {
        let loc = parse_location("/v2/dns/example.com/records/1-9988776610").unwrap();
        assert_eq!(loc.id, "1-9988776610");
        assert_eq!(loc.path, "/v2/dns/example.com/records/1-9988776610");
    }

    #[test]
    fn absolute_location_with_query_and_trailing_slash() {
        let loc =
            parse_location("https://api.combell.com/v2/provisioningjobs/abc-123/?x=1#f").unwrap();
        assert_eq!(loc.id, "abc-123");
        assert_eq!(loc.path, "/v2/provisioningjobs/abc-123/");
    }

    #[test]
    fn location_id_is_percent_decoded() {
        let loc = parse_location("/v2/mailboxes/info%40example.com").unwrap();
        assert_eq!(loc.id, "info@example.com");
        assert_eq!(loc.path, "/v2/mailboxes/info%40example.com");
    }

    #[test]
    fn unusable_locations_are_errors() {
        assert!(parse_location("").is_err());
        assert!(parse_location("/").is_err());
        assert!(parse_location("https://api.combell.com").is_err());
        assert!(parse_location("/v2/x/%zz").is_err());
        assert!(parse_location("/v2/x/%c3").is_err());
        assert!(parse_location("::::").is_err());
        assert!(parse_location("1-9988776610").is_err());
        assert!(parse_location("/v2/x/a%0Ab").is_err());
    }

    #[test]
    fn segments_are_encoded_safely() {
        assert_eq!(encode_segment("example.com"), "example.com");
        assert_eq!(encode_segment("1-4787652784"), "1-4787652784");
        assert_eq!(encode_segment("info@example.com"), "info@example.com");
        assert_eq!(encode_segment("a/b?c#d e"), "a%2Fb%3Fc%23d%20e");
        assert_eq!(encode_segment("bücher.de"), "b%C3%BCcher.de");
        assert_eq!(encode_segment("ab%2F"), "ab%252F");
        assert_eq!(encode_segment("00:11:22:ff"), "00:11:22:ff");
        assert_eq!(encode_segment(":@!$&'()*+,;="), ":@!$&'()*+,;=");
        assert_eq!(
            encode_segment("a\"<>`{}|\\^[]"),
            "a%22%3C%3E%60%7B%7D%7C%5C%5E%5B%5D"
        );
    }

    #[test]
    fn query_pairs() {
        let q = query_string(&[
            ("record_name".into(), "*.testing".into()),
            ("take".into(), "100".into()),
        ]);
        assert_eq!(q, "record_name=%2A.testing&take=100");
    }
}
