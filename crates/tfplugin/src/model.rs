//! Typed models: a resource declares a Rust struct for its state, config and plan, and the
//! framework converts it to and from the wire [`Value`]. Every attribute is a [`Field`], which
//! keeps Terraform's three cases apart: null, unknown (at plan time) and known.
//!
//! ```
//! use tfplugin::{model, Field, Model, Value};
//!
//! model! {
//!     /// The state of `combell_example`.
//!     pub struct Example {
//!         id: String,
//!         name: String,
//!         ttl: i64,
//!         tags: Vec<String>,
//!     }
//! }
//!
//! let wire = Value::object([("id", Value::Null), ("name", "www".into()), ("ttl", 3600.into()),
//!     ("tags", Value::Unknown)]);
//! let example = Example::decode(&wire).unwrap();
//! assert_eq!(example.name.as_str(), Some("www"));
//! assert!(example.id.is_null() && example.tags.is_unknown());
//! assert_eq!(example.encode().get("ttl"), Some(&Value::from(3600)));
//! ```
//!
//! The attribute of a field is the field's name (`r#type` is `type`). A misspelt or missing
//! attribute cannot go unnoticed: [`Model::attribute_names`] lists them, and the provider's
//! schema tests compare that list with the schema of each type. Nested blocks are models too
//! (`Field<Vec<Nested>>`), declared with the same macro.

use std::collections::BTreeMap;

use super::diag::{AttributePath, Diagnostic, Diagnostics};
use super::value::{Number, Value};

/// One attribute of a model: null, unknown (only in plans and configurations) or known.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum Field<T> {
    #[default]
    Null,
    Unknown,
    Known(T),
}

impl<T> Field<T> {
    /// `None` for null and unknown.
    pub fn from_option(value: Option<T>) -> Self {
        value.map_or(Field::Null, Field::Known)
    }
    pub fn known(&self) -> Option<&T> {
        match self {
            Field::Known(v) => Some(v),
            _ => None,
        }
    }
    pub fn into_known(self) -> Option<T> {
        match self {
            Field::Known(v) => Some(v),
            _ => None,
        }
    }
    pub fn is_null(&self) -> bool {
        matches!(self, Field::Null)
    }
    pub fn is_unknown(&self) -> bool {
        matches!(self, Field::Unknown)
    }
    pub fn is_known(&self) -> bool {
        matches!(self, Field::Known(_))
    }
    pub fn as_ref(&self) -> Field<&T> {
        match self {
            Field::Null => Field::Null,
            Field::Unknown => Field::Unknown,
            Field::Known(v) => Field::Known(v),
        }
    }
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Field<U> {
        match self {
            Field::Null => Field::Null,
            Field::Unknown => Field::Unknown,
            Field::Known(v) => Field::Known(f(v)),
        }
    }
    /// This field unless it is null.
    pub fn or(self, other: Field<T>) -> Field<T> {
        if self.is_null() {
            other
        } else {
            self
        }
    }
    /// Sets the value, whatever the field held.
    pub fn set(&mut self, value: impl Into<T>) {
        *self = Field::Known(value.into());
    }
}

impl<T> From<T> for Field<T> {
    fn from(value: T) -> Self {
        Field::Known(value)
    }
}

impl Field<String> {
    /// The string when known.
    pub fn as_str(&self) -> Option<&str> {
        self.known().map(String::as_str)
    }
    /// The string when known and not empty.
    pub fn non_empty(&self) -> Option<&str> {
        self.as_str().filter(|s| !s.is_empty())
    }
}

impl Field<&str> {
    pub fn to_owned_field(self) -> Field<String> {
        self.map(str::to_string)
    }
}

impl<T: Copy> Field<T> {
    /// The value when known (for `bool`, `i64`, `f64`).
    pub fn get(&self) -> Option<T> {
        self.known().copied()
    }
}

impl<T> Field<Vec<T>> {
    /// The elements when known; empty when null or unknown.
    pub fn items(&self) -> &[T] {
        self.known().map_or(&[], Vec::as_slice)
    }
}

impl<T: FieldType> Field<T> {
    /// Reads the attribute `value` (`None`: absent, read as null) at `path`.
    pub fn decode_at(value: Option<&Value>, path: &AttributePath) -> Result<Self, Diagnostic> {
        match value {
            None | Some(Value::Null) => Ok(Field::Null),
            Some(Value::Unknown) => Ok(Field::Unknown),
            Some(v) => Ok(T::from_value(v, path)?.map_or(Field::Unknown, Field::Known)),
        }
    }
    /// The wire value: null, unknown, or the known value.
    pub fn encode(&self) -> Value {
        match self {
            Field::Null => Value::Null,
            Field::Unknown => Value::Unknown,
            Field::Known(v) => v.to_value(),
        }
    }
}

