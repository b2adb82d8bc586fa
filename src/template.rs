//! Placeholder templates (`{ip}`, `{token}`...): parsed once from the config, rendered per request with each value encoded for where it stands and secrets kept redactable.
//!
//! Syntax: `{name}` (ASCII letters, digits, `_`) is a placeholder and must be one of the names
//! the caller knows, else parsing fails with `unknown placeholder {x} (known: {a}, {b})`.
//! `{{` is a literal `{` (so `{{ip}` is the text `{ip}`); every other brace is literal text, so
//! a JSON body such as `{"ip": "{ip}"}` is written as it is sent.
//!
//! Where a template stands ([`Place`]) chooses how each value is encoded; literal text is never
//! changed:
//! - `Url`: percent-encoded (RFC 3986 unreserved kept), right for a path segment or a query value;
//! - `Json` (a body whose first non-blank character is `{` or `[`): escaped for the inside of a
//!   JSON string, so write `"{ip}"` with the quotes;
//! - `Form` (any other body): percent-encoded, as `application/x-www-form-urlencoded` wants;
//! - `Header`: as it is; a value or text with CR, LF or NUL fails the render.
//!
//! Use: `Template::parse(text, place, NAMES)` at config time, with `NAMES` a list such as
//! `["ip", "ip4", "ip6", "hostname", "username", "password", "token"]` (notifications add
//! `record`, `old_ip`, `event`, `message`); then `render(&values)` with `values[i]` the
//! [`Value`] of `NAMES[i]`. The [`Rendered`] text goes on the wire; its `secrets` are the
//! encoded secret values as they stand in it, which [`request`] turns into the
//! `Request`'s redaction (`path_secrets`, `secret_header`, `body_is_secret`), and `shown()`
//! replaces by `***` for any other log line. `parse_method` and `is_header_name` check the
//! `method` and `headers` keys that go with templates.
use crate::http::{Method, Request, percent_encode};

/// Where a template's text goes, which chooses the encoding of its values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Url,
    Json,
    Form,
    Header,
}

impl Place {
    /// A body is JSON when its first non-blank character is `{` or `[`, else a form.
    pub fn body(text: &str) -> Place {
        match text.trim_start().chars().next() {
            Some('{' | '[') => Place::Json,
            _ => Place::Form,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(String),
    /// An index into the known names.
    Var(usize),
}

/// A parsed template; renders in time linear in its text and values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    place: Place,
    parts: Vec<Part>,
}

/// One placeholder's value at render time.
#[derive(Debug, Clone, Copy, Default)]
pub struct Value<'a> {
    pub text: &'a str,
    pub secret: bool,
}

impl<'a> Value<'a> {
    pub fn plain(text: &'a str) -> Value<'a> {
        Value {
            text,
            secret: false,
        }
    }

    pub fn secret(text: &'a str) -> Value<'a> {
        Value { text, secret: true }
    }
}

/// A rendered template: `text` for the wire, `secrets` as they stand in it (none empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub place: Place,
    pub text: String,
    pub secrets: Vec<String>,
}

impl Rendered {
    /// The text with every secret replaced by `***`, for logs (notifications use it).
    #[allow(dead_code)]
    pub fn shown(&self) -> String {
        let mut s = self.text.clone();
        for secret in &self.secrets {
            s = s.replace(secret.as_str(), "***");
        }
        s
    }
}

impl Template {
    pub fn parse(text: &str, place: Place, known: &[&str]) -> Result<Template, String> {
        let mut parts = Vec::new();
        let mut lit = String::new();
        let mut rest = text;
        while let Some(i) = rest.find('{') {
            lit.push_str(&rest[..i]);
            rest = &rest[i + 1..];
            if let Some(r) = rest.strip_prefix('{') {
                lit.push('{');
                rest = r;
                continue;
            }
            let len = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            if len == 0 || !rest[len..].starts_with('}') {
                lit.push('{');
                continue;
            }
            let name = &rest[..len];
            let Some(index) = known.iter().position(|k| *k == name) else {
                let list: Vec<String> = known.iter().map(|k| format!("{{{k}}}")).collect();
                return Err(format!(
                    "unknown placeholder {{{name}}} (known: {}; write {{{{ for a literal {{)",
                    list.join(", ")
                ));
            };
            if !lit.is_empty() {
                parts.push(Part::Text(std::mem::take(&mut lit)));
            }
            parts.push(Part::Var(index));
            rest = &rest[len + 1..];
        }
        lit.push_str(rest);
        if !lit.is_empty() {
            parts.push(Part::Text(lit));
        }
        Ok(Template { place, parts })
    }

    /// Whether the template uses the known name at `index`.
    pub fn uses(&self, index: usize) -> bool {
        self.parts.contains(&Part::Var(index))
    }

    /// The literal text before the first placeholder (e.g. to check a URL's scheme and host).
    pub fn prefix(&self) -> &str {
        match self.parts.first() {
            Some(Part::Text(t)) => t,
            _ => "",
        }
    }

    /// The text with `values[i]` for the `i`th known name (a missing value renders empty).
    pub fn render(&self, values: &[Value]) -> Result<Rendered, String> {
        let mut text = String::new();
        let mut secrets = Vec::new();
        for part in &self.parts {
            match part {
                Part::Text(t) => text.push_str(t),
                Part::Var(i) => {
                    let v = values.get(*i).copied().unwrap_or_default();
                    let encoded = match self.place {
                        Place::Url | Place::Form => percent_encode(v.text),
                        Place::Json => json_inner(v.text),
                        Place::Header => v.text.to_string(),
                    };
                    if v.secret && !encoded.is_empty() {
                        secrets.push(encoded.clone());
                    }
                    text.push_str(&encoded);
                }
            }
        }
        if self.place == Place::Header && text.contains(['\r', '\n', '\0']) {
            return Err("a header value must not hold a line break".to_string());
        }
        Ok(Rendered {
            place: self.place,
            text,
            secrets,
        })
    }
}

/// `s` escaped for the inside of a JSON string (no quotes).
fn json_inner(s: &str) -> String {
    let q = crate::json::quote(s);
    q[1..q.len() - 1].to_string()
}

/// A `method` key's value: GET, POST, PUT or PATCH, case ignored.
pub fn parse_method(m: &str) -> Option<Method> {
    match m.to_ascii_uppercase().as_str() {
        "GET" => Some(Method::Get),
        "POST" => Some(Method::Post),
        "PUT" => Some(Method::Put),
        "PATCH" => Some(Method::Patch),
        _ => None,
    }
}

/// Whether `name` can be a header name (an RFC 9110 token).
pub fn is_header_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// A request from rendered parts: the URL as given (its query included), headers in order,
/// and a body with a `Content-Type` for its place unless a header sets one. Every secret is
/// marked for redaction.
pub fn request(
    method: Method,
    url: Rendered,
    headers: &[(String, Rendered)],
    body: Option<Rendered>,
) -> Request {
    let mut req = Request::get(url.text);
    req.method = method;
    req.path_secrets = url.secrets;
    for (name, value) in headers {
        req = if value.secrets.is_empty() {
            req.header(name, value.text.as_str())
        } else {
            req.secret_header(name, value.text.as_str())
        };
    }
    if let Some(body) = body {
        let typed = headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case("content-type"));
        if !typed {
            let kind = match body.place {
                Place::Json => "application/json",
                _ => "application/x-www-form-urlencoded",
            };
            req = req.header("Content-Type", kind);
        }
        req.body_is_secret = !body.secrets.is_empty();
        req.body = Some(body.text.into_bytes());
    }
    req
}

#[cfg(test)]
#[path = "template_tests.rs"]
mod tests;
