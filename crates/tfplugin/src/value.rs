//! Terraform values and their two wire forms (`DynamicValue.msgpack` and `.json`), decoded
//! and encoded under the direction of a cty type, as `docs/plugin-protocol/object-wire-format.md`
//! in hashicorp/terraform describes.
//!
//! Decoding never panics: every malformed input becomes a [`ValueError`] naming where in the
//! value it went wrong.

use std::collections::BTreeMap;
use std::fmt;

/// A cty type, as carried in schemas (`"string"`, `["list","number"]`, ...).
#[derive(Clone, Debug, PartialEq)]
pub enum Type {
    String,
    Number,
    Bool,
    /// Any type; values travel together with their type.
    Dynamic,
    List(Box<Type>),
    Set(Box<Type>),
    Map(Box<Type>),
    Object(BTreeMap<String, Type>),
    Tuple(Vec<Type>),
}

impl Type {
    pub fn list(elem: Type) -> Type {
        Type::List(Box::new(elem))
    }
    pub fn set(elem: Type) -> Type {
        Type::Set(Box::new(elem))
    }
    pub fn map(elem: Type) -> Type {
        Type::Map(Box::new(elem))
    }

    /// The type's JSON form, as schemas and dynamic values carry it.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::json;
        match self {
            Type::String => json!("string"),
            Type::Number => json!("number"),
            Type::Bool => json!("bool"),
            Type::Dynamic => json!("dynamic"),
            Type::List(t) => json!(["list", t.to_json()]),
            Type::Set(t) => json!(["set", t.to_json()]),
            Type::Map(t) => json!(["map", t.to_json()]),
            Type::Object(attrs) => {
                let map: serde_json::Map<String, serde_json::Value> = attrs
                    .iter()
                    .map(|(k, t)| (k.clone(), t.to_json()))
                    .collect();
                json!(["object", map])
            }
            Type::Tuple(elems) => {
                json!(["tuple", elems.iter().map(Type::to_json).collect::<Vec<_>>()])
            }
        }
    }

    /// Parses the JSON form. Optional-attribute markers of object type constraints (a third
    /// array element) are accepted and ignored: values never carry them.
    pub fn from_json(json: &serde_json::Value) -> Result<Type, ValueError> {
        use serde_json::Value as J;
        let bad = || ValueError::new(format!("invalid type description {json}"));
        match json {
            J::String(s) => match s.as_str() {
                "string" => Ok(Type::String),
                "number" => Ok(Type::Number),
                "bool" => Ok(Type::Bool),
                "dynamic" => Ok(Type::Dynamic),
                _ => Err(bad()),
            },
            J::Array(parts) if parts.len() >= 2 => {
                let kind = parts[0].as_str().ok_or_else(bad)?;
                match kind {
                    "list" => Ok(Type::list(Type::from_json(&parts[1])?)),
                    "set" => Ok(Type::set(Type::from_json(&parts[1])?)),
                    "map" => Ok(Type::map(Type::from_json(&parts[1])?)),
                    "object" => {
                        let attrs = parts[1].as_object().ok_or_else(bad)?;
                        let mut out = BTreeMap::new();
                        for (k, t) in attrs {
                            out.insert(k.clone(), Type::from_json(t)?);
                        }
                        Ok(Type::Object(out))
                    }
                    "tuple" => {
                        let elems = parts[1].as_array().ok_or_else(bad)?;
                        Ok(Type::Tuple(
                            elems
                                .iter()
                                .map(Type::from_json)
                                .collect::<Result<_, _>>()?,
                        ))
                    }
                    _ => Err(bad()),
                }
            }
            _ => Err(bad()),
        }
    }

    /// The bytes a schema attribute's `type` field holds.
    pub fn to_json_bytes(&self) -> Vec<u8> {
        self.to_json().to_string().into_bytes()
    }
}

/// A number. Terraform's numbers are arbitrary precision; integers that fit 64 bits stay exact.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Number {
    Int(i64),
    Float(f64),
}

impl Number {
    pub fn as_i64(self) -> Option<i64> {
        match self {
            Number::Int(i) => Some(i),
            Number::Float(f)
                if f.fract() == 0.0 && f >= i64::MIN as f64 && f <= i64::MAX as f64 =>
            {
                Some(f as i64)
            }
            Number::Float(_) => None,
        }
    }
    pub fn as_f64(self) -> f64 {
        match self {
            Number::Int(i) => i as f64,
            Number::Float(f) => f,
        }
    }
    fn parse(text: &str) -> Option<Number> {
        let text = text.trim();
        if let Ok(i) = text.parse::<i64>() {
            return Some(Number::Int(i));
        }
        text.parse::<f64>()
            .ok()
            .filter(|f| f.is_finite())
            .map(Number::Float)
    }
}

