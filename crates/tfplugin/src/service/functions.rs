//! The function RPCs: the signatures (also part of GetProviderSchema) and calls. A call's
//! every failure, the provider's own included, is a `FunctionError`, which Terraform shows at
//! the call (and at the argument it names).

use super::*;
use crate::function::{argument_types, FunctionError};

/// The first diagnostic's detail: what a failed decode or encode said.
fn detail_of(diags: &Diagnostics) -> String {
    diags
        .iter()
        .next()
        .map(|d| d.detail.clone())
        .unwrap_or_default()
}

impl ProviderService {
    pub(super) async fn get_functions(
        &self,
        _req: Request<pb::get_functions::Request>,
    ) -> Result<Response<pb::get_functions::Response>, Status> {
        Ok(Response::new(pb::get_functions::Response {
            functions: self.schema_response.functions.clone(),
            diagnostics: Vec::new(),
        }))
    }

    pub(super) async fn call_function(
        &self,
        req: Request<pb::call_function::Request>,
    ) -> Result<Response<pb::call_function::Response>, Status> {
        let req = req.into_inner();
        let _log = RpcLog::new("CallFunction", &req.name);
        let (result, error) = match self.call(req).await {
            Ok(result) => (Some(result), None),
            Err(e) => (None, Some(e.to_proto())),
        };
        Ok(Response::new(pb::call_function::Response { result, error }))
    }

