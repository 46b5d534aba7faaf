//! The tfplugin value codec: msgpack and JSON from Terraform, decoded against the schema type of
//! every resource, data source and the provider (plus dynamic and a few composite types).
//! A value that decodes must encode again, and its encoding must decode.
#![no_main]

use std::sync::OnceLock;

use tfplugin::{from_json, from_msgpack, to_msgpack, ProviderDef, Type};
use libfuzzer_sys::fuzz_target;

fn types() -> &'static [Type] {
    static TYPES: OnceLock<Vec<Type>> = OnceLock::new();
    TYPES.get_or_init(|| {
        let provider = terraform_provider_combell::provider::provider();
        let mut types = vec![
            provider.schema().value_type(),
            Type::Dynamic,
            Type::String,
            Type::Number,
            Type::list(Type::Dynamic),
            Type::Map(Box::new(Type::Number)),
            Type::Set(Box::new(Type::String)),
            Type::Tuple(vec![Type::String, Type::Bool, Type::Dynamic]),
        ];
        types.extend(provider.resources().iter().map(|r| r.schema().value_type()));
        types.extend(provider.data_sources().iter().map(|d| d.schema().value_type()));
        types
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let types = types();
    let ty = &types[usize::from(selector >> 1) % types.len()];
    if selector & 1 == 0 {
        if let Ok(value) = from_msgpack(rest, ty) {
            let encoded = to_msgpack(&value, ty).expect("a decoded value encodes again");
            from_msgpack(&encoded, ty).expect("an encoded value decodes");
        }
    } else if let Ok(json) = serde_json::from_slice::<serde_json::Value>(rest) {
        let _ = from_json(&json, ty);
    }
});
