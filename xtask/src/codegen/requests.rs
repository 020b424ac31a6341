//! Emits `crates/rest/src/api/*.rs`: one request type per endpoint, with its
//! `Request` impl, constructor and setters.

use std::fmt::Write as _;

use super::responses::response_name;
use super::rules::{self, Scalar};
use super::spec::{Endpoint, Field, Kind};

/// OKX adds parameters, so users build requests with `new` and the
/// setters, never a struct literal; a request built and dropped is a bug.
const REQUEST_ATTRS: &str =
    "#[non_exhaustive]\n#[must_use = \"a request does nothing until it is sent\"]\n";

/// How a request field is typed and passed to `new`/setters.
struct FieldTy {
    ty: String,
    /// `impl Into<String>` for text, else the type itself.
    param: String,
    convert: bool,
    /// Extra serde attributes (decimal text).
    with: Option<&'static str>,
    scalar: Option<Scalar>,
}

fn field_ty(ep: &Endpoint, owner: &str, f: &Field, nested: &mut String) -> FieldTy {
    let plain = |ty: &str| FieldTy {
        ty: ty.to_owned(),
        param: ty.to_owned(),
        convert: false,
        with: None,
        scalar: None,
    };
    match f.kind() {
        Kind::ArrayOfObjects | Kind::Object if !f.children.is_empty() => {
            let child = format!("{owner}{}", rules::pascal(&f.name));
            emit_struct(
                nested,
                ep,
                &child,
                &format!("An item of `{}` in [`{owner}`].", f.name),
                &f.children,
            );
            if f.kind() == Kind::Object {
                plain(&child)
            } else {
                plain(&format!("Vec<{child}>"))
            }
        }
        Kind::Object => plain("std::collections::BTreeMap<String, String>"),
        Kind::ArrayOfStrings | Kind::ArrayOfArrays => plain("Vec<String>"),
        _ => {
            let scalar = rules::request_scalar(&f.name, f.kind(), ep);
            let mut t = match scalar {
                Scalar::Str | Scalar::Int => FieldTy {
                    ty: "String".to_owned(),
                    param: "impl Into<String>".to_owned(),
                    convert: true,
                    with: None,
                    scalar: None,
                },
                Scalar::Dec => FieldTy {
                    with: Some("decimal"),
                    ..plain("Decimal")
                },
                Scalar::Bool => plain("bool"),
                Scalar::Enum(e) => plain(&format!("okx_models::enums::{e}")),
            };
            t.scalar = Some(scalar);
            t
        }
    }
}