/// A Rust type an attribute can hold.
pub trait FieldType: Sized {
    /// Reads a value that is neither null nor unknown. `Ok(None)`: a collection holding an
    /// unknown element, which the field then reads as unknown as a whole.
    fn from_value(value: &Value, path: &AttributePath) -> Result<Option<Self>, Diagnostic>;
    fn to_value(&self) -> Value;
}

fn mismatch(path: &AttributePath, wanted: &str, got: &Value) -> Diagnostic {
    let got = match got {
        Value::Null => "null",
        Value::Unknown => "an unknown value",
        Value::Bool(_) => "a bool",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::List(_) | Value::Tuple(_) => "a list",
        Value::Set(_) => "a set",
        Value::Map(_) => "a map",
        Value::Object(_) => "an object",
    };
    Diagnostic::error(
        "Value does not match the provider's model",
        format!("Expected {wanted}, got {got}. This is a bug in the provider, please report it."),
    )
    .at(path.clone())
}

/// A collection given with a null element (`[var.unset]`): the user's to fix.
fn null_element(path: &AttributePath) -> Diagnostic {
    Diagnostic::error(
        "Null element",
        "This collection holds a null element, which the provider cannot use: remove it or \
         give it a value.",
    )
    .at(path.clone())
}

impl FieldType for String {
    fn from_value(value: &Value, path: &AttributePath) -> Result<Option<Self>, Diagnostic> {
        match value {
            Value::String(s) => Ok(Some(s.clone())),
            other => Err(mismatch(path, "a string", other)),
        }
    }
    fn to_value(&self) -> Value {
        Value::String(self.clone())
    }
}

impl FieldType for bool {
    fn from_value(value: &Value, path: &AttributePath) -> Result<Option<Self>, Diagnostic> {
        match value {
            Value::Bool(b) => Ok(Some(*b)),
            other => Err(mismatch(path, "a bool", other)),
        }
    }
    fn to_value(&self) -> Value {
        Value::Bool(*self)
    }
}

/// A number that must be whole. A fractional one is an error at its path: schemas whose
/// validation explains fractions in its own words use [`Number`] instead.
impl FieldType for i64 {
    fn from_value(value: &Value, path: &AttributePath) -> Result<Option<Self>, Diagnostic> {
        match value {
            Value::Number(n) => n.as_i64().map(Some).ok_or_else(|| {
                Diagnostic::error(
                    "Invalid number",
                    format!("Expected a whole number, got {}.", n.as_f64()),
                )
                .at(path.clone())
            }),
            other => Err(mismatch(path, "a number", other)),
        }
    }
    fn to_value(&self) -> Value {
        Value::from(*self)
    }
}

impl FieldType for f64 {
    fn from_value(value: &Value, path: &AttributePath) -> Result<Option<Self>, Diagnostic> {
        match value {
            Value::Number(n) => Ok(Some(n.as_f64())),
            other => Err(mismatch(path, "a number", other)),
        }
    }
    fn to_value(&self) -> Value {
        Value::from(*self)
    }
}

impl FieldType for Number {
    fn from_value(value: &Value, path: &AttributePath) -> Result<Option<Self>, Diagnostic> {
        match value {
            Value::Number(n) => Ok(Some(*n)),
            other => Err(mismatch(path, "a number", other)),
        }
    }
    fn to_value(&self) -> Value {
        Value::Number(*self)
    }
}

/// Any value, as it is on the wire (for `dynamic` attributes).
impl FieldType for Value {
    fn from_value(value: &Value, _path: &AttributePath) -> Result<Option<Self>, Diagnostic> {
        Ok(Some(value.clone()))
    }
    fn to_value(&self) -> Value {
        self.clone()
    }
}

/// A list or set (encoding follows the schema's type, so either fits).
impl<T: FieldType> FieldType for Vec<T> {
    fn from_value(value: &Value, path: &AttributePath) -> Result<Option<Self>, Diagnostic> {
        match value {
            Value::List(items) | Value::Set(items) | Value::Tuple(items) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    let at = path.clone().index(i64::try_from(i).unwrap_or(i64::MAX));
                    match item {
                        Value::Unknown => return Ok(None),
                        Value::Null => return Err(null_element(&at)),
                        item => match T::from_value(item, &at)? {
                            Some(v) => out.push(v),
                            None => return Ok(None),
                        },
                    }
                }
                Ok(Some(out))
            }
            other => Err(mismatch(path, "a list", other)),
        }
    }
    fn to_value(&self) -> Value {
        Value::List(self.iter().map(FieldType::to_value).collect())
    }
}