/// A Terraform value. Objects, maps and sets keep no type of their own: encoding is directed
/// by the schema's type, so a value only needs to be of the right shape.
#[derive(Clone, Debug, PartialEq, Default)]
pub enum Value {
    #[default]
    Null,
    /// Not known until apply. Refinements (e.g. "not null") are read and dropped.
    Unknown,
    Bool(bool),
    Number(Number),
    String(String),
    List(Vec<Value>),
    Set(Vec<Value>),
    Map(BTreeMap<String, Value>),
    Object(BTreeMap<String, Value>),
    Tuple(Vec<Value>),
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::String(s.to_string())
    }
}
impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::String(s)
    }
}
impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}
impl From<i64> for Value {
    fn from(i: i64) -> Self {
        Value::Number(Number::Int(i))
    }
}
impl From<f64> for Value {
    fn from(f: f64) -> Self {
        Value::Number(Number::Float(f))
    }
}
impl From<i32> for Value {
    fn from(i: i32) -> Self {
        Value::Number(Number::Int(i64::from(i)))
    }
}
impl From<u32> for Value {
    fn from(i: u32) -> Self {
        Value::Number(Number::Int(i64::from(i)))
    }
}
/// A list; use `Value::Set(..)` for sets.
impl<T: Into<Value>> From<Vec<T>> for Value {
    fn from(items: Vec<T>) -> Self {
        Value::List(items.into_iter().map(Into::into).collect())
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::Null, Into::into)
    }
}

impl Value {
    /// An object from `(name, value)` pairs: `Value::object([("name", "www".into())])`.
    pub fn object<K: Into<String>>(attrs: impl IntoIterator<Item = (K, Value)>) -> Value {
        Value::Object(attrs.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }
    pub fn is_unknown(&self) -> bool {
        matches!(self, Value::Unknown)
    }
    /// True when neither this value nor anything inside it is unknown.
    pub fn is_wholly_known(&self) -> bool {
        match self {
            Value::Unknown => false,
            Value::List(v) | Value::Set(v) | Value::Tuple(v) => {
                v.iter().all(Value::is_wholly_known)
            }
            Value::Map(m) | Value::Object(m) => m.values().all(Value::is_wholly_known),
            _ => true,
        }
    }

    /// An attribute of an object; `None` when this is not an object or has no such attribute.
    pub fn get(&self, name: &str) -> Option<&Value> {
        match self {
            Value::Object(m) | Value::Map(m) => m.get(name),
            _ => None,
        }
    }
    /// A mutable attribute of an object or map.
    pub fn get_mut(&mut self, name: &str) -> Option<&mut Value> {
        match self {
            Value::Object(m) | Value::Map(m) => m.get_mut(name),
            _ => None,
        }
    }
    /// Sets an attribute; turns a null into an object first.
    pub fn set(&mut self, name: &str, value: impl Into<Value>) {
        if !matches!(self, Value::Object(_) | Value::Map(_)) {
            *self = Value::Object(BTreeMap::new());
        }
        if let Value::Object(m) | Value::Map(m) = self {
            m.insert(name.to_string(), value.into());
        }
    }
    /// The attribute if it is known and not null.
    pub fn get_known(&self, name: &str) -> Option<&Value> {
        self.get(name).filter(|v| !v.is_null() && !v.is_unknown())
    }
    pub fn get_str(&self, name: &str) -> Option<&str> {
        self.get(name).and_then(Value::as_str)
    }
    pub fn get_i64(&self, name: &str) -> Option<i64> {
        self.get(name).and_then(Value::as_i64)
    }
    pub fn get_f64(&self, name: &str) -> Option<f64> {
        self.get(name).and_then(Value::as_f64)
    }
    pub fn get_bool(&self, name: &str) -> Option<bool> {
        self.get(name).and_then(Value::as_bool)
    }
    /// Elements of a list, set or tuple attribute; empty when null or unknown.
    pub fn get_list(&self, name: &str) -> &[Value] {
        self.get(name).map_or(&[], Value::as_list)
    }
    /// A map or object attribute's entries; `None` when null, unknown or missing.
    pub fn get_map(&self, name: &str) -> Option<&BTreeMap<String, Value>> {
        self.get(name).and_then(Value::as_map)
    }
    /// Whether the attribute is unknown (so validation must skip it).
    pub fn is_unknown_at(&self, name: &str) -> bool {
        self.get(name).is_some_and(Value::is_unknown)
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Number(n) => n.as_i64(),
            _ => None,
        }
    }
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Number(n) => Some(n.as_f64()),
            _ => None,
        }
    }
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }
    pub fn as_list(&self) -> &[Value] {
        match self {
            Value::List(v) | Value::Set(v) | Value::Tuple(v) => v,
            _ => &[],
        }
    }
    pub fn as_map(&self) -> Option<&BTreeMap<String, Value>> {
        match self {
            Value::Map(m) | Value::Object(m) => Some(m),
            _ => None,
        }
    }

    /// Best-effort type of a value whose declared type is `dynamic`.
    fn infer_type(&self) -> Type {
        match self {
            Value::Null | Value::Unknown => Type::Dynamic,
            Value::Bool(_) => Type::Bool,
            Value::Number(_) => Type::Number,
            Value::String(_) => Type::String,
            Value::List(v) => Type::list(v.first().map_or(Type::Dynamic, Value::infer_type)),
            Value::Set(v) => Type::set(v.first().map_or(Type::Dynamic, Value::infer_type)),
            Value::Map(m) => Type::map(m.values().next().map_or(Type::Dynamic, Value::infer_type)),
            Value::Object(m) => {
                Type::Object(m.iter().map(|(k, v)| (k.clone(), v.infer_type())).collect())
            }
            Value::Tuple(v) => Type::Tuple(v.iter().map(Value::infer_type).collect()),
        }
    }
}

