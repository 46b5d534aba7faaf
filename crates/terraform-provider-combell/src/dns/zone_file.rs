//! The function `provider::combell::zone_file(text, origin)`: a BIND (RFC 1035) zone file as a
//! map of records ready for `for_each` over `combell_dns_record`.
//!
//! The file may use `$ORIGIN` and `$TTL`, relative and absolute names, `@`, a blank owner for
//! "the previous owner", parentheses across lines, `;` comments, quoted strings with `\"`,
//! `\\` and `\DDD` escapes, an optional class `IN`, and a TTL per line (seconds or BIND units
//! such as `1h30m`), in either order with the class. A line without a TTL takes `$TTL`, else
//! the last TTL written (RFC 1035), else none (Combell's default, 3600).
//!
//! The records are those `combell_dns_record` can hold (A, AAAA, CNAME, MX, SRV, TXT, ALIAS,
//! TLSA, CAA). SOA and NS records at the apex are left out: Combell keeps its own. An NS record
//! below the apex (a delegation) is an error, as is any other type: Combell's API cannot create
//! them, and dropping them quietly would lose part of the zone in a migration. Every error
//! names the line. A record repeated exactly (same owner, type and data) is kept once, as DNS
//! holds records as sets.
//!
//! Each value has every argument of `combell_dns_record` but `domain_name`, null where it does
//! not apply to the type, so `each.value.<argument>` can be written for all of them. Keys read
//! `<name>_<TYPE>_<n>` (`www_A_1`, `@_MX_2`, `_sip._tcp_SRV_1`): the name relative to the zone
//! (`@` for the apex), the type, and the record's position among those of the same name and
//! type in the file, so that a record added at the end of a file keeps every other key.

use std::collections::BTreeMap;
use std::net::{Ipv4Addr, Ipv6Addr};

use tfplugin::{Function, FunctionError, Parameter, Type, Value};

use crate::dns::record::WRITABLE_TYPES;

// ---- Output ---------------------------------------------------------------------------------

/// One record as `combell_dns_record` takes it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ZoneRecord {
    /// The line the record starts on, for error messages.
    pub line: usize,
    pub record_type: String,
    /// Relative to the zone, `""` for the apex; `None` for SRV (Combell derives it).
    pub record_name: Option<String>,
    /// `None` for SRV (Combell derives it).
    pub content: Option<String>,
    pub ttl: Option<i64>,
    pub priority: Option<i64>,
    pub service: Option<String>,
    pub protocol: Option<String>,
    pub target: Option<String>,
    pub port: Option<i64>,
    pub weight: Option<i64>,
}

impl ZoneRecord {
    /// The name part of the map key: the relative name, `@` for the apex, `_sip._tcp` for SRV.
    fn key_name(&self) -> String {
        match (&self.record_name, &self.service, &self.protocol) {
            (Some(name), _, _) if name.is_empty() => "@".to_string(),
            (Some(name), _, _) => name.clone(),
            (None, Some(service), Some(protocol)) => format!("{service}.{protocol}"),
            _ => "@".to_string(),
        }
    }

    /// Whether both are the same record (the line aside).
    fn same_as(&self, other: &ZoneRecord) -> bool {
        ZoneRecord {
            line: 0,
            ..self.clone()
        } == ZoneRecord {
            line: 0,
            ..other.clone()
        }
    }

    fn to_value(&self) -> Value {
        let text = |v: &Option<String>| Value::from(v.clone());
        let number = |v: Option<i64>| Value::from(v);
        Value::object([
            ("type", Value::from(self.record_type.as_str())),
            ("record_name", text(&self.record_name)),
            ("content", text(&self.content)),
            ("ttl", number(self.ttl)),
            ("priority", number(self.priority)),
            ("service", text(&self.service)),
            ("protocol", text(&self.protocol)),
            ("target", text(&self.target)),
            ("port", number(self.port)),
            ("weight", number(self.weight)),
        ])
    }
}

