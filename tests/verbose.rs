//! What `-v` shows: each request sent (secrets hidden) and each answer with its status and up
//! to 2 KiB of its body, a secret the server echoes back hidden too.
mod harness;
mod support;

use harness::*;
use support::Reply;

#[test]
fn v_shows_requests_and_answers_up_to_2_kib_with_secrets_hidden() {
    let env = Env::new("verbose");
    let source = env.ip_source(&[IP1]);
    // A refusal that quotes the password back, followed by a long tail.
    let body = format!("badauth for password {PASSWORD}\n{}", "x".repeat(5000));
    let provider = env.server(vec![Reply::status(403, &body)]);
    env.write_config(
        3,
        &[format!("{}/ip", source.url())],
        &format!(
            "[[record]]\nprovider = \"dyndns2\"\nserver = {:?}\nhostname = \"home.example.org\"\nusername = \"me\"\npassword = {PASSWORD:?}\n",
            provider.url()
        ),
    );
    let out = env.run(&["-v"]);
    expect_code(&out, 3);
    let err = &out.stderr;
    assert!(err.contains("sending GET "), "{err}");
    assert!(err.contains("Authorization: Basic ***"), "{err}");
    // The echoed password is hidden in the body (the byte count is after hiding).
    let shown = format!("badauth for password ***\n{}", "x".repeat(5000));
    let head = format!(
        "answer: HTTP 403 ({} bytes):\nbadauth for password ***\n",
        shown.len()
    );
    assert!(err.contains(&head), "{err}");
    assert!(
        err.contains(&format!("{} …", "x".repeat(100))),
        "cut with a mark: {err}"
    );
    assert!(
        !err.contains(&"x".repeat(2100)),
        "at most 2 KiB shown: {err}"
    );
    assert!(
        err.contains(&format!(
            "answer: HTTP 200 ({} bytes):\n{IP1}",
            IP1.len() + 1
        )),
        "{err}"
    );
    // Nor does it reach the error message or the state file.
    no_secret(&[&out], &[&env.state_text().unwrap()], &[PASSWORD]);
}