/// A value that does not fit its type or is not well-formed.
#[derive(Clone, Debug, PartialEq)]
pub struct ValueError {
    pub message: String,
}

impl ValueError {
    fn new(message: impl Into<String>) -> Self {
        ValueError {
            message: message.into(),
        }
    }
    fn at(self, step: &str) -> Self {
        ValueError::new(format!("{step}: {}", self.message))
    }
}

impl fmt::Display for ValueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}
impl std::error::Error for ValueError {}

const EXT_UNKNOWN: i8 = 0;
const EXT_REFINED_UNKNOWN: i8 = 12;
/// Deeper than any real configuration; stops hostile input from exhausting the stack.
const MAX_DEPTH: usize = 64;

// ---- msgpack encoding ----

/// Encodes `value` as msgpack under `ty`. Objects emit every attribute of the type, nulls
/// for those the value lacks.
pub fn to_msgpack(value: &Value, ty: &Type) -> Result<Vec<u8>, ValueError> {
    let mut out = Vec::with_capacity(64);
    encode(&mut out, value, ty, 0)?;
    Ok(out)
}

fn werr<E: fmt::Debug>(e: E) -> ValueError {
    ValueError::new(format!("msgpack write failed: {e:?}"))
}

fn encode(out: &mut Vec<u8>, value: &Value, ty: &Type, depth: usize) -> Result<(), ValueError> {
    use rmp::encode as e;
    if depth > MAX_DEPTH {
        return Err(ValueError::new("value nested too deeply"));
    }
    match (value, ty) {
        (Value::Null, _) => e::write_nil(out).map_err(werr),
        (Value::Unknown, _) => {
            e::write_ext_meta(out, 0, EXT_UNKNOWN).map_err(werr)?;
            Ok(())
        }
        (_, Type::Dynamic) => {
            let actual = value.infer_type();
            e::write_array_len(out, 2).map_err(werr)?;
            e::write_bin(out, &actual.to_json_bytes()).map_err(werr)?;
            encode(out, value, &actual, depth + 1)
        }
        (Value::String(s), Type::String) => e::write_str(out, s).map_err(werr),
        (Value::Bool(b), Type::Bool) => e::write_bool(out, *b).map_err(werr),
        (Value::Number(n), Type::Number) => match n.as_i64() {
            Some(i) => e::write_sint(out, i).map(|_| ()).map_err(werr),
            None => e::write_f64(out, n.as_f64()).map_err(werr),
        },
        // Resource code may build numbers as strings (e.g. a TTL read from an API string).
        (Value::String(s), Type::Number) => match Number::parse(s) {
            Some(n) => encode(out, &Value::Number(n), ty, depth),
            None => Err(ValueError::new(format!("{s:?} is not a number"))),
        },
        (Value::Number(n), Type::String) => {
            let text = match n.as_i64() {
                Some(i) => i.to_string(),
                None => n.as_f64().to_string(),
            };
            e::write_str(out, &text).map_err(werr)
        }
        (
            Value::List(items) | Value::Set(items) | Value::Tuple(items),
            Type::List(elem) | Type::Set(elem),
        ) => {
            e::write_array_len(out, len32(items.len())?).map_err(werr)?;
            for (i, item) in items.iter().enumerate() {
                encode(out, item, elem, depth + 1).map_err(|err| err.at(&format!("[{i}]")))?;
            }
            Ok(())
        }
        (Value::List(items) | Value::Tuple(items), Type::Tuple(elems)) => {
            if items.len() != elems.len() {
                return Err(ValueError::new(format!(
                    "tuple needs {} elements, value has {}",
                    elems.len(),
                    items.len()
                )));
            }
            e::write_array_len(out, len32(items.len())?).map_err(werr)?;
            for (i, (item, t)) in items.iter().zip(elems).enumerate() {
                encode(out, item, t, depth + 1).map_err(|err| err.at(&format!("[{i}]")))?;
            }
            Ok(())
        }
        (Value::Map(m) | Value::Object(m), Type::Map(elem)) => {
            e::write_map_len(out, len32(m.len())?).map_err(werr)?;
            for (k, v) in m {
                e::write_str(out, k).map_err(werr)?;
                encode(out, v, elem, depth + 1).map_err(|err| err.at(&format!("[{k:?}]")))?;
            }
            Ok(())
        }
        (Value::Object(m) | Value::Map(m), Type::Object(attrs)) => {
            if let Some(extra) = m.keys().find(|k| !attrs.contains_key(*k)) {
                return Err(ValueError::new(format!(
                    "attribute {extra:?} is not in the schema"
                )));
            }
            e::write_map_len(out, len32(attrs.len())?).map_err(werr)?;
            for (name, t) in attrs {
                e::write_str(out, name).map_err(werr)?;
                encode(out, m.get(name).unwrap_or(&Value::Null), t, depth + 1)
                    .map_err(|err| err.at(&format!(".{name}")))?;
            }
            Ok(())
        }
        (v, t) => Err(ValueError::new(format!(
            "value {} does not fit type {}",
            describe(v),
            t.to_json()
        ))),
    }
}