/// What went wrong, and on which line (1-based).
#[derive(Clone, Debug, PartialEq)]
pub struct ZoneError {
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for ZoneError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

fn error<T>(line: usize, message: impl Into<String>) -> Result<T, ZoneError> {
    Err(ZoneError {
        line,
        message: message.into(),
    })
}

/// The records of `text`, keyed as the module documentation says, in key order.
pub fn parse_keyed(text: &str, origin: &str) -> Result<BTreeMap<String, ZoneRecord>, ZoneError> {
    let records = parse(text, origin)?;
    let mut counts: BTreeMap<(String, String), usize> = BTreeMap::new();
    let mut out = BTreeMap::new();
    for record in records {
        let name = record.key_name();
        let n = counts
            .entry((name.clone(), record.record_type.clone()))
            .or_default();
        *n += 1;
        out.insert(format!("{name}_{}_{n}", record.record_type), record);
    }
    Ok(out)
}

// ---- Lexing ---------------------------------------------------------------------------------

#[derive(Clone, Debug, PartialEq)]
struct Token {
    text: String,
    quoted: bool,
}

/// One record or directive: its tokens, the line it starts on, and whether its owner was left
/// blank (the line starts with a space or tab).
#[derive(Debug)]
struct Entry {
    line: usize,
    blank_owner: bool,
    tokens: Vec<Token>,
}

/// Splits the file into entries: newlines end an entry except inside parentheses; comments
/// and the parentheses themselves are dropped.
fn entries(text: &str) -> Result<Vec<Entry>, ZoneError> {
    let mut out = Vec::new();
    // Editors on Windows may start the file with a byte order mark and end lines with CR LF.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut chars = text.chars().peekable();
    let mut line = 1;
    // Where the open parenthesis is, if inside one.
    let mut open: Option<usize> = None;
    let mut at_line_start = true;
    let mut current: Option<Entry> = None;
    let mut word = String::new();
    let mut in_word = false;
    let flush_word = |word: &mut String, in_word: &mut bool, current: &mut Option<Entry>| {
        if *in_word {
            if let Some(entry) = current.as_mut() {
                entry.tokens.push(Token {
                    text: std::mem::take(word),
                    quoted: false,
                });
            }
            *in_word = false;
        }
    };
    while let Some(c) = chars.next() {
        if at_line_start && open.is_none() && current.is_none() {
            current = Some(Entry {
                line,
                blank_owner: c == ' ' || c == '\t',
                tokens: Vec::new(),
            });
        }
        at_line_start = false;
        match c {
            '\n' => {
                flush_word(&mut word, &mut in_word, &mut current);
                if open.is_none() {
                    if let Some(entry) = current.take() {
                        if !entry.tokens.is_empty() {
                            out.push(entry);
                        }
                    }
                    at_line_start = true;
                }
                line += 1;
            }
            ';' => {
                flush_word(&mut word, &mut in_word, &mut current);
                while chars.peek().is_some_and(|&n| n != '\n') {
                    chars.next();
                }
            }
            ' ' | '\t' | '\r' => flush_word(&mut word, &mut in_word, &mut current),
            '(' => {
                flush_word(&mut word, &mut in_word, &mut current);
                if open.is_some() {
                    return error(line, "Nested parentheses.");
                }
                open = Some(line);
            }
            ')' => {
                flush_word(&mut word, &mut in_word, &mut current);
                if open.take().is_none() {
                    return error(line, "A closing parenthesis without an opening one.");
                }
            }
            '"' => {
                flush_word(&mut word, &mut in_word, &mut current);
                let start = line;
                let mut bytes = Vec::new();
                loop {
                    match chars.next() {
                        None | Some('\n') => {
                            return error(start, "A quoted string is not closed on its line.")
                        }
                        Some('"') => break,
                        Some('\\') => unescape(&mut chars, &mut bytes, start)?,
                        Some(other) => {
                            let mut buf = [0u8; 4];
                            bytes.extend_from_slice(other.encode_utf8(&mut buf).as_bytes());
                        }
                    }
                }
                let text = String::from_utf8(bytes).map_err(|_| ZoneError {
                    line: start,
                    message: "A quoted string's escapes make text that is not UTF-8.".to_string(),
                })?;
                if let Some(entry) = current.as_mut() {
                    entry.tokens.push(Token { text, quoted: true });
                }
            }
            '\\' => {
                // Outside quotes an escape is kept as written: a name such as `a\.b` is then
                // refused by the record's own rules, with the name shown as in the file.
                word.push('\\');
                if let Some(next) = chars.next().filter(|&n| n != '\n') {
                    word.push(next);
                }
                in_word = true;
            }
            other => {
                word.push(other);
                in_word = true;
            }
        }
    }
    flush_word(&mut word, &mut in_word, &mut current);
    if let Some(opened) = open {
        return error(opened, "This parenthesis is never closed.");
    }
    if let Some(entry) = current.take() {
        if !entry.tokens.is_empty() {
            out.push(entry);
        }
    }
    Ok(out)
}

/// Reads what follows a backslash inside quotes: `\DDD` (a decimal octet) or a character
/// taken literally (`\"`, `\\`, `\;`).
fn unescape(
    chars: &mut std::iter::Peekable<std::str::Chars<'_>>,
    bytes: &mut Vec<u8>,
    line: usize,
) -> Result<(), ZoneError> {
    match chars.next() {
        Some(d) if d.is_ascii_digit() => {
            let mut digits = String::from(d);
            for _ in 0..2 {
                match chars.next() {
                    Some(n) if n.is_ascii_digit() => digits.push(n),
                    _ => return error(line, "An escape \\DDD needs three digits."),
                }
            }
            match digits.parse::<u8>() {
                Ok(octet) => bytes.push(octet),
                Err(_) => return error(line, format!("\\{digits} is not an octet (000 to 255).")),
            }
        }
        Some('\n') | None => return error(line, "A quoted string is not closed on its line."),
        Some(other) => {
            let mut buf = [0u8; 4];
            bytes.extend_from_slice(other.encode_utf8(&mut buf).as_bytes());
        }
    }
    Ok(())
}

// ---- Parsing --------------------------------------------------------------------------------

/// A TTL in seconds: digits, or BIND's units (`1w2d3h4m5s`, any case).
fn parse_ttl(text: &str) -> Option<i64> {
    if text.is_empty() || !text.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    if let Ok(seconds) = text.parse::<i64>() {
        return Some(seconds);
    }
    let mut total: i64 = 0;
    let mut number = String::new();
    for c in text.chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let unit = match c.to_ascii_lowercase() {
            's' => 1,
            'm' => 60,
            'h' => 3_600,
            'd' => 86_400,
            'w' => 604_800,
            _ => return None,
        };
        let n: i64 = number.parse().ok()?;
        total = total.checked_add(n.checked_mul(unit)?)?;
        number.clear();
    }
    if !number.is_empty() {
        return None;
    }
    Some(total)
}