impl<T: FieldType> FieldType for BTreeMap<String, T> {
    fn from_value(value: &Value, path: &AttributePath) -> Result<Option<Self>, Diagnostic> {
        match value {
            Value::Map(entries) | Value::Object(entries) => {
                let mut out = BTreeMap::new();
                for (key, item) in entries {
                    let at = path.clone().key(key);
                    match item {
                        Value::Unknown => return Ok(None),
                        Value::Null => return Err(null_element(&at)),
                        item => match T::from_value(item, &at)? {
                            Some(v) => {
                                out.insert(key.clone(), v);
                            }
                            None => return Ok(None),
                        },
                    }
                }
                Ok(Some(out))
            }
            other => Err(mismatch(path, "a map", other)),
        }
    }
    fn to_value(&self) -> Value {
        Value::Map(
            self.iter()
                .map(|(k, v)| (k.clone(), v.to_value()))
                .collect(),
        )
    }
}

/// A struct declared with [`model!`]: one [`Field`] per attribute, in schema order.
pub trait Model: Sized {
    /// The attribute names, in declaration order.
    fn attribute_names() -> Vec<&'static str>;
    /// Reads an object value whose attributes sit below `path` (the root for a resource).
    fn decode_at(value: &Value, path: &AttributePath) -> Result<Self, Diagnostic>;
    /// The object value, every attribute present.
    fn encode(&self) -> Value;
    /// This model with every attribute that is not wholly known made null: what a create
    /// can store when it fails after the object exists.
    fn known_part(&self) -> Self;

    /// Reads a whole state, plan or configuration. A null or unknown object reads as all
    /// null or all unknown fields.
    fn decode(value: &Value) -> Result<Self, Diagnostics> {
        Self::decode_at(value, &AttributePath(Vec::new())).map_err(Diagnostics::from)
    }

    /// Like [`Model::decode`], but an object that lacks one of the model's attributes is an
    /// error too (Terraform always sends every attribute; tests use this to check that a
    /// plan or state holds an attribute, null or not).
    fn decode_complete(value: &Value) -> Result<Self, Diagnostics> {
        if let Value::Object(attrs) = value {
            let missing: Vec<&str> = Self::attribute_names()
                .into_iter()
                .filter(|name| !attrs.contains_key(*name))
                .collect();
            if !missing.is_empty() {
                return Err(Diagnostic::error(
                    "Value does not match the provider's model",
                    format!(
                        "The object lacks {}. This is a bug in the provider, please report it.",
                        missing.join(", ")
                    ),
                )
                .into());
            }
        }
        Self::decode(value)
    }
}