fn len32(n: usize) -> Result<u32, ValueError> {
    u32::try_from(n).map_err(|_| ValueError::new("collection too large"))
}

fn describe(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Unknown => "unknown",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::List(_) => "list",
        Value::Set(_) => "set",
        Value::Map(_) => "map",
        Value::Object(_) => "object",
        Value::Tuple(_) => "tuple",
    }
}

// ---- msgpack decoding ----

/// Decodes msgpack under `ty`. The whole input must be one value.
pub fn from_msgpack(bytes: &[u8], ty: &Type) -> Result<Value, ValueError> {
    let mut r = Reader { buf: bytes, pos: 0 };
    let v = decode(&mut r, ty, 0)?;
    if r.pos != bytes.len() {
        return Err(ValueError::new("trailing bytes after msgpack value"));
    }
    Ok(v)
}

struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

/// One msgpack item's head: what it is, and for containers how many items follow.
enum Item<'a> {
    Nil,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Float(f64),
    Str(&'a [u8]),
    Bin(&'a [u8]),
    Array(usize),
    Map(usize),
    /// An extension; its payload (a refinement, for unknowns) is skipped.
    Ext(i8),
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], ValueError> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|end| *end <= self.buf.len())
            .ok_or_else(|| ValueError::new("msgpack input ends too early"))?;
        let s = &self.buf[self.pos..end];
        self.pos = end;
        Ok(s)
    }
    fn u8(&mut self) -> Result<u8, ValueError> {
        Ok(self.take(1)?[0])
    }
    fn be(&mut self, n: usize) -> Result<u64, ValueError> {
        Ok(self
            .take(n)?
            .iter()
            .fold(0u64, |acc, b| (acc << 8) | u64::from(*b)))
    }
    fn len(&mut self, n: usize) -> Result<usize, ValueError> {
        let len = usize::try_from(self.be(n)?)
            .map_err(|_| ValueError::new("msgpack length too large"))?;
        // Each item takes at least one byte, so a length beyond the input is a lie.
        if len > self.buf.len() - self.pos {
            return Err(ValueError::new("msgpack length beyond end of input"));
        }
        Ok(len)
    }
    fn item(&mut self) -> Result<Item<'a>, ValueError> {
        let m = self.u8()?;
        Ok(match m {
            0x00..=0x7f => Item::Int(i64::from(m)),
            0x80..=0x8f => Item::Map(usize::from(m & 0x0f)),
            0x90..=0x9f => Item::Array(usize::from(m & 0x0f)),
            0xa0..=0xbf => Item::Str(self.take(usize::from(m & 0x1f))?),
            0xc0 => Item::Nil,
            0xc2 => Item::Bool(false),
            0xc3 => Item::Bool(true),
            0xc4 => {
                let n = self.len(1)?;
                Item::Bin(self.take(n)?)
            }
            0xc5 => {
                let n = self.len(2)?;
                Item::Bin(self.take(n)?)
            }
            0xc6 => {
                let n = self.len(4)?;
                Item::Bin(self.take(n)?)
            }
            0xc7..=0xc9 => {
                let n = self.len(1 << (m - 0xc7))?;
                let t = self.u8()? as i8;
                {
                    self.take(n)?;
                    Item::Ext(t)
                }
            }
            0xca => Item::Float(f64::from(f32::from_bits(self.be(4)? as u32))),
            0xcb => Item::Float(f64::from_bits(self.be(8)?)),
            0xcc => Item::UInt(self.be(1)?),
            0xcd => Item::UInt(self.be(2)?),
            0xce => Item::UInt(self.be(4)?),
            0xcf => Item::UInt(self.be(8)?),
            0xd0 => Item::Int(i64::from(self.u8()? as i8)),
            0xd1 => Item::Int(i64::from(self.be(2)? as u16 as i16)),
            0xd2 => Item::Int(i64::from(self.be(4)? as u32 as i32)),
            0xd3 => Item::Int(self.be(8)? as i64),
            0xd4..=0xd8 => {
                let t = self.u8()? as i8;
                self.take(1 << (m - 0xd4))?;
                Item::Ext(t)
            }
            0xd9 => {
                let n = self.len(1)?;
                Item::Str(self.take(n)?)
            }
            0xda => {
                let n = self.len(2)?;
                Item::Str(self.take(n)?)
            }
            0xdb => {
                let n = self.len(4)?;
                Item::Str(self.take(n)?)
            }
            0xdc => Item::Array(self.len(2)?),
            0xdd => Item::Array(self.len(4)?),
            0xde => Item::Map(self.len(2)?),
            0xdf => Item::Map(self.len(4)?),
            0xe0..=0xff => Item::Int(i64::from(m as i8)),
            0xc1 => return Err(ValueError::new("invalid msgpack marker 0xc1")),
        })
    }
    fn string(&mut self) -> Result<String, ValueError> {
        match self.item()? {
            Item::Str(s) => utf8(s),
            _ => Err(ValueError::new("expected a msgpack string")),
        }
    }
}

