//! OpenSSH public keys as `POST .../ssh/keys` takes them, and the fingerprint that names them.
//!
//! The fingerprint is the classic MD5 one that `ssh-keygen -l -E md5` prints, without its `MD5:`
//! prefix: 16 lower-case hex bytes joined by `:` (`31:52:43:3a:…`), taken over the decoded key
//! blob. Chosen because it is what control panels of Combell's generation show, and because it
//! travels in a URL path (`DELETE .../ssh/keys/{fingerprint}`) unescaped, unlike the SHA-256
//! form whose base64 holds `/` and `+`. A delete also accepts the `MD5:` prefix, upper case and
//! the hex without colons, since all of those name the same key.

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use md5::{Digest, Md5};

/// Key types accepted, with the number of length-prefixed fields their blob holds after the
/// type name. DSA is refused: OpenSSH itself has dropped it.
const KEY_TYPES: [(&str, usize); 5] = [
    ("ssh-ed25519", 1),
    ("ssh-rsa", 2),
    ("ecdsa-sha2-nistp256", 2),
    ("ecdsa-sha2-nistp384", 2),
    ("ecdsa-sha2-nistp521", 2),
];

/// A key that parsed: the text as stored and read back (single spaces, comment kept) and its
/// fingerprint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParsedKey {
    pub public_key: String,
    pub fingerprint: String,
}

/// Reads `type base64 [comment]`, checks that the blob really is a key of that type, and
/// computes its fingerprint. The error text says what is wrong, never echoing the whole key.
pub fn parse_public_key(text: &str) -> Result<ParsedKey, String> {
    let mut words = text.split_whitespace();
    let (Some(kind), Some(encoded)) = (words.next(), words.next()) else {
        return Err(
            "A public key reads 'type base64 [comment]', e.g. 'ssh-ed25519 AAAA… me@host'."
                .to_string(),
        );
    };
    let comment: Vec<&str> = words.collect();
    let Some((_, fields)) = KEY_TYPES.iter().find(|(name, _)| *name == kind) else {
        let names: Vec<&str> = KEY_TYPES.iter().map(|(name, _)| *name).collect();
        return Err(format!(
            "Key type '{}' is not supported; use one of {}.",
            kind.chars().take(40).collect::<String>(),
            names.join(", ")
        ));
    };
    let blob = BASE64
        .decode(encoded)
        .map_err(|_| "The key data is not valid base64.".to_string())?;
    let parts = split_fields(&blob).ok_or_else(|| "The key data is truncated.".to_string())?;
    let Some((inner_kind, rest)) = parts.split_first() else {
        return Err("The key data is empty.".to_string());
    };
    if *inner_kind != kind.as_bytes() {
        return Err("The key data does not match the key type.".to_string());
    }
    if rest.len() != *fields {
        return Err(format!("The key data is not a valid {kind} key."));
    }
    let valid = match kind {
        "ssh-ed25519" => rest[0].len() == 32,
        // Exponent and a modulus of at least 1024 bits (plus a possible leading zero byte).
        "ssh-rsa" => !rest[0].is_empty() && rest[1].len() >= 128,
        _ => kind.ends_with(&*String::from_utf8_lossy(rest[0])) && !rest[1].is_empty(),
    };
    if !valid {
        return Err(format!("The key data is not a valid {kind} key."));
    }
    let mut public_key = format!("{kind} {encoded}");
    if !comment.is_empty() {
        public_key.push(' ');
        public_key.push_str(&comment.join(" "));
    }
    Ok(ParsedKey {
        public_key,
        fingerprint: md5_fingerprint(&blob),
    })
}

