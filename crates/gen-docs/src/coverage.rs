//! Which Terraform type reaches which Combell API operation.
//!
//! Every resource, data source, ephemeral resource and list resource declares the operations it
//! calls (`api_operations()`, as `METHOD /path` spelled as in `spec/openapi.yaml`). This module
//! reads the operations out of the spec, joins the two, and reports what does not line up: an
//! operation no Terraform type reaches, or a declared operation the spec does not have (a typo or
//! a stale declaration). `gen-docs` writes the joined table to `docs/coverage.md`; the test in
//! `crates/gen-docs/tests/it/coverage.rs` fails on any problem, so the table cannot drift from the code.

use std::collections::BTreeMap;

use tfplugin::ProviderDef;

/// One operation of the spec.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Operation {
    /// Upper case: `GET`, `POST`, `PUT`, `DELETE`, `PATCH`.
    pub method: String,
    /// As written in the spec, without the `/v2` server prefix: `/dns/{domainName}/records`.
    pub path: String,
    pub summary: String,
    /// The spec's first tag (its API area), e.g. `DNS records`.
    pub tag: String,
}

impl Operation {
    /// The key types declare: `GET /dns/{domainName}/records`.
    pub fn key(&self) -> String {
        format!("{} {}", self.method, self.path)
    }
}

/// What kind of Terraform type reaches an operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Resource,
    DataSource,
    EphemeralResource,
    ListResource,
}

impl Kind {
    pub fn label(self) -> &'static str {
        match self {
            Kind::Resource => "resource",
            Kind::DataSource => "data source",
            Kind::EphemeralResource => "ephemeral resource",
            Kind::ListResource => "list resource",
        }
    }
}

/// Reads the operations of an OpenAPI document written the way Combell's is (block YAML, two
/// spaces per level: paths at level 1, methods at level 2, `summary`/`tags` at level 3). No YAML
/// library is needed for that shape, and anything else is an error rather than a silent miss.
pub fn spec_operations(spec: &str) -> Result<Vec<Operation>, String> {
    let mut ops: Vec<Operation> = Vec::new();
    let mut in_paths = false;
    let mut path: Option<String> = None;
    let mut expect_tag = false;
    // Whether the lines at level 3 belong to an operation (not to shared `parameters:`).
    let mut in_op = false;
    for (n, line) in spec.lines().enumerate() {
        let indent = line.len() - line.trim_start().len();
        let text = line.trim();
        if text.is_empty() || text.starts_with('#') {
            continue;
        }
        if indent == 0 {
            in_paths = text == "paths:";
            path = None;
            in_op = false;
            continue;
        }
        if !in_paths {
            continue;
        }
        match indent {
            2 => {
                let key = text
                    .strip_suffix(':')
                    .ok_or_else(|| format!("line {}: expected a path, found {text:?}", n + 1))?;
                path = Some(key.trim_matches(|c| c == '"' || c == '\'').to_string());
                in_op = false;
            }
            4 => {
                let key = text.trim_end_matches(':');
                if ["get", "put", "post", "delete", "patch"].contains(&key) {
                    let path = path
                        .clone()
                        .ok_or_else(|| format!("line {}: method outside a path", n + 1))?;
                    ops.push(Operation {
                        method: key.to_uppercase(),
                        path,
                        summary: String::new(),
                        tag: String::new(),
                    });
                    in_op = true;
                } else {
                    // `parameters:` shared by the path's methods, and the like.
                    in_op = false;
                }
                expect_tag = false;
            }
            6 => {
                expect_tag = false;
                let Some(op) = ops.last_mut().filter(|_| in_op) else {
                    continue;
                };
                if let Some(summary) = text.strip_prefix("summary:") {
                    op.summary = summary.trim().trim_matches('"').to_string();
                } else if text == "tags:" {
                    expect_tag = true;
                }
            }
            8 if expect_tag => {
                if let (Some(op), Some(tag)) = (ops.last_mut(), text.strip_prefix("- ")) {
                    if op.tag.is_empty() {
                        op.tag = tag.trim().trim_matches('"').to_string();
                    }
                }
                expect_tag = false;
            }
            _ => {}
        }
    }
    if ops.is_empty() {
        return Err("no operations found under `paths:`".into());
    }
    Ok(ops)
}

