//! What the list resources for `terraform query` (Terraform 1.14+) share. Each list resource
//! (`<area>/<name>_list.rs`, e.g. `dns/record_list.rs` lists `combell_dns_record`) sends, per object
//! found, a display name and a state: the full state when the listing call already returns
//! everything the resource's read would (DNS records, MySQL databases), else what import
//! produces, which the framework completes through the resource's read when Terraform asks
//! for the objects (`include_resource = true`, and always for `-generate-config-out`).

use async_trait::async_trait;
use combell_api::{Client, LinuxHostingDetail};
use tfplugin::{
    Attribute, AttributePath, Ctx, Diagnostic, Diagnostics, ListItem, ListRequest, ListResource,
    ListSink, Model, Resource, Schema, Value,
};

use crate::core::rules::{self, HostRules};
use crate::core::{api_error, client};

/// One object as a list item: the partial state the resource's import makes of `import_id`.
async fn imported_item(
    resource: &dyn Resource,
    ctx: &Ctx,
    import_id: String,
    display_name: String,
) -> Result<ListItem, Diagnostic> {
    let imported = resource.import(ctx, &import_id).await;
    let Some(state) = imported.state else {
        let detail = imported
            .diagnostics
            .iter()
            .map(|d| d.detail.clone())
            .collect::<Vec<_>>()
            .join(" ");
        return Err(Diagnostic::error(
            format!("Unable to list {}", resource.type_name()),
            format!(
                "Combell listed {display_name:?}, which this provider cannot name: {detail} \
                 This is a bug in the provider, please report it."
            ),
        ));
    };
    Ok(ListItem {
        display_name,
        state,
        complete: false,
    })
}

/// A list resource in the few lines that differ between types: which resource it lists, its
/// filters and how to find the objects. [`Listed`] turns it into a [`ListResource`] that
/// validates the filters, finds the objects and streams each, named by its import ID, through
/// [`Found`]: the partial state is what the resource's own import makes, completed by its read
/// when Terraform wants the objects.
#[async_trait]
pub(crate) trait Lister: Send + Sync + 'static {
    /// The list's description (what it lists, and how far the filters narrow it).
    const DESCRIPTION: &'static str;
    /// The filters of the `config` block, all optional, among [`Filter`]'s.
    const FILTERS: &'static [Filter];
    /// The API operations the listing calls (besides the resource's read).
    const API_OPERATIONS: &'static [&'static str];
    /// The resource type listed.
    fn resource(&self) -> &'static dyn Resource;
    /// Filters of this list alone, with their own descriptions, after those of
    /// [`Lister::FILTERS`] in the schema; `find` reads them with [`Filters::own`]. None by default.
    fn own_filters(&self) -> Vec<Attribute> {
        Vec::new()
    }
    /// The plan-time checks of [`Lister::own_filters`], after the shared filters' checks.
    fn check(&self, _config: &Value) -> Diagnostics {
        Diagnostics::default()
    }
    /// Finds the objects, sending each to `found` and stopping as soon as it says so.
    async fn find(&self, client: &Client, filters: &Filters, found: &mut Found<'_>) -> FindResult;
}

/// What [`Lister::find`] ends with: `Ok` also when [`Found::send`] asked it to stop.
pub(crate) type FindResult = Result<(), ListError>;

/// Why a listing failed.
pub(crate) enum ListError {
    Api(combell_api::Error),
    Diagnostic(Diagnostic),
}

impl From<combell_api::Error> for ListError {
    fn from(err: combell_api::Error) -> Self {
        ListError::Api(err)
    }
}

