//! A PKCS#12 (PFX) archive (RFC 7292) of a certificate and its private key, as the download of
//! `GET /v2/sslcertificates/{sha1Fingerprint}/download?file_format=pfx` returns.
//!
//! The bags are stored unencrypted (a `keyBag` holding the PKCS#8 key and a `certBag`) and the
//! whole archive is protected by an HMAC-SHA-256 integrity MAC keyed from the password, so a
//! wrong password is refused by any PKCS#12 reader (`openssl pkcs12` reads it). Combell encrypts
//! the key as well; doing so here would need a block cipher this crate does not carry, and a
//! simulated key protects nothing.

use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use combell_api::der;

use crate::state::ssl::Certificate;

const ITERATIONS: u32 = 2048;

const OID_DATA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01];
const OID_KEY_BAG: &[u8] = &[
    0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x0c, 0x0a, 0x01, 0x01,
];
const OID_CERT_BAG: &[u8] = &[
    0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x0c, 0x0a, 0x01, 0x03,
];
const OID_X509_CERTIFICATE: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x16, 0x01];
const OID_LOCAL_KEY_ID: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x15];
const OID_SHA256: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01];

fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes: Vec<u8> = len
            .to_be_bytes()
            .iter()
            .copied()
            .skip_while(|b| *b == 0)
            .collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend(bytes);
    }
    out.extend_from_slice(content);
    out
}

fn seq(parts: &[Vec<u8>]) -> Vec<u8> {
    tlv(0x30, &parts.concat())
}

fn oid(value: &[u8]) -> Vec<u8> {
    tlv(0x06, value)
}

fn octets(value: &[u8]) -> Vec<u8> {
    tlv(0x04, value)
}

fn explicit0(value: &[u8]) -> Vec<u8> {
    tlv(0xa0, value)
}

fn integer(value: u32) -> Vec<u8> {
    let mut bytes: Vec<u8> = value
        .to_be_bytes()
        .iter()
        .copied()
        .skip_while(|b| *b == 0)
        .collect();
    if bytes.first().is_none_or(|b| b & 0x80 != 0) {
        bytes.insert(0, 0);
    }
    tlv(0x02, &bytes)
}

/// `ContentInfo` of type data wrapping `content`.
fn data(content: &[u8]) -> Vec<u8> {
    seq(&[oid(OID_DATA), explicit0(&octets(content))])
}

/// The DER inside the first PEM block with `label`.
fn pem_der(pem: &str, label: &str) -> Option<Vec<u8>> {
    let begin_marker = format!("-----BEGIN {label}-----");
    let end_marker = format!("-----END {label}-----");
    let begin = pem.find(&begin_marker)? + begin_marker.len();
    let end = pem[begin..].find(&end_marker)? + begin;
    let base64: String = pem[begin..end]
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    base64::engine::general_purpose::STANDARD
        .decode(base64)
        .ok()
}

/// RFC 7292 appendix B.2 for SHA-256 and a key of one hash length (the only case needed here).
fn mac_key(password: &str, salt: &[u8], iterations: u32) -> Vec<u8> {
    const V: usize = 64;
    let mut bmp: Vec<u8> = password
        .encode_utf16()
        .flat_map(|unit| unit.to_be_bytes())
        .collect();
    bmp.extend([0, 0]);
    let stretch = |input: &[u8]| -> Vec<u8> {
        if input.is_empty() {
            return Vec::new();
        }
        let len = V * input.len().div_ceil(V);
        input.iter().copied().cycle().take(len).collect()
    };
    let mut block = vec![3u8; V];
    block.extend(stretch(salt));
    block.extend(stretch(&bmp));
    let mut digest = Sha256::digest(&block).to_vec();
    for _ in 1..iterations {
        digest = Sha256::digest(&digest).to_vec();
    }
    digest
}

/// The archive's bytes, or why it cannot be made (a stored certificate or key that is not PEM).
pub fn build(certificate: &Certificate, password: &str) -> Result<Vec<u8>, String> {
    let cert_der = der::certificate_der(&certificate.certificate_pem)
        .ok_or("the stored certificate is not PEM")?;
    let key_der = pem_der(&certificate.private_key_pem, "PRIVATE KEY")
        .ok_or("the stored key is not PKCS#8 PEM")?;
    let key_id = der::sha1(&cert_der);
    let attributes = tlv(
        0x31,
        &seq(&[oid(OID_LOCAL_KEY_ID), tlv(0x31, &octets(&key_id))]),
    );
    let key_bag = seq(&[oid(OID_KEY_BAG), explicit0(&key_der), attributes.clone()]);
    let cert_bag = seq(&[
        oid(OID_CERT_BAG),
        explicit0(&seq(&[
            oid(OID_X509_CERTIFICATE),
            explicit0(&octets(&cert_der)),
        ])),
        attributes,
    ]);
    let authenticated_safe = seq(&[data(&seq(&[cert_bag])), data(&seq(&[key_bag]))]);
    let salt: [u8; 16] = rand::random();
    let key = mac_key(password, &salt, ITERATIONS);
    let mut mac =
        Hmac::<Sha256>::new_from_slice(&key).map_err(|e| format!("cannot key the MAC: {e}"))?;
    mac.update(&authenticated_safe);
    let digest = mac.finalize().into_bytes();
    let mac_data = seq(&[
        seq(&[seq(&[oid(OID_SHA256), tlv(0x05, &[])]), octets(&digest)]),
        octets(&salt),
        integer(ITERATIONS),
    ]);
    Ok(seq(&[integer(3), data(&authenticated_safe), mac_data]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::ssl::SslState;

    #[test]
    fn integers_and_lengths_encode_as_der() {
        assert_eq!(integer(3), [0x02, 0x01, 0x03]);
        assert_eq!(integer(2048), [0x02, 0x02, 0x08, 0x00]);
        assert_eq!(integer(128), [0x02, 0x02, 0x00, 0x80]);
        assert_eq!(&tlv(0x04, &[0; 200])[..3], [0x04, 0x81, 200]);
        assert_eq!(&tlv(0x04, &[0; 300])[..4], [0x04, 0x82, 0x01, 0x2c]);
    }

    /// Checked by a PKCS#12 reader we did not write, where the machine has one.
    #[test]
    fn openssl_reads_the_archive_with_the_password_only() {
        let state = SslState::seed();
        let certificate = state.certificates.values().next().unwrap();
        let bytes = build(certificate, "Secret123").unwrap();
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("c.pfx");
        std::fs::write(&file, &bytes).unwrap();
        let run = |password: &str| {
            std::process::Command::new("openssl")
                .args(["pkcs12", "-in"])
                .arg(&file)
                .args(["-nodes", "-passin", &format!("pass:{password}")])
                .output()
        };
        let Ok(good) = run("Secret123") else {
            eprintln!("openssl is not installed; skipping the cross-check");
            return;
        };
        let text = String::from_utf8_lossy(&good.stdout);
        assert!(
            good.status.success(),
            "{}",
            String::from_utf8_lossy(&good.stderr)
        );
        assert!(text.contains("BEGIN CERTIFICATE"), "{text}");
        assert!(text.contains("BEGIN PRIVATE KEY"), "{text}");
        assert!(!run("Wrong1234").unwrap().status.success());
    }
}