fn utf8(s: &[u8]) -> Result<String, ValueError> {
    String::from_utf8(s.to_vec()).map_err(|_| ValueError::new("string is not valid UTF-8"))
}

fn decode(r: &mut Reader<'_>, ty: &Type, depth: usize) -> Result<Value, ValueError> {
    if depth > MAX_DEPTH {
        return Err(ValueError::new("value nested too deeply"));
    }
    let item = r.item()?;
    match item {
        Item::Nil => return Ok(Value::Null),
        Item::Ext(EXT_UNKNOWN | EXT_REFINED_UNKNOWN) => return Ok(Value::Unknown),
        Item::Ext(t) => return Err(ValueError::new(format!("unexpected msgpack extension {t}"))),
        _ => {}
    }
    let mismatch = |what: &str| {
        ValueError::new(format!(
            "expected a value of type {}, found {what}",
            ty.to_json()
        ))
    };
    match ty {
        Type::String => match item {
            Item::Str(s) => Ok(Value::String(utf8(s)?)),
            _ => Err(mismatch("another kind of value")),
        },
        Type::Bool => match item {
            Item::Bool(b) => Ok(Value::Bool(b)),
            _ => Err(mismatch("another kind of value")),
        },
        Type::Number => match item {
            Item::Int(i) => Ok(Value::Number(Number::Int(i))),
            Item::UInt(u) => Ok(Value::Number(match i64::try_from(u) {
                Ok(i) => Number::Int(i),
                Err(_) => Number::Float(u as f64),
            })),
            Item::Float(f) => Ok(Value::Number(Number::Float(f))),
            Item::Str(s) => Number::parse(&utf8(s)?)
                .map(Value::Number)
                .ok_or_else(|| mismatch("a string that is not a number")),
            _ => Err(mismatch("another kind of value")),
        },
        Type::List(elem) | Type::Set(elem) => {
            let Item::Array(n) = item else {
                return Err(mismatch("a non-array"));
            };
            let mut items = Vec::with_capacity(n);
            for i in 0..n {
                items.push(decode(r, elem, depth + 1).map_err(|e| e.at(&format!("[{i}]")))?);
            }
            Ok(if matches!(ty, Type::Set(_)) {
                Value::Set(items)
            } else {
                Value::List(items)
            })
        }
        Type::Tuple(elems) => {
            let Item::Array(n) = item else {
                return Err(mismatch("a non-array"));
            };
            if n != elems.len() {
                return Err(mismatch(&format!("{n} elements")));
            }
            let mut items = Vec::with_capacity(n);
            for (i, t) in elems.iter().enumerate() {
                items.push(decode(r, t, depth + 1).map_err(|e| e.at(&format!("[{i}]")))?);
            }
            Ok(Value::Tuple(items))
        }
        Type::Map(elem) => {
            let Item::Map(n) = item else {
                return Err(mismatch("a non-map"));
            };
            let mut m = BTreeMap::new();
            for _ in 0..n {
                let k = r.string()?;
                let v = decode(r, elem, depth + 1).map_err(|e| e.at(&format!("[{k:?}]")))?;
                m.insert(k, v);
            }
            Ok(Value::Map(m))
        }
        Type::Object(attrs) => {
            let Item::Map(n) = item else {
                return Err(mismatch("a non-map"));
            };
            let mut m = BTreeMap::new();
            for _ in 0..n {
                let k = r.string()?;
                let Some(t) = attrs.get(&k) else {
                    return Err(ValueError::new(format!("unexpected attribute {k:?}")));
                };
                let v = decode(r, t, depth + 1).map_err(|e| e.at(&format!(".{k}")))?;
                m.insert(k, v);
            }
            for name in attrs.keys() {
                m.entry(name.clone()).or_insert(Value::Null);
            }
            Ok(Value::Object(m))
        }
        Type::Dynamic => {
            let Item::Array(2) = item else {
                return Err(mismatch("something other than a [type, value] pair"));
            };
            let type_json = match r.item()? {
                Item::Str(s) | Item::Bin(s) => s,
                _ => return Err(ValueError::new("dynamic value lacks its type")),
            };
            let json: serde_json::Value = serde_json::from_slice(type_json)
                .map_err(|e| ValueError::new(format!("dynamic value type is not JSON: {e}")))?;
            let actual = Type::from_json(&json)?;
            decode(r, &actual, depth + 1)
        }
    }
}

