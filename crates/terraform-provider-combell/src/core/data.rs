//! The one read path of a data source. A type that implements [`Reader`] gives its schema,
//! its typed checks and how it reads its object from Combell; [`Data`] turns that into
//! Terraform's `DataSource`: it decodes the configuration (a configuration that does not fit
//! the model is the decoder's error), looks up the configured client, calls the read, encodes
//! the state it gives, and turns a [`Failure`] into the diagnostic: an API error under the
//! summary "Unable to read <type>", or a detail of the type's own under the same summary.

use std::sync::OnceLock;

use async_trait::async_trait;

use crate::core::{api_error, client};
use combell_api::{self as api, CancellationToken, Client};
use tfplugin::{
    AttributePath, Ctx, DataSource, Diagnostic, Diagnostics, Field, Model, ReadResult, Schema,
    Value,
};

/// The parts of a data source. See the module documentation for what the core does with them.
#[async_trait]
pub(crate) trait Reader: Send + Sync + 'static {
    /// The typed configuration and state.
    type Model: Model + Send + Sync;
    /// The Terraform type name, such as `combell_linux_hostings`.
    const TYPE_NAME: &'static str;
    /// The Combell API operations the type calls, as `DataSource::api_operations` lists them.
    const API_OPERATIONS: &'static [&'static str];

    /// The schema ([`Data`] builds it once).
    fn schema(&self) -> Schema;
    /// Plan-time checks of the configuration: collect every error with its path, skip unknown
    /// values. The default checks nothing.
    fn validate(&self, _config: &Self::Model, _diags: &mut Diagnostics) {}
    /// Reads what `config` names: the state, or why there is none.
    async fn read(
        &self,
        client: &Client,
        config: Self::Model,
        cancel: &CancellationToken,
    ) -> Result<Self::Model, Failure>;
}

/// Why a read gave no state.
#[derive(Debug)]
pub(crate) enum Failure {
    /// Combell's answer, as [`api_error`] words it.
    Api(api::Error),
    /// The type's own detail, with the attribute it is about when there is one.
    Said {
        detail: String,
        at: Option<&'static str>,
    },
}

impl Failure {
    /// A detail of the type's own.
    pub(crate) fn said(detail: impl Into<String>) -> Self {
        Failure::Said {
            detail: detail.into(),
            at: None,
        }
    }
    /// A detail of the type's own about the attribute `name`.
    pub(crate) fn said_at(name: &'static str, detail: impl Into<String>) -> Self {
        Failure::Said {
            detail: detail.into(),
            at: Some(name),
        }
    }
    fn diagnostic(self, type_name: &str) -> Diagnostic {
        let summary = format!("Unable to read {type_name}");
        match self {
            Failure::Api(err) => api_error(summary, &err),
            Failure::Said { detail, at: None } => Diagnostic::error(summary, detail),
            Failure::Said {
                detail,
                at: Some(name),
            } => Diagnostic::error(summary, detail).at(AttributePath::new(name)),
        }
    }
}

impl From<api::Error> for Failure {
    fn from(err: api::Error) -> Self {
        Failure::Api(err)
    }
}

/// The text of the string attribute `name`, or the failure that says it is not known.
pub(crate) fn known<'a>(field: &'a Field<String>, name: &str) -> Result<&'a str, Failure> {
    field
        .as_str()
        .ok_or_else(|| Failure::said(format!("{name} is not known.")))
}

/// `answer`, with a 404 answer as the failure `missing` gives (the type's own words for an
/// object that is not there).
pub(crate) fn found<T>(
    answer: Result<T, api::Error>,
    missing: impl FnOnce() -> Failure,
) -> Result<T, Failure> {
    match answer {
        Err(err) if err.is_not_found() => Err(missing()),
        other => Ok(other?),
    }
}

/// Terraform's `DataSource` for a [`Reader`] type.
pub(crate) struct Data<R> {
    inner: R,
    schema: OnceLock<Schema>,
}

impl<R> Data<R> {
    pub(crate) const fn new(inner: R) -> Self {
        Data {
            inner,
            schema: OnceLock::new(),
        }
    }
}

#[async_trait]
impl<R: Reader> DataSource for Data<R> {
    fn type_name(&self) -> &str {
        R::TYPE_NAME
    }
    fn schema(&self) -> Schema {
        self.schema.get_or_init(|| self.inner.schema()).clone()
    }
    fn api_operations(&self) -> &'static [&'static str] {
        R::API_OPERATIONS
    }
    fn model_attributes(&self) -> Vec<&'static str> {
        R::Model::attribute_names()
    }
    async fn validate(&self, _ctx: &Ctx, config: &Value) -> Diagnostics {
        let config = match R::Model::decode(config) {
            Ok(config) => config,
            Err(diags) => return diags,
        };
        let mut diags = Diagnostics::default();
        self.inner.validate(&config, &mut diags);
        diags
    }
    async fn read(&self, ctx: &Ctx, config: &Value) -> ReadResult {
        let config = match R::Model::decode(config) {
            Ok(config) => config,
            Err(diags) => return ReadResult::error(diags),
        };
        let client = match client(ctx) {
            Ok(client) => client,
            Err(diag) => return ReadResult::error(diag),
        };
        match self.inner.read(&client, config, ctx.stopping()).await {
            Ok(state) => ReadResult::ok(state.encode()),
            Err(failure) => ReadResult::error(failure.diagnostic(R::TYPE_NAME)),
        }
    }
}
