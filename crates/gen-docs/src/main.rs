//! gen-docs: writes the Terraform Registry docs (`docs/index.md`, `docs/coverage.md`,
//! `docs/resources/*.md`, `docs/data-sources/*.md`, `docs/ephemeral-resources/*.md`,
//! `docs/list-resources/*.md`, `docs/functions/*.md`, `docs/guides/*.md`) from the provider's own schema, the files in
//! `examples/` and the prose in `templates/`. `scripts/docs` runs it; `crates/gen-docs/tests/it/docs.rs` runs it
//! into a temporary directory and fails when the committed docs differ.
//!
//! Usage: `gen-docs [--root DIR] [--out DIR]`. `--root` is the checkout holding `examples/` and
//! `templates/` (default: the current directory); `--out` is where the pages go (default:
//! `ROOT/docs`). Only the generated subtrees are replaced; `docs/design/` is left alone.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use gen_docs::coverage;
use terraform_provider_combell::provider::provider;
use tfplugin::{
    Attribute, AttributeType, Block, Function, IdentitySchema, Nesting, ProviderDef, Schema, Type,
};

const PROVIDER: &str = "combell";
const WRITE_ONLY_LINK: &str =
    "https://developer.hashicorp.com/terraform/language/resources/ephemeral#write-only-arguments";
/// The subtrees this tool owns: stale pages in them are removed on every run.
const GENERATED_DIRS: &[&str] = &[
    "resources",
    "data-sources",
    "ephemeral-resources",
    "list-resources",
    "functions",
    "guides",
];