// ---- JSON ----

/// Decodes the JSON form (raw state, or `DynamicValue.json`) under `ty`. Attributes the type
/// does not know are dropped: stored state may hold attributes an older schema had.
pub fn from_json(json: &serde_json::Value, ty: &Type) -> Result<Value, ValueError> {
    from_json_at(json, ty, 0)
}

fn from_json_at(json: &serde_json::Value, ty: &Type, depth: usize) -> Result<Value, ValueError> {
    use serde_json::Value as J;
    if depth > MAX_DEPTH {
        return Err(ValueError::new("value nested too deeply"));
    }
    let mismatch = || {
        ValueError::new(format!(
            "expected a value of type {}, found {json}",
            ty.to_json()
        ))
    };
    match (json, ty) {
        (J::Null, _) => Ok(Value::Null),
        (J::String(s), Type::String) => Ok(Value::String(s.clone())),
        (J::Bool(b), Type::String) => Ok(Value::String(b.to_string())),
        (J::Number(n), Type::String) => Ok(Value::String(n.to_string())),
        (J::Bool(b), Type::Bool) => Ok(Value::Bool(*b)),
        (J::String(s), Type::Bool) => match s.as_str() {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            _ => Err(mismatch()),
        },
        (J::Number(n), Type::Number) => Number::parse(&n.to_string())
            .map(Value::Number)
            .ok_or_else(mismatch),
        (J::String(s), Type::Number) => Number::parse(s).map(Value::Number).ok_or_else(mismatch),
        (J::Array(items), Type::List(elem) | Type::Set(elem)) => {
            let items = items
                .iter()
                .enumerate()
                .map(|(i, j)| from_json_at(j, elem, depth + 1).map_err(|e| e.at(&format!("[{i}]"))))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(if matches!(ty, Type::Set(_)) {
                Value::Set(items)
            } else {
                Value::List(items)
            })
        }
        (J::Array(items), Type::Tuple(elems)) if items.len() == elems.len() => Ok(Value::Tuple(
            items
                .iter()
                .zip(elems)
                .enumerate()
                .map(|(i, (j, t))| {
                    from_json_at(j, t, depth + 1).map_err(|e| e.at(&format!("[{i}]")))
                })
                .collect::<Result<_, _>>()?,
        )),
        (J::Object(m), Type::Map(elem)) => Ok(Value::Map(
            m.iter()
                .map(|(k, j)| {
                    Ok((
                        k.clone(),
                        from_json_at(j, elem, depth + 1).map_err(|e| e.at(&format!("[{k:?}]")))?,
                    ))
                })
                .collect::<Result<_, ValueError>>()?,
        )),
        (J::Object(m), Type::Object(attrs)) => {
            let mut out = BTreeMap::new();
            for (name, t) in attrs {
                let v = match m.get(name) {
                    Some(j) => {
                        from_json_at(j, t, depth + 1).map_err(|e| e.at(&format!(".{name}")))?
                    }
                    None => Value::Null,
                };
                out.insert(name.clone(), v);
            }
            Ok(Value::Object(out))
        }
        (J::Object(m), Type::Dynamic) => {
            let (Some(t), Some(v)) = (m.get("type"), m.get("value")) else {
                return Err(ValueError::new(
                    "a dynamic value in JSON needs \"type\" and \"value\"",
                ));
            };
            from_json_at(v, &Type::from_json(t)?, depth + 1)
        }
        _ => Err(mismatch()),
    }
}

