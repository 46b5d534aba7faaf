//! Just enough DER to read what a client puts in a certificate signing request (the subject's
//! common name and the DNS names of a subjectAltName extension request), plus SHA-1 for the
//! certificate fingerprints Combell uses as ids. The signature of the request is not checked:
//! neither user needs the key, only the names. Shared by the provider
//! (`combell_ssl_certificate_request` reads the names of a CSR at plan time) and the simulator.

use base64::Engine;

/// What a CSR asks for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CsrNames {
    pub common_name: Option<String>,
    pub country: Option<String>,
    pub dns_names: Vec<String>,
    /// The DER bytes, for the validation values that are hashes of the request.
    pub der: Vec<u8>,
}

const OID_COMMON_NAME: &[u8] = &[0x55, 0x04, 0x03];
const OID_COUNTRY: &[u8] = &[0x55, 0x04, 0x06];
const OID_EXTENSION_REQUEST: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x0e];
const OID_SUBJECT_ALT_NAME: &[u8] = &[0x55, 0x1d, 0x11];

/// One tag-length-value; `rest` is what follows it.
struct Tlv<'a> {
    tag: u8,
    value: &'a [u8],
    rest: &'a [u8],
}

fn read_tlv(input: &[u8]) -> Option<Tlv<'_>> {
    let (&tag, after_tag) = input.split_first()?;
    let (&first, after_len) = after_tag.split_first()?;
    let (length, body) = if first < 0x80 {
        (usize::from(first), after_len)
    } else {
        let count = usize::from(first & 0x7f);
        if count == 0 || count > 4 || after_len.len() < count {
            return None;
        }
        let length = after_len[..count]
            .iter()
            .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
        (length, &after_len[count..])
    };
    if body.len() < length {
        return None;
    }
    Some(Tlv {
        tag,
        value: &body[..length],
        rest: &body[length..],
    })
}

/// The elements of a constructed value, in order.
fn children(mut input: &[u8]) -> Option<Vec<Tlv<'_>>> {
    let mut out = Vec::new();
    while !input.is_empty() {
        let tlv = read_tlv(input)?;
        input = tlv.rest;
        out.push(tlv);
    }
    Some(out)
}

fn text(tlv: &Tlv<'_>) -> Option<String> {
    // UTF8String, PrintableString, IA5String, T61String: all fine as UTF-8 for host names.
    matches!(tlv.tag, 0x0c | 0x13 | 0x16 | 0x14)
        .then(|| String::from_utf8(tlv.value.to_vec()).ok())
        .flatten()
}

/// The body of the first PEM block labelled as a certificate request.
pub fn pem_body(pem: &str) -> Option<Vec<u8>> {
    let begin = pem.find("-----BEGIN ")?;
    let after = &pem[begin + 11..];
    let label_end = after.find("-----")?;
    let label = &after[..label_end];
    if label != "CERTIFICATE REQUEST" && label != "NEW CERTIFICATE REQUEST" {
        return None;
    }
    let body_and_rest = &after[label_end + 5..];
    let end = body_and_rest.find("-----END ")?;
    decode_base64_text(&body_and_rest[..end])
}

/// Base64 spread over lines (as in PEM): white space anywhere is skipped.
fn decode_base64_text(text: &str) -> Option<Vec<u8>> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    base64::engine::general_purpose::STANDARD
        .decode(compact)
        .ok()
}

/// Reads a PEM (or bare base64 DER) PKCS#10 request; `None` when it is not one.
pub fn parse_csr(text_in: &str) -> Option<CsrNames> {
    let der = match pem_body(text_in) {
        Some(der) => der,
        None => decode_base64_text(text_in)?,
    };
    let outer = read_tlv(&der)?;
    if outer.tag != 0x30 || !outer.rest.is_empty() {
        return None;
    }
    let parts = children(outer.value)?;
    let info = parts.first().filter(|t| t.tag == 0x30)?;
    let info_parts = children(info.value)?;
    // version INTEGER, subject Name, subjectPKInfo, [0] attributes
    if info_parts.len() < 3 || info_parts[0].tag != 0x02 || info_parts[1].tag != 0x30 {
        return None;
    }
    let mut names = CsrNames {
        der: der.clone(),
        ..CsrNames::default()
    };
    for rdn in children(info_parts[1].value)? {
        for attribute in children(rdn.value)? {
            let pair = children(attribute.value)?;
            let (Some(oid), Some(value)) = (pair.first(), pair.get(1)) else {
                return None;
            };
            if oid.value == OID_COMMON_NAME {
                names.common_name = text(value);
            } else if oid.value == OID_COUNTRY {
                names.country = text(value);
            }
        }
    }
    if let Some(attributes) = info_parts.get(3).filter(|t| t.tag == 0xa0) {
        for attribute in children(attributes.value)? {
            let pair = children(attribute.value)?;
            let (Some(oid), Some(set)) = (pair.first(), pair.get(1)) else {
                return None;
            };
            if oid.value != OID_EXTENSION_REQUEST {
                continue;
            }
            for extensions in children(set.value)? {
                for extension in children(extensions.value)? {
                    let fields = children(extension.value)?;
                    let is_san = fields
                        .first()
                        .is_some_and(|f| f.value == OID_SUBJECT_ALT_NAME);
                    // extnID, optional critical BOOLEAN, extnValue OCTET STRING
                    let Some(octets) = fields.iter().skip(1).find(|f| f.tag == 0x04) else {
                        continue;
                    };
                    if !is_san {
                        continue;
                    }
                    let general_names = read_tlv(octets.value)?;
                    for name in children(general_names.value)? {
                        // [2] dNSName, IMPLICIT IA5String
                        if name.tag == 0x82 {
                            names
                                .dns_names
                                .push(String::from_utf8(name.value.to_vec()).ok()?);
                        }
                    }
                }
            }
        }
    }
    Some(names)
}