/// A name of the file as an absolute name in lower case, without the final dot.
fn absolute(name: &str, origin: &str) -> String {
    let name = name.to_ascii_lowercase();
    if name == "@" {
        origin.to_string()
    } else if let Some(stripped) = name.strip_suffix('.') {
        stripped.to_string()
    } else if origin.is_empty() {
        name
    } else {
        format!("{name}.{origin}")
    }
}

/// An absolute name relative to the zone: `""` for the apex.
fn relative(fqdn: &str, zone: &str) -> Option<String> {
    if fqdn == zone {
        Some(String::new())
    } else {
        fqdn.strip_suffix(zone)
            .and_then(|rest| rest.strip_suffix('.'))
            .filter(|rest| !rest.is_empty())
            .map(str::to_string)
    }
}

struct Parser {
    zone: String,
    origin: String,
    default_ttl: Option<i64>,
    last_ttl: Option<i64>,
    last_owner: Option<String>,
}

/// The records of a zone file, in file order, without the apex's SOA and NS records and
/// without exact repeats.
pub fn parse(text: &str, origin: &str) -> Result<Vec<ZoneRecord>, ZoneError> {
    let zone = origin.trim().trim_end_matches('.').to_ascii_lowercase();
    let mut parser = Parser {
        origin: zone.clone(),
        zone,
        default_ttl: None,
        last_ttl: None,
        last_owner: None,
    };
    let mut records: Vec<ZoneRecord> = Vec::new();
    for entry in entries(text)? {
        if let Some(record) = parser.entry(&entry)? {
            if !records.iter().any(|r| r.same_as(&record)) {
                records.push(record);
            }
        }
    }
    Ok(records)
}