/// The JSON form of a value (for logs and tests; Terraform gets msgpack).
pub fn to_json(value: &Value) -> serde_json::Value {
    use serde_json::Value as J;
    match value {
        Value::Null => J::Null,
        Value::Unknown => J::String("(known after apply)".into()),
        Value::Bool(b) => J::Bool(*b),
        Value::Number(Number::Int(i)) => J::from(*i),
        Value::Number(Number::Float(f)) => J::from(*f),
        Value::String(s) => J::String(s.clone()),
        Value::List(v) | Value::Set(v) | Value::Tuple(v) => {
            J::Array(v.iter().map(to_json).collect())
        }
        Value::Map(m) | Value::Object(m) => {
            J::Object(m.iter().map(|(k, v)| (k.clone(), to_json(v))).collect())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn record_type() -> Type {
        Type::Object(BTreeMap::from([
            ("name".to_string(), Type::String),
            ("ttl".to_string(), Type::Number),
            ("enabled".to_string(), Type::Bool),
            ("tags".to_string(), Type::map(Type::String)),
            ("ports".to_string(), Type::set(Type::Number)),
            (
                "items".to_string(),
                Type::list(Type::Object(BTreeMap::from([(
                    "v".to_string(),
                    Type::String,
                )]))),
            ),
            ("anything".to_string(), Type::Dynamic),
            (
                "pair".to_string(),
                Type::Tuple(vec![Type::String, Type::Bool]),
            ),
        ]))
    }

    #[test]
    fn round_trips_nested_values_with_unknowns_and_nulls() {
        let ty = record_type();
        let v = Value::object([
            ("name", "www".into()),
            ("ttl", 3600i64.into()),
            ("enabled", Value::Unknown),
            (
                "tags",
                Value::Map(BTreeMap::from([("a".to_string(), "b".into())])),
            ),
            ("ports", Value::Set(vec![80i64.into(), 443i64.into()])),
            (
                "items",
                Value::List(vec![Value::object([("v", Value::Null)])]),
            ),
            ("anything", Value::List(vec!["x".into()])),
            ("pair", Value::Tuple(vec!["a".into(), true.into()])),
        ]);
        let bytes = to_msgpack(&v, &ty).unwrap();
        assert_eq!(from_msgpack(&bytes, &ty).unwrap(), v);
    }

    #[test]
    fn a_known_map_of_unknown_values_round_trips() {
        // What a for_each over a map needs at plan: known keys, values known after apply.
        let entry = Type::Object(BTreeMap::from([
            ("name".to_string(), Type::String),
            ("content".to_string(), Type::String),
        ]));
        let ty = Type::map(entry);
        let v = Value::Map(BTreeMap::from([
            (
                "a.example.com".to_string(),
                Value::object([
                    ("name", "a.example.com".into()),
                    ("content", Value::Unknown),
                ]),
            ),
            ("b.example.com".to_string(), Value::Unknown),
        ]));
        let bytes = to_msgpack(&v, &ty).unwrap();
        assert_eq!(from_msgpack(&bytes, &ty).unwrap(), v);
    }

    #[test]
    fn encoding_emits_every_attribute_of_the_type() {
        let ty = record_type();
        let v = Value::object([("name", "www".into())]);
        let back = from_msgpack(&to_msgpack(&v, &ty).unwrap(), &ty).unwrap();
        assert_eq!(back.as_map().unwrap().len(), 8);
        assert!(back.get("ttl").unwrap().is_null());
    }

    #[test]
    fn reads_refined_unknowns_and_numbers_of_every_form() {
        // fixext1 type 12 is a refined unknown; the refinement itself is dropped.
        assert_eq!(
            from_msgpack(&[0xd4, 12, 0], &Type::String).unwrap(),
            Value::Unknown
        );
        assert_eq!(
            from_msgpack(&[0xd4, 0, 0], &Type::Number).unwrap(),
            Value::Unknown
        );
        assert_eq!(
            from_msgpack(&[0xcd, 0x01, 0x00], &Type::Number).unwrap(),
            256i64.into()
        );
        let float = to_msgpack(&Value::from(1.5), &Type::Number).unwrap();
        assert_eq!(from_msgpack(&float, &Type::Number).unwrap(), 1.5.into());
        assert_eq!(
            from_msgpack(&[0xa2, b'4', b'2'], &Type::Number).unwrap(),
            42i64.into()
        );
        assert_eq!(
            from_msgpack(&[0xff], &Type::Number).unwrap(),
            (-1i64).into()
        );
    }

    #[test]
    fn reads_dynamic_values_with_their_type() {
        let mut bytes = vec![0x92, 0xc4, 8];
        bytes.extend_from_slice(b"\"string\"");
        bytes.extend_from_slice(&[0xa2, b'h', b'i']);
        assert_eq!(from_msgpack(&bytes, &Type::Dynamic).unwrap(), "hi".into());
    }

    #[test]
    fn malformed_msgpack_is_an_error_not_a_panic() {
        let ty = record_type();
        for input in [
            &[][..],
            &[0xc1],
            &[0xdd, 0xff, 0xff, 0xff, 0xff],
            &[0x81, 0xa4, b'n', b'a', b'm', b'e'],
            &[0x81, 0xa3, b'b', b'a', b'd', 0xc0],
            &[0xa5, b'a'],
            &[0xc0, 0xc0],
        ] {
            assert!(from_msgpack(input, &ty).is_err(), "{input:?}");
        }
        for len in 0..64 {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 37 + 11) as u8).collect();
            let _ = from_msgpack(&bytes, &ty);
        }
        let deep = vec![0x91; 200];
        let mut nested = Type::String;
        for _ in 0..200 {
            nested = Type::list(nested);
        }
        assert!(from_msgpack(&deep, &nested).is_err());
    }

    #[test]
    fn json_drops_attributes_the_schema_lost_and_accepts_string_numbers() {
        let ty = record_type();
        let v = from_json(&json!({"name": "www", "ttl": "60", "gone": 1, "anything": {"type": "number", "value": 3}}), &ty).unwrap();
        assert_eq!(v.get_i64("ttl"), Some(60));
        assert_eq!(v.get_i64("anything"), Some(3));
        assert!(v.get("gone").is_none());
        assert!(v.get("enabled").unwrap().is_null());
    }

    #[test]
    fn types_round_trip_through_json() {
        let ty = record_type();
        assert_eq!(Type::from_json(&ty.to_json()).unwrap(), ty);
        assert!(Type::from_json(&json!(["object"])).is_err());
        assert_eq!(
            Type::from_json(&json!(["object", {"a": "string"}, ["a"]])).unwrap(),
            Type::Object(BTreeMap::from([("a".to_string(), Type::String)]))
        );
    }
}