/// The filters lists share, each with its one meaning everywhere.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Filter {
    /// `account_id`: the Combell account whose objects are listed.
    AccountId,
    /// `account_id`, described by what is listed (`"databases"`): as [`Filter::AccountId`].
    AccountIdOf(&'static str),
    /// `domain_name`: the domain (zone, mail zone or hosting) whose objects are listed.
    DomainName(&'static str),
    /// `database_name`: the MySQL database whose users are listed.
    DatabaseName,
}

impl Filter {
    fn attribute(self) -> Attribute {
        match self {
            Filter::AccountId => Attribute::number("account_id").optional().description(
                "Only the objects of this Combell account, such as `1001`. Left out, those of \
                 every account.",
            ),
            Filter::AccountIdOf(what) => {
                Attribute::number("account_id")
                    .optional()
                    .description(&format!(
                    "Only the {what} of this Combell account, such as `1001`. Left out, those of \
                     every account."
                ))
            }
            Filter::DomainName("domain") => {
                Attribute::string("domain_name").optional().description(
                    "Only this domain, such as `example.com`. Left out, every domain of the \
                     reseller account.",
                )
            }
            Filter::DomainName(what) => {
                Attribute::string("domain_name")
                    .optional()
                    .description(&format!(
                        "Only the objects of this {what}, such as `example.com`. Left out, those \
                     of every {what} of the reseller account; a domain without one has \
                     nothing to list."
                    ))
            }
            Filter::DatabaseName => Attribute::string("database_name").optional().description(
                "Only the users of this MySQL database, by its real name with the account \
                 prefix, such as `ID1001_shop`. Left out, the users of every database.",
            ),
        }
    }
}

/// The values of a list's filters; `None` when left out.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Filters {
    pub account_id: Option<i64>,
    /// Lower case, without a final dot.
    pub domain_name: Option<String>,
    pub database_name: Option<String>,
    /// The whole `config` block, for [`Filters::own`].
    config: Value,
}

impl Filters {
    fn read(config: &Value) -> Filters {
        let text = |name: &str| {
            config
                .get_str(name)
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
        };
        Filters {
            account_id: config.get_i64("account_id"),
            domain_name: text("domain_name").map(|d| d.trim_end_matches('.').to_ascii_lowercase()),
            database_name: text("database_name"),
            config: config.clone(),
        }
    }

    /// The configuration as the list's own model, for its [`Lister::own_filters`].
    pub fn own<M: Model>(&self) -> Result<M, ListError> {
        M::decode_at(&self.config, &AttributePath(Vec::new())).map_err(ListError::Diagnostic)
    }

    /// Whether `domain` passes the `domain_name` filter.
    pub fn wants_domain(&self, domain: &str) -> bool {
        self.domain_name
            .as_deref()
            .is_none_or(|d| d.eq_ignore_ascii_case(domain.trim_end_matches('.')))
    }
}

/// Where a [`Lister`] sends what it finds.
pub(crate) struct Found<'a> {
    resource: &'a dyn Resource,
    ctx: &'a Ctx,
    out: &'a ListSink,
    stopped: bool,
}

impl Found<'_> {
    /// Sends one object by its import ID. `Ok(false)`: stop, Terraform has enough.
    pub async fn send(
        &mut self,
        import_id: impl Into<String>,
        display_name: impl Into<String>,
    ) -> Result<bool, ListError> {
        if self.stopped {
            return Ok(false);
        }
        let item = imported_item(
            self.resource,
            self.ctx,
            import_id.into(),
            display_name.into(),
        )
        .await
        .map_err(ListError::Diagnostic)?;
        self.stopped = !self.out.send(item).await;
        Ok(!self.stopped)
    }

    /// Sends one object whose listing holds everything the resource's read would: its full
    /// state. `Ok(false)`: stop, Terraform has enough.
    pub async fn send_state(
        &mut self,
        display_name: impl Into<String>,
        state: Value,
    ) -> Result<bool, ListError> {
        if !self.stopped {
            let item = ListItem {
                display_name: display_name.into(),
                state,
                complete: true,
            };
            self.stopped = !self.out.send(item).await;
        }
        Ok(!self.stopped)
    }

    /// Sends each object, as [`Found::send`] does, until Terraform has enough (`Ok(false)`).
    pub async fn send_all(
        &mut self,
        objects: impl IntoIterator<Item = (String, String)>,
    ) -> Result<bool, ListError> {
        for (import_id, display_name) in objects {
            if !self.send(import_id, display_name).await? {
                return Ok(false);
            }
        }
        Ok(!self.stopped)
    }

    /// The cancellation of the listing (Ctrl-C), for the API calls.
    pub fn stopping(&self) -> &combell_api::CancellationToken {
        self.ctx.stopping()
    }
}