impl Parser {
    fn entry(&mut self, entry: &Entry) -> Result<Option<ZoneRecord>, ZoneError> {
        let line = entry.line;
        let tokens = &entry.tokens;
        let first = &tokens[0];
        if !entry.blank_owner && !first.quoted && first.text.starts_with('$') {
            self.directive(line, tokens)?;
            return Ok(None);
        }
        let (owner, mut rest) =
            if entry.blank_owner {
                match &self.last_owner {
                    Some(owner) => (owner.clone(), &tokens[..]),
                    None => return error(
                        line,
                        "The line starts with a blank, which means \"the previous owner\", but no \
                         record comes before it.",
                    ),
                }
            } else {
                (absolute(&first.text, &self.origin), &tokens[1..])
            };
        self.last_owner = Some(owner.clone());

        // TTL and class, in either order, both optional.
        let mut ttl = None;
        for _ in 0..2 {
            let Some(token) = rest.first().filter(|t| !t.quoted) else {
                break;
            };
            let upper = token.text.to_ascii_uppercase();
            if ttl.is_none() && token.text.starts_with(|c: char| c.is_ascii_digit()) {
                ttl = Some(parse_ttl(&token.text).ok_or_else(|| ZoneError {
                    line,
                    message: format!(
                        "\"{}\" is not a TTL (seconds, or units such as 1h30m).",
                        token.text
                    ),
                })?);
            } else if matches!(upper.as_str(), "CH" | "HS" | "CS" | "ANY") {
                return error(
                    line,
                    format!("Class {upper} is not supported; only IN records can be hosted."),
                );
            } else if upper != "IN" {
                break;
            }
            rest = &rest[1..];
        }
        let Some(type_token) = rest.first() else {
            return error(line, "The record has no type.");
        };
        let record_type = type_token.text.to_ascii_uppercase();
        let data: Vec<&Token> = rest[1..].iter().collect();

        if ttl.is_some() {
            self.last_ttl = ttl;
        }
        let ttl = ttl.or(self.default_ttl).or(self.last_ttl);

        let name = relative(&owner, &self.zone);
        let at_apex = name.as_deref() == Some("");
        match record_type.as_str() {
            "SOA" | "NS" if at_apex => return Ok(None),
            "SOA" => {
                return error(
                    line,
                    format!(
                        "An SOA record belongs at the zone apex ({}), not at {owner}.",
                        self.zone
                    ),
                )
            }
            "NS" => {
                return error(
                    line,
                    format!(
                        "NS records below the apex (a delegation of {owner}) cannot be created \
                         through Combell's API; only the apex's own name servers, which Combell \
                         manages, are allowed. Remove the line, and delegate the subdomain in \
                         Combell's control panel if it needs it."
                    ),
                )
            }
            t if !WRITABLE_TYPES.contains(&t) => {
                let supported = WRITABLE_TYPES.join(", ");
                return error(
                    line,
                    format!(
                        "Record type {t} cannot be managed with combell_dns_record, which \
                         takes {supported}."
                    ),
                );
            }
            _ => {}
        }
        let Some(name) = name else {
            return error(
                line,
                format!("The name {owner} is outside the zone {}.", self.zone),
            );
        };
        if let Some(t) = ttl.filter(|t| !(60..=86_400).contains(t)) {
            return error(
                line,
                format!("TTL {t} is out of the range Combell accepts, 60 to 86400 seconds."),
            );
        }
        let mut record = ZoneRecord {
            line,
            record_type: record_type.clone(),
            record_name: Some(name.clone()),
            ttl,
            ..ZoneRecord::default()
        };
        let count = |n: usize| -> Result<(), ZoneError> {
            if data.len() == n {
                Ok(())
            } else {
                error(
                    line,
                    format!(
                        "A {record_type} record takes {n} value(s) after its type; got {}.",
                        data.len()
                    ),
                )
            }
        };
        match record_type.as_str() {
            "A" => {
                count(1)?;
                if data[0].text.parse::<Ipv4Addr>().is_err() {
                    return error(
                        line,
                        format!("\"{}\" is not an IPv4 address.", data[0].text),
                    );
                }
                record.content = Some(data[0].text.clone());
            }
            "AAAA" => {
                count(1)?;
                if data[0].text.parse::<Ipv6Addr>().is_err() {
                    return error(
                        line,
                        format!("\"{}\" is not an IPv6 address.", data[0].text),
                    );
                }
                record.content = Some(data[0].text.clone());
            }
            "CNAME" | "ALIAS" => {
                count(1)?;
                record.content = Some(self.host(line, &data[0].text)?);
            }
            "MX" => {
                count(2)?;
                record.priority = Some(priority(line, &data[0].text)?);
                record.content = Some(self.host(line, &data[1].text)?);
            }
            "SRV" => {
                count(4)?;
                let (service, protocol) = srv_name(line, &name)?;
                record.record_name = None;
                record.service = Some(service);
                record.protocol = Some(protocol);
                record.priority = Some(priority(line, &data[0].text)?);
                record.weight = Some(whole(line, "weight", &data[1].text, 0..=65_535)?);
                record.port = Some(whole(line, "port", &data[2].text, 1..=65_535)?);
                record.target = Some(self.host(line, &data[3].text)?);
            }
            "TXT" => {
                if data.is_empty() {
                    return error(line, "A TXT record needs at least one string.");
                }
                // The strings of one record are one text (RFC 7208 for SPF, RFC 6376 for
                // DKIM); Combell takes the text whole and splits it into strings itself.
                let text: String = data.iter().map(|t| t.text.as_str()).collect();
                if text.is_empty() {
                    return error(line, "A TXT record's text is empty, which Combell refuses.");
                }
                record.content = Some(text);
            }
            "TLSA" => {
                if data.len() < 4 {
                    return error(
                        line,
                        "A TLSA record takes usage, selector, matching type and data.",
                    );
                }
                let hex: String = data[3..].iter().map(|t| t.text.as_str()).collect();
                record.content = Some(format!(
                    "{} {} {} {hex}",
                    data[0].text, data[1].text, data[2].text
                ));
            }
            "CAA" => {
                count(3)?;
                let value = data[2].text.replace('"', "\\\"");
                record.content = Some(format!(
                    "{} {} \"{value}\"",
                    data[0].text,
                    data[1].text.to_ascii_lowercase()
                ));
            }
            _ => {}
        }
        Ok(Some(record))
    }

