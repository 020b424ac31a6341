//! The input: `../shared/okx-v5/endpoints.json`, read into plain structs and
//! normalised (type spellings, envelope-style response tables, request variants).

use std::path::Path;

use serde::Deserialize;

/// One REST endpoint as `endpoints.json` describes it.
#[derive(Debug, Clone, Deserialize)]
pub struct Endpoint {
    pub group: String,
    pub method: String,
    pub path: String,
    pub title: String,
    pub doc: String,
    pub rate_limit: Option<RateLimit>,
    pub request_body: Option<String>,
    #[serde(default)]
    pub request: Vec<Field>,
    #[serde(default)]
    pub response: Vec<Field>,
    #[serde(default)]
    pub response_positional: bool,
    #[serde(default)]
    pub request_variants: Vec<Variant>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct RateLimit {
    pub count: u32,
    pub seconds: Option<u32>,
    #[serde(default)]
    pub period: Option<String>,
    pub unit: String,
    pub rule: Option<String>,
    /// Secondary limits on the same page (lead traders, per pair).
    #[serde(default)]
    pub additional: Vec<AdditionalLimit>,
}

/// A secondary "Rate limit" line of an endpoint's page.
#[derive(Debug, Clone, Deserialize)]
pub struct AdditionalLimit {
    pub count: u32,
    pub seconds: u32,
    pub unit: String,
    /// Its own rule, when it has one.
    #[serde(default)]
    pub rule: Option<String>,
    /// Whom it is for ("lead trader lead instruments for Copy Trading").
    #[serde(default)]
    pub applies_to: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Variant {
    pub fields: Vec<Field>,
}

/// A field node: a request parameter or a response field.
#[derive(Debug, Clone, Deserialize)]
pub struct Field {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: String,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub deprecated: bool,
    #[serde(default)]
    pub children: Vec<Field>,
}

/// The docs' type column, normalised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Str,
    Int,
    Bool,
    Object,
    ArrayOfObjects,
    ArrayOfStrings,
    ArrayOfArrays,
}

impl Field {
    pub fn kind(&self) -> Kind {
        let t = self.ty.to_ascii_lowercase();
        match t.as_str() {
            "integer" | "int" => Kind::Int,
            "boolean" => Kind::Bool,
            "object" => Kind::Object,
            "array of strings" => Kind::ArrayOfStrings,
            "array of arrays" => Kind::ArrayOfArrays,
            "array" if self.children.is_empty() => Kind::ArrayOfStrings,
            "array" => Kind::ArrayOfObjects,
            _ if t.starts_with("array of obj") => Kind::ArrayOfObjects,
            // `String` parents with children are JSON-in-a-string parameters:
            // the wire value is still a string.
            _ => Kind::Str,
        }
    }
}

impl Endpoint {
    /// Response fields of one `data` item. Some pages document the whole
    /// envelope (`code`, `msg`, `data` > ...); take `data`'s children there.
    pub fn data_fields(&self) -> &[Field] {
        let has = |n: &str| self.response.iter().any(|f| f.name == n);
        if has("code")
            && has("msg")
            && let Some(data) = self.response.iter().find(|f| f.name == "data")
        {
            return &data.children;
        }
        &self.response
    }

    /// Request fields, with the per-order-type variant tables merged in as
    /// optional fields (each is required only for its own order type).
    pub fn request_fields(&self) -> Vec<Field> {
        let mut out = self.request.clone();
        for v in &self.request_variants {
            for f in &v.fields {
                if !out.iter().any(|o| o.name == f.name) {
                    let mut f = f.clone();
                    f.required = false;
                    out.push(f);
                }
            }
        }
        out
    }

    /// The doc heading without the `GET / ` or `POST / ` some pages put first.
    pub fn clean_title(&self) -> &str {
        self.title
            .strip_prefix("GET / ")
            .or_else(|| self.title.strip_prefix("POST / "))
            .unwrap_or(&self.title)
    }

    pub fn is_batch(&self) -> bool {
        self.request_body.as_deref() == Some("array")
    }
}

/// Reads the catalog, adds the fields and the endpoints only the 2026 docs
/// document, and keeps those of the covered groups, in catalog order (the
/// 2026 ones last).
pub fn load(shared: &Path) -> Result<Vec<Endpoint>, String> {
    let path = shared.join("okx-v5/endpoints.json");
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut all: Vec<Endpoint> =
        serde_json::from_str(&text).map_err(|e| format!("bad {}: {e}", path.display()))?;
    let known = all
        .iter()
        .map(|e| (e.method.clone(), e.path.clone()))
        .collect();
    let zh = shared.join("okx-v5/docs/zh-2026");
    super::zh2026::enrich(&mut all, &zh)?;
    all.extend(super::zh2026::extra_endpoints(&zh, &known)?);
    Ok(all
        .into_iter()
        .filter(|e| super::rules::module_of(e).is_some())
        .collect())
}
