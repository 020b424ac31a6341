//! The 2026 docs (`../shared/okx-v5/docs/zh-2026`, Markdown with HTML
//! tables) read into the same [`Endpoint`]s as `endpoints.json`, so the
//! endpoints that only they document are generated like the others.
//!
//! A section runs from one `##`/`###` heading to the next; its endpoint is
//! the first request line (`` `GET /api/v5/...` ``) in it. The rate limit
//! comes from the `#### 限速` / `#### 限速规则` lines, the fields from the
//! first table after "请求参数" and after "返回参数" (rows nest by leading
//! `>`), the body shape and positional rows from the examples.

use std::collections::HashSet;
use std::path::Path;

use super::rules;
use super::spec::{Endpoint, Field, Kind, RateLimit};

/// Every `(method, path)` the 2026 docs give a request line for.
pub fn documented(zh: &Path) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for (_, text) in pages(zh)? {
        for line in text.lines() {
            if let Some((m, p)) = request_line(line)
                && !out.iter().any(|(om, op)| *om == m && *op == p)
            {
                out.push((m, p));
            }
        }
    }
    Ok(out)
}

/// The endpoints the 2026 docs document and `known` lacks, in page order.
pub fn extra_endpoints(
    zh: &Path,
    known: &HashSet<(String, String)>,
) -> Result<Vec<Endpoint>, String> {
    let extra: Vec<Endpoint> = all_endpoints(zh)?
        .into_iter()
        .filter(|e| !known.contains(&(e.method.clone(), e.path.clone())))
        .collect();
    if let Some(e) = extra.iter().find(|e| e.rate_limit.is_none()) {
        return Err(format!(
            "zh-2026: no readable rate limit for {} {}",
            e.method, e.path
        ));
    }
    Ok(extra)
}

/// Every endpoint the 2026 docs document, read from its section.
fn all_endpoints(zh: &Path) -> Result<Vec<Endpoint>, String> {
    let mut out: Vec<Endpoint> = Vec::new();
    for (file, text) in pages(zh)? {
        for section in sections(&text) {
            let Some((method, path)) = section.lines().find_map(request_line) else {
                continue;
            };
            if out.iter().any(|e| e.method == method && e.path == path) {
                continue;
            }
            // Some headings are bold (`#### **限速：1次/2s**`).
            let section = section.replace("**", "");
            if rules::group_of_path(&path).is_none() {
                continue;
            }
            out.push(endpoint(&file, &section, method, path)?);
        }
    }
    Ok(out)
}

/// Adds to the 2025 catalog's endpoints the fields the 2026 docs list and
/// it lacks (`subCode` on order results, new instrument and fee fields,
/// ...): every new response field, and new request parameters that are
/// optional (a new required one would change what callers must pass, and
/// is left for a deliberate change).
pub fn enrich(eps: &mut [Endpoint], zh: &Path) -> Result<usize, String> {
    let docs = all_endpoints(zh)?;
    let mut added = 0;
    for ep in eps.iter_mut() {
        let Some(z) = docs
            .iter()
            .find(|d| d.method == ep.method && d.path == ep.path)
        else {
            continue;
        };
        let from = data_level(&z.response);
        let envelope = is_envelope(&ep.response);
        let into = match ep.response.iter_mut().find(|f| f.name == "data") {
            Some(data) if envelope => &mut data.children,
            _ => &mut ep.response,
        };
        added += merge(into, from, false);
        added += merge(&mut ep.request, &z.request, true);
    }
    Ok(added)
}

/// Some pages list the envelope (`code`, `msg`, `data` > ...).
fn is_envelope(fields: &[Field]) -> bool {
    ["code", "msg", "data"]
        .iter()
        .all(|n| fields.iter().any(|f| f.name == *n))
}

/// The fields of one `data` item.
fn data_level(fields: &[Field]) -> &[Field] {
    match fields.iter().find(|f| f.name == "data") {
        Some(data) if is_envelope(fields) => &data.children,
        _ => fields,
    }
}

/// Adds the fields of `from` missing in `into`, recursively; returns how many.
fn merge(into: &mut Vec<Field>, from: &[Field], request: bool) -> usize {
    let mut added = 0;
    for f in from {
        match into.iter_mut().find(|i| i.name == f.name) {
            Some(have) => {
                if !f.children.is_empty()
                    && matches!(have.kind(), Kind::Object | Kind::ArrayOfObjects)
                {
                    added += merge(&mut have.children, &f.children, request);
                }
            }
            None if request && f.required => {}
            None => {
                into.push(f.clone());
                added += 1;
            }
        }
    }
    added
}