/// Emits a parameter struct (fields, `new`, setters) and its nested structs.
fn emit_struct(out: &mut String, ep: &Endpoint, name: &str, doc: &str, fields: &[Field]) {
    let mut nested = String::new();
    let mut body = String::new();
    let mut params = Vec::new();
    let mut inits = Vec::new();
    let mut setters = String::new();
    let mut seen = Vec::new();
    for f in fields {
        let field = rules::snake(&f.name);
        if seen.contains(&field) {
            continue;
        }
        seen.push(field.clone());
        let t = field_ty(ep, name, f, &mut nested);
        let mut doc_line = rules::describe(&f.name);
        if f.deprecated {
            doc_line.push_str(" Deprecated by OKX.");
        }
        let mut attrs = vec![];
        if field.trim_start_matches("r#") != f.name {
            attrs.push(format!("rename = \"{}\"", f.name));
        }
        let value = if t.convert {
            format!("{field}.into()")
        } else {
            field.clone()
        };
        if f.required {
            if let Some(w) = t.with {
                attrs.push(format!("with = \"okx_models::num::{w}\""));
            }
            params.push(format!("{field}: {}", t.param));
            inits.push(if t.convert {
                format!("{field}: {value}")
            } else {
                field.clone()
            });
            let _ = writeln!(body, "    /// {doc_line}");
            if !attrs.is_empty() {
                let _ = writeln!(body, "    #[serde({})]", attrs.join(", "));
            }
            let _ = writeln!(body, "    pub {field}: {},", t.ty);
        } else {
            if let Some(w) = t.with {
                attrs.push(format!("with = \"okx_models::num::opt_{w}\""));
            }
            attrs.push("skip_serializing_if = \"Option::is_none\"".to_owned());
            inits.push(format!("{field}: None"));
            let _ = writeln!(
                body,
                "    /// {doc_line}\n    #[serde({})]\n    pub {field}: Option<{}>,",
                attrs.join(", "),
                t.ty
            );
            let _ = writeln!(
                setters,
                "    /// Sets `{}`.\n    pub fn {field}(mut self, {field}: {}) -> Self {{\n        self.{field} = Some({value});\n        self\n    }}\n",
                f.name, t.param
            );
        }
    }
    let default = if params.is_empty() { ", Default" } else { "" };
    let _ = writeln!(
        out,
        "/// {doc}\n#[derive(Debug, Clone{default}, PartialEq, Eq, Serialize)]\n{REQUEST_ATTRS}pub struct {name} {{\n{body}}}\n"
    );
    let allow = if params.len() > 7 {
        "    #[allow(clippy::too_many_arguments)]\n"
    } else {
        ""
    };
    let ctor_doc = if params.is_empty() {
        "A request with no parameters set."
    } else {
        "A request with its required parameters."
    };
    let init = if inits.is_empty() {
        String::new()
    } else {
        format!(" {} ", inits.join(", "))
    };
    let _ = writeln!(
        out,
        "impl {name} {{\n    /// {ctor_doc}\n{allow}    pub fn new({}) -> Self {{\n        Self {{{init}}}\n    }}\n\n{setters}}}\n",
        params.join(", ")
    );
    out.push_str(&nested);
}

fn window_ms(ep: &Endpoint) -> Result<u64, String> {
    let rl = ep
        .rate_limit
        .as_ref()
        .ok_or_else(|| format!("{} has no rate limit", ep.path))?;
    match (rl.seconds, rl.period.as_deref()) {
        (Some(s), _) => Ok(u64::from(s) * 1000),
        // OKX counts "per month"; a 30-day window is the conservative reading.
        (None, Some("1 month")) => Ok(30 * 86_400_000),
        _ => Err(format!("{}: unknown rate-limit period", ep.path)),
    }
}

/// The `limit_key` body for the rule's key field, if the request has it.
fn limit_key_expr(ep: &Endpoint, key: &str, fields: &[Field], batch: bool) -> Option<String> {
    let f = fields.iter().find(|f| f.name == key)?;
    let field = rules::snake(&f.name);
    let is_enum = matches!(
        rules::request_scalar(&f.name, f.kind(), ep),
        Scalar::Enum(_)
    );
    let recv = if batch { "i" } else { "self" };
    let (req, opt) = if is_enum {
        (
            format!("{recv}.{field}.as_str()"),
            format!("{recv}.{field}.as_ref().map(|v| v.as_str())"),
        )
    } else {
        (
            format!("{recv}.{field}.as_str()"),
            format!("{recv}.{field}.as_deref()"),
        )
    };
    Some(match (batch, f.required) {
        (false, true) => format!("Some({req})"),
        (false, false) => opt,
        (true, true) => format!("self.0.first().map(|i| {req})"),
        (true, false) => format!("self.0.first().and_then(|i| {opt})"),
    })
}