/// A [`Lister`] as the framework's [`ListResource`].
pub(crate) struct Listed<L>(pub L);

#[async_trait]
impl<L: Lister> ListResource for Listed<L> {
    fn type_name(&self) -> &str {
        self.0.resource().type_name()
    }

    fn schema(&self) -> Schema {
        let mut attributes: Vec<Attribute> =
            L::FILTERS.iter().copied().map(Filter::attribute).collect();
        attributes.extend(self.0.own_filters());
        Schema::new(attributes).description(L::DESCRIPTION)
    }

    fn api_operations(&self) -> &'static [&'static str] {
        L::API_OPERATIONS
    }

    async fn validate(&self, _ctx: &Ctx, config: &Value) -> Diagnostics {
        let mut diags = Diagnostics::default();
        for &filter in L::FILTERS {
            match filter {
                Filter::AccountId | Filter::AccountIdOf(_) => {
                    if let Some(n) = config.get_known("account_id") {
                        if let Err(detail) = rules::positive_id(
                            n,
                            "account_id",
                            " (data.combell_accounts lists the ids)",
                        ) {
                            diags.error_at(
                                AttributePath::new("account_id"),
                                "Invalid account id",
                                detail,
                            );
                        }
                    }
                }
                Filter::DomainName(_) => {
                    if let Some(domain) = config.get_str("domain_name") {
                        let domain = domain.trim().trim_end_matches('.');
                        let problem = if domain.is_empty() {
                            Some("Set domain_name to a domain, such as \"example.com\", or leave it out to list every one.".to_string())
                        } else {
                            rules::host_name(domain, HostRules::FULL_NAME).err()
                        };
                        if let Some(detail) = problem {
                            diags.error_at(
                                AttributePath::new("domain_name"),
                                "Invalid domain name",
                                detail,
                            );
                        }
                    }
                }
                Filter::DatabaseName => {
                    if config
                        .get_str("database_name")
                        .is_some_and(|d| d.trim().is_empty())
                    {
                        diags.error_at(
                            AttributePath::new("database_name"),
                            "Empty database name",
                            "Set database_name to a database's real name, such as \"ID1001_shop\", or leave it out to list every database's users.",
                        );
                    }
                }
            }
        }
        diags.extend(self.0.check(config));
        diags
    }

    async fn list(&self, ctx: &Ctx, req: ListRequest, out: &ListSink) -> Diagnostics {
        let summary = format!("Unable to list {}", self.type_name());
        let client = match client(ctx) {
            Ok(c) => c,
            Err(d) => return d.into(),
        };
        let filters = Filters::read(&req.config);
        let mut found = Found {
            resource: self.0.resource(),
            ctx,
            out,
            stopped: false,
        };
        match self.0.find(&client, &filters, &mut found).await {
            Ok(()) => Diagnostics::default(),
            Err(ListError::Api(err)) => api_error(summary, &err).into(),
            Err(ListError::Diagnostic(d)) => d.into(),
        }
    }
}

/// `Ok(None)` for an answer that says the object does not exist (404): a parent without
/// children of the listed kind, or one deleted while the listing ran.
pub(crate) fn unless_missing<T>(
    result: Result<T, combell_api::Error>,
) -> Result<Option<T>, combell_api::Error> {
    match result {
        Ok(t) => Ok(Some(t)),
        Err(err) if err.is_not_found() => Ok(None),
        Err(err) => Err(err),
    }
}

/// The domains of the reseller's Linux hostings that pass the filter (`GET /linuxhostings`,
/// every page, unless the filter names one), in order.
pub(crate) async fn linux_hosting_domains(
    client: &Client,
    filters: &Filters,
    cancel: &combell_api::CancellationToken,
) -> Result<Vec<String>, combell_api::Error> {
    if let Some(domain) = &filters.domain_name {
        return Ok(vec![domain.clone()]);
    }
    let mut domains: Vec<String> = client
        .list_linux_hostings(cancel)
        .await?
        .into_iter()
        .map(|h| h.domain_name.to_ascii_lowercase())
        .collect();
    domains.sort();
    domains.dedup();
    Ok(domains)
}

