use super::*;

const NAMES: &[&str] = &["ip", "ip4", "hostname", "token"];

fn values<'a>(token: &'a str) -> [Value<'a>; 4] {
    [
        Value::plain("2001:db8::1"),
        Value::plain(""),
        Value::plain("home.example.org"),
        Value::secret(token),
    ]
}

fn render(text: &str, place: Place, token: &str) -> Rendered {
    Template::parse(text, place, NAMES)
        .unwrap()
        .render(&values(token))
        .unwrap()
}

#[test]
fn url_values_are_percent_encoded_and_secrets_listed() {
    let r = render(
        "https://h.example/u/{token}?host={hostname}&ip={ip}&v4={ip4}",
        Place::Url,
        "a b/&c",
    );
    assert_eq!(
        r.text,
        "https://h.example/u/a%20b%2F%26c?host=home.example.org&ip=2001%3Adb8%3A%3A1&v4="
    );
    assert_eq!(r.secrets, vec!["a%20b%2F%26c".to_string()]);
    assert_eq!(
        r.shown(),
        "https://h.example/u/***?host=home.example.org&ip=2001%3Adb8%3A%3A1&v4="
    );
}

#[test]
fn json_values_are_escaped_and_literal_braces_kept() {
    let text = r#"{"rec": {"name": "{hostname}", "key": "{token}"}, "x": [{ip4}]}"#;
    let r = render(text, Place::body(text), "q\"\\\n");
    assert_eq!(r.place, Place::Json);
    assert_eq!(
        r.text,
        r#"{"rec": {"name": "home.example.org", "key": "q\"\\\n"}, "x": []}"#
    );
    assert!(crate::json::Json::parse(&r.text).is_ok());
    assert!(!r.shown().contains('q'));
}

#[test]
fn form_body_is_percent_encoded() {
    let text = "hostname={hostname}&token={token}";
    assert_eq!(Place::body(text), Place::Form);
    assert_eq!(
        render(text, Place::body(text), "k=&v").text,
        "hostname=home.example.org&token=k%3D%26v"
    );
}

#[test]
fn header_values_are_as_is_and_line_breaks_refused() {
    let r = render("Bearer {token}", Place::Header, "a b+c");
    assert_eq!(r.text, "Bearer a b+c");
    let t = Template::parse("{token}", Place::Header, NAMES).unwrap();
    assert!(t.render(&values("x\r\nEvil: 1")).is_err());
    assert!(
        Template::parse("a\nb", Place::Header, NAMES)
            .unwrap()
            .render(&[])
            .is_err()
    );
}

#[test]
fn escapes_and_non_placeholders_are_literal() {
    for (text, want) in [
        ("{{ip}", "{ip}"),
        ("{{{ip}", "{2001%3Adb8%3A%3A1"),
        ("{}", "{}"),
        ("{ ip }", "{ ip }"),
        ("{ip", "{ip"),
        ("}}", "}}"),
        ("{-x}", "{-x}"),
        ("", ""),
        ("{", "{"),
    ] {
        assert_eq!(render(text, Place::Url, "t").text, want, "{text}");
    }
}

#[test]
fn unknown_placeholder_names_itself_and_the_known_ones() {
    let e = Template::parse("https://x/?a={ipv4}", Place::Url, NAMES).unwrap_err();
    assert!(
        e.starts_with("unknown placeholder {ipv4} (known: {ip}, {ip4}, {hostname}, {token}"),
        "{e}"
    );
    assert!(Template::parse("{IP}", Place::Url, NAMES).is_err());
}

#[test]
fn uses_prefix_and_empty_secrets() {
    let t = Template::parse("https://x.example/{token}/{ip}", Place::Url, NAMES).unwrap();
    assert!(t.uses(0) && t.uses(3) && !t.uses(1));
    assert_eq!(t.prefix(), "https://x.example/");
    // An empty secret leaves nothing to hide (and must not turn every gap into ***).
    assert!(t.render(&values("")).unwrap().secrets.is_empty());
    // Missing values render empty.
    assert_eq!(t.render(&[]).unwrap().text, "https://x.example//");
}

#[test]
fn request_marks_every_secret() {
    let url = render("https://x.example/u?key={token}", Place::Url, "s3cret");
    let headers = vec![
        (
            "X-Key".to_string(),
            render("{token}", Place::Header, "s3cret"),
        ),
        (
            "X-Host".to_string(),
            render("{hostname}", Place::Header, "s3cret"),
        ),
    ];
    let body = render(r#"{"k":"{token}"}"#, Place::Json, "s3cret");
    let req = request(Method::Post, url, &headers, Some(body));
    assert_eq!(req.wire_url(), "https://x.example/u?key=s3cret");
    assert!(req.body_is_secret);
    let shown = req.redacted();
    assert!(!shown.contains("s3cret"), "{shown}");
    assert!(shown.contains("X-Host: home.example.org"), "{shown}");
    assert!(shown.contains("Content-Type: application/json"), "{shown}");
    // A Content-Type header of the user's wins; a form body gets the form type.
    let typed = vec![(
        "content-type".to_string(),
        render("text/plain", Place::Header, ""),
    )];
    let req = request(
        Method::Put,
        render("https://x.example/", Place::Url, ""),
        &typed,
        Some(render("a={ip}", Place::Form, "")),
    );
    assert_eq!(req.headers.len(), 1);
    assert!(!req.body_is_secret);
    let req = request(
        Method::Post,
        render("https://x.example/", Place::Url, ""),
        &[],
        Some(render("a={ip}", Place::Form, "")),
    );
    assert_eq!(req.headers[0].value, "application/x-www-form-urlencoded");
}

#[test]
fn methods_and_header_names() {
    assert_eq!(parse_method("post"), Some(Method::Post));
    assert_eq!(parse_method("PATCH"), Some(Method::Patch));
    assert_eq!(parse_method("DELETE"), None);
    assert!(is_header_name("X-Api-Key") && is_header_name("a_b.c~"));
    assert!(!is_header_name("") && !is_header_name("a b") && !is_header_name("a:b"));
}