/// The `item_keys` body of a batch: each item's key field.
fn item_keys_expr(ep: &Endpoint, key: &str, fields: &[Field]) -> Option<String> {
    let f = fields.iter().find(|f| f.name == key)?;
    let field = rules::snake(&f.name);
    let is_enum = matches!(
        rules::request_scalar(&f.name, f.kind(), ep),
        Scalar::Enum(_)
    );
    Some(match (is_enum, f.required) {
        (false, true) => format!("self.0.iter().map(|i| i.{field}.as_str()).collect()"),
        (false, false) => format!("self.0.iter().filter_map(|i| i.{field}.as_deref()).collect()"),
        (true, true) => format!("self.0.iter().map(|i| i.{field}.as_str()).collect()"),
        (true, false) => format!(
            "self.0.iter().filter_map(|i| i.{field}.as_ref().map(|v| v.as_str())).collect()"
        ),
    })
}

fn emit_endpoint(out: &mut String, module: &str, ep: &Endpoint) -> Result<(), String> {
    let name = rules::type_name(ep);
    let rl = ep
        .rate_limit
        .as_ref()
        .ok_or_else(|| format!("{} has no rate limit", ep.path))?;
    let rule = rl.rule.as_deref().unwrap_or("");
    let (scope, key) = rules::scope_of(rule)?;
    let window = window_ms(ep)?;
    let unit = if rl.unit == "orders" {
        "Orders"
    } else {
        "Requests"
    };
    let signed = rules::signed(ep);
    let fields = ep.request_fields();
    let batch = ep.is_batch();
    let per = if window % 86_400_000 == 0 {
        format!("{} days", window / 86_400_000)
    } else {
        format!("{} s", window as f64 / 1000.0)
    };
    let doc = format!(
        "`{} {}`: {}.\n///\n/// Rate limit: {} {} per {per}, counted by {}. {}",
        ep.method,
        ep.path,
        ep.clean_title(),
        rl.count,
        rl.unit,
        if rule.is_empty() {
            "IP (the docs name no rule)"
        } else {
            rule
        },
        if signed {
            "Signed (private)."
        } else {
            "Public, unsigned."
        }
    );
    let doc = if rules::binary(ep) {
        format!(
            "{doc}\n///\n/// OKX answers with an SBE message (schema template 1006), not\n/// JSON: send it with `RestClient::send_raw`."
        )
    } else {
        doc
    };
    if batch {
        let item = format!("{name}Item");
        let _ = writeln!(
            out,
            "/// {doc}\n///\n/// A batch: the body is a JSON array of [`{item}`], and the rate limit\n/// counts each item.\n#[derive(Debug, Clone, PartialEq, Eq, Serialize)]\n#[serde(transparent)]\n{REQUEST_ATTRS}pub struct {name}(pub Vec<{item}>);\n"
        );
        let _ = writeln!(
            out,
            "impl {name} {{\n    /// A batch of the given items.\n    pub fn new(items: Vec<{item}>) -> Self {{\n        Self(items)\n    }}\n}}\n"
        );
        emit_struct(
            out,
            ep,
            &item,
            &format!("One item of a [`{name}`] batch."),
            &fields,
        );
    } else {
        emit_struct(out, ep, &name, &doc, &fields);
    }
    let resp = response_name(ep);
    let _ = write!(
        out,
        "impl Request for {name} {{\n    const METHOD: Method = Method::{};\n    const PATH: &'static str = \"{}\";\n    const SIGNED: bool = {signed};\n    const RATE_LIMIT: RateLimit = RateLimit {{\n        count: {},\n        window_ms: {window},\n        unit: LimitUnit::{unit},\n        scope: LimitScope::{scope},\n    }};\n",
        if ep.method == "GET" { "Get" } else { "Post" },
        ep.path,
        rl.count,
    );
    if let Some(op) = rules::order_op(ep) {
        let _ = writeln!(out, "    const ORDER_OP: OrderOp = OrderOp::{op};");
    }
    let mut extra_key = None;
    if !rl.additional.is_empty() {
        let mut items = Vec::new();
        for a in &rl.additional {
            let lead = a
                .applies_to
                .as_deref()
                .is_some_and(|t| t.to_ascii_lowercase().contains("lead trader"));
            let (applies, scope) = match (lead, a.rule.as_deref()) {
                (true, None) => ("LeadTrader", scope),
                (false, Some("Instrument ID")) => {
                    let (x, y) = rules::pair_fields(ep).ok_or_else(|| {
                        format!(
                            "{}: per-instrument extra limit without pair fields",
                            ep.path
                        )
                    })?;
                    extra_key = Some(format!(
                        "Some(crate::request::currency_pair(&self.{}, &self.{}))",
                        rules::snake(x),
                        rules::snake(y)
                    ));
                    ("Everyone", "UidInstId")
                }
                // A second window on the same key (create-rfq: 80 per 12 h).
                (false, Some(rule)) if rules::scope_of(rule).is_ok_and(|(_, k)| k.is_none()) => {
                    ("Everyone", rules::scope_of(rule)?.0)
                }
                _ => return Err(format!("{}: unmapped extra rate limit {a:?}", ep.path)),
            };
            let unit = if a.unit == "orders" {
                "Orders"
            } else {
                "Requests"
            };
            items.push(format!(
                "ExtraLimit {{ limit: RateLimit {{ count: {}, window_ms: {}, unit: LimitUnit::{unit}, scope: LimitScope::{scope} }}, applies: Applies::{applies} }}",
                a.count,
                u64::from(a.seconds) * 1000
            ));
        }
        let _ = writeln!(
            out,
            "    const EXTRA_LIMITS: &'static [ExtraLimit] = &[{}];",
            items.join(", ")
        );
    }
    let _ = writeln!(
        out,
        "    type Response = okx_models::api::{module}::{resp};"
    );
    if let Some(expr) = key.and_then(|k| limit_key_expr(ep, k, &fields, batch)) {
        let _ = writeln!(
            out,
            "\n    fn limit_key(&self) -> Option<&str> {{\n        {expr}\n    }}"
        );
    }
    if let Some(expr) = extra_key {
        let _ = writeln!(
            out,
            "\n    fn extra_key(&self) -> Option<String> {{\n        {expr}\n    }}"
        );
    }
    if batch && let Some(expr) = key.and_then(|k| item_keys_expr(ep, k, &fields)) {
        let _ = writeln!(
            out,
            "\n    fn item_keys(&self) -> Vec<&str> {{\n        {expr}\n    }}"
        );
    }
    if batch {
        let _ = writeln!(
            out,
            "\n    fn cost(&self) -> u32 {{\n        u32::try_from(self.0.len()).unwrap_or(u32::MAX)\n    }}"
        );
    }
    if rules::is_candles(ep) {
        let ts = if rules::core_response(ep) == Some("Candle") {
            "c.ts"
        } else {
            "c.ts.unwrap_or(0)"
        };
        let _ = writeln!(
            out,
            "\n    fn finish(data: &mut Vec<Self::Response>) {{\n        crate::request::oldest_first(data, |c| {ts});\n    }}"
        );
    }
    out.push_str("}\n\n");
    if let Some(code) = paginated_impl(ep, &fields)? {
        out.push_str(&code);
    }
    Ok(())
}