/// Finds, for each Linux hosting that passes the filter (`GET /linuxhostings`, then
/// `GET /linuxhostings/{domain}` each), the objects `objects` names in its detail, and sends
/// them; a hosting gone meanwhile has none.
pub(crate) async fn per_linux_hosting(
    client: &Client,
    filters: &Filters,
    found: &mut Found<'_>,
    objects: impl Fn(&str, &LinuxHostingDetail) -> Vec<(String, String)> + Send + Sync,
) -> FindResult {
    for domain in linux_hosting_domains(client, filters, found.stopping()).await? {
        let Some(hosting) =
            unless_missing(client.get_linux_hosting(&domain, found.stopping()).await)?
        else {
            continue;
        };
        if !found.send_all(objects(&domain, &hosting)).await? {
            break;
        }
    }
    Ok(())
}

/// The check of a required `domain_name` filter that names one zone or domain: an empty one
/// reads `empty` (what to set it to), any other must be a full host name.
pub(crate) fn check_named_domain(config: &Value, empty: &str, diags: &mut Diagnostics) {
    let Some(domain) = config.get_str("domain_name").map(str::trim) else {
        return;
    };
    let path = AttributePath::new("domain_name");
    if domain.is_empty() {
        diags.error_at(path, "Empty domain name", empty);
    } else if let Err(detail) = rules::host_name(domain, HostRules::FULL_NAME) {
        diags.error_at(path, "Invalid domain name", detail);
    }
}

/// An identity schema of string attributes, each required for import, in import ID order.
pub(crate) fn identity_schema(attributes: &[(&str, &str)]) -> tfplugin::IdentitySchema {
    tfplugin::IdentitySchema::new(
        attributes
            .iter()
            .map(|(name, description)| tfplugin::IdentityAttribute::string(name, description))
            .collect(),
    )
}