/// The attribute a field stands for: its name without a raw identifier's `r#`.
#[doc(hidden)]
pub fn attribute_name(field: &'static str) -> &'static str {
    field.strip_prefix("r#").unwrap_or(field)
}

#[doc(hidden)]
pub fn decode_field<T: FieldType>(
    object: &Value,
    name: &str,
    path: &AttributePath,
) -> Result<Field<T>, Diagnostic> {
    let at = if path.0.is_empty() {
        AttributePath::new(name)
    } else {
        path.clone().attr(name)
    };
    match object {
        Value::Unknown => Ok(Field::Unknown),
        _ => Field::decode_at(object.get(name), &at),
    }
}

/// Decodes a value into a model, or returns the diagnostics from the enclosing function (whose
/// result must convert from [`Diagnostics`]: `ApplyResult`, `ReadResult`, `ImportResult`,
/// `Diagnostics`): `let planned = decode!(DnsRecord, planned);`.
#[macro_export]
macro_rules! decode {
    ($model:ty, $value:expr) => {
        match <$model as $crate::Model>::decode($value) {
            ::std::result::Result::Ok(model) => model,
            ::std::result::Result::Err(diagnostics) => {
                return ::std::convert::From::from(diagnostics);
            }
        }
    };
}

/// Declares a model: a struct whose fields are attributes (`name: Type` becomes
/// `pub name: Field<Type>`), with [`Model`] and [`FieldType`] (so that it can be a nested
/// block) implemented for it.
#[macro_export]
macro_rules! model {
    (
        $(#[$meta:meta])*
        $vis:vis struct $name:ident {
            $( $(#[$fmeta:meta])* $field:ident : $ty:ty ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, Default, PartialEq)]
        $vis struct $name {
            $( $(#[$fmeta])* pub $field: $crate::Field<$ty>, )*
        }

        impl $crate::Model for $name {
            fn attribute_names() -> ::std::vec::Vec<&'static str> {
                ::std::vec![$( $crate::model::attribute_name(stringify!($field)) ),*]
            }
            fn decode_at(
                value: &$crate::Value,
                path: &$crate::AttributePath,
            ) -> ::std::result::Result<Self, $crate::Diagnostic> {
                ::std::result::Result::Ok($name {
                    $( $field: $crate::model::decode_field(
                        value,
                        $crate::model::attribute_name(stringify!($field)),
                        path,
                    )?, )*
                })
            }
            fn known_part(&self) -> Self {
                $name {
                    $( $field: if self.$field.encode().is_wholly_known() {
                        self.$field.clone()
                    } else {
                        $crate::Field::Null
                    }, )*
                }
            }
            fn encode(&self) -> $crate::Value {
                $crate::Value::object([
                    $( (
                        $crate::model::attribute_name(stringify!($field)),
                        self.$field.encode(),
                    ), )*
                ])
            }
        }

        impl $crate::FieldType for $name {
            fn from_value(
                value: &$crate::Value,
                path: &$crate::AttributePath,
            ) -> ::std::result::Result<::std::option::Option<Self>, $crate::Diagnostic> {
                <Self as $crate::Model>::decode_at(value, path).map(::std::option::Option::Some)
            }
            fn to_value(&self) -> $crate::Value {
                <Self as $crate::Model>::encode(self)
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::PathStep;

    crate::model! {
        struct Inner {
            read: String,
        }
    }

    crate::model! {
        struct Outer {
            id: String,
            r#type: String,
            ttl: i64,
            enabled: bool,
            names: Vec<String>,
            labels: BTreeMap<String, String>,
            timeouts: Vec<Inner>,
        }
    }

    #[test]
    fn round_trips_every_case() {
        let wire = Value::object([
            ("id", Value::Null),
            ("type", "A".into()),
            ("ttl", Value::Unknown),
            ("enabled", true.into()),
            ("names", Value::List(vec!["a".into(), Value::Unknown])),
            (
                "labels",
                Value::Map([("k".to_string(), Value::from("v"))].into()),
            ),
            (
                "timeouts",
                Value::List(vec![Value::object([("read", Value::Unknown)])]),
            ),
        ]);
        let outer = Outer::decode(&wire).unwrap();
        assert!(outer.id.is_null());
        assert_eq!(outer.r#type.as_str(), Some("A"));
        assert!(outer.ttl.is_unknown());
        assert_eq!(outer.enabled.get(), Some(true));
        assert!(
            outer.names.is_unknown(),
            "an unknown element makes the list unknown"
        );
        assert_eq!(outer.labels.known().map(BTreeMap::len), Some(1));
        assert!(outer.timeouts.items()[0].read.is_unknown());
        let back = outer.encode();
        assert_eq!(back.get("type"), wire.get("type"));
        assert_eq!(back.get("timeouts"), wire.get("timeouts"));
        assert_eq!(back.get("names"), Some(&Value::Unknown));
        assert_eq!(
            Outer::attribute_names(),
            ["id", "type", "ttl", "enabled", "names", "labels", "timeouts"]
        );
    }

    #[test]
    fn null_and_unknown_objects_read_as_all_null_or_unknown() {
        let null = Outer::decode(&Value::Null).unwrap();
        assert!(null.id.is_null() && null.timeouts.is_null());
        let unknown = Outer::decode(&Value::Unknown).unwrap();
        assert!(unknown.id.is_unknown() && unknown.ttl.is_unknown());
    }

    #[test]
    fn a_mismatch_names_its_path() {
        let wire = Value::object([(
            "timeouts",
            Value::List(vec![Value::object([("read", Value::from(3))])]),
        )]);
        let err = Outer::decode(&wire).unwrap_err();
        let diag = err.iter().next().unwrap();
        assert_eq!(
            diag.path.as_ref().map(|p| p.0.clone()),
            Some(vec![
                PathStep::Attribute("timeouts".into()),
                PathStep::Index(0),
                PathStep::Attribute("read".into()),
            ])
        );
        let fraction = Value::object([("ttl", Value::from(1.5))]);
        assert!(Outer::decode(&fraction).is_err());
        let null_element = Value::object([("names", Value::List(vec![Value::Null]))]);
        let err = Outer::decode(&null_element).unwrap_err();
        assert_eq!(
            err.iter().next().map(|d| d.summary.as_str()),
            Some("Null element")
        );
    }

    #[test]
    fn decode_complete_wants_every_attribute() {
        let partial = Value::object([("id", Value::Null)]);
        assert!(Outer::decode(&partial).is_ok());
        assert!(Outer::decode_complete(&partial).is_err());
        let whole = Outer::default().encode();
        assert!(Outer::decode_complete(&whole).is_ok());
    }
}