/// Whether the endpoint's request type implements `Paginated`.
pub fn has_cursor(ep: &Endpoint) -> bool {
    matches!(paginated_impl(ep, &ep.request_fields()), Ok(Some(_)))
}

/// Whether the endpoint takes both `after` and `before` (optional), i.e.
/// is a list OKX pages through.
pub fn pages_with_cursors(ep: &Endpoint, fields: &[Field]) -> bool {
    let optional = |n: &str| fields.iter().any(|f| f.name == n && !f.required);
    ep.method == "GET" && !ep.is_batch() && optional("after") && optional("before")
}

/// An expression for one cursor value read from `recv`, a response item
/// (or one of its nested records), as `Option<String>`.
fn value_expr(ep: &Endpoint, wire: &str, recv: &str, nested: Option<&str>) -> Option<String> {
    let field = rules::snake(wire);
    if nested.is_none() {
        match (rules::core_response(ep), wire) {
            (Some("Candle" | "Trade"), "ts") => {
                return Some(format!("Some({recv}.ts.to_string())"));
            }
            (Some("Order"), "ordId") => return Some(format!("Some({recv}.ord_id.to_string())")),
            (Some("Fill" | "Trade"), _) => {
                return Some(format!(
                    "Some({recv}.{field}.clone()).filter(|c| !c.is_empty())"
                ));
            }
            (Some(_), _) => return None,
            (None, _) => {}
        }
    }
    let fields = ep.data_fields();
    let fields = match nested {
        Some(list) => &fields.iter().find(|f| f.name == list)?.children,
        None => fields,
    };
    let f = fields.iter().find(|f| f.name == wire)?;
    Some(match rules::response_scalar(&f.name, f.kind(), ep) {
        Scalar::Int => format!("{recv}.{field}.map(|v| v.to_string())"),
        Scalar::Str => format!("Some({recv}.{field}.clone()).filter(|c| !c.is_empty())"),
        _ => return None,
    })
}

