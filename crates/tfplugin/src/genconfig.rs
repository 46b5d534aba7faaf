//! The configuration `terraform plan -generate-config-out` (and `terraform query
//! -generate-config-out`) writes for an object (GenerateResourceConfig, Terraform 1.14+).
//!
//! Without it Terraform copies every required and optional attribute from the state, derived
//! and default values included, which gives a file the user has to edit before it is the
//! configuration they would have written. [`generated_config`] makes that configuration from
//! the schema; [`crate::Resource::trim_generated_config`] then cuts what only the type knows
//! is derived.

use std::collections::BTreeMap;

use super::schema::{Attribute, AttributeType, Block, NestedBlock, Nesting, Schema};
use super::value::Value;

/// The configuration a user would write for the object `state` describes, as a value of the
/// schema's type (every attribute present, most of them null). Kept: required attributes, and
/// optional ones that are set and differ from their declared default ([`Attribute::default`],
/// resolved against the object's other values). Null: computed-only, write-only and deprecated
/// attributes, unknown values, and single nested blocks (`timeouts`) left with nothing set.
/// The same rules apply inside nested attributes and blocks.
pub fn generated_config(schema: &Schema, state: &Value) -> Value {
    if !matches!(state, Value::Object(_)) {
        return Value::Null;
    }
    block_config(&schema.block, state)
}

fn block_config(block: &Block, state: &Value) -> Value {
    Value::Object(
        attributes_config(&block.attributes, state)
            .into_iter()
            .chain(block.blocks.iter().map(|b| {
                let value = state.get(&b.type_name).unwrap_or(&Value::Null);
                (b.type_name.clone(), nested_block_config(b, value))
            }))
            .collect(),
    )
}

fn attributes_config(attrs: &[Attribute], object: &Value) -> BTreeMap<String, Value> {
    attrs
        .iter()
        .map(|a| {
            let value = object.get(&a.name).unwrap_or(&Value::Null);
            (a.name.clone(), attribute_config(a, value, object))
        })
        .collect()
}

/// One attribute's configured value; `siblings` is the object holding it (a default may
/// depend on another attribute of it).
fn attribute_config(a: &Attribute, value: &Value, siblings: &Value) -> Value {
    let settable = a.required || a.optional;
    if !settable || a.write_only || a.deprecated || value.is_null() || !value.is_wholly_known() {
        return Value::Null;
    }
    if !a.required {
        if let Some(default) = &a.default {
            if same_value(&default.resolve(siblings), value) {
                return Value::Null;
            }
        }
    }
    match &a.ty {
        AttributeType::Plain(_) => value.clone(),
        AttributeType::Nested(nesting, attrs) => each_object(*nesting, value, &|item| {
            Value::Object(attributes_config(attrs, item))
        }),
    }
}

fn nested_block_config(b: &NestedBlock, value: &Value) -> Value {
    if value.is_null() || value.is_unknown() {
        return Value::Null;
    }
    let config = each_object(b.nesting, value, &|item| block_config(&b.block, item));
    // A `timeouts { }` with nothing in it says nothing; a group block is always there.
    if b.nesting == Nesting::Single && all_null(&config) {
        return Value::Null;
    }
    config
}

/// `f` applied to each object of a nested value: the value itself for single nesting, every
/// element of a list or set, every entry of a map.
fn each_object(nesting: Nesting, value: &Value, f: &dyn Fn(&Value) -> Value) -> Value {
    match (nesting, value) {
        (_, Value::Null | Value::Unknown) => Value::Null,
        (Nesting::Single | Nesting::Group, v) => f(v),
        (Nesting::List, Value::List(items) | Value::Set(items)) => {
            Value::List(items.iter().map(f).collect())
        }
        (Nesting::Set, Value::List(items) | Value::Set(items)) => {
            Value::Set(items.iter().map(f).collect())
        }
        (Nesting::Map, Value::Map(m) | Value::Object(m)) => {
            Value::Map(m.iter().map(|(k, v)| (k.clone(), f(v))).collect())
        }
        (_, other) => other.clone(),
    }
}

fn all_null(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Object(m) => m.values().all(all_null),
        _ => false,
    }
}