/// `aa:bb:…`, 16 bytes of MD5 over the blob.
pub fn md5_fingerprint(blob: &[u8]) -> String {
    Md5::digest(blob)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// The 32 hex digits a fingerprint in a path stands for, if it is one in any accepted spelling.
pub fn normalise_fingerprint(text: &str) -> Option<String> {
    let text = text.trim();
    let text = match text.get(..4) {
        Some(prefix) if prefix.eq_ignore_ascii_case("md5:") => &text[4..],
        _ => text,
    };
    let hex: String = text
        .chars()
        .filter(|c| *c != ':')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    (hex.len() == 32 && hex.bytes().all(|b| b.is_ascii_hexdigit())).then_some(hex)
}

/// The SSH wire format: a sequence of `u32` big-endian lengths each followed by that many bytes.
fn split_fields(mut blob: &[u8]) -> Option<Vec<&[u8]>> {
    let mut fields = Vec::new();
    while !blob.is_empty() {
        let (length, rest) = blob.split_first_chunk::<4>()?;
        let length = usize::try_from(u32::from_be_bytes(*length)).ok()?;
        if length > rest.len() {
            return None;
        }
        let (field, rest) = rest.split_at(length);
        fields.push(field);
        blob = rest;
    }
    Some(fields)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) const ED25519: &str = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDt5iTBIDtIyfZBxo1HueefMCIZhtWfwvJotJ1C5DmK+ deploy@example.com";
    const RSA: &str = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQDloXY6j6Q9eGINY7YsG43Z6R2xqPFHkm6Tj5OZfkM6BjSUeyxLlSjwYgtz5V3KcZFuqcilFR9/c6E4AKjlvcBZr9ylh++h01d4iQG2KUwVT/yKtg2JcPjQggxx2Qscj6/riEjPoqD6eZABjfNIWZN+bm9xYYPgeIddVshfKMxesBgiRshLH2nfh8TC5YtbqZ1mP5FgXYdR2YRXdq9ZcH5+t/z9rOjLBI4Z7FNTWuC5tCKEakzNTwFVbn4yOuW970lu5TZ8Uym7AJULfqEub6EBJzAW1dY4l6tA5AjXnRXE3fU9PaAgZlGWC7uQLc05xuxIEzXtc6q57tFMckAw+qsL ops";
    const ECDSA: &str = "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBGq5ucG6wdKbLeK8M5/t/C2p7IKCtlDeAMjZbPX5ak1xOCeHH5GR25Z5wN4peVoyA1QrVW3Pg+cgk80no2BFzRk= e";

    /// Expected values printed by `ssh-keygen -l -E md5` for the same keys.
    #[test]
    fn fingerprints_match_ssh_keygen() {
        for (key, fingerprint) in [
            (ED25519, "31:52:43:3a:66:f7:e4:5f:28:39:64:08:5f:75:de:3f"),
            (RSA, "64:6e:6e:d8:71:02:52:0e:f9:3d:37:ac:fd:b1:f2:86"),
            (ECDSA, "57:d2:6c:05:2c:36:87:86:91:f7:3c:36:fe:e2:fa:b9"),
        ] {
            assert_eq!(parse_public_key(key).unwrap().fingerprint, fingerprint);
        }
    }

    #[test]
    fn whitespace_is_normalised_and_the_comment_kept() {
        let parsed = parse_public_key(&format!("  {}\n", ED25519.replace(' ', "   "))).unwrap();
        assert_eq!(parsed.public_key, ED25519);
        let bare: String = ED25519.split(' ').take(2).collect::<Vec<_>>().join(" ");
        assert_eq!(parse_public_key(&bare).unwrap().public_key, bare);
    }

    #[test]
    fn broken_keys_are_refused() {
        let data = ED25519.split(' ').nth(1).unwrap();
        for bad in [
            String::new(),
            "ssh-ed25519".to_string(),
            format!("ssh-dss {data}"),
            format!("ssh-rsa {data}"),
            "ssh-ed25519 not*base64".to_string(),
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDt5".to_string(),
            format!(
                "ssh-ed25519 {}",
                BASE64.encode(b"\0\0\0\x0bssh-ed25519\0\0\0\x01x")
            ),
        ] {
            assert!(parse_public_key(&bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn fingerprints_in_paths_take_several_spellings() {
        let want = Some("3152433a66f7e45f283964085f75de3f".to_string());
        for spelling in [
            "31:52:43:3a:66:f7:e4:5f:28:39:64:08:5f:75:de:3f",
            "MD5:31:52:43:3A:66:F7:E4:5F:28:39:64:08:5F:75:DE:3F",
            "3152433a66f7e45f283964085f75de3f",
        ] {
            assert_eq!(normalise_fingerprint(spelling), want, "{spelling}");
        }
        assert_eq!(normalise_fingerprint("31:52"), None);
        assert_eq!(
            normalise_fingerprint("zz52433a66f7e45f283964085f75de3f"),
            None
        );
        assert_eq!(normalise_fingerprint("ü"), None);
    }
}