    async fn call(
        &self,
        req: pb::call_function::Request,
    ) -> Result<pb::DynamicValue, FunctionError> {
        let f = self.functions.get(&req.name).cloned().ok_or_else(|| {
            FunctionError::new(format!(
                "Function {:?} is not supported by this provider, which has no function of that \
                 name. This is a bug in the provider or in Terraform, please report it.",
                req.name
            ))
        })?;
        let types = argument_types(f.as_ref(), req.arguments.len())?;
        let mut args = Vec::with_capacity(types.len());
        for (i, (dv, ty)) in req.arguments.iter().zip(&types).enumerate() {
            let arg = decode(Some(dv), ty, "function argument")
                .map_err(|d| FunctionError::at_argument(i, detail_of(&d)))?;
            args.push(arg);
        }
        let name = req.name.clone();
        let result = guarded("a function call", async move { f.call(&args) })
            .await
            .map_err(|d| FunctionError::new(detail_of(&d)))??;
        let ty = self
            .functions
            .get(&name)
            .map(|f| f.return_type())
            .unwrap_or(Type::Dynamic);
        encode(&result, &ty, "function result").map_err(|d| FunctionError::new(detail_of(&d)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::function::Parameter;
    use crate::schema::Attribute;
    use async_trait::async_trait;
    use pb::provider_server::Provider as _;

    struct Funcs;

    #[async_trait]
    impl ProviderDef for Funcs {
        fn type_name(&self) -> &str {
            "f"
        }
        fn schema(&self) -> Schema {
            Schema::new(vec![Attribute::string("x").optional()])
        }
        async fn configure(
            &self,
            _ctx: &Ctx,
            _config: &Value,
        ) -> (Option<ProviderData>, Diagnostics) {
            (None, Diagnostics::default())
        }
        fn resources(&self) -> Vec<Arc<dyn Resource>> {
            Vec::new()
        }
        fn data_sources(&self) -> Vec<Arc<dyn DataSource>> {
            Vec::new()
        }
        fn functions(&self) -> Vec<Arc<dyn Function>> {
            vec![Arc::new(Repeat)]
        }
    }

    /// `repeat(text, times)`: a list of `times` copies; negative counts are argument 1's
    /// fault, 13 panics.
    struct Repeat;

    impl Function for Repeat {
        fn name(&self) -> &str {
            "repeat"
        }
        fn summary(&self) -> &str {
            "Repeats a string."
        }
        fn parameters(&self) -> Vec<Parameter> {
            vec![
                Parameter::string("text"),
                Parameter::new("times", Type::Number),
            ]
        }
        fn return_type(&self) -> Type {
            Type::list(Type::String)
        }
        fn call(&self, args: &[Value]) -> Result<Value, FunctionError> {
            let text = args[0].as_str().unwrap_or_default();
            match args[1].as_i64() {
                Some(13) => panic!("unlucky"),
                Some(n) if n >= 0 => Ok(Value::List((0..n).map(|_| Value::from(text)).collect())),
                _ => Err(FunctionError::at_argument(1, "times must be 0 or more")),
            }
        }
    }

    fn service() -> Arc<ProviderService> {
        Arc::new(ProviderService::new(Arc::new(Funcs)))
    }

    fn arg(v: Value, ty: &Type) -> pb::DynamicValue {
        pb::DynamicValue {
            msgpack: value::to_msgpack(&v, ty).unwrap(),
            json: Vec::new(),
        }
    }

    async fn call(
        svc: &Arc<ProviderService>,
        args: Vec<pb::DynamicValue>,
    ) -> pb::call_function::Response {
        svc.call_function(Request::new(pb::call_function::Request {
            name: "repeat".into(),
            arguments: args,
        }))
        .await
        .unwrap()
        .into_inner()
    }

    #[tokio::test]
    async fn schema_metadata_and_get_functions_carry_the_signature() {
        let svc = service();
        let schema = svc
            .get_provider_schema(Request::new(pb::get_provider_schema::Request {}))
            .await
            .unwrap()
            .into_inner();
        let sig = &schema.functions["repeat"];
        assert_eq!(sig.parameters[1].name, "times");
        assert_eq!(sig.parameters[1].r#type, b"\"number\"".to_vec());
        assert_eq!(
            sig.r#return.as_ref().unwrap().r#type,
            br#"["list","string"]"#.to_vec()
        );
        let listed = svc
            .get_functions(Request::new(pb::get_functions::Request {}))
            .await
            .unwrap()
            .into_inner();
        assert_eq!(listed.functions, schema.functions);
        let meta = svc
            .get_metadata(Request::new(pb::get_metadata::Request {}))
            .await
            .unwrap()
            .into_inner();
        assert_eq!(meta.functions[0].name, "repeat");
    }

    #[tokio::test]
    async fn a_call_returns_its_result_encoded_with_the_return_type() {
        let resp = call(
            &service(),
            vec![
                arg("ab".into(), &Type::String),
                arg(2i64.into(), &Type::Number),
            ],
        )
        .await;
        assert!(resp.error.is_none(), "{:?}", resp.error);
        let result =
            value::from_msgpack(&resp.result.unwrap().msgpack, &Type::list(Type::String)).unwrap();
        assert_eq!(result, Value::List(vec!["ab".into(), "ab".into()]));
    }

    #[tokio::test]
    async fn errors_name_the_argument_and_panics_and_bad_calls_are_errors_too() {
        let svc = service();
        let resp = call(
            &svc,
            vec![
                arg("a".into(), &Type::String),
                arg((-1i64).into(), &Type::Number),
            ],
        )
        .await;
        let err = resp.error.unwrap();
        assert_eq!(err.function_argument, Some(1));
        assert!(err.text.contains("0 or more"));
        assert!(resp.result.is_none());

        let panicked = call(
            &svc,
            vec![
                arg("a".into(), &Type::String),
                arg(13i64.into(), &Type::Number),
            ],
        )
        .await;
        assert!(panicked.error.unwrap().text.contains("bug in the provider"));

        let too_few = call(&svc, vec![arg("a".into(), &Type::String)]).await;
        assert!(too_few
            .error
            .unwrap()
            .text
            .contains("takes 2 argument(s); got 1"));

        let garbage = call(
            &svc,
            vec![
                arg("a".into(), &Type::String),
                pb::DynamicValue {
                    msgpack: vec![0xc1],
                    json: Vec::new(),
                },
            ],
        )
        .await;
        assert_eq!(garbage.error.unwrap().function_argument, Some(1));

        let unknown = svc
            .call_function(Request::new(pb::call_function::Request {
                name: "nope".into(),
                arguments: Vec::new(),
            }))
            .await
            .unwrap()
            .into_inner();
        let text = unknown.error.unwrap().text;
        assert!(
            text.contains("Function \"nope\" is not supported"),
            "{text}"
        );
    }
}
