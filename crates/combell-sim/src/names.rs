//! How names and passwords are read, wherever they arrive: domain and host names, e-mail
//! addresses, and the password rules; and the one way names are compared.

/// Host names as Combell takes them for an account: at least two labels of `a-z0-9-`.
pub(crate) fn is_domain_name(name: &str) -> bool {
    let labels: Vec<&str> = name.split('.').collect();
    name.len() <= 253
        && labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        })
}

/// The password rules of API-SUMMARY.md §1.9.
pub(crate) fn check_password(password: &str) -> Result<(), String> {
    let length = password.chars().count();
    if !(8..=20).contains(&length) {
        return Err("The password must be 8 to 20 characters long.".to_string());
    }
    if !password.chars().any(|c| c.is_ascii_digit())
        || !password.chars().any(|c| c.is_ascii_alphabetic())
    {
        return Err("The password must contain at least one letter and one digit.".to_string());
    }
    if password
        .chars()
        .any(|c| c.is_whitespace() || "*€$&+}{'\"\\".contains(c))
    {
        return Err(
            "The password cannot contain spaces or any of * € $ & + } { ' \" \\.".to_string(),
        );
    }
    // The rules allow letters, digits and punctuation; control characters (NUL, escape,
    // line breaks) are none of those.
    if password.chars().any(char::is_control) {
        return Err("The password cannot contain control characters.".to_string());
    }
    Ok(())
}

/// A label: 1 to 63 letters, digits, hyphens and underscores, not starting or ending with a
/// hyphen (RFC 1123 host names; underscores for service names such as `_dmarc`).
pub(crate) fn label_ok(label: &str, allow_upper: bool) -> bool {
    !label.is_empty()
        && label.len() <= 63
        && !label.starts_with('-')
        && !label.ends_with('-')
        && label.bytes().all(|b| {
            b.is_ascii_lowercase()
                || (allow_upper && b.is_ascii_uppercase())
                || b.is_ascii_digit()
                || b == b'-'
                || b == b'_'
        })
}

/// A host name as content or SRV target: dot-separated labels, an optional final dot.
pub fn is_host_name(name: &str) -> bool {
    let name = name.strip_suffix('.').unwrap_or(name);
    !name.is_empty() && name.len() <= 253 && name.split('.').all(|l| label_ok(l, true))
}

/// Names in paths and bodies compare without case or surrounding blanks.
pub(crate) fn key(name: &str) -> String {
    name.trim().to_ascii_lowercase()
}

/// A plain e-mail address, already lower-cased: a local part of letters, digits and `._+-`
/// (no leading, trailing or doubled dot, at most 64) and a domain of two labels or more.
pub fn is_email_address(address: &str) -> bool {
    let Some((local, domain)) = address.rsplit_once('@') else {
        return false;
    };
    address.len() <= 254
        && !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._+-".contains(&b))
        && is_domain_name(domain)
}

/// The domain part of an address (after the last `@`).
pub(crate) fn domain_of(address: &str) -> &str {
    address.rsplit_once('@').map(|(_, d)| d).unwrap_or("")
}