    fn directive(&mut self, line: usize, tokens: &[Token]) -> Result<(), ZoneError> {
        let name = tokens[0].text.to_ascii_uppercase();
        let arg = tokens.get(1).map(|t| t.text.as_str());
        match (name.as_str(), arg) {
            ("$ORIGIN", Some(origin)) => {
                self.origin = absolute(origin, &self.origin);
                Ok(())
            }
            ("$TTL", Some(ttl)) => match parse_ttl(ttl) {
                Some(seconds) => {
                    self.default_ttl = Some(seconds);
                    Ok(())
                }
                None => error(line, format!("\"{ttl}\" is not a TTL.")),
            },
            ("$ORIGIN" | "$TTL", None) => error(line, format!("{name} needs a value.")),
            ("$INCLUDE", _) => error(
                line,
                "$INCLUDE is not supported: a function reads no files. Put the included \
                 file's records in the text (Terraform's file() and join() can assemble it).",
            ),
            _ => error(line, format!("Unknown directive {name}.")),
        }
    }

    /// A host name of the record data, absolute, without the final dot.
    fn host(&self, line: usize, text: &str) -> Result<String, ZoneError> {
        let host = absolute(text, &self.origin);
        if host.is_empty() {
            return error(
                line,
                "The root name \".\" as a host (as in a \"null MX\") cannot be stored by Combell.",
            );
        }
        Ok(host)
    }
}

fn whole(
    line: usize,
    what: &str,
    text: &str,
    range: std::ops::RangeInclusive<i64>,
) -> Result<i64, ZoneError> {
    match text.parse::<i64>() {
        Ok(n) if range.contains(&n) => Ok(n),
        _ => error(
            line,
            format!(
                "The {what} is a whole number from {} to {}; got \"{text}\".",
                range.start(),
                range.end()
            ),
        ),
    }
}

/// MX and SRV priorities: Combell takes 1 to 9999.
fn priority(line: usize, text: &str) -> Result<i64, ZoneError> {
    whole(line, "priority", text, 1..=9_999)
}

/// An SRV record's owner is `_service._protocol` at the apex: Combell derives the name from
/// those two alone, so a record under a subdomain cannot be made.
fn srv_name(line: usize, name: &str) -> Result<(String, String), ZoneError> {
    let labels: Vec<&str> = name.split('.').collect();
    match labels.as_slice() {
        [service, protocol]
            if service.len() > 1 && service.starts_with('_') && protocol.starts_with('_') =>
        {
            Ok((service.to_string(), protocol.to_string()))
        }
        _ => error(
            line,
            format!(
                "An SRV record's name is _service._protocol (such as _sip._tcp) directly under \
                 the zone: Combell derives it from those two, so \"{}\" cannot be created.",
                if name.is_empty() { "@" } else { name }
            ),
        ),
    }
}

// ---- The function ---------------------------------------------------------------------------

/// `provider::combell::zone_file(text, origin)`.
pub struct ZoneFileFunction;

const SUMMARY: &str = "Reads a BIND zone file as a map of records for combell_dns_record.";

const DESCRIPTION: &str = "Parses the text of a BIND zone file (RFC 1035) into a map of \
records, ready for `for_each` over `combell_dns_record` when a zone moves to Combell from \
another DNS host. `origin` is the zone's name (`example.com`): names are relative to it until \
a `$ORIGIN` line says otherwise, and `record_name` is always relative to it.\n\n\
The file may use `$ORIGIN`, `$TTL`, `@`, relative and absolute names, a blank owner (the \
previous record's), parentheses across lines, `;` comments, quoted strings, the class `IN` \
(optional) and a TTL per line (`300`, `1h`). A record without a TTL takes `$TTL`, else the last \
TTL written, else none (Combell's default, 3600).\n\n\
Keys read `<name>_<TYPE>_<n>`, such as `www_A_1`, `@_MX_2` (`@` is the apex) or \
`_sip._tcp_SRV_1`: `n` counts the records of that name and type in file order. Each value has \
the arguments `type`, `record_name`, `content`, `ttl`, `priority`, `service`, `protocol`, \
`target`, `port` and `weight`, null where they do not apply (SRV records have `service`, \
`protocol`, `target`, `port`, `weight` and `priority`, and no `record_name` or `content`). \
The strings of a TXT record are joined into one text, as Combell splits long text itself; a \
CAA value is written `flags tag \"value\"`.\n\n\
The types are those `combell_dns_record` supports: A, AAAA, CNAME, MX, SRV, TXT, ALIAS, TLSA \
and CAA. SOA and NS records at the apex are left out, as Combell keeps its own. An NS record \
below the apex (a delegation), any other type (PTR, DNAME, …), `$INCLUDE`, a name outside the \
zone, a TTL outside 60-86400 and a priority outside 1-9999 are errors that name their line. A \
record repeated exactly is kept once.";