fn main() -> ExitCode {
    match run() {
        Ok(count) => {
            println!("gen-docs: wrote {count} pages");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("gen-docs: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<usize, String> {
    let mut root = PathBuf::from(".");
    let mut out = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a directory"));
        match arg.as_str() {
            "--root" => root = PathBuf::from(value("--root")?),
            "--out" => out = Some(PathBuf::from(value("--out")?)),
            "-h" | "--help" => {
                println!("usage: gen-docs [--root DIR] [--out DIR]");
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument {other:?}; see --help")),
        }
    }
    let out = out.unwrap_or_else(|| root.join("docs"));
    let pages = pages(&root)?;
    for dir in GENERATED_DIRS {
        let dir = out.join(dir);
        if dir.exists() {
            std::fs::remove_dir_all(&dir)
                .map_err(|e| format!("cannot clear {}: {e}", dir.display()))?;
        }
    }
    for (rel, text) in &pages {
        let path = out.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok(pages.len())
}

/// Every page, as (path under `docs/`, contents), in a fixed order.
fn pages(root: &Path) -> Result<Vec<(String, String)>, String> {
    let provider = provider();
    let mut pages = vec![
        ("index.md".to_string(), index_page(root, &provider)?),
        ("coverage.md".to_string(), coverage_page(root, &provider)?),
    ];
    for resource in provider.resources() {
        let name = resource.type_name().to_string();
        let mut page = type_page(root, Kind::Resource, &name, &resource.schema())?;
        if let Some(identity) = resource.identity_schema() {
            page.push_str(&identity_section(&name, &identity));
        }
        pages.push((format!("resources/{}.md", short_name(&name)), page));
    }
    for data_source in provider.data_sources() {
        let name = data_source.type_name().to_string();
        let page = type_page(root, Kind::DataSource, &name, &data_source.schema())?;
        pages.push((format!("data-sources/{}.md", short_name(&name)), page));
    }
    for ephemeral in provider.ephemeral_resources() {
        let name = ephemeral.type_name().to_string();
        let page = type_page(root, Kind::Ephemeral, &name, &ephemeral.schema())?;
        pages.push((
            format!("ephemeral-resources/{}.md", short_name(&name)),
            page,
        ));
    }
    for list in provider.list_resources() {
        let name = list.type_name().to_string();
        let page = type_page(root, Kind::List, &name, &list.schema())?;
        pages.push((format!("list-resources/{}.md", short_name(&name)), page));
    }
    for function in provider.functions() {
        let page = function_page(root, function.as_ref())?;
        pages.push((format!("functions/{}.md", function.name()), page));
    }
    let guides = root.join("templates/guides");
    let mut entries: Vec<PathBuf> = std::fs::read_dir(&guides)
        .map_err(|e| format!("cannot read {}: {e}", guides.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".md.tmpl"))
        .collect();
    entries.sort();
    for path in entries {
        let file = path
            .file_name()
            .map(|f| f.to_string_lossy().trim_end_matches(".tmpl").to_string())
            .unwrap_or_default();
        pages.push((format!("guides/{file}"), read(&path)?));
    }
    Ok(pages)
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Resource,
    DataSource,
    Ephemeral,
    List,
}

fn short_name(type_name: &str) -> &str {
    type_name
        .strip_prefix(&format!("{PROVIDER}_"))
        .unwrap_or(type_name)
}

/// Registry sidebar grouping, by the API area a type belongs to.
fn subcategory(type_name: &str) -> &'static str {
    let short = short_name(type_name);
    let areas: &[(&[&str], &str)] = &[
        (&["dns", "zone_file"], "DNS"),
        (&["mysql"], "MySQL"),
        (&["mail", "smtp"], "Mail"),
        (&["domain"], "Domains"),
        (&["ssl"], "SSL"),
        (&["linux", "ssh", "scheduled", "php"], "Linux hosting"),
        (&["windows"], "Windows hosting"),
    ];
    areas
        .iter()
        .find(|(prefixes, _)| prefixes.iter().any(|p| short.starts_with(p)))
        .map(|(_, area)| *area)
        .unwrap_or("Accounts")
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

fn frontmatter(out: &mut String, title: &str, subcategory: &str, description: &str) {
    out.push_str("---\n");
    let _ = writeln!(out, "page_title: \"{title}\"");
    let _ = writeln!(out, "subcategory: \"{subcategory}\"");
    out.push_str("description: |-\n");
    for line in description.trim().lines() {
        if line.is_empty() {
            out.push('\n');
        } else {
            let _ = writeln!(out, "  {line}");
        }
    }
    out.push_str("---\n\n");
}

fn example_section(out: &mut String, example: &str) {
    out.push_str("## Example Usage\n\n```terraform\n");
    out.push_str(example.trim_end());
    out.push_str("\n```\n\n");
}

/// `docs/coverage.md`: every operation of `spec/openapi.yaml` and the Terraform types that
/// reach it, from their `api_operations()`. `crates/gen-docs/tests/it/coverage.rs` fails when one is unreached.
fn coverage_page(root: &Path, provider: &impl ProviderDef) -> Result<String, String> {
    let spec_path = root.join("spec/openapi.yaml");
    let ops = coverage::spec_operations(&read(&spec_path)?)
        .map_err(|e| format!("{}: {e}", spec_path.display()))?;
    let declared = coverage::declared(provider);
    let mut page = String::new();
    frontmatter(
        &mut page,
        "API coverage",
        "",
        "Every Combell API v2 operation and the Terraform types that reach it.",
    );
    page.push_str("# API coverage\n\n");
    page.push_str(
        "Every operation of Combell's API v2 (`spec/openapi.yaml`) and the resources, data \
         sources, ephemeral resources and list resources of this provider that call it. The table \
         is generated from the code (`scripts/docs`), and `crates/gen-docs/tests/it/coverage.rs` fails when an \
         operation is reached by nothing or a type declares an operation the spec lacks.\n\n",
    );
    page.push_str(&coverage::table(&ops, &declared));
    Ok(tidy(page))
}

fn index_page(root: &Path, provider: &impl ProviderDef) -> Result<String, String> {
    let schema = provider.schema();
    let template = read(&root.join("templates/index.md.tmpl"))?;
    let example = read(&root.join("examples/provider/provider.tf"))?;
    let mut example_md = String::new();
    example_section(&mut example_md, &example);
    let mut schema_md = String::new();
    schema_section(&mut schema_md, &schema);
    let mut page = String::new();
    frontmatter(
        &mut page,
        &format!("{PROVIDER} Provider"),
        "",
        &schema.block.description,
    );
    let _ = writeln!(page, "# {PROVIDER} Provider\n");
    page.push_str(schema.block.description.trim());
    page.push_str("\n\n");
    page.push_str(
        &template
            .replace("{{example}}", example_md.trim_end())
            .replace("{{schema}}", schema_md.trim_end())
            .replace("{{timeouts}}", &timeouts_table(provider)),
    );
    Ok(tidy(page))
}

/// One row per resource with a `timeouts` block: its operations and their defaults, read from
/// the schema so the table cannot drift from the code.
fn timeouts_table(provider: &impl ProviderDef) -> String {
    let mut table = String::from("| Resource | Operation | Default |\n|---|---|---|\n");
    for resource in provider.resources() {
        let schema = resource.schema();
        let Some(block) = schema
            .block
            .blocks
            .iter()
            .find(|b| b.type_name == "timeouts")
        else {
            continue;
        };
        for attr in &block.block.attributes {
            let default = attr
                .description
                .split("Defaults to `")
                .nth(1)
                .and_then(|rest| rest.split('`').next())
                .unwrap_or("none");
            let name = resource.type_name();
            let _ = writeln!(
                table,
                "| [`{name}`](resources/{}.md) | `{}` | `{default}` |",
                short_name(name),
                attr.name
            );
        }
    }
    table.trim_end().to_string()
}

fn type_page(root: &Path, kind: Kind, name: &str, schema: &Schema) -> Result<String, String> {
    let (label, dir, file) = match kind {
        Kind::Resource => ("Resource", "resources", "resource.tf"),
        Kind::DataSource => ("Data Source", "data-sources", "data-source.tf"),
        Kind::Ephemeral => (
            "Ephemeral Resource",
            "ephemeral-resources",
            "ephemeral-resource.tf",
        ),
        Kind::List => (
            "List Resource",
            "list-resources",
            "list-resource.tfquery.hcl",
        ),
    };
    let description = schema.block.description.trim();
    if description.is_empty() {
        return Err(format!("{name} has no schema description"));
    }
    let mut page = String::new();
    frontmatter(
        &mut page,
        &format!("{name} {label} - terraform-provider-{PROVIDER}"),
        subcategory(name),
        description,
    );
    let _ = writeln!(page, "# {name} ({label})\n");
    page.push_str(description);
    page.push_str("\n\n");
    let example = root.join("examples").join(dir).join(name).join(file);
    example_section(&mut page, &read(&example)?);
    if kind == Kind::List {
        page.push_str(&format!(
            "Put `list` blocks in a `.tfquery.hcl` file and run `terraform query` (Terraform \
             1.14 or newer); `terraform query -generate-config-out=generated.tf` writes a \
             `{name}` resource and an `import` block (by resource identity) for each object \
             found. Terraform stops a `list` block at 100 results unless it sets `limit`, \
             without saying so: set `limit` when more may exist. The schema below is that of \
             the `config` block.\n\n"
        ));
    }
    schema_section(&mut page, schema);
    if kind == Kind::Resource {
        let import = root.join("examples").join(dir).join(name).join("import.sh");
        if import.exists() {
            page.push_str("## Import\n\nImport is supported using the following syntax:\n\n");
            page.push_str("```shell\n");
            page.push_str(read(&import)?.trim_end());
            page.push_str("\n```\n");
        }
    }
    Ok(tidy(page))
}

/// A provider function's page: its description, example (`examples/functions/<name>/function.tf`),
/// signature and arguments, as the registry lays them out.
fn function_page(root: &Path, function: &dyn Function) -> Result<String, String> {
    let name = function.name();
    let summary = function.summary().trim();
    if summary.is_empty() {
        return Err(format!("function {name} has no summary"));
    }
    let mut page = String::new();
    frontmatter(
        &mut page,
        &format!("{name} function - terraform-provider-{PROVIDER}"),
        subcategory(name),
        summary,
    );
    let _ = writeln!(page, "# function: {name}\n");
    page.push_str(summary);
    page.push_str("\n\n");
    let description = function.description().trim();
    if !description.is_empty() {
        page.push_str(description);
        page.push_str("\n\n");
    }
    page.push_str(&format!(
        "Provider-defined functions need Terraform 1.8 or newer (OpenTofu 1.7); call it as \
         `provider::{PROVIDER}::{name}(...)`.\n\n"
    ));
    let example = root
        .join("examples/functions")
        .join(name)
        .join("function.tf");
    example_section(&mut page, &read(&example)?);
    let params = function.parameters();
    let mut args: Vec<String> = params
        .iter()
        .map(|p| format!("{} {}", p.name, hcl_type(&p.ty, 0)))
        .collect();
    if let Some(v) = function.variadic_parameter() {
        args.push(format!("{}... {}", v.name, hcl_type(&v.ty, 0)));
    }
    let _ = writeln!(
        page,
        "## Signature\n\n```text\n{name}({}) {}\n```\n",
        args.join(", "),
        hcl_type(&function.return_type(), 0)
    );
    page.push_str("## Arguments\n\n");
    let variadic = function.variadic_parameter();
    for (i, p) in params.iter().chain(variadic.iter()).enumerate() {
        let mut line = format!("{}. `{}` ({})", i + 1, p.name, type_name(&p.ty));
        if variadic.as_ref() == Some(p) {
            line.push_str(" Variadic.");
        }
        push_description(&mut line, &p.description);
        let _ = writeln!(page, "{line}");
    }
    Ok(tidy(page))
}

/// A type as Terraform writes type constraints (`map(object({ ttl = number }))`), objects one
/// attribute a line.
fn hcl_type(t: &Type, indent: usize) -> String {
    match t {
        Type::String => "string".to_string(),
        Type::Number => "number".to_string(),
        Type::Bool => "bool".to_string(),
        Type::Dynamic => "any".to_string(),
        Type::List(e) => format!("list({})", hcl_type(e, indent)),
        Type::Set(e) => format!("set({})", hcl_type(e, indent)),
        Type::Map(e) => format!("map({})", hcl_type(e, indent)),
        Type::Tuple(items) => format!(
            "tuple([{}])",
            items
                .iter()
                .map(|i| hcl_type(i, indent))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Type::Object(attrs) => {
            let pad = "  ".repeat(indent + 1);
            let width = attrs.keys().map(String::len).max().unwrap_or(0);
            let mut out = String::from("object({\n");
            for (k, v) in attrs {
                let _ = writeln!(out, "{pad}{k:width$} = {}", hcl_type(v, indent + 1));
            }
            out.push_str(&"  ".repeat(indent));
            out.push_str("})");
            out
        }
    }
}

/// The resource identity (Terraform 1.12+): what `import { identity = {...} }` takes and what
/// `terraform query -generate-config-out` writes.
fn identity_section(name: &str, identity: &IdentitySchema) -> String {
    let mut out = String::from(
        "\n## Resource Identity\n\nWith Terraform 1.12 or newer the object can also be \
         imported by its identity, as `terraform query -generate-config-out` does:\n\n",
    );
    let _ = writeln!(
        out,
        "```terraform\nimport {{\n  to = {name}.example\n  identity = {{"
    );
    for a in &identity.attributes {
        let _ = writeln!(out, "    {} = \"...\"", a.name);
    }
    out.push_str("  }\n}\n```\n\n");
    for a in &identity.attributes {
        let need = if a.required_for_import {
            "Required"
        } else {
            "Optional"
        };
        let _ = writeln!(out, "- `{}` ({need}) {}", a.name, a.description);
    }
    tidy(out)
}

/// One trailing newline, no runs of blank lines: stable output whatever the inputs end with.
fn tidy(page: String) -> String {
    let mut out = String::with_capacity(page.len());
    let mut blank = 0;
    let mut in_code = false;
    for line in page.trim_end().lines() {
        if line.starts_with("```") {
            in_code = !in_code;
        }
        let line = if in_code { line } else { line.trim_end() };
        if line.is_empty() && !in_code {
            blank += 1;
            if blank > 1 {
                continue;
            }
        } else {
            blank = 0;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// Something documented in a "Nested Schema" section further down the page.
struct Pending {
    anchor: String,
    path: String,
    block: Block,
}

fn schema_section(out: &mut String, schema: &Schema) {
    out.push_str("## Schema\n\n");
    let mut pending = Vec::new();
    write_members(out, &schema.block, None, "", &mut pending, true);
    // Breadth first, as readers scroll: each nested section may queue deeper ones.
    let mut i = 0;
    while i < pending.len() {
        let (anchor, path) = (pending[i].anchor.clone(), pending[i].path.clone());
        let _ = writeln!(out, "<a id=\"{anchor}\"></a>");
        let _ = writeln!(out, "### Nested Schema for `{path}`\n");
        let mut more = Vec::new();
        write_members(
            out,
            &pending[i].block,
            Some(&path),
            &anchor,
            &mut more,
            false,
        );
        pending.extend(more);
        i += 1;
    }
}

/// The Required / Optional / Read-Only lists of one block's attributes and nested blocks.
fn write_members(
    out: &mut String,
    block: &Block,
    path: Option<&str>,
    anchor: &str,
    pending: &mut Vec<Pending>,
    top: bool,
) {
    let mut groups: [(&str, Vec<String>); 3] = [
        ("Required", Vec::new()),
        ("Optional", Vec::new()),
        ("Read-Only", Vec::new()),
    ];
    let child = |name: &str, kind: &str| {
        let prefix = if anchor.is_empty() {
            format!("nested{kind}")
        } else {
            anchor.to_string()
        };
        (
            format!("{prefix}--{name}"),
            match path {
                Some(p) => format!("{p}.{name}"),
                None => name.to_string(),
            },
        )
    };
    for attr in &block.attributes {
        let mut flags = vec![type_label(attr)];
        if attr.sensitive {
            flags.push("Sensitive".to_string());
        }
        if attr.write_only {
            flags.push(format!("[Write-only]({WRITE_ONLY_LINK})"));
        }
        if attr.deprecated {
            flags.push("Deprecated".to_string());
        }
        let mut line = format!("- `{}` ({})", attr.name, flags.join(", "));
        push_description(&mut line, &attr.description);
        if let AttributeType::Nested(_, attrs) = &attr.ty {
            let (a, p) = child(&attr.name, "att");
            let _ = write!(line, " (see [below for nested schema](#{a}))");
            pending.push(Pending {
                anchor: a,
                path: p,
                block: Block {
                    attributes: attrs.clone(),
                    ..Block::default()
                },
            });
        }
        let group = if attr.required {
            0
        } else if attr.optional {
            1
        } else {
            2
        };
        groups[group].1.push(line);
    }
    for nested in &block.blocks {
        let label = match nested.nesting {
            Nesting::Single | Nesting::Group => "Block".to_string(),
            Nesting::List => "Block List".to_string(),
            Nesting::Set => "Block Set".to_string(),
            Nesting::Map => "Block Map".to_string(),
        };
        let mut flags = vec![label];
        if nested.min_items > 0 {
            flags.push(format!("Min: {}", nested.min_items));
        }
        if nested.max_items > 0 {
            flags.push(format!("Max: {}", nested.max_items));
        }
        if nested.block.deprecated {
            flags.push("Deprecated".to_string());
        }
        let (a, p) = child(&nested.type_name, "block");
        let mut line = format!("- `{}` ({})", nested.type_name, flags.join(", "));
        push_description(&mut line, &nested.block.description);
        let _ = write!(line, " (see [below for nested schema](#{a}))");
        pending.push(Pending {
            anchor: a,
            path: p,
            block: nested.block.clone(),
        });
        let all_computed = !nested.block.attributes.is_empty()
            && nested
                .block
                .attributes
                .iter()
                .all(|x| x.computed && !x.optional && !x.required);
        let group = if nested.min_items > 0 {
            0
        } else if all_computed {
            2
        } else {
            1
        };
        groups[group].1.push(line);
    }
    for (title, lines) in groups {
        if lines.is_empty() {
            continue;
        }
        if top {
            let _ = writeln!(out, "### {title}\n");
        } else {
            let _ = writeln!(out, "{title}:\n");
        }
        for line in lines {
            let _ = writeln!(out, "{line}");
        }
        out.push('\n');
    }
}

/// The description on the attribute's line; later paragraphs stay in the list item.
fn push_description(line: &mut String, description: &str) {
    let description = description.trim();
    if description.is_empty() {
        return;
    }
    line.push(' ');
    line.push_str(
        &description
            .replace("\n\n", "\n\n  ")
            .replace("\n\n  \n", "\n\n"),
    );
}

fn type_label(attr: &Attribute) -> String {
    match &attr.ty {
        AttributeType::Plain(t) => type_name(t),
        AttributeType::Nested(nesting, _) => match nesting {
            Nesting::Single | Nesting::Group => "Attributes".to_string(),
            Nesting::List => "Attributes List".to_string(),
            Nesting::Set => "Attributes Set".to_string(),
            Nesting::Map => "Attributes Map".to_string(),
        },
    }
}

fn type_name(t: &Type) -> String {
    match t {
        Type::String => "String".to_string(),
        Type::Number => "Number".to_string(),
        Type::Bool => "Boolean".to_string(),
        Type::Dynamic => "Dynamic".to_string(),
        Type::List(e) => format!("List of {}", type_name(e)),
        Type::Set(e) => format!("Set of {}", type_name(e)),
        Type::Map(e) => format!("Map of {}", type_name(e)),
        Type::Object(_) => "Object".to_string(),
        Type::Tuple(_) => "Tuple".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_groups() {
        assert_eq!(short_name("combell_dns_record"), "dns_record");
        assert_eq!(subcategory("combell_mysql_user"), "MySQL");
        assert_eq!(subcategory("combell_servicepacks"), "Accounts");
        assert_eq!(subcategory("combell_domain_registration"), "Domains");
        assert_eq!(subcategory("combell_ssl_certificates"), "SSL");
        assert_eq!(subcategory("combell_ssh_keys"), "Linux hosting");
        assert_eq!(subcategory("combell_linux_subsite"), "Linux hosting");
        assert_eq!(subcategory("zone_file"), "DNS");
    }

    #[test]
    fn schema_lists_flags_and_nested_sections() {
        let schema = Schema::new(vec![
            Attribute::string("name")
                .required()
                .description("The name."),
            Attribute::string("password").optional().write_only(),
            Attribute::nested(
                "records",
                Nesting::List,
                vec![Attribute::number("ttl").computed()],
            )
            .computed(),
        ]);
        let mut out = String::new();
        schema_section(&mut out, &schema);
        assert!(out.contains("### Required\n\n- `name` (String) The name."));
        assert!(out.contains("- `password` (String, Sensitive, [Write-only]("));
        assert!(out.contains("(see [below for nested schema](#nestedatt--records))"));
        assert!(out.contains("<a id=\"nestedatt--records\"></a>\n### Nested Schema for `records`"));
        assert!(out.contains("Read-Only:\n\n- `ttl` (Number)"));
    }

    #[test]
    fn types_read_as_terraform_writes_them() {
        let object = Type::Object(
            [("ttl", Type::Number), ("content", Type::String)]
                .into_iter()
                .map(|(k, t)| (k.to_string(), t))
                .collect(),
        );
        assert_eq!(
            hcl_type(&Type::map(object), 0),
            "map(object({\n  content = string\n  ttl     = number\n}))"
        );
        assert_eq!(hcl_type(&Type::list(Type::Bool), 0), "list(bool)");
    }

    #[test]
    fn tidy_collapses_blank_lines_outside_code() {
        assert_eq!(tidy("a\n\n\nb  \n\n".to_string()), "a\n\nb\n");
    }
}
