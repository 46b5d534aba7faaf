//! Schemas of the provider block, resources and data sources, built in code and turned into
//! the protocol's `Schema`. Descriptions are Markdown: the registry docs are generated from them.

use std::collections::BTreeMap;

use super::proto::tfplugin6 as pb;
use super::value::{Type, Value};

/// How nested attributes or blocks repeat.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Nesting {
    Single,
    List,
    Set,
    Map,
    /// Blocks only: a single block that is always present (its attributes may be null).
    Group,
}

#[derive(Clone, Debug, PartialEq)]
pub enum AttributeType {
    Plain(Type),
    /// Nested attributes (`records = [{ ... }]`); `Group` is not valid here.
    Nested(Nesting, Vec<Attribute>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Attribute {
    pub name: String,
    pub ty: AttributeType,
    pub description: String,
    pub required: bool,
    pub optional: bool,
    pub computed: bool,
    pub sensitive: bool,
    /// Given in configuration, sent to the provider, never stored in state or plan.
    pub write_only: bool,
    pub deprecated: bool,
    /// The value a null configuration stands for; see [`PlanDefault`].
    pub default: Option<PlanDefault>,
    /// A change of this attribute replaces the object (the API cannot apply it in place).
    pub replaces: bool,
    /// Checks of a known configured value, run by the framework at validation with this
    /// attribute's path (top-level attributes; null and unknown values are skipped).
    pub validators: Vec<Validator>,
}

/// A declared check of an attribute's known, non-null configured value.
#[derive(Clone)]
pub struct Validator {
    /// What the check requires, for docs and debugging: `one of "A", "AAAA"`.
    pub describe: String,
    check: std::sync::Arc<Check>,
}

/// A validator's test: `Err(detail)` when the value is refused.
type Check = dyn Fn(&Value) -> Result<(), String> + Send + Sync;

impl std::fmt::Debug for Validator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Validator({})", self.describe)
    }
}

impl PartialEq for Validator {
    fn eq(&self, other: &Self) -> bool {
        self.describe == other.describe
    }
}

impl Validator {
    /// Any check: `Err(detail)` is the diagnostic's detail.
    pub fn custom(
        describe: &str,
        check: impl Fn(&Value) -> Result<(), String> + Send + Sync + 'static,
    ) -> Validator {
        Validator {
            describe: describe.to_string(),
            check: std::sync::Arc::new(check),
        }
    }
    /// A string that is one of `allowed` (exactly, case included).
    pub fn one_of(allowed: &[&str]) -> Validator {
        let allowed: Vec<String> = allowed.iter().map(|a| a.to_string()).collect();
        let listed = allowed
            .iter()
            .map(|a| format!("\"{a}\""))
            .collect::<Vec<_>>()
            .join(", ");
        let describe = format!("one of {listed}");
        Validator::custom(&describe.clone(), move |value| match value.as_str() {
            Some(s) if allowed.iter().any(|a| a == s) => Ok(()),
            Some(s) => Err(format!("\"{s}\" is not {describe}.")),
            None => Ok(()),
        })
    }
    /// A whole number from `min` to `max`, both included.
    pub fn int_range(min: i64, max: i64) -> Validator {
        Validator::custom(
            &format!("a whole number from {min} to {max}"),
            move |value| {
                let Some(n) = value.as_f64() else {
                    return Ok(());
                };
                match value.as_i64() {
                    Some(i) if (min..=max).contains(&i) => Ok(()),
                    _ => Err(format!("{n} is not a whole number from {min} to {max}.")),
                }
            },
        )
    }
    /// A string that `matches` accepts; `what` names the form: `a host name`.
    pub fn pattern(what: &str, matches: fn(&str) -> bool) -> Validator {
        let what = what.to_string();
        Validator::custom(&what.clone(), move |value| match value.as_str() {
            Some(s) if !matches(s) => Err(format!("\"{s}\" is not {what}.")),
            _ => Ok(()),
        })
    }
    /// Runs the check on a known, non-null value.
    pub fn check(&self, value: &Value) -> Result<(), String> {
        if value.is_null() || !value.is_wholly_known() {
            return Ok(());
        }
        (self.check)(value)
    }
}