/// The identity of `state` for a type whose identity is made of names Combell compares without
/// case (domains, host names, e-mail addresses, fingerprints): each identity attribute from the
/// state attribute of the same name, in lower case and without a final dot, so that it does not
/// change with the spelling of the configuration. `None` until all are set.
pub(crate) fn lower_case_identity(resource: &dyn Resource, state: &Value) -> Option<Value> {
    let schema = resource.identity_schema()?;
    let mut fields = Vec::with_capacity(schema.attributes.len());
    for attr in &schema.attributes {
        let value = state
            .get_str(&attr.name)
            .map(|s| s.trim().trim_end_matches('.').to_ascii_lowercase())
            .filter(|s| !s.is_empty())?;
        fields.push((attr.name.clone(), Value::from(value)));
    }
    Some(Value::object(fields))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::provider;
    use tfplugin::ProviderDef;

    /// The import ID each resource's example gives (`examples/resources/<type>/import.sh`).
    fn example_import_id(type_name: &str) -> Option<String> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../examples/resources")
            .join(type_name)
            .join("import.sh");
        let text = std::fs::read_to_string(path).ok()?;
        text.lines()
            .find_map(|l| l.strip_prefix("terraform import "))
            .and_then(|rest| rest.split_whitespace().nth(1))
            .map(str::to_string)
    }

    /// For every listed type: the identity of what its import makes of the example's import ID
    /// stands for that same ID, so that `import { identity = {...} }` (what
    /// `-generate-config-out` writes) finds what the list found.
    #[tokio::test]
    async fn every_listed_identity_round_trips_through_its_import_id() {
        let p = provider();
        let resources = p.resources();
        let ctx = Ctx::for_tests(None);
        let mut checked = 0;
        for list in p.list_resources() {
            let resource = resources
                .iter()
                .find(|r| r.type_name() == list.type_name())
                .unwrap_or_else(|| panic!("{} lists no resource", list.type_name()));
            let id = example_import_id(resource.type_name())
                .unwrap_or_else(|| panic!("{} has no import example", resource.type_name()));
            let imported = resource.import(&ctx, &id).await;
            let state = imported
                .state
                .unwrap_or_else(|| panic!("{}: {id} does not import", resource.type_name()));
            let identity = resource
                .identity(&state)
                .unwrap_or_else(|| panic!("{}: no identity for {id}", resource.type_name()));
            let back = resource.import_id_from_identity(&identity);
            assert_eq!(back, Ok(id.clone()), "{}", resource.type_name());
            checked += 1;
        }
        assert_eq!(checked, 18, "every listed type was checked");
    }

    /// Every resource type with an import example has a list resource, so that `terraform
    /// query` can discover it; the one exception is named with its reason.
    #[test]
    fn every_importable_type_is_listed() {
        // Combell shows an issued request in no listing: it is imported by its request id.
        const UNLISTABLE: [&str; 1] = ["combell_ssl_certificate_validation"];
        let p = provider();
        let listed: Vec<String> = p
            .list_resources()
            .iter()
            .map(|l| l.type_name().to_string())
            .collect();
        let mut missing = Vec::new();
        for resource in p.resources() {
            let name = resource.type_name();
            if example_import_id(name).is_some()
                && !UNLISTABLE.contains(&name)
                && !listed.iter().any(|l| l == name)
            {
                missing.push(name.to_string());
            }
        }
        assert!(missing.is_empty(), "importable but not listed: {missing:?}");
        assert!(example_import_id(UNLISTABLE[0]).is_some());
    }

    #[test]
    fn filters_read_canonical_names() {
        let config = Value::object([
            ("domain_name", Value::from(" Example.COM. ")),
            ("account_id", Value::from(1001)),
            ("database_name", Value::Null),
        ]);
        let filters = Filters::read(&config);
        assert_eq!(filters.domain_name.as_deref(), Some("example.com"));
        assert_eq!(filters.account_id, Some(1001));
        assert_eq!(filters.database_name, None);
        assert!(filters.wants_domain("EXAMPLE.com."));
        assert!(!filters.wants_domain("example.net"));
        assert!(Filters::default().wants_domain("anything.example"));
    }

    #[test]
    fn lower_case_identities_ignore_the_spelling() {
        let resource = &crate::mail::alias::RESOURCE;
        let state = Value::object([
            ("domain_name", Value::from("Example.com.")),
            ("email_address", Value::from("Sales@Example.com")),
        ]);
        let identity = lower_case_identity(resource, &state).unwrap();
        assert_eq!(identity.get_str("domain_name"), Some("example.com"));
        assert_eq!(identity.get_str("email_address"), Some("sales@example.com"));
        let partial = Value::object([("domain_name", Value::from("example.com"))]);
        assert_eq!(lower_case_identity(resource, &partial), None);
    }

    #[tokio::test]
    async fn filters_are_checked_with_their_paths() {
        let list = Listed(crate::mysql::user_list::MysqlUserList);
        let config = Value::object([
            ("account_id", Value::from(-3)),
            ("database_name", Value::from(" ")),
        ]);
        let diags = list.validate(&Ctx::for_tests(None), &config).await;
        let paths: Vec<_> = diags.iter().filter_map(|d| d.path.clone()).collect();
        assert!(
            paths.contains(&AttributePath::new("account_id")),
            "{diags:?}"
        );
        assert!(
            paths.contains(&AttributePath::new("database_name")),
            "{diags:?}"
        );

        let list = Listed(crate::mail::alias_list::MailAliasList);
        for bad in ["", "not a domain", "exa_mple..com"] {
            let config = Value::object([("domain_name", Value::from(bad))]);
            let diags = list.validate(&Ctx::for_tests(None), &config).await;
            assert!(diags.has_errors(), "{bad:?} passed");
        }
        let config = Value::object([("domain_name", Value::Unknown)]);
        assert!(!list
            .validate(&Ctx::for_tests(None), &config)
            .await
            .has_errors());
        let fine = Value::object([("domain_name", Value::from("example.com"))]);
        assert!(list.validate(&Ctx::for_tests(None), &fine).await.is_empty());
    }
}