/// Equality that holds `3600` and `3600.0` for the same number.
fn same_value(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(x), Some(y)) => x == y,
            _ => x.as_f64() == y.as_f64(),
        },
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{Block, NestedBlock};
    use crate::value::Number;

    fn schema() -> Schema {
        Schema::new(vec![
            Attribute::string("id").computed(),
            Attribute::string("zone").required(),
            Attribute::string("type").required(),
            Attribute::number("ttl")
                .optional()
                .computed()
                .default(3600i64),
            Attribute::number("priority")
                .optional()
                .computed()
                .default_when(10i64, "type", &["MX"]),
            Attribute::string("comment").optional(),
            Attribute::string("note").optional(),
            Attribute::string("old").optional().deprecated(),
            Attribute::string("password").optional().write_only(),
            Attribute::string("token").optional().sensitive(),
            Attribute::nested(
                "forward",
                Nesting::Single,
                vec![
                    Attribute::bool("enabled")
                        .optional()
                        .computed()
                        .default(false),
                    Attribute::string("to").optional(),
                    Attribute::number("count").computed(),
                ],
            )
            .optional(),
            Attribute::nested(
                "entries",
                Nesting::List,
                vec![
                    Attribute::string("name").required(),
                    Attribute::string("id").computed(),
                ],
            )
            .optional(),
        ])
        .block(NestedBlock::new(
            "timeouts",
            Nesting::Single,
            Block {
                attributes: vec![Attribute::string("create").optional()],
                ..Block::default()
            },
        ))
    }

    fn state() -> Value {
        Value::object([
            ("id", "7".into()),
            ("zone", "example.com".into()),
            ("type", "MX".into()),
            ("ttl", Value::Number(Number::Float(3600.0))),
            ("priority", 10i64.into()),
            ("comment", "kept".into()),
            ("note", Value::Null),
            ("old", "legacy".into()),
            ("password", Value::Null),
            ("token", "t".into()),
            (
                "forward",
                Value::object([
                    ("enabled", true.into()),
                    ("to", "a@example.org".into()),
                    ("count", 3i64.into()),
                ]),
            ),
            (
                "entries",
                Value::List(vec![Value::object([
                    ("name", "a".into()),
                    ("id", "e1".into()),
                ])]),
            ),
            ("timeouts", Value::object([("create", Value::Null)])),
        ])
    }

    #[test]
    fn keeps_what_a_user_writes_and_nothing_else() {
        let config = generated_config(&schema(), &state());
        let expected = Value::object([
            ("id", Value::Null),
            ("zone", "example.com".into()),
            ("type", "MX".into()),
            // Equal to their defaults (3600.0 is 3600; 10 is the default of an MX record).
            ("ttl", Value::Null),
            ("priority", Value::Null),
            ("comment", "kept".into()),
            ("note", Value::Null),
            ("old", Value::Null),
            ("password", Value::Null),
            ("token", "t".into()),
            (
                "forward",
                Value::object([
                    ("enabled", true.into()),
                    ("to", "a@example.org".into()),
                    ("count", Value::Null),
                ]),
            ),
            (
                "entries",
                Value::List(vec![Value::object([
                    ("name", "a".into()),
                    ("id", Value::Null),
                ])]),
            ),
            ("timeouts", Value::Null),
        ]);
        assert_eq!(config, expected);
    }

    #[test]
    fn values_other_than_the_default_are_kept() {
        let mut state = state();
        state.set("type", "A");
        state.set("ttl", 60i64);
        state.set("timeouts", Value::object([("create", "1h".into())]));
        state.set(
            "forward",
            Value::object([
                ("enabled", false.into()),
                ("to", Value::Null),
                ("count", 0i64.into()),
            ]),
        );
        let config = generated_config(&schema(), &state);
        assert_eq!(config.get_i64("ttl"), Some(60));
        // 10 is no default for an A record.
        assert_eq!(config.get_i64("priority"), Some(10));
        assert_eq!(
            config.get("timeouts"),
            Some(&Value::object([("create", "1h".into())]))
        );
        let forward = config.get("forward").cloned().unwrap_or_default();
        assert!(forward.get("enabled").is_some_and(Value::is_null));
        assert!(forward.get("to").is_some_and(Value::is_null));
    }

    #[test]
    fn unknown_and_missing_values_become_null() {
        let mut state = state();
        state.set("comment", Value::Unknown);
        state.set("entries", Value::Unknown);
        if let Value::Object(m) = &mut state {
            m.remove("note");
        }
        let config = generated_config(&schema(), &state);
        assert!(config.get("comment").is_some_and(Value::is_null));
        assert!(config.get("entries").is_some_and(Value::is_null));
        assert!(config.get("note").is_some_and(Value::is_null));
        assert!(generated_config(&schema(), &Value::Null).is_null());
    }

    #[test]
    fn the_result_encodes_with_the_schema_type() {
        let ty = schema().value_type();
        let config = generated_config(&schema(), &state());
        let bytes = crate::value::to_msgpack(&config, &ty).expect("encodes");
        assert_eq!(crate::value::from_msgpack(&bytes, &ty).ok(), Some(config));
    }
}
