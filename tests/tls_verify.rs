//! Certificate checks through the binary (src/http/verify.rs): a chain to a CA the config does
//! not trust, a certificate for another name, and one for another address are all refused
//! before any request is sent; the trusted one for the name is taken.
mod harness;
mod support;

use harness::*;
use support::{MockServer, Reply, TestCa, script};

/// Runs one pass with `source` as the only address source, the provider at `provider`.
fn run_against(env: &Env, source: &str, provider: &MockServer) -> support::Output {
    env.write_config(
        3,
        &[format!("{source}/ip")],
        &namecheap_record(&provider.url(), PASSWORD),
    );
    env.run(&[])
}

#[test]
fn an_untrusted_ca_another_name_or_another_address_is_refused() {
    let env = Env::new("tls-verify");
    let provider = env.server(vec![Reply::ok(&nc_success(IP1))]);
    let answer = || script(vec![Reply::ok(&format!("{IP1}\n"))]);

    // Signed by a CA the config does not trust.
    let stranger = TestCa::new();
    let untrusted = MockServer::https(&stranger, answer());
    let out = run_against(&env, &untrusted.url(), &provider);
    expect_code(&out, 1);
    assert!(out.stderr.contains("certificate"), "{}", out.stderr);
    assert_eq!(
        untrusted.count(),
        0,
        "no request over an unverified connection"
    );

    // Trusted CA, but the certificate names another host than the one asked for.
    let other_name = TestCa::with_server_names(&["other.example"]);
    std::fs::write(
        &env.ca_file,
        format!("{}{}", env.ca.ca_pem(), other_name.ca_pem()),
    )
    .unwrap();
    let wrong_name = MockServer::https(&other_name, answer());
    let out = run_against(&env, &wrong_name.url_localhost(), &provider);
    expect_code(&out, 1);
    assert!(out.stderr.contains("certificate"), "{}", out.stderr);
    assert_eq!(wrong_name.count(), 0);

    // Trusted CA, a certificate for `localhost` only, reached by its address.
    let named_only = TestCa::with_server_names(&["localhost"]);
    std::fs::write(
        &env.ca_file,
        format!("{}{}", env.ca.ca_pem(), named_only.ca_pem()),
    )
    .unwrap();
    let by_address = MockServer::https(&named_only, answer());
    let out = run_against(&env, &by_address.url(), &provider);
    expect_code(&out, 1);
    assert_eq!(by_address.count(), 0);
    assert_eq!(provider.count(), 0, "nothing was sent to the provider");

    // The same server reached by the name its certificate holds is fine.
    let out = run_against(&env, &by_address.url_localhost(), &provider);
    expect_code(&out, 0);
    assert_eq!(by_address.count(), 1);
    assert_eq!(provider.count(), 1);
}
