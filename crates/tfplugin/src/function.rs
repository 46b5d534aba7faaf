//! Provider-defined functions (Terraform 1.8+, `provider::<name>::<function>(...)`): what a
//! provider implements ([`Function`]) and how its signature travels in GetProviderSchema and
//! GetFunctions.
//!
//! Functions are pure: Terraform may call them before the provider is configured (and in a
//! provider process that is never configured), so they get their arguments and nothing else.
//! Terraform checks the argument count and types against the signature before it calls, and
//! without `allow_null`/`allow_unknown` it never passes a null or unknown argument (an unknown
//! one makes the result unknown without a call).

use super::proto::tfplugin6 as pb;
use super::value::{Type, Value};

/// One parameter of a function.
#[derive(Clone, Debug, PartialEq)]
pub struct Parameter {
    pub name: String,
    pub ty: Type,
    /// Markdown.
    pub description: String,
    /// Whether `null` may be passed; otherwise Terraform refuses it before calling.
    pub allow_null: bool,
    /// Whether an unknown value may be passed; otherwise Terraform returns an unknown result
    /// without calling.
    pub allow_unknown: bool,
}

impl Parameter {
    pub fn new(name: &str, ty: Type) -> Self {
        Parameter {
            name: name.to_string(),
            ty,
            description: String::new(),
            allow_null: false,
            allow_unknown: false,
        }
    }
    pub fn string(name: &str) -> Self {
        Parameter::new(name, Type::String)
    }
    pub fn description(mut self, description: &str) -> Self {
        self.description = description.to_string();
        self
    }
    pub fn allow_null(mut self) -> Self {
        self.allow_null = true;
        self
    }
    pub fn allow_unknown(mut self) -> Self {
        self.allow_unknown = true;
        self
    }

    fn to_proto(&self) -> pb::function::Parameter {
        pb::function::Parameter {
            name: self.name.clone(),
            r#type: self.ty.to_json_bytes(),
            allow_null_value: self.allow_null,
            allow_unknown_values: self.allow_unknown,
            description: self.description.clone(),
            description_kind: pb::StringKind::Markdown as i32,
        }
    }
}

/// Why a call failed. Terraform shows `text` at the call, and with `argument` at that
/// argument (0-based, counting variadic arguments on from the last fixed parameter).
#[derive(Clone, Debug, PartialEq)]
pub struct FunctionError {
    pub text: String,
    pub argument: Option<usize>,
}

impl FunctionError {
    /// An error of the call as a whole.
    pub fn new(text: impl Into<String>) -> Self {
        FunctionError {
            text: text.into(),
            argument: None,
        }
    }
    /// An error caused by the argument at `index` (0-based).
    pub fn at_argument(index: usize, text: impl Into<String>) -> Self {
        FunctionError {
            text: text.into(),
            argument: Some(index),
        }
    }

    pub(crate) fn to_proto(&self) -> pb::FunctionError {
        pb::FunctionError {
            text: self.text.clone(),
            function_argument: self.argument.and_then(|i| i64::try_from(i).ok()),
        }
    }
}

impl std::fmt::Display for FunctionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.argument {
            Some(i) => write!(f, "argument {i}: {}", self.text),
            None => f.write_str(&self.text),
        }
    }
}

impl std::error::Error for FunctionError {}

pub trait Function: Send + Sync + 'static {
    /// The name after `provider::<provider>::`, e.g. `zone_file`.
    fn name(&self) -> &str;
    /// One line, shown by editors and the registry.
    fn summary(&self) -> &str;
    /// Markdown.
    fn description(&self) -> &str {
        ""
    }
    fn parameters(&self) -> Vec<Parameter>;
    /// Takes any number of further arguments of one type.
    fn variadic_parameter(&self) -> Option<Parameter> {
        None
    }
    fn return_type(&self) -> Type;
    /// Set for a function about to be removed; Terraform warns at each call.
    fn deprecation_message(&self) -> &str {
        ""
    }
    /// `args` holds one value per parameter, in order, then the variadic ones, each of its
    /// parameter's type. The result must be of [`Function::return_type`].
    fn call(&self, args: &[Value]) -> Result<Value, FunctionError>;
}