/// The `Paginated` impl of a list endpoint; an error when the endpoint
/// takes `after` and `before` but its cursor is unknown or unreadable.
fn paginated_impl(ep: &Endpoint, fields: &[Field]) -> Result<Option<String>, String> {
    if !pages_with_cursors(ep, fields) {
        return Ok(None);
    }
    let name = rules::type_name(ep);
    let rule = rules::cursor_rule(ep).ok_or_else(|| {
        format!(
            "{} takes after/before but has no cursor rule in rules::cursor_rule",
            ep.path
        )
    })?;
    let unreadable = |f: &str| format!("{}: cursor field {f} is not in the response", ep.path);
    let read = |wire: &str| -> Result<String, String> {
        match rule.nested {
            Some(list) => {
                let one = value_expr(ep, wire, "r", Some(list)).ok_or_else(|| unreadable(wire))?;
                let list = rules::snake(list);
                Ok(format!("item.{list}.iter().filter_map(|r| {one})"))
            }
            None => value_expr(ep, wire, "item", None).ok_or_else(|| unreadable(wire)),
        }
    };
    let param = |p: &str| -> Result<String, String> {
        let f = fields
            .iter()
            .find(|f| f.name == p)
            .ok_or_else(|| format!("{}: no request parameter {p}", ep.path))?;
        Ok(format!("self.{}.as_deref()", rules::snake(&f.name)))
    };
    let value = |wire: &str| -> Result<String, String> {
        let v = read(wire)?;
        Ok(match rule.nested {
            Some(_) => format!("crate::paginate::oldest_cursor({v})"),
            None => v,
        })
    };
    let cursor = match rule.alt {
        Some((p, v, other)) => format!(
            "if {} == Some(\"{v}\") {{\n            {}\n        }} else {{\n            {}\n        }}",
            param(p)?,
            value(other)?,
            value(rule.field)?
        ),
        None => value(rule.field)?,
    };
    // (field set for "older than the cursor", field set for "newer than it")
    let (after, before) = if rule.inclusive {
        (
            (
                "before",
                "cursor.map(|c| crate::paginate::shift_ms(&c, -1))",
            ),
            ("after", "cursor.map(|c| crate::paginate::shift_ms(&c, 1))"),
        )
    } else if rule.cursor_included {
        (
            ("after", "cursor.map(|c| crate::paginate::shift_ms(&c, -1))"),
            ("before", "cursor.map(|c| crate::paginate::shift_ms(&c, 1))"),
        )
    } else {
        (("after", "cursor"), ("before", "cursor"))
    };
    let mut out = String::new();
    let _ = writeln!(out, "impl Paginated for {name} {{");
    if rule.cursor_included {
        out.push_str(
            "    // OKX's cursors here include the cursor's own record: one\n    // millisecond past it leaves that record out.\n",
        );
    }
    if rule.inclusive {
        out.push_str(
            "    // OKX documents `after` here as an inclusive begin time and `before`\n    // as an inclusive end time (the reverse of its cursors): records older\n    // than a cursor are those up to one millisecond before it.\n",
        );
    }
    let _ = write!(
        out,
        "    fn set_after(&mut self, cursor: Option<String>) {{\n        self.{} = {};\n    }}\n\n    fn set_before(&mut self, cursor: Option<String>) {{\n        self.{} = {};\n    }}\n\n",
        after.0, after.1, before.0, before.1
    );
    // With nested records (insurance fund) `limit` counts records, not
    // items, so item counts say nothing about a short page.
    if rule.nested.is_none() && fields.iter().any(|f| f.name == "limit" && !f.required) {
        out.push_str(
            "    fn page_limit(&self) -> Option<usize> {\n        self.limit.as_deref().and_then(|l| l.parse().ok())\n    }\n\n",
        );
    }
    let _ = write!(
        out,
        "    fn cursor(&self, item: &Self::Response) -> Option<String> {{\n        {cursor}\n    }}\n"
    );
    if rule.nested.is_some() {
        let _ = write!(
            out,
            "\n    fn newest_cursor(&self, item: &Self::Response) -> Option<String> {{\n        crate::paginate::newest_cursor({})\n    }}\n",
            read(rule.field)?
        );
    }
    if rule.confirm {
        // Core candles hold `confirm` as a flag; generated rows as an option.
        let read = if rules::core_response(ep).is_some() {
            "item.confirm"
        } else {
            "item.confirm == Some(true)"
        };
        let _ = write!(
            out,
            "\n    fn is_final(&self, item: &Self::Response) -> bool {{\n        {read}\n    }}\n"
        );
    }
    if let Some((p, v)) = rule.no_before {
        let _ = write!(
            out,
            "\n    fn check_before(&self) -> Result<(), crate::Invalid> {{\n        if {} == Some(\"{v}\") {{\n            return Err(crate::Invalid::Pagination(\"{} pages by timestamp with {p}={v}, where OKX refuses `before`\"));\n        }}\n        Ok(())\n    }}\n",
            param(p)?,
            ep.path
        );
    }
    out.push_str("}\n\n");
    Ok(Some(out))
}