/// Every declared operation key with the types that declare it, in a fixed order.
pub fn declared(provider: &impl ProviderDef) -> BTreeMap<String, Vec<(Kind, String)>> {
    let mut map: BTreeMap<String, Vec<(Kind, String)>> = BTreeMap::new();
    let mut add = |kind: Kind, name: &str, ops: &[&str]| {
        for op in ops {
            map.entry((*op).to_string())
                .or_default()
                .push((kind, name.to_string()));
        }
    };
    for r in provider.resources() {
        add(Kind::Resource, r.type_name(), r.api_operations());
    }
    for d in provider.data_sources() {
        add(Kind::DataSource, d.type_name(), d.api_operations());
    }
    for e in provider.ephemeral_resources() {
        add(Kind::EphemeralResource, e.type_name(), e.api_operations());
    }
    for l in provider.list_resources() {
        add(Kind::ListResource, l.type_name(), l.api_operations());
    }
    for types in map.values_mut() {
        types.sort();
        types.dedup();
    }
    map
}

/// What does not line up between the spec and the declarations; empty when every operation is
/// reached and every declaration names a real operation.
pub fn problems(
    ops: &[Operation],
    declared: &BTreeMap<String, Vec<(Kind, String)>>,
) -> Vec<String> {
    let mut problems = Vec::new();
    for op in ops {
        if !declared.contains_key(&op.key()) {
            problems.push(format!(
                "{} ({}) is reached by no Terraform type",
                op.key(),
                op.summary
            ));
        }
    }
    for (key, types) in declared {
        if !ops.iter().any(|op| &op.key() == key) {
            let names: Vec<&str> = types.iter().map(|(_, n)| n.as_str()).collect();
            problems.push(format!(
                "{key}, declared by {}, is not an operation of the spec",
                names.join(", ")
            ));
        }
    }
    problems
}

/// The coverage table as Markdown, one section per API area in the spec's order.
pub fn table(ops: &[Operation], declared: &BTreeMap<String, Vec<(Kind, String)>>) -> String {
    let reached = ops
        .iter()
        .filter(|op| declared.contains_key(&op.key()))
        .count();
    let mut out = format!(
        "{reached} of the {} operations of Combell's API v2 are reached from Terraform.\n",
        ops.len()
    );
    let mut tags: Vec<&str> = Vec::new();
    for op in ops {
        if !tags.contains(&op.tag.as_str()) {
            tags.push(&op.tag);
        }
    }
    for tag in tags {
        let title = if tag.is_empty() { "Other" } else { tag };
        out.push_str(&format!(
            "\n## {title}\n\n| Operation | Summary | Reached by |\n|---|---|---|\n"
        ));
        for op in ops.iter().filter(|op| op.tag == tag) {
            let by = match declared.get(&op.key()) {
                Some(types) => types
                    .iter()
                    .map(|(kind, name)| format!("`{name}` ({})", kind.label()))
                    .collect::<Vec<_>>()
                    .join(", "),
                None => "**not reached**".to_string(),
            };
            out.push_str(&format!(
                "| `{} {}` | {} | {} |\n",
                op.method,
                op.path,
                op.summary.replace('|', "\\|"),
                by
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str = "openapi: 3.0.1
info:
  title: x
paths:
  /dns/{domainName}/records:
    parameters:
      - in: path
    get:
      summary: List records
      tags:
        - DNS records
      parameters:
        - in: query
    post:
      summary: \"Create a record\"
      tags:
        - DNS records
  /servicepacks:
    get:
      summary: Servicepacks
      tags:
        - Servicepacks
components:
  schemas:
    X:
      type: object
";

    #[test]
    fn reads_methods_paths_summaries_and_tags() {
        let ops = spec_operations(SPEC).unwrap();
        let keys: Vec<String> = ops.iter().map(Operation::key).collect();
        assert_eq!(
            keys,
            [
                "GET /dns/{domainName}/records",
                "POST /dns/{domainName}/records",
                "GET /servicepacks"
            ]
        );
        assert_eq!(ops[1].summary, "Create a record");
        assert_eq!(ops[1].tag, "DNS records");
        assert_eq!(ops[2].tag, "Servicepacks");
    }

    #[test]
    fn unreached_and_unknown_operations_are_problems() {
        let ops = spec_operations(SPEC).unwrap();
        let mut declared = BTreeMap::new();
        declared.insert(
            "GET /dns/{domainName}/records".to_string(),
            vec![(Kind::Resource, "combell_dns_record".to_string())],
        );
        declared.insert(
            "GET /dns/{domain}/records".to_string(),
            vec![(Kind::DataSource, "combell_typo".to_string())],
        );
        let problems = problems(&ops, &declared);
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems[0].starts_with("POST /dns/{domainName}/records"));
        assert!(problems[2].contains("combell_typo"));
        let table = table(&ops, &declared);
        assert!(table.starts_with("1 of the 3 operations"));
        assert!(table.contains("| `GET /servicepacks` | Servicepacks | **not reached** |"));
    }

    #[test]
    fn a_document_without_paths_is_an_error() {
        assert!(spec_operations("openapi: 3.0.1\n").is_err());
    }
}