/// SHA-1 (FIPS 180-4). Only for fingerprints, which Combell expresses in SHA-1.
pub fn sha1(data: &[u8]) -> [u8; 20] {
    let mut h: [u32; 5] = [
        0x6745_2301,
        0xEFCD_AB89,
        0x98BA_DCFE,
        0x1032_5476,
        0xC3D2_E1F0,
    ];
    let bit_len = (data.len() as u64).wrapping_mul(8);
    let mut message = data.to_vec();
    message.push(0x80);
    while message.len() % 64 != 56 {
        message.push(0);
    }
    message.extend_from_slice(&bit_len.to_be_bytes());
    for block in message.chunks_exact(64) {
        let mut w = [0u32; 80];
        for (i, word) in block.chunks_exact(4).enumerate() {
            w[i] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
        }
        for i in 16..80 {
            w[i] = (w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]).rotate_left(1);
        }
        let [mut a, mut b, mut c, mut d, mut e] = h;
        for (i, word) in w.iter().enumerate() {
            let (f, k) = match i {
                0..=19 => ((b & c) | (!b & d), 0x5A82_7999),
                20..=39 => (b ^ c ^ d, 0x6ED9_EBA1),
                40..=59 => ((b & c) | (b & d) | (c & d), 0x8F1B_BCDC),
                _ => (b ^ c ^ d, 0xCA62_C1D6),
            };
            let temp = a
                .rotate_left(5)
                .wrapping_add(f)
                .wrapping_add(e)
                .wrapping_add(k)
                .wrapping_add(*word);
            e = d;
            d = c;
            c = b.rotate_left(30);
            b = a;
            a = temp;
        }
        for (slot, value) in h.iter_mut().zip([a, b, c, d, e]) {
            *slot = slot.wrapping_add(value);
        }
    }
    let mut out = [0u8; 20];
    for (chunk, word) in out.chunks_exact_mut(4).zip(h) {
        chunk.copy_from_slice(&word.to_be_bytes());
    }
    out
}

pub fn hex_upper(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

/// The DER of the first certificate in a PEM text.
pub fn certificate_der(pem: &str) -> Option<Vec<u8>> {
    let begin = pem.find("-----BEGIN CERTIFICATE-----")? + 27;
    let end = pem[begin..].find("-----END CERTIFICATE-----")? + begin;
    decode_base64_text(&pem[begin..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    const CSR: &str = "-----BEGIN CERTIFICATE REQUEST-----
MIIBKDCBzgIBADAoMQswCQYDVQQGEwJCRTEZMBcGA1UEAwwQc2hvcC5leGFtcGxl
LmNvbTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABBGYaORTZeUHHd0qUmWidRxa
vp2+96b/fymGIvKkJKOuK32xJum/lMrmllOS5q8NIh20zOpHncTkDfmOZk2ExwSg
RDBCBgkqhkiG9w0BCQ4xNTAzMDEGA1UdEQQqMCiCEHNob3AuZXhhbXBsZS5jb22C
FHd3dy5zaG9wLmV4YW1wbGUuY29tMAoGCCqGSM49BAMCA0kAMEYCIQD38DwiIbgh
VsALh/yACOt3yXLJ8iFOmq2/GIw9tg7V9wIhAJvIRDCUNvzHboE8+5Dl9SJF+5vy
/G2HU45dA7+XQ72t
-----END CERTIFICATE REQUEST-----
";

    #[test]
    fn an_openssl_request_yields_its_names() {
        let names = parse_csr(CSR).unwrap();
        assert_eq!(names.common_name.as_deref(), Some("shop.example.com"));
        assert_eq!(names.country.as_deref(), Some("BE"));
        assert_eq!(
            names.dns_names,
            ["shop.example.com", "www.shop.example.com"]
        );
    }

    #[test]
    fn garbage_is_not_a_request() {
        for bad in [
            "",
            "hello",
            "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----",
            "-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----",
            "MIIB",
        ] {
            assert_eq!(parse_csr(bad), None, "{bad:?}");
        }
        // Truncated at every length: never a panic.
        let der = pem_body(CSR).unwrap();
        for len in 0..der.len() {
            let _ = parse_csr(&base64::engine::general_purpose::STANDARD.encode(&der[..len]));
        }
    }

    #[test]
    fn sha1_matches_known_vectors() {
        assert_eq!(
            hex_upper(&sha1(b"")),
            "DA39A3EE5E6B4B0D3255BFEF95601890AFD80709"
        );
        assert_eq!(
            hex_upper(&sha1(b"abc")),
            "A9993E364706816ABA3E25717850C26C9CD0D89D"
        );
        let long = vec![b'a'; 1000];
        assert_eq!(
            hex_upper(&sha1(&long)),
            "291E9A6C66994949B57BA5E650361E98FC36B1BA"
        );
    }
}