pub fn module_file(group: &str, module: &str, eps: &[&Endpoint]) -> Result<String, String> {
    let mut body = String::new();
    for ep in eps {
        emit_endpoint(&mut body, module, ep)?;
    }
    let mut out = format!(
        "//! Request types of the {group} endpoints.\n//!\n\
         //! Generated by `cargo xtask codegen` from the OKX catalog; do not edit by hand.\n"
    );
    if module == "trade" {
        // The catalog's order calls go out as they are; order entry has
        // its own vocabulary, shared with WS trading and the client.
        out.push_str(
            "//!\n\
             //! For order entry use the SDK's one vocabulary instead:\n\
             //! [`OrderRequest`](okx_models::trade::OrderRequest),\n\
             //! [`AmendRequest`](okx_models::trade::AmendRequest) and\n\
             //! [`CancelRequest`](okx_models::trade::CancelRequest) with\n\
             //! [`RestClient::place`](crate::RestClient::place),\n\
             //! [`place_many`](crate::RestClient::place_many),\n\
             //! [`amend`](crate::RestClient::amend) and [`cancel`](crate::RestClient::cancel):\n\
             //! the same requests WS trading sends, placed exactly once (a `clOrdId`\n\
             //! always, an `expTime`, a lookup before any resend). [`PlaceOrder`],\n\
             //! [`AmendOrder`] and [`CancelOrder`] here are the catalog's generic calls\n\
             //! for [`RestClient::send`](crate::RestClient::send), sent once as they are.\n",
        );
    }
    out.push('\n');
    if body.contains("Decimal") {
        out.push_str("use rust_decimal::Decimal;\n");
    }
    out.push_str("use serde::Serialize;\n\n");
    let mut imports = vec![];
    if body.contains("Applies::") {
        imports.push("Applies");
    }
    if body.contains("ExtraLimit {") {
        imports.push("ExtraLimit");
    }
    imports.extend(["LimitScope", "LimitUnit", "Method"]);
    if body.contains("OrderOp::") {
        imports.push("OrderOp");
    }
    if body.contains("impl Paginated") {
        imports.push("Paginated");
    }
    imports.extend(["RateLimit", "Request"]);
    let _ = writeln!(out, "use crate::{{{}}};\n", imports.join(", "));
    out.push_str(&body);
    Ok(out)
}