/// The Markdown pages, by file name, in name order.
fn pages(zh: &Path) -> Result<Vec<(String, String)>, String> {
    let dir = std::fs::read_dir(zh).map_err(|e| format!("cannot read {}: {e}", zh.display()))?;
    let mut names: Vec<String> = dir
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".md"))
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|n| {
            let path = zh.join(&n);
            std::fs::read_to_string(&path)
                .map(|t| (n, t))
                .map_err(|e| format!("cannot read {}: {e}", path.display()))
        })
        .collect()
}

/// `` `GET /api/v5/x/y` `` (a query string dropped) → ("GET", "/api/v5/x/y").
fn request_line(line: &str) -> Option<(String, String)> {
    let inner = line.trim().strip_prefix('`')?.strip_suffix('`')?;
    let (method, path) = inner.split_once(' ')?;
    if !matches!(method, "GET" | "POST") || !path.starts_with("/api/v5/") {
        return None;
    }
    let path = path.split('?').next().unwrap_or(path).trim();
    Some((method.to_owned(), path.to_owned()))
}

/// The text between `##`/`###` headings, each with its heading.
fn sections(text: &str) -> Vec<&str> {
    let mut starts: Vec<usize> = Vec::new();
    let mut offset = 0;
    let mut fenced = false;
    for line in text.split_inclusive('\n') {
        if line.starts_with("```") {
            fenced = !fenced;
        }
        if !fenced && (line.starts_with("## ") || line.starts_with("### ")) {
            starts.push(offset);
        }
        offset += line.len();
    }
    starts.push(text.len());
    starts.windows(2).map(|w| &text[w[0]..w[1]]).collect()
}

fn endpoint(file: &str, section: &str, method: String, path: String) -> Result<Endpoint, String> {
    let group = rules::group_of_path(&path)
        .ok_or_else(|| format!("zh-2026 {file}: no group for {path}"))?
        .to_owned();
    let heading = section.lines().next().unwrap_or_default();
    let title = heading.trim_start_matches('#').trim();
    let title = title
        .strip_prefix("GET /")
        .or_else(|| title.strip_prefix("POST /"))
        .unwrap_or(title)
        .trim()
        .to_owned();
    // Only the endpoints new in 2026 need it (they fail without one).
    let rate_limit = rate_limit(section).ok();
    let request = after(section, "请求参数")
        .and_then(|t| table(t, true))
        .unwrap_or_default();
    let response = after(section, "返回参数")
        .and_then(|t| table(t, false))
        .unwrap_or_default();
    let example = example_data(section);
    let request_body = (method == "POST").then(|| body_shape(section).to_owned());
    Ok(Endpoint {
        group,
        method,
        path,
        title,
        doc: format!("../zh-2026/{file}"),
        rate_limit,
        request_body,
        request,
        response,
        response_positional: example.is_some_and(|first| first.is_array()),
        request_variants: Vec::new(),
    })
}

/// The text after the first line containing `marker` (a `####` heading).
fn after<'a>(section: &'a str, marker: &str) -> Option<&'a str> {
    let at = section
        .match_indices(marker)
        .map(|(i, _)| i)
        .find(|&i| section[..i].ends_with("#### ") || section[..i].ends_with("####"))?;
    Some(&section[at..])
}

/// `#### 限速：20次/2s` and `#### 限速规则：User ID`.
fn rate_limit(section: &str) -> Result<RateLimit, String> {
    let mut limit = None;
    let mut rules_seen: Vec<(String, String)> = Vec::new();
    for line in section.lines() {
        let Some(rest) = line.strip_prefix("#### 限速") else {
            continue;
        };
        if let Some(rule) = rest.strip_prefix("规则") {
            // `规则（期权以外）：X` / `规则：X` / `规则 ：X`
            let (scope, value) = match rule.split_once('：') {
                Some((scope, value)) => (scope.trim(), value.trim()),
                None => continue,
            };
            rules_seen.push((scope.to_owned(), value.to_owned()));
        } else if limit.is_none() {
            let text = rest.trim_start_matches([':', '：', ' ']);
            limit = Some(parse_limit(text)?);
        }
    }
    let (count, seconds, unit) = limit.ok_or("no rate limit line")?;
    let rule = match rules_seen.as_slice() {
        [] => None,
        [(_, r)] => Some(normalize_rule(r)),
        [(a, r1), (b, r2)] if a.contains("期权以外") && b.contains("只限期权") => {
            Some(format!(
                "{} (except Options); {} (Options only)",
                normalize_rule(r1),
                normalize_rule(r2)
            ))
        }
        more => return Err(format!("unexpected rate-limit rules {more:?}")),
    };
    Ok(RateLimit {
        count,
        seconds: Some(seconds),
        period: None,
        unit: unit.to_owned(),
        rule,
        additional: Vec::new(),
    })
}