/// The signature as GetProviderSchema and GetFunctions carry it.
pub(crate) fn signature(f: &dyn Function) -> pb::Function {
    pb::Function {
        parameters: f.parameters().iter().map(Parameter::to_proto).collect(),
        variadic_parameter: f.variadic_parameter().as_ref().map(Parameter::to_proto),
        r#return: Some(pb::function::Return {
            r#type: f.return_type().to_json_bytes(),
        }),
        summary: f.summary().to_string(),
        description: f.description().to_string(),
        description_kind: pb::StringKind::Markdown as i32,
        deprecation_message: f.deprecation_message().to_string(),
    }
}

/// The type each of `count` arguments must have, or why the count is wrong.
pub(crate) fn argument_types(f: &dyn Function, count: usize) -> Result<Vec<Type>, FunctionError> {
    let fixed = f.parameters();
    let variadic = f.variadic_parameter();
    if count < fixed.len() || (variadic.is_none() && count > fixed.len()) {
        let expected = match variadic {
            Some(_) => format!("at least {}", fixed.len()),
            None => fixed.len().to_string(),
        };
        return Err(FunctionError::new(format!(
            "Function {:?} takes {expected} argument(s); got {count}.",
            f.name()
        )));
    }
    let mut types: Vec<Type> = fixed.into_iter().map(|p| p.ty).collect();
    if let Some(v) = variadic {
        types.resize(count, v.ty);
    }
    Ok(types)
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Join;

    impl Function for Join {
        fn name(&self) -> &str {
            "join"
        }
        fn summary(&self) -> &str {
            "Joins strings."
        }
        fn parameters(&self) -> Vec<Parameter> {
            vec![Parameter::string("separator").description("Put between parts.")]
        }
        fn variadic_parameter(&self) -> Option<Parameter> {
            Some(Parameter::string("parts").allow_null())
        }
        fn return_type(&self) -> Type {
            Type::String
        }
        fn call(&self, args: &[Value]) -> Result<Value, FunctionError> {
            let sep = args[0].as_str().unwrap_or_default();
            let parts: Vec<&str> = args[1..].iter().filter_map(Value::as_str).collect();
            Ok(parts.join(sep).into())
        }
    }

    #[test]
    fn the_signature_carries_types_descriptions_and_flags() {
        let sig = signature(&Join);
        assert_eq!(sig.parameters.len(), 1);
        assert_eq!(sig.parameters[0].name, "separator");
        assert_eq!(sig.parameters[0].r#type, b"\"string\"".to_vec());
        assert_eq!(sig.parameters[0].description, "Put between parts.");
        assert!(!sig.parameters[0].allow_null_value);
        let variadic = sig.variadic_parameter.expect("variadic");
        assert!(variadic.allow_null_value);
        assert_eq!(sig.r#return.expect("return").r#type, b"\"string\"".to_vec());
        assert_eq!(sig.summary, "Joins strings.");
        assert_eq!(sig.description_kind, pb::StringKind::Markdown as i32);
    }

    #[test]
    fn argument_counts_follow_fixed_and_variadic_parameters() {
        assert!(argument_types(&Join, 0).is_err());
        assert_eq!(argument_types(&Join, 1).unwrap(), vec![Type::String]);
        assert_eq!(argument_types(&Join, 3).unwrap().len(), 3);
        struct Fixed;
        impl Function for Fixed {
            fn name(&self) -> &str {
                "fixed"
            }
            fn summary(&self) -> &str {
                ""
            }
            fn parameters(&self) -> Vec<Parameter> {
                vec![Parameter::string("a")]
            }
            fn return_type(&self) -> Type {
                Type::String
            }
            fn call(&self, args: &[Value]) -> Result<Value, FunctionError> {
                Ok(args[0].clone())
            }
        }
        let err = argument_types(&Fixed, 2).unwrap_err();
        assert!(err.text.contains("takes 1 argument(s); got 2"), "{err}");
        assert_eq!(err.argument, None);
    }

    #[test]
    fn errors_name_their_argument_on_the_wire() {
        let e = FunctionError::at_argument(1, "bad origin").to_proto();
        assert_eq!(e.function_argument, Some(1));
        assert_eq!(FunctionError::new("x").to_proto().function_argument, None);
    }
}