/// `crates/rest/src/api/mod.rs`: the modules and the catalog table.
pub fn mod_file(eps: &[Endpoint]) -> String {
    let mut out = String::new();
    out.push_str(
        "//! Request types, one per OKX endpoint, grouped by OKX's own sections.\n//!\n\
         //! Generated by `cargo xtask codegen` from `../shared/okx-v5/endpoints.json`;\n\
         //! do not edit by hand. Each type implements [`Request`](crate::Request):\n\
         //! build it with `new(required..)` and the setters, then hand it to the client.\n\
         //! Its `Response` is one typed item of `data`, from `okx_models::api`.\n//!\n\
         //! ```\n\
         //! use okx_rest::api::market::GetCandles;\n\
         //! use okx_rest::{LimitScope, Request};\n\
         //!\n\
         //! let req = GetCandles::new(\"BTC-USDT\").bar(okx_models::Bar::H1).limit(\"100\");\n\
         //! assert_eq!(GetCandles::PATH, \"/api/v5/market/candles\");\n\
         //! assert_eq!(GetCandles::RATE_LIMIT.scope, LimitScope::Ip);\n\
         //! assert!(!GetCandles::SIGNED);\n\
         //! assert_eq!(serde_json::to_string(&req)?, r#\"{\"instId\":\"BTC-USDT\",\"bar\":\"1H\",\"limit\":\"100\"}\"#);\n\
         //! # Ok::<(), serde_json::Error>(())\n\
         //! ```\n\n\
         use crate::request::Method;\n\n",
    );
    for (_, module, _) in rules::MODULES {
        let _ = writeln!(out, "pub mod {module};");
    }
    out.push_str(
        "\n/// One implemented endpoint, as listed in OKX's catalog.\n\
         #[derive(Debug, Clone, Copy, PartialEq, Eq)]\n\
         pub struct EndpointInfo {\n\
         \x20   /// The catalog group (`endpoints.tsv` first column).\n\
         \x20   pub group: &'static str,\n\
         \x20   /// HTTP method.\n\
         \x20   pub method: Method,\n\
         \x20   /// Path starting with `/api/v5/`.\n\
         \x20   pub path: &'static str,\n\
         \x20   /// The request type, `module::Type`.\n\
         \x20   pub type_name: &'static str,\n\
         \x20   /// Whether requests are signed.\n\
         \x20   pub signed: bool,\n\
         \x20   /// Whether the type implements [`Paginated`](crate::Paginated).\n\
         \x20   pub paginated: bool,\n\
         }\n\n\
         /// Every implemented endpoint, in catalog order.\n\
         pub const CATALOG: &[EndpointInfo] = &[\n",
    );
    for ep in eps {
        let module = rules::module_of(ep).unwrap_or("");
        let signed = rules::signed(ep);
        let _ = writeln!(
            out,
            "    EndpointInfo {{ group: \"{}\", method: Method::{}, path: \"{}\", type_name: \"{module}::{}\", signed: {signed}, paginated: {} }},",
            ep.group,
            if ep.method == "GET" { "Get" } else { "Post" },
            ep.path,
            rules::type_name(ep),
            has_cursor(ep)
        );
    }
    out.push_str("];\n");
    out
}