fn normalize_rule(rule: &str) -> String {
    match rule {
        "母账户 User ID" | "Master Account User ID" => "Master account User ID".to_owned(),
        r if r.starts_with("User ID(私有接口时)") => {
            "User ID(Private) or IP(Public)".to_owned()
        }
        r => r.to_owned(),
    }
}

/// `20次/2s`, `5 次/s`, `300个/2s`, `1次/5秒`, `每2秒10次请求`, `10 次/月`,
/// `增加 — 每用户每天 10 次…` → (count, seconds, unit).
fn parse_limit(text: &str) -> Result<(u32, u32, &'static str), String> {
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let unit = if t.contains('个') {
        "orders"
    } else {
        "requests"
    };
    let number = |s: &str| -> Option<u32> {
        let digits: String = s.chars().take_while(char::is_ascii_digit).collect();
        digits.parse().ok()
    };
    if let Some(rest) = t.strip_prefix('每') {
        // 每2秒10次请求
        let secs = number(rest).ok_or_else(|| format!("bad rate limit {text:?}"))?;
        let after = rest.split_once('秒').map(|(_, a)| a).unwrap_or("");
        let count = number(after).ok_or_else(|| format!("bad rate limit {text:?}"))?;
        return Ok((count, secs, unit));
    }
    if let Some(i) = t.find("每天") {
        let count =
            number(&t[i + "每天".len()..]).ok_or_else(|| format!("bad rate limit {text:?}"))?;
        return Ok((count, 86_400, unit));
    }
    let count = number(&t).ok_or_else(|| format!("bad rate limit {text:?}"))?;
    let period = t
        .split_once('/')
        .map(|(_, p)| p)
        .ok_or_else(|| format!("bad rate limit {text:?}"))?;
    let period = period.split(['；', ';']).next().unwrap_or(period);
    let n = number(period).unwrap_or(1);
    let tail = period.trim_start_matches(|c: char| c.is_ascii_digit());
    let secs = match tail {
        "s" | "秒" => n,
        "h" => n * 3600,
        "月" => n * 30 * 86_400,
        _ => return Err(format!("bad rate-limit period {text:?}")),
    };
    Ok((count, secs, unit))
}

/// The fields of the first HTML table in `text`; with `request`, only a
/// table with a "required" column counts.
fn table(text: &str, request: bool) -> Option<Vec<Field>> {
    let start = text.find("<table>")?;
    let end = text[start..].find("</table>")? + start;
    let html = &text[start..end];
    let header: Vec<String> = cells(html, "th");
    let has_required = header
        .iter()
        .any(|h| h.contains("是否必") || h.eq_ignore_ascii_case("required"));
    if request != has_required || header.len() < 3 {
        return None;
    }
    let mut rows: Vec<(usize, Field)> = Vec::new();
    for row in html.split("<tr>").skip(1) {
        let c = cells(row, "td");
        if c.len() < 3 {
            continue;
        }
        let raw = c[0].replace("&gt;", ">");
        let depth = raw
            .chars()
            .take_while(|ch| *ch == '>' || *ch == ' ')
            .filter(|ch| *ch == '>')
            .count();
        let name: String = raw
            .trim_start_matches(['>', ' '])
            .chars()
            .take_while(|ch| ch.is_ascii_alphanumeric() || *ch == '_')
            .collect();
        if name.is_empty() {
            continue;
        }
        let required = request && matches!(c[2].as_str(), "是" | "Yes" | "true" | "YES");
        let description = c.last().map(String::as_str).unwrap_or("");
        let deprecated =
            row.contains("<del>") || description.contains("已废弃") || row.contains("~~");
        rows.push((
            depth,
            Field {
                name,
                ty: c[1].clone(),
                required,
                deprecated,
                children: Vec::new(),
            },
        ));
    }
    Some(nest(&mut rows.into_iter().peekable(), 0))
}