/// What an attribute left out of the configuration means.
///
/// On an optional and computed resource attribute, [`crate::default_plan`] plans
/// the default whenever the configuration leaves the attribute null, on create and on every
/// update, so a value changed outside Terraform is planned back. On an attribute that is not
/// computed (provider configuration, `timeouts`, ephemeral resources) Terraform keeps the null
/// in plan and state; the provider uses the default when it acts.
#[derive(Clone, Debug, PartialEq)]
pub struct PlanDefault {
    pub value: Value,
    /// Only when the sibling attribute `.0` is one of the strings `.1`: null for other known
    /// values, unknown while the sibling is.
    pub only_when: Option<(String, Vec<String>)>,
}

impl PlanDefault {
    /// The planned value for an object whose configuration is `config`.
    pub fn resolve(&self, config: &Value) -> Value {
        let Some((sibling, values)) = &self.only_when else {
            return self.value.clone();
        };
        match config.get(sibling) {
            Some(Value::Unknown) => Value::Unknown,
            Some(Value::String(s)) if values.iter().any(|v| v == s) => self.value.clone(),
            _ => Value::Null,
        }
    }
}

impl Attribute {
    /// An attribute of `ty`; choose `.required()`, `.optional()` or `.computed()`.
    pub fn new(name: &str, ty: Type) -> Self {
        Attribute {
            name: name.to_string(),
            ty: AttributeType::Plain(ty),
            description: String::new(),
            required: false,
            optional: false,
            computed: false,
            sensitive: false,
            write_only: false,
            deprecated: false,
            default: None,
            replaces: false,
            validators: Vec::new(),
        }
    }
    pub fn string(name: &str) -> Self {
        Attribute::new(name, Type::String)
    }
    pub fn number(name: &str) -> Self {
        Attribute::new(name, Type::Number)
    }
    pub fn bool(name: &str) -> Self {
        Attribute::new(name, Type::Bool)
    }
    pub fn nested(name: &str, nesting: Nesting, attributes: Vec<Attribute>) -> Self {
        Attribute {
            ty: AttributeType::Nested(nesting, attributes),
            ..Attribute::new(name, Type::Dynamic)
        }
    }
    pub fn description(mut self, markdown: &str) -> Self {
        self.description = markdown.to_string();
        self
    }
    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }
    pub fn optional(mut self) -> Self {
        self.optional = true;
        self
    }
    pub fn computed(mut self) -> Self {
        self.computed = true;
        self
    }
    pub fn sensitive(mut self) -> Self {
        self.sensitive = true;
        self
    }
    /// Never stored by Terraform 1.11 and later. Also sensitive: clients without write-only
    /// support keep the value in plan and state, where it must at least be redacted.
    pub fn write_only(mut self) -> Self {
        self.write_only = true;
        self.sensitive = true;
        self
    }
    pub fn deprecated(mut self) -> Self {
        self.deprecated = true;
        self
    }
    /// A change of this attribute replaces the object; [`crate::default_plan`] reports it.
    pub fn requires_replace(mut self) -> Self {
        self.replaces = true;
        self
    }
    /// A check the framework runs on the configured value at validation (see [`Validator`]).
    pub fn validate(mut self, validator: Validator) -> Self {
        self.validators.push(validator);
        self
    }
    /// What a null configuration means (see [`PlanDefault`]). The description must say it.
    pub fn default(mut self, value: impl Into<Value>) -> Self {
        self.default = Some(PlanDefault {
            value: value.into(),
            only_when: None,
        });
        self
    }
    /// A default that applies only while the sibling attribute `sibling` is one of `values`
    /// (a record type, say); for its other values the attribute is planned null.
    pub fn default_when(mut self, value: impl Into<Value>, sibling: &str, values: &[&str]) -> Self {
        self.default = Some(PlanDefault {
            value: value.into(),
            only_when: Some((
                sibling.to_string(),
                values.iter().map(|v| v.to_string()).collect(),
            )),
        });
        self
    }

    /// The cty type of this attribute's value.
    pub fn value_type(&self) -> Type {
        match &self.ty {
            AttributeType::Plain(t) => t.clone(),
            AttributeType::Nested(nesting, attrs) => {
                let obj = Type::Object(
                    attrs
                        .iter()
                        .map(|a| (a.name.clone(), a.value_type()))
                        .collect(),
                );
                wrap(*nesting, obj)
            }
        }
    }

    fn to_proto(&self) -> pb::schema::Attribute {
        let (ty, nested_type) = match &self.ty {
            AttributeType::Plain(t) => (t.to_json_bytes(), None),
            AttributeType::Nested(nesting, attrs) => {
                use pb::schema::object::NestingMode as M;
                let mode = match nesting {
                    Nesting::Single | Nesting::Group => M::Single,
                    Nesting::List => M::List,
                    Nesting::Set => M::Set,
                    Nesting::Map => M::Map,
                };
                (
                    Vec::new(),
                    Some(pb::schema::Object {
                        attributes: attrs.iter().map(Attribute::to_proto).collect(),
                        nesting: mode as i32,
                        ..Default::default()
                    }),
                )
            }
        };
        pb::schema::Attribute {
            name: self.name.clone(),
            r#type: ty,
            nested_type,
            description: self.description.clone(),
            required: self.required,
            optional: self.optional,
            computed: self.computed,
            sensitive: self.sensitive,
            description_kind: pb::StringKind::Markdown as i32,
            deprecated: self.deprecated,
            write_only: self.write_only,
        }
    }
}