fn record_type() -> Type {
    Type::Object(
        [
            ("type", Type::String),
            ("record_name", Type::String),
            ("content", Type::String),
            ("ttl", Type::Number),
            ("priority", Type::Number),
            ("service", Type::String),
            ("protocol", Type::String),
            ("target", Type::String),
            ("port", Type::Number),
            ("weight", Type::Number),
        ]
        .into_iter()
        .map(|(k, t)| (k.to_string(), t))
        .collect(),
    )
}

impl Function for ZoneFileFunction {
    fn name(&self) -> &str {
        "zone_file"
    }
    fn summary(&self) -> &str {
        SUMMARY
    }
    fn description(&self) -> &str {
        DESCRIPTION
    }
    fn parameters(&self) -> Vec<Parameter> {
        vec![
            Parameter::string("text")
                .description("The zone file's text, for example `file(\"example.com.zone\")`."),
            Parameter::string("origin").description(
                "The zone's name, such as `example.com` (a final dot is allowed): the origin \
                 of relative names, and what `record_name` is relative to.",
            ),
        ]
    }
    fn return_type(&self) -> Type {
        Type::map(record_type())
    }
    fn call(&self, args: &[Value]) -> Result<Value, FunctionError> {
        let text = args.first().and_then(Value::as_str).unwrap_or_default();
        let origin = args.get(1).and_then(Value::as_str).unwrap_or_default();
        let zone = origin.trim().trim_end_matches('.');
        if zone.is_empty()
            || zone
                .split('.')
                .any(|label| label.is_empty() || label.len() > 63)
            || !zone
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.' || c == '_')
        {
            return Err(FunctionError::at_argument(
                1,
                format!(
                    "The origin is the zone's domain name, such as \"example.com\"; got \"{origin}\"."
                ),
            ));
        }
        match parse_keyed(text, zone) {
            Ok(records) => Ok(Value::Map(
                records
                    .into_iter()
                    .map(|(key, record)| (key, record.to_value()))
                    .collect(),
            )),
            Err(e) => Err(FunctionError::at_argument(0, format!("Zone file {e}"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(text: &str) -> Vec<ZoneRecord> {
        parse(text, "example.com").unwrap_or_else(|e| panic!("{e}"))
    }

    fn one(text: &str) -> ZoneRecord {
        let mut all = records(text);
        assert_eq!(all.len(), 1, "{all:?}");
        all.remove(0)
    }

    fn fails(text: &str) -> ZoneError {
        match parse(text, "example.com") {
            Ok(r) => panic!("expected an error, got {r:?}"),
            Err(e) => e,
        }
    }

    #[test]
    fn names_relative_absolute_apex_and_origin() {
        let all = records(
            "www 300 IN A 192.0.2.1\n\
             mail.example.com. 300 IN A 192.0.2.2\n\
             @ 300 IN A 192.0.2.3\n\
             example.com. 300 A 192.0.2.4\n\
             $ORIGIN dev.example.com.\n\
             api 300 A 192.0.2.5\n\
             @ 300 A 192.0.2.6\n\
             $ORIGIN staging\n\
             web 300 A 192.0.2.7\n",
        );
        let names: Vec<&str> = all
            .iter()
            .map(|r| r.record_name.as_deref().unwrap_or("?"))
            .collect();
        assert_eq!(
            names,
            ["www", "mail", "", "", "api.dev", "dev", "web.staging.dev"]
        );
        assert_eq!(all[1].line, 2);
    }

    #[test]
    fn a_blank_owner_is_the_previous_one() {
        let all = records("www 300 A 192.0.2.1\n    300 AAAA 2001:db8::1\n\t300 TXT hi\n");
        assert!(all.iter().all(|r| r.record_name.as_deref() == Some("www")));
        assert_eq!(fails("  300 A 192.0.2.1\n").line, 1);
    }

    #[test]
    fn ttl_and_class_in_either_order_with_units_and_defaults() {
        let all = records(
            "a 300 IN A 192.0.2.1\n\
             b IN 1h A 192.0.2.2\n\
             c A 192.0.2.3\n\
             $TTL 2h\n\
             d A 192.0.2.4\n\
             e 1h30m A 192.0.2.5\n\
             f A 192.0.2.6\n",
        );
        let ttls: Vec<Option<i64>> = all.iter().map(|r| r.ttl).collect();
        // c: the last TTL written (RFC 1035); after $TTL, $TTL unless the line has its own.
        assert_eq!(
            ttls,
            [
                Some(300),
                Some(3600),
                Some(3600),
                Some(7200),
                Some(5400),
                Some(7200)
            ]
        );
        assert_eq!(one("a A 192.0.2.1").ttl, None);
        let e = fails("a 30 A 192.0.2.1");
        assert!(e.message.contains("60 to 86400"), "{e}");
        assert!(fails("a 5x A 192.0.2.1").message.contains("not a TTL"));
        assert!(fails("a CH A 192.0.2.1").message.contains("Class CH"));
    }

    #[test]
    fn parentheses_and_comments_span_lines() {
        let all = records(
            "; a comment\n\
             @ IN SOA ns1.example.net. admin.example.com. ( 2024010101 ; serial\n\
                 3600 ; refresh\n\
                 900 604800 300 )\n\
             \n\
             www 300 ( IN\n A 192.0.2.1 ) ; trailing\n\
             txt 300 TXT ( \"part one \"\n \"part two\" )\n",
        );
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].line, 6);
        assert_eq!(all[1].content.as_deref(), Some("part one part two"));
        assert_eq!(fails("www 300 ( A 192.0.2.1\n").line, 1);
        assert_eq!(fails("\nwww 300 A 192.0.2.1 )\n").line, 2);
    }

    #[test]
    fn txt_strings_are_joined_and_unescaped() {
        let r = one(r#"@ 300 TXT "v=spf1 include:_spf.example.net " "-all""#);
        assert_eq!(
            r.content.as_deref(),
            Some("v=spf1 include:_spf.example.net -all")
        );
        let r = one(r#"q 300 TXT "say \"hi\" \\ \059 ok; not a comment""#);
        assert_eq!(
            r.content.as_deref(),
            Some(r#"say "hi" \ ; ok; not a comment"#)
        );
        let r = one("bare 300 TXT hello");
        assert_eq!(r.content.as_deref(), Some("hello"));
        assert!(fails("e 300 TXT \"\"").message.contains("empty"));
        assert!(fails("e 300 TXT \"open\n").message.contains("not closed"));
        assert!(fails(r#"e 300 TXT "\25""#).message.contains("three digits"));
    }

    #[test]
    fn every_supported_type_maps_to_the_resources_arguments() {
        let all = records(
            "$TTL 3600\n\
             @ MX 10 mail\n\
             @ MX 20 mx.example.net.\n\
             www CNAME @\n\
             @ ALIAS lb.example.net.\n\
             _sip._tcp SRV 5 60 5060 sip.example.com.\n\
             _25._tcp.mail TLSA 3 1 1 ( 0a1b\n 2c3d )\n\
             @ CAA 0 issue \"letsencrypt.org\"\n\
             v6 AAAA 2001:db8::10\n",
        );
        let mx = &all[0];
        assert_eq!(
            (mx.priority, mx.content.as_deref()),
            (Some(10), Some("mail.example.com"))
        );
        assert_eq!(all[1].content.as_deref(), Some("mx.example.net"));
        assert_eq!(all[2].content.as_deref(), Some("example.com"));
        assert_eq!(all[3].content.as_deref(), Some("lb.example.net"));
        let srv = &all[4];
        assert_eq!(srv.record_name, None);
        assert_eq!(srv.content, None);
        assert_eq!(srv.service.as_deref(), Some("_sip"));
        assert_eq!(srv.protocol.as_deref(), Some("_tcp"));
        assert_eq!(
            (srv.priority, srv.weight, srv.port),
            (Some(5), Some(60), Some(5060))
        );
        assert_eq!(srv.target.as_deref(), Some("sip.example.com"));
        assert_eq!(all[5].record_name.as_deref(), Some("_25._tcp.mail"));
        assert_eq!(all[5].content.as_deref(), Some("3 1 1 0a1b2c3d"));
        assert_eq!(
            all[6].content.as_deref(),
            Some("0 issue \"letsencrypt.org\"")
        );
        assert_eq!(all[7].content.as_deref(), Some("2001:db8::10"));
        assert!(all.iter().all(|r| r.ttl == Some(3600)));
        // Only MX and SRV have a priority; only SRV the SRV fields.
        assert!(all[2..4]
            .iter()
            .all(|r| r.priority.is_none() && r.port.is_none()));
    }

    #[test]
    fn soa_and_ns_at_the_apex_are_left_out_and_below_it_refused() {
        let all = records(
            "@ 86400 IN SOA ns1.example.net. hostmaster ( 1 2 3 4 5 )\n\
             @ 172800 NS ns1.example.net.\n\
             \x20 172800 NS ns2.example.net.\n\
             www 300 A 192.0.2.1\n",
        );
        assert_eq!(all.len(), 1);
        let e = fails("www 300 A 192.0.2.1\nsub 300 NS ns1.other.net.\n");
        assert_eq!(e.line, 2);
        assert!(e.message.contains("delegation"), "{e}");
        assert_eq!(fails("x 300 SOA a b 1 2 3 4 5").line, 1);
    }

    #[test]
    fn unsupported_types_and_malformed_records_name_their_line() {
        let e = fails("www 300 A 192.0.2.1\n\n1 300 PTR host.example.com.\n");
        assert_eq!(e.line, 3);
        assert!(e.message.contains("PTR"), "{e}");
        assert_eq!(e.to_string().split(':').next(), Some("line 3"));
        for (text, needle) in [
            ("a 300 A 300.1.1.1", "IPv4"),
            ("a 300 AAAA 192.0.2.1", "IPv6"),
            ("a 300 A", "takes 1 value"),
            ("a 300", "no type"),
            ("@ 300 MX 0 mail", "priority"),
            ("@ 300 MX 10 .", "root name"),
            ("_sip._tcp.sub 300 SRV 1 1 5060 sip", "_service._protocol"),
            ("www 300 SRV 1 1 5060 sip", "_service._protocol"),
            ("_sip._tcp 300 SRV 1 1 0 sip", "port"),
            ("www.other.org. 300 A 192.0.2.1", "outside the zone"),
            ("$INCLUDE other.zone", "$INCLUDE"),
            ("$GENERATE 1-5 a$ A 192.0.2.$", "Unknown directive"),
            ("$TTL", "needs a value"),
            ("a 300 TLSA 3 1 1", "TLSA"),
        ] {
            let e = fails(text);
            assert_eq!(e.line, 1, "{text}");
            assert!(e.message.contains(needle), "{text}: {e}");
        }
    }

    #[test]
    fn exact_repeats_are_kept_once_and_keys_count_per_name_and_type() {
        let keyed = parse_keyed(
            "www 300 A 192.0.2.1\n\
             www 300 A 192.0.2.2\n\
             www 300 A 192.0.2.1\n\
             @ 300 MX 10 mail\n\
             _sip._tcp 300 SRV 1 1 5060 sip\n",
            "example.com",
        )
        .unwrap();
        let keys: Vec<&str> = keyed.keys().map(String::as_str).collect();
        assert_eq!(keys, ["@_MX_1", "_sip._tcp_SRV_1", "www_A_1", "www_A_2"]);
        assert_eq!(keyed["www_A_2"].content.as_deref(), Some("192.0.2.2"));
    }

    #[test]
    fn a_byte_order_mark_and_crlf_line_ends_are_read() {
        let all = records("\u{feff}www 300 A 192.0.2.1\r\n\t300 TXT \"a\"\r\n");
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].record_name.as_deref(), Some("www"));
        assert_eq!(all[1].record_name.as_deref(), Some("www"));
        assert_eq!(all[1].content.as_deref(), Some("a"));
    }

    #[test]
    fn names_are_case_insensitive_and_the_origin_may_end_with_a_dot() {
        let all = parse(
            "WWW.Example.COM. 300 A 192.0.2.1\nMail 300 MX 5 MX.Example.com.",
            "Example.com.",
        )
        .unwrap();
        assert_eq!(all[0].record_name.as_deref(), Some("www"));
        assert_eq!(all[1].content.as_deref(), Some("mx.example.com"));
    }

    #[test]
    fn the_function_returns_a_map_of_objects_with_every_argument() {
        let result = ZoneFileFunction
            .call(&["www 300 A 192.0.2.1\n".into(), "example.com".into()])
            .unwrap();
        let map = result.as_map().unwrap();
        let www = &map["www_A_1"];
        assert_eq!(www.get_str("type"), Some("A"));
        assert_eq!(www.get_str("record_name"), Some("www"));
        assert_eq!(www.get_i64("ttl"), Some(300));
        assert!(www.get("priority").is_some_and(Value::is_null));
        assert!(www.get("service").is_some_and(Value::is_null));
        // The value fits the declared return type.
        tfplugin::to_msgpack(&result, &ZoneFileFunction.return_type()).unwrap();

        let bad_origin = ZoneFileFunction
            .call(&["".into(), "not a zone".into()])
            .unwrap_err();
        assert_eq!(bad_origin.argument, Some(1));
        let bad_line = ZoneFileFunction
            .call(&[
                "www 300 A 192.0.2.1\nptr PTR x.\n".into(),
                "example.com".into(),
            ])
            .unwrap_err();
        assert_eq!(bad_line.argument, Some(0));
        assert!(
            bad_line.text.starts_with("Zone file line 2:"),
            "{}",
            bad_line.text
        );
        let empty = ZoneFileFunction
            .call(&["; nothing\n".into(), "example.com".into()])
            .unwrap();
        assert_eq!(empty.as_map().map(BTreeMap::len), Some(0));
    }
}