/// Builds the tree: a row one `>` deeper than the row before is its child.
fn nest(
    rows: &mut std::iter::Peekable<impl Iterator<Item = (usize, Field)>>,
    depth: usize,
) -> Vec<Field> {
    let mut out: Vec<Field> = Vec::new();
    while let Some((d, _)) = rows.peek() {
        if *d < depth {
            break;
        }
        if *d > depth {
            let children = nest(rows, depth + 1);
            match out.last_mut() {
                Some(parent) => parent.children.extend(children),
                None => out.extend(children),
            }
            continue;
        }
        if let Some((_, f)) = rows.next() {
            out.push(f);
        }
    }
    out
}

/// The text of each `<th>`/`<td>` cell, tags removed.
fn cells(html: &str, tag: &str) -> Vec<String> {
    let open = format!("<{tag}");
    let close = format!("</{tag}>");
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(&open) {
        let after_open = &rest[i..];
        let Some(gt) = after_open.find('>') else {
            break;
        };
        let body = &after_open[gt + 1..];
        let end = body.find(&close).unwrap_or(body.len());
        out.push(strip_tags(&body[..end]));
        rest = &body[end..];
    }
    out
}

fn strip_tags(s: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for ch in s.chars() {
        match ch {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.trim().to_owned()
}

/// The first `data` item of the section's response example.
fn example_data(section: &str) -> Option<serde_json::Value> {
    let at = ["返回结果", "返回示例", "响应示例"]
        .iter()
        .filter_map(|m| section.find(m))
        .min()?;
    let rest = &section[at..];
    let open = rest.find('{')?;
    let mut stream =
        serde_json::Deserializer::from_str(&rest[open..]).into_iter::<serde_json::Value>();
    let v = stream.next()?.ok()?;
    v.get("data")?.as_array()?.first().cloned()
}

/// `array` when the request example's body is a JSON array (batch), else `object`.
fn body_shape(section: &str) -> &'static str {
    let Some(at) = section.find("请求示例") else {
        return "object";
    };
    let rest = &section[at..];
    let end = rest.find("请求参数").unwrap_or(rest.len());
    let example = &rest[..end];
    let first_json = example.find(['{', '[']);
    match first_json.map(|i| &example[i..i + 1]) {
        Some("[") => "array",
        _ => "object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_limits_in_every_spelling() {
        assert_eq!(parse_limit("20次/2s"), Ok((20, 2, "requests")));
        assert_eq!(parse_limit("5 次/s"), Ok((5, 1, "requests")));
        assert_eq!(parse_limit("300个/2s"), Ok((300, 2, "orders")));
        assert_eq!(parse_limit("1 次/5 秒"), Ok((1, 5, "requests")));
        assert_eq!(parse_limit("每2秒10次请求"), Ok((10, 2, "requests")));
        assert_eq!(parse_limit("10 次/月"), Ok((10, 30 * 86_400, "requests")));
        assert_eq!(parse_limit("6次/2s；20次/1h"), Ok((6, 2, "requests")));
        assert_eq!(
            parse_limit("增加 — 每用户每天 10 次（UTC 0:00 重置）；减少 — 无限制"),
            Ok((10, 86_400, "requests"))
        );
        assert!(parse_limit("很多").is_err());
    }

    #[test]
    fn tables_nest_by_leading_arrows() {
        let html = r#"<table><thead><tr><th>参数名</th><th>类型</th><th>描述</th></tr></thead><tbody>
<tr><td>algoId</td><td>String</td><td>id</td></tr>
<tr><td>triggerParams</td><td>Array of objects</td><td>x</td></tr>
<tr><td>&gt; triggerAction</td><td>String</td><td>y</td></tr>
<tr><td>&gt; &gt; deep</td><td>String</td><td>y</td></tr>
<tr><td>cTime</td><td>String</td><td>z</td></tr></tbody></table>"#;
        let fields = table(html, false).unwrap();
        let names: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["algoId", "triggerParams", "cTime"]);
        assert_eq!(fields[1].children[0].name, "triggerAction");
        assert_eq!(fields[1].children[0].children[0].name, "deep");
        assert!(
            table(html, true).is_none(),
            "no required column: not a request table"
        );
    }

    #[test]
    fn request_lines_drop_the_query() {
        assert_eq!(
            request_line("`GET /api/v5/market/books-sbe?instIdCode=1`"),
            Some(("GET".into(), "/api/v5/market/books-sbe".into()))
        );
        assert_eq!(request_line("`WS /ws/v5/public`"), None);
    }
}