fn wrap(nesting: Nesting, obj: Type) -> Type {
    match nesting {
        Nesting::Single | Nesting::Group => obj,
        Nesting::List => Type::list(obj),
        Nesting::Set => Type::set(obj),
        Nesting::Map => Type::map(obj),
    }
}

/// A nested block (`timeouts { ... }`, `rule { ... }`).
#[derive(Clone, Debug, PartialEq)]
pub struct NestedBlock {
    pub type_name: String,
    pub nesting: Nesting,
    pub block: Block,
    pub min_items: i64,
    pub max_items: i64,
}

impl NestedBlock {
    pub fn new(type_name: &str, nesting: Nesting, block: Block) -> Self {
        NestedBlock {
            type_name: type_name.to_string(),
            nesting,
            block,
            min_items: 0,
            max_items: 0,
        }
    }
    pub fn items(mut self, min: i64, max: i64) -> Self {
        self.min_items = min;
        self.max_items = max;
        self
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Block {
    pub attributes: Vec<Attribute>,
    pub blocks: Vec<NestedBlock>,
    pub description: String,
    pub deprecated: bool,
}

impl Block {
    pub fn value_type(&self) -> Type {
        let mut attrs: BTreeMap<String, Type> = self
            .attributes
            .iter()
            .map(|a| (a.name.clone(), a.value_type()))
            .collect();
        for b in &self.blocks {
            attrs.insert(b.type_name.clone(), wrap(b.nesting, b.block.value_type()));
        }
        Type::Object(attrs)
    }

    fn to_proto(&self, version: i64) -> pb::schema::Block {
        use pb::schema::nested_block::NestingMode as M;
        pb::schema::Block {
            version,
            attributes: self.attributes.iter().map(Attribute::to_proto).collect(),
            block_types: self
                .blocks
                .iter()
                .map(|b| pb::schema::NestedBlock {
                    type_name: b.type_name.clone(),
                    block: Some(b.block.to_proto(0)),
                    nesting: match b.nesting {
                        Nesting::Single => M::Single,
                        Nesting::List => M::List,
                        Nesting::Set => M::Set,
                        Nesting::Map => M::Map,
                        Nesting::Group => M::Group,
                    } as i32,
                    min_items: b.min_items,
                    max_items: b.max_items,
                })
                .collect(),
            description: self.description.clone(),
            description_kind: pb::StringKind::Markdown as i32,
            deprecated: self.deprecated,
        }
    }
}

/// The schema of a provider block, resource or data source.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Schema {
    /// Bump when the stored state's shape changes; `Resource::upgrade_state` gets the old one.
    pub version: i64,
    pub block: Block,
}

impl Schema {
    pub fn new(attributes: Vec<Attribute>) -> Self {
        Schema {
            version: 0,
            block: Block {
                attributes,
                ..Block::default()
            },
        }
    }
    pub fn version(mut self, version: i64) -> Self {
        self.version = version;
        self
    }
    pub fn description(mut self, markdown: &str) -> Self {
        self.block.description = markdown.to_string();
        self
    }
    pub fn block(mut self, block: NestedBlock) -> Self {
        self.block.blocks.push(block);
        self
    }
    /// The object type of values of this schema.
    pub fn value_type(&self) -> Type {
        self.block.value_type()
    }
    /// A top-level attribute by name.
    pub fn attribute(&self, name: &str) -> Option<&Attribute> {
        self.block.attributes.iter().find(|a| a.name == name)
    }
    /// Runs every declared [`Validator`] of the top-level attributes on `config`, one error
    /// per failed check at the attribute's path ("Invalid <attribute>").
    pub fn validate_config(&self, config: &Value) -> crate::Diagnostics {
        let mut diags = crate::Diagnostics::default();
        for a in &self.block.attributes {
            let Some(value) = config.get(&a.name) else {
                continue;
            };
            for v in &a.validators {
                if let Err(detail) = v.check(value) {
                    diags.error_at(
                        crate::AttributePath::new(&a.name),
                        format!("Invalid {}", a.name),
                        detail,
                    );
                }
            }
        }
        diags
    }
    /// The top-level attributes declared [`Attribute::requires_replace`].
    pub fn replacing_attributes(&self) -> Vec<&str> {
        self.block
            .attributes
            .iter()
            .filter(|a| a.replaces)
            .map(|a| a.name.as_str())
            .collect()
    }
    pub(crate) fn to_proto(&self) -> pb::Schema {
        pb::Schema {
            version: self.version,
            block: Some(self.block.to_proto(self.version)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Schema {
        Schema::new(vec![
            Attribute::string("id").computed().description("The `id`."),
            Attribute::string("password")
                .optional()
                .sensitive()
                .write_only(),
            Attribute::nested(
                "records",
                Nesting::List,
                vec![Attribute::number("ttl").required()],
            ),
        ])
        .version(2)
        .block(NestedBlock::new("timeouts", Nesting::Single, Block::default()).items(0, 1))
    }

    #[test]
    fn declared_validators_report_at_their_path_and_skip_unknown_and_null() {
        let schema = Schema::new(vec![
            Attribute::string("type")
                .required()
                .validate(Validator::one_of(&["A", "MX"])),
            Attribute::number("ttl")
                .optional()
                .validate(Validator::int_range(60, 86_400)),
            Attribute::string("name")
                .optional()
                .requires_replace()
                .validate(Validator::pattern("lower case", |s| {
                    s == s.to_ascii_lowercase()
                })),
        ]);
        let config = Value::object([
            ("type", "TXT".into()),
            ("ttl", 1.5.into()),
            ("name", "WWW".into()),
        ]);
        let diags = schema.validate_config(&config);
        let paths: Vec<String> = diags
            .iter()
            .map(|d| format!("{:?}: {}", d.path, d.detail))
            .collect();
        assert_eq!(diags.iter().count(), 3, "{paths:?}");
        assert!(
            paths[0].contains("\"TXT\" is not one of \"A\", \"MX\""),
            "{paths:?}"
        );
        assert!(paths[1].contains("1.5 is not a whole number from 60 to 86400"));
        assert!(paths[2].contains("\"WWW\" is not lower case"));
        let fine = Value::object([("type", Value::Unknown), ("ttl", Value::Null)]);
        assert!(schema.validate_config(&fine).is_empty());
        assert_eq!(schema.replacing_attributes(), ["name"]);
    }

    #[test]
    fn converts_to_the_protocol_schema() {
        let p = sample().to_proto();
        assert_eq!(p.version, 2);
        let block = p.block.unwrap();
        assert_eq!(block.attributes[0].r#type, b"\"string\"".to_vec());
        assert!(block.attributes[1].write_only && block.attributes[1].sensitive);
        let nested = block.attributes[2].nested_type.as_ref().unwrap();
        assert_eq!(nested.nesting, pb::schema::object::NestingMode::List as i32);
        assert!(block.attributes[2].r#type.is_empty());
        assert_eq!(block.block_types[0].max_items, 1);
        assert_eq!(
            block.attributes[0].description_kind,
            pb::StringKind::Markdown as i32
        );
    }

    #[test]
    fn value_type_covers_attributes_and_blocks() {
        let Type::Object(attrs) = sample().value_type() else {
            panic!("not an object")
        };
        assert_eq!(attrs.len(), 4);
        assert!(matches!(attrs["records"], Type::List(_)));
        assert!(matches!(attrs["timeouts"], Type::Object(_)));
    }
}
