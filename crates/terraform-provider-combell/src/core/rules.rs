//! The rules a value of one kind must follow, once for every attribute of that kind: host names,
//! domain names, e-mail addresses, passwords, whole numbers in a range, DNS record data and
//! text free of control characters. Resources, data sources and list resources call these
//! instead of keeping copies, so that the same value is judged the same way everywhere and
//! every detail names the rule that was broken.
//!
//! Messages quote values through [`quoted`]: long values are shortened and invisible
//! characters spelled out, so that a detail stays readable whatever was configured.

use std::ops::RangeInclusive;

use tfplugin::{AttributePath, Diagnostics, Field, Value};

/// A host name may have at most this many characters, in its ASCII form, without a final dot.
pub(crate) const MAX_HOST_NAME: usize = 253;
/// A label (the part between dots) may have at most this many characters.
pub(crate) const MAX_LABEL: usize = 63;
/// No DNS record can hold more data than this many octets (RFC 1035, RDLENGTH is 16 bits).
pub(crate) const MAX_RECORD_DATA: usize = 65_535;

/// `value` in double quotes, ready for a diagnostic: at most 60 characters (then `…`), control
/// and invisible formatting characters as `\u{…}`.
pub(crate) fn quoted(value: &str) -> String {
    const SHOWN: usize = 60;
    let mut out = String::from("\"");
    for (index, c) in value.chars().enumerate() {
        if index == SHOWN {
            out.push('…');
            break;
        }
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if is_invisible(c) => out.push_str(&format!("\\u{{{:04x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Control characters (C0, DEL, C1) and the invisible formatting characters that change how
/// text is shown without being seen (zero-width characters, direction marks and overrides,
/// the byte-order mark).
pub(crate) fn is_invisible(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{00ad}'
            | '\u{061c}'
            | '\u{180e}'
            | '\u{200b}'..='\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206f}'
            | '\u{feff}'
            | '\u{fff9}'..='\u{fffb}')
}

/// Refuses control and invisible formatting characters (see [`is_invisible`]); `what` names the
/// value (`"The name"`).
pub(crate) fn no_invisible_characters(text: &str, what: &str) -> Result<(), String> {
    match text.chars().find(|c| is_invisible(*c)) {
        Some(c) => Err(format!(
            "{what} cannot contain control or invisible characters; it has U+{:04X}.",
            c as u32
        )),
        None => Ok(()),
    }
}

// ---- Host names ---------------------------------------------------------------------------

/// What a kind of host name allows beyond letters, digits and inner hyphens.
#[derive(Clone, Copy, Debug)]
pub(crate) struct HostRules {
    /// Fewest labels: 2 for a domain (`example.com`), 1 for a name relative to a zone (`www`).
    pub min_labels: usize,
    /// Underscores, as in `_dmarc` or `_sip._tcp` (DNS names, not domains).
    pub underscore: bool,
    /// A `*` label, as in `*.dev` (record names).
    pub wildcard: bool,
    /// One final dot, as in `mail.example.com.` (absolute names in record data).
    pub final_dot: bool,
    /// Upper-case letters (DNS compares names without case; Combell stores domains in lower
    /// case and refuses them in its paths).
    pub upper_case: bool,
    /// Unicode labels, sent as IDNA A-labels (`bücher` as `xn--bcher-kva`).
    pub unicode: bool,
}

impl HostRules {
    /// A domain as Combell names zones, accounts, hostings and mail zones: `example.com`.
    pub(crate) const DOMAIN: HostRules = HostRules {
        min_labels: 2,
        underscore: false,
        wildcard: false,
        final_dot: false,
        upper_case: false,
        unicode: false,
    };
    /// A host name in DNS record data (CNAME, ALIAS, MX content, SRV target).
    pub(crate) const RECORD_DATA: HostRules = HostRules {
        min_labels: 1,
        underscore: true,
        wildcard: false,
        final_dot: true,
        upper_case: true,
        unicode: true,
    };
    /// A record name relative to its zone: `www`, `_dmarc`, `*.dev`.
    pub(crate) const RECORD_NAME: HostRules = HostRules {
        min_labels: 1,
        underscore: true,
        wildcard: true,
        final_dot: false,
        upper_case: true,
        unicode: true,
    };
    /// A DNS zone as a record names it: a full name, Unicode allowed. Unlike record data, the
    /// zone travels in the URL path as the user wrote it (percent-encoded), which both readings
    /// of the signed path accept; it is not converted to A-labels.
    pub(crate) const ZONE: HostRules = HostRules {
        min_labels: 2,
        underscore: false,
        wildcard: false,
        final_dot: true,
        upper_case: true,
        unicode: true,
    };
    /// A name server or another host named by its full name: `ns1.example.net`.
    pub(crate) const FULL_NAME: HostRules = HostRules {
        min_labels: 2,
        underscore: false,
        wildcard: false,
        final_dot: true,
        upper_case: true,
        unicode: false,
    };
}

/// Checks a host name by `rules` and returns its ASCII form: Unicode labels become IDNA
/// A-labels (`xn--…`, lower case), ASCII labels are kept as written. The error says which rule
/// the name breaks.
pub(crate) fn host_name(name: &str, rules: HostRules) -> Result<String, String> {
    host_problem(name, rules)
        .map_err(|why| format!("{} is not a valid host name: {why}.", quoted(name)))
}

/// Why `name` breaks `rules`, as a clause (`it has a space`), or its ASCII form.
fn host_problem(name: &str, rules: HostRules) -> Result<String, String> {
    if name.is_empty() {
        return Err("it is empty".to_string());
    }
    if let Some(c) = name.chars().find(|c| is_invisible(*c)) {
        return Err(format!(
            "it has a control or invisible character (U+{:04X})",
            c as u32
        ));
    }
    if name.chars().any(char::is_whitespace) {
        return Err("it has a space".to_string());
    }
    let bare = match name.strip_suffix('.') {
        Some(bare) if rules.final_dot => bare,
        Some(_) => return Err("it ends with a dot; write it without".to_string()),
        None => name,
    };
    let ascii = if bare.is_ascii() {
        if bare
            .split('.')
            .any(|l| l.len() > 4 && l[..4].eq_ignore_ascii_case("xn--"))
            && idna::domain_to_unicode(bare).1.is_err()
        {
            return Err("a label starts with \"xn--\" but is not a valid IDNA A-label".to_string());
        }
        bare.to_string()
    } else if rules.unicode {
        to_ascii(bare).ok_or_else(|| {
            "it cannot be converted to an ASCII host name (IDNA); check for symbols, emoji or \
             mixed scripts"
                .to_string()
        })?
    } else {
        return Err(
            "it has non-ASCII characters; write it in its ASCII form (\"xn--…\")".to_string(),
        );
    };
    if ascii.len() > MAX_HOST_NAME {
        return Err(format!(
            "it has {} characters; a host name has at most {MAX_HOST_NAME}",
            ascii.len()
        ));
    }
    let labels: Vec<&str> = ascii.split('.').collect();
    if labels.len() < rules.min_labels {
        return Err(format!(
            "it has {} label(s) and needs at least {}",
            labels.len(),
            rules.min_labels
        ));
    }
    for (index, label) in labels.iter().enumerate() {
        label_problem(label, index, rules)?;
    }
    if !rules.upper_case && ascii.bytes().any(|b| b.is_ascii_uppercase()) {
        return Err(format!(
            "it has upper-case letters; Combell stores names in lower case, so write {}",
            quoted(&ascii.to_ascii_lowercase())
        ));
    }
    Ok(if bare.len() < name.len() {
        format!("{ascii}.")
    } else {
        ascii
    })
}

fn label_problem(label: &str, index: usize, rules: HostRules) -> Result<(), String> {
    if label.is_empty() {
        return Err("a label is empty (two dots in a row, or a leading dot)".to_string());
    }
    if label.len() > MAX_LABEL {
        return Err(format!(
            "a label has {} characters; labels have 1 to {MAX_LABEL}",
            label.len()
        ));
    }
    if label == "*" {
        return if rules.wildcard && index == 0 {
            Ok(())
        } else {
            Err("`*` may only be the first label of a record name".to_string())
        };
    }
    if label.starts_with('-') || label.ends_with('-') {
        return Err(format!(
            "the label {} starts or ends with a hyphen, which labels may not",
            quoted(label)
        ));
    }
    let allowed = |c: char| c.is_ascii_alphanumeric() || c == '-' || (rules.underscore && c == '_');
    if let Some(bad) = label.chars().find(|c| !allowed(*c)) {
        return Err(format!(
            "the label {} has {}; labels hold letters, digits and hyphens{}",
            quoted(label),
            quoted(&bad.to_string()).replace('"', "'"),
            if rules.underscore {
                " (and underscores)"
            } else {
                ""
            }
        ));
    }
    Ok(())
}

/// The ASCII form of a host name: IDNA A-labels for Unicode labels; `None` when a label cannot
/// be converted. ASCII names come back unchanged.
pub(crate) fn to_ascii(name: &str) -> Option<String> {
    if name.is_ascii() {
        return Some(name.to_string());
    }
    let (body, dot) = match name.strip_suffix('.') {
        Some(body) => (body, "."),
        None => (name, ""),
    };
    let mut out = Vec::new();
    for label in body.split('.') {
        if label.is_ascii() {
            out.push(label.to_string());
            continue;
        }
        // UTS 46 maps symbols and emoji too; IDNA 2008, which registries apply, allows only
        // letters, digits, combining marks and hyphens.
        if !label.chars().all(is_label_character) {
            return None;
        }
        let ascii = idna::domain_to_ascii_strict(label).ok()?;
        if ascii.contains('.') || ascii.is_empty() {
            return None;
        }
        out.push(ascii);
    }
    Some(format!("{}{dot}", out.join(".")))
}

/// Whether `c` may be in a Unicode label: a letter, a digit, a hyphen or a combining mark
/// (`is_alphanumeric` covers the spacing marks of most scripts; the non-spacing ones are
/// listed).
fn is_label_character(c: char) -> bool {
    c.is_alphanumeric()
        || c == '-'
        || matches!(c,
            '\u{0300}'..='\u{036f}'
            | '\u{0483}'..='\u{0489}'
            | '\u{0591}'..='\u{05bd}'
            | '\u{064b}'..='\u{065f}'
            | '\u{093c}' | '\u{094d}' | '\u{09cd}' | '\u{0a4d}' | '\u{0acd}' | '\u{0b4d}'
            | '\u{0bcd}' | '\u{0c4d}' | '\u{0ccd}' | '\u{0d4d}' | '\u{0e31}'..='\u{0e3a}'
            | '\u{0e47}'..='\u{0e4e}'
            | '\u{1ab0}'..='\u{1aff}'
            | '\u{1dc0}'..='\u{1dff}'
            | '\u{20d0}'..='\u{20ff}'
            | '\u{3099}'..='\u{309a}'
            | '\u{fe20}'..='\u{fe2f}')
}

/// Two host names are the same name: no case, no final dot, Unicode and A-label spellings
/// alike (`bücher.be` is `xn--bcher-kva.be`).
pub(crate) fn same_host_name(a: &str, b: &str) -> bool {
    let key = |name: &str| {
        let name = name.trim_end_matches('.');
        to_ascii(name)
            .unwrap_or_else(|| name.to_string())
            .to_ascii_lowercase()
    };
    key(a) == key(b)
}

/// One part of an import ID that becomes a segment of a request path: not empty, not `.` or
/// `..`, no separator or escape (`/ \\ ? # %`), no space, control or invisible character.
pub(crate) fn path_segment(part: &str) -> Result<(), String> {
    let bad = part.is_empty()
        || part == "."
        || part == ".."
        || part
            .chars()
            .any(|c| "/\\?#%".contains(c) || c.is_whitespace() || is_invisible(c));
    if bad {
        Err(format!(
            "{} cannot be part of a Combell path: no empty part, \".\" or \"..\", and none of / \\ ? # %, spaces or control characters.",
            quoted(part)
        ))
    } else {
        Ok(())
    }
}

// ---- Domains and addresses -----------------------------------------------------------------

/// A domain name as Combell writes it in its paths and bodies: lower case, ASCII, at least two
/// labels, no final dot (`example.com`, `shop.example.com`).
pub(crate) fn domain_name(name: &str) -> Result<(), String> {
    host_problem(name, HostRules::DOMAIN)
        .map(|_| ())
        .map_err(|why| {
            format!(
                "{} is not a domain name such as \"example.com\": {why}.",
                quoted(name)
            )
        })
}

/// Adds an error at `attribute` when the field is a known string that is not a host name.
pub(crate) fn host_name_in(
    field: &Field<String>,
    attribute: &str,
    what: &str,
    diags: &mut Diagnostics,
) {
    if let Some(name) = field.as_str() {
        if let Err(detail) = domain_name(name) {
            diags.error_at(
                AttributePath::new(attribute),
                format!("Invalid {what}"),
                detail,
            );
        }
    }
}

/// A lower-case e-mail address as Combell takes it: a local part of letters, digits and
/// `. _ + -` (1 to 64, no leading, trailing or doubled dot), `@` and a domain name; at most
/// 254 characters. A suggestion in the error is itself a valid address.
pub(crate) fn email_address(address: &str) -> Result<(), String> {
    let shown = quoted(address);
    let general = || {
        format!(
            "{shown} is not an e-mail address such as \"info@example.com\": a local part of \
             letters, digits and . _ + - (no leading, trailing or doubled dot), then @ and a \
             domain name."
        )
    };
    let plain = |text: &str| {
        text.len() <= 254
            && text.rsplit_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && local.len() <= 64
                    && !local.starts_with('.')
                    && !local.ends_with('.')
                    && !local.contains("..")
                    && local.bytes().all(|b| {
                        b.is_ascii_lowercase() || b.is_ascii_digit() || b"._+-".contains(&b)
                    })
                    && domain_name(domain).is_ok()
            })
    };
    if plain(address) {
        return Ok(());
    }
    if address.bytes().any(|b| b.is_ascii_uppercase()) {
        let lower = address.to_ascii_lowercase();
        if plain(&lower) {
            return Err(format!(
                "{shown} has upper-case letters; Combell stores addresses in lower case, so \
                 write {}.",
                quoted(&lower)
            ));
        }
    }
    if let Some(c) = address.chars().find(|c| is_invisible(*c)) {
        return Err(format!(
            "{} It has a control or invisible character (U+{:04X}).",
            general(),
            c as u32
        ));
    }
    Err(general())
}

// ---- Passwords -----------------------------------------------------------------------------

/// The characters Combell's password rules forbid.
pub(crate) const PASSWORD_FORBIDDEN: &str = "*€$&+}{'\"\\";

/// Combell's password rules (FTP, mailbox, database and MySQL user passwords): 8 to 20
/// characters, at least one letter and one digit, no spaces, none of `* € $ & + } { ' " \`,
/// and no control or invisible characters, which the rules do not allow for either. One
/// message per broken rule; messages never quote the password.
pub(crate) fn password_problems(password: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let length = password.chars().count();
    if !(8..=20).contains(&length) {
        problems.push(format!(
            "The password must be 8 to 20 characters long; it has {length}."
        ));
    }
    if !password.chars().any(|c| c.is_ascii_alphabetic()) {
        problems.push("The password must contain at least one letter.".into());
    }
    if !password.chars().any(|c| c.is_ascii_digit()) {
        problems.push("The password must contain at least one digit.".into());
    }
    if password
        .chars()
        .any(|c| c.is_whitespace() && !c.is_control())
    {
        problems.push("The password cannot contain spaces.".into());
    }
    if password.chars().any(|c| PASSWORD_FORBIDDEN.contains(c)) {
        problems.push(
            "The password cannot contain any of these characters: * € $ & + } { ' \" \\".into(),
        );
    }
    if let Some(c) = password.chars().find(|c| is_invisible(*c)) {
        problems.push(format!(
            "The password cannot contain control or invisible characters such as tabs, line \
             breaks or NUL; it has U+{:04X}.",
            c as u32
        ));
    }
    problems
}

// ---- Numbers -------------------------------------------------------------------------------

/// A known number as a whole number within `range`. `what` starts the message (`"A TTL"`),
/// `unit` follows the range (`" seconds"`, or `""`). A fractional number is named as such; a
/// value that is not a number at all (which Terraform's type check refuses first) is passed.
pub(crate) fn whole_number_in(
    value: &Value,
    range: RangeInclusive<i64>,
    what: &str,
    unit: &str,
) -> Result<Option<i64>, String> {
    let Some(f) = value.as_f64() else {
        return Ok(None);
    };
    let (lo, hi) = (range.start(), range.end());
    match value.as_i64() {
        Some(n) if range.contains(&n) => Ok(Some(n)),
        Some(n) => Err(format!("{what} is from {lo} to {hi}{unit}; got {n}.")),
        None if f.is_finite() && f.fract() != 0.0 => Err(format!(
            "{what} is a whole number from {lo} to {hi}{unit}; got {f}, which is not a whole \
             number."
        )),
        None => Err(format!("{what} is from {lo} to {hi}{unit}; got {f:e}.")),
    }
}

/// A known number as an id: a positive whole number. `what` starts the message
/// (`"account_id"`), `hint` ends it (where the ids are listed).
pub(crate) fn positive_id(value: &Value, what: &str, hint: &str) -> Result<Option<i64>, String> {
    let Some(f) = value.as_f64() else {
        return Ok(None);
    };
    match value.as_i64() {
        Some(n) if n > 0 => Ok(Some(n)),
        Some(n) => Err(format!("{what} is a positive whole number{hint}; got {n}.")),
        None if f.is_finite() && f.fract() != 0.0 => Err(format!(
            "{what} is a positive whole number{hint}; got {f}, which is not a whole number."
        )),
        None => Err(format!(
            "{what} is a positive whole number{hint}; got {f:e}."
        )),
    }
}

// ---- DNS record data -----------------------------------------------------------------------

/// The data of one DNS record fits the 65,535 octets a record can hold. TXT data is sent as
/// strings of at most 255 octets, each with a length octet, which is counted too.
pub(crate) fn record_data_length(record_type: &str, content: &str) -> Result<(), String> {
    let octets = if record_type == "TXT" {
        let text = content.len();
        text + text.div_ceil(255).max(1)
    } else {
        content.len()
    };
    if octets > MAX_RECORD_DATA {
        Err(format!(
            "A DNS record holds at most {MAX_RECORD_DATA} octets of data; this content needs \
             {octets}. Split it over several records."
        ))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_names_follow_the_label_rules() {
        for good in [
            "example.com",
            "a-b.example.com",
            "xn--bcher-kva.be",
            "x1.be",
        ] {
            assert_eq!(
                host_name(good, HostRules::DOMAIN).as_deref(),
                Ok(good),
                "{good}"
            );
        }
        let long_label = format!("{}.be", "a".repeat(64));
        let long_name = format!("{}.be", vec!["a".repeat(63); 4].join("."));
        for bad in [
            "",
            "nodot",
            "-bad-.example.com",
            "bad-.example.com",
            "a..b",
            ".example.com",
            "example.com.",
            "mail server!.be",
            "under_score.be",
            "Example.com",
            "bücher.be",
            "a\u{0}.be",
            "a\u{200f}b.be",
            "xn--zz--.be",
            long_label.as_str(),
            long_name.as_str(),
        ] {
            assert!(host_name(bad, HostRules::DOMAIN).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn unicode_names_become_a_labels_where_allowed() {
        assert_eq!(
            host_name("bücher.be", HostRules::RECORD_DATA).as_deref(),
            Ok("xn--bcher-kva.be")
        );
        assert_eq!(
            host_name("mail.bücher.be.", HostRules::RECORD_DATA).as_deref(),
            Ok("mail.xn--bcher-kva.be.")
        );
        assert_eq!(
            host_name("bücher", HostRules::RECORD_NAME).as_deref(),
            Ok("xn--bcher-kva")
        );
        assert_eq!(
            host_name("*.Dev", HostRules::RECORD_NAME).as_deref(),
            Ok("*.Dev")
        );
        for bad in [
            "💩.be",
            "a\u{200f}.be",
            "-bad-.example.com",
            "a.*.b",
            "bü cher.be",
        ] {
            assert!(host_name(bad, HostRules::RECORD_DATA).is_err(), "{bad:?}");
        }
        assert!(same_host_name("Bücher.be.", "xn--bcher-kva.be"));
        assert!(same_host_name("WWW.example.com", "www.example.com."));
        assert!(!same_host_name("bucher.be", "xn--bcher-kva.be"));
    }

    #[test]
    fn domain_name_suggestions_pass() {
        let err = domain_name("Example.com").unwrap_err();
        assert!(err.contains("\"example.com\""), "{err}");
        let err = domain_name("nodot").unwrap_err();
        assert!(err.contains("is not a domain name") || err.contains("Not a domain name"));
    }

    #[test]
    fn addresses_and_their_suggestions() {
        assert!(email_address("info@example.com").is_ok());
        assert!(email_address("a.b+c_d-e@shop.example.com").is_ok());
        let err = email_address("Info@Example.com").unwrap_err();
        assert!(err.contains("write \"info@example.com\""), "{err}");
        // The lower-case spelling would fail too: no suggestion then.
        let err = email_address("A%2F@example.com").unwrap_err();
        assert!(!err.contains("write"), "{err}");
        for bad in [
            "",
            "a",
            "@example.com",
            "a@",
            ".a@example.com",
            "a..b@example.com",
            "a@b",
            "a b@example.com",
            "a%2f@example.com",
            "a/../b@example.com",
            "a\u{0}@example.com",
            "a@-x-.example.com",
        ] {
            assert!(email_address(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn passwords_follow_combells_rules() {
        assert!(password_problems("abcdef12").is_empty());
        assert!(password_problems("Abc-123_x!yz.987").is_empty());
        for bad in [
            "Sh0rt",
            "nodigitshere",
            "12345678",
            "has space 1",
            "bad$$pass1",
            "Abcd\u{0}1234",
            "Abcd\t1234",
            "Abcd\u{200f}1234",
            "Abcd1234\n",
        ] {
            let problems = password_problems(bad);
            assert!(!problems.is_empty(), "{bad:?}");
            assert!(problems.iter().all(|p| !p.contains(bad)), "{problems:?}");
        }
        assert!(password_problems("Abcd\u{0}1234")[0].contains("U+0000"));
    }

    #[test]
    fn whole_numbers_name_fractions() {
        let ttl = |v: Value| whole_number_in(&v, 60..=86_400, "A TTL", " seconds");
        assert_eq!(ttl(3600i64.into()), Ok(Some(3600)));
        assert_eq!(ttl(3600.0f64.into()), Ok(Some(3600)));
        assert_eq!(ttl(Value::Null), Ok(None));
        let err = ttl(3600.5f64.into()).unwrap_err();
        assert!(
            err.contains("got 3600.5, which is not a whole number"),
            "{err}"
        );
        assert!(!err.contains("9223372036854775808"), "{err}");
        assert!(ttl(30i64.into()).unwrap_err().contains("got 30"));
        assert!(ttl(1e30f64.into()).unwrap_err().contains("got 1e30"));
        assert!(ttl((-5i64).into()).unwrap_err().contains("got -5"));
    }

    #[test]
    fn record_data_fits_a_record() {
        assert!(record_data_length("TXT", &"x".repeat(65_000)).is_ok());
        assert!(record_data_length("TXT", &"x".repeat(65_300)).is_err());
        assert!(record_data_length("TXT", &"x".repeat(70_000)).is_err());
        assert!(record_data_length("CAA", "0 issue \"a\"").is_ok());
    }

    #[test]
    fn quoting_shortens_and_shows_invisible_characters() {
        assert_eq!(quoted("a\u{0}b"), "\"a\\u{0000}b\"");
        assert_eq!(quoted("bad name!"), "\"bad name!\"");
        assert_eq!(quoted(&"x".repeat(100)).chars().count(), 63);
    }
}
