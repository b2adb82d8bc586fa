//! The update cycle through the real binary: first run, quiet second run, address change, state.
mod harness;
mod support;

use harness::*;
use support::Reply;

#[test]
fn first_run_updates_and_remembers() {
    let env = Env::new("first-run");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![Reply::ok(&nc_success(IP1))]);
    env.namecheap(&source, &provider, PASSWORD);

    let out = env.run(&[]);
    expect_code(&out, 0);
    let reqs = provider.requests();
    assert_eq!(reqs.len(), 1);
    let r = &reqs[0];
    assert_eq!((r.method.as_str(), r.path.as_str()), ("GET", "/update"));
    assert_eq!(r.param("host"), Some("home"));
    assert_eq!(r.param("domain"), Some("example.com"));
    assert_eq!(r.param("password"), Some(PASSWORD));
    assert_eq!(r.param("ip"), Some(IP1));
    let ua = r.header("user-agent").unwrap();
    assert!(
        ua.starts_with("ddnsup/") && ua.contains("(+https://"),
        "{ua}"
    );
    assert!(
        source.requests()[0]
            .header("user-agent")
            .unwrap()
            .starts_with("ddnsup/")
    );
    assert!(
        out.stderr
            .contains("home.example.com (namecheap): updated A to 81.2.69.160"),
        "{}",
        out.stderr
    );
    let state = env.state_text().expect("state written");
    assert!(state.contains("\"ip\":\"81.2.69.160\""), "{state}");
    assert!(!state.contains(PASSWORD));
}

#[test]
fn second_run_sends_nothing_and_leaves_the_state_file_untouched() {
    let env = Env::new("second-run");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![Reply::ok(&nc_success(IP1))]);
    env.namecheap(&source, &provider, PASSWORD);
    expect_code(&env.run(&[]), 0);
    let before = std::fs::read(&env.state).unwrap();
    let mtime = std::fs::metadata(&env.state).unwrap().modified().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1100));

    let out = env.run(&[]);
    expect_code(&out, 0);
    assert_eq!(provider.count(), 1, "no second update");
    assert!(
        out.stderr.contains("unchanged (81.2.69.160)"),
        "{}",
        out.stderr
    );
    assert_eq!(std::fs::read(&env.state).unwrap(), before);
    assert_eq!(
        std::fs::metadata(&env.state).unwrap().modified().unwrap(),
        mtime
    );
    let leftovers = std::fs::read_dir(env.dir.path()).unwrap().count();
    assert_eq!(leftovers, 3, "only ca.pem, config.toml and state.json");

    // -q keeps a run with nothing to do silent.
    let out = env.run(&["-q"]);
    expect_code(&out, 0);
    assert_eq!(out.stderr, "");
    assert_eq!(out.stdout, "");
}

#[test]
fn an_address_change_updates() {
    let env = Env::new("change");
    let source = env.ip_source(&[IP1, IP2]);
    let provider = env.server(vec![
        Reply::ok(&nc_success(IP1)),
        Reply::ok(&nc_success(IP2)),
    ]);
    env.namecheap(&source, &provider, PASSWORD);
    expect_code(&env.run(&[]), 0);

    let out = env.run(&[]);
    expect_code(&out, 0);
    let reqs = provider.requests();
    assert_eq!(reqs.len(), 2);
    assert_eq!(reqs[1].param("ip"), Some(IP2));
    assert!(
        out.stderr
            .contains("updated A to 81.2.69.161 (was 81.2.69.160)"),
        "{}",
        out.stderr
    );
    assert!(env.state_text().unwrap().contains("\"ip\":\"81.2.69.161\""));
}

#[test]
fn a_config_change_updates_again() {
    let env = Env::new("config-change");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![Reply::ok(&nc_success(IP1))]);
    env.namecheap(&source, &provider, PASSWORD);
    expect_code(&env.run(&[]), 0);
    env.namecheap(&source, &provider, "fedcba9876543210fedcba9876543210");
    let out = env.run(&[]);
    expect_code(&out, 0);
    assert_eq!(provider.count(), 2);
    assert!(
        out.stderr.contains("(configuration changed)"),
        "{}",
        out.stderr
    );
}

#[test]
fn sources_are_tried_in_order_until_one_gives_a_public_address() {
    let env = Env::new("sources");
    let html = env.server(vec![Reply::ok(
        "<html><body>Current IP Address: 81.2.69.160</body></html>",
    )]);
    let private = env.ip_source(&["192.168.1.10"]);
    let cgnat = env.ip_source(&["100.64.3.4"]);
    let down = env.server(vec![Reply::status(503, "busy")]);
    let good = env.ip_source(&[IP2]);
    let provider = env.server(vec![Reply::ok(&nc_success(IP2))]);
    let sources: Vec<String> = [&html, &private, &cgnat, &down, &good]
        .iter()
        .map(|s| format!("{}/ip", s.url()))
        .collect();
    env.write_config(3, &sources, &namecheap_record(&provider.url(), PASSWORD));

    let out = env.run(&["-v"]);
    expect_code(&out, 0);
    assert_eq!(provider.requests()[0].param("ip"), Some(IP2));
    for s in [&html, &private, &cgnat, &down, &good] {
        assert_eq!(s.count(), 1);
    }
    assert!(out.stderr.contains("carrier-grade NAT"), "{}", out.stderr);
}

#[test]
fn dyndns2_and_duckdns_records() {
    let env = Env::new("dyndns2");
    let source = env.ip_source(&[IP1]);
    let dyn_server = env.server(vec![
        Reply::ok("good 81.2.69.160\n"),
        Reply::ok("nochg 81.2.69.160\n"),
    ]);
    let duck = env.server(vec![Reply::ok("OK")]);
    let records = format!(
        "[[record]]\nprovider = \"dyndns2\"\nserver = {:?}\nhostname = \"home.example.org\"\nusername = \"me\"\npassword = 'p@ss:\"word'\n\n[[record]]\nprovider = \"duckdns\"\nserver = {:?}\ndomain = \"myhome\"\ntoken = \"tok-123\"\n",
        dyn_server.url(),
        duck.url()
    );
    env.write_config(3, &[format!("{}/ip", source.url())], &records);
    let out = env.run(&[]);
    expect_code(&out, 0);
    let r = dyn_server.last().unwrap();
    assert_eq!(r.path, "/nic/update");
    assert_eq!(r.param("hostname"), Some("home.example.org"));
    assert_eq!(r.param("myip"), Some(IP1));
    assert_eq!(
        r.basic_auth(),
        Some(("me".to_string(), "p@ss:\"word".to_string()))
    );
    let d = duck.last().unwrap();
    assert_eq!(
        (
            d.path.as_str(),
            d.param("domains"),
            d.param("token"),
            d.param("ip")
        ),
        ("/update", Some("myhome"), Some("tok-123"), Some(IP1))
    );
    assert!(
        out.stderr
            .contains("myhome.duckdns.org (duckdns): updated A to 81.2.69.160"),
        "{}",
        out.stderr
    );

    // --force sends again; nochg is a success.
    let out = env.run(&["--force"]);
    expect_code(&out, 0);
    assert_eq!(dyn_server.count(), 2);
    assert!(
        out.stderr.contains("already 81.2.69.160 at the provider"),
        "{}",
        out.stderr
    );
}

#[test]
fn status_shows_what_is_remembered_without_secrets() {
    let env = Env::new("status");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![Reply::ok(&nc_success(IP1))]);
    env.namecheap(&source, &provider, PASSWORD);
    let out = env.run(&["status"]);
    expect_code(&out, 0);
    assert!(out.stdout.contains("no history yet"), "{}", out.stdout);
    expect_code(&env.run(&[]), 0);
    let out = env.run(&["status"]);
    expect_code(&out, 0);
    assert!(out.stdout.contains("home.example.com (namecheap)"));
    assert!(
        out.stdout
            .contains("address:      81.2.69.160 (confirmed 20"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("last result:  updated"));
    assert!(out.stdout.contains("next attempt: next run"));
    assert!(!out.stdout.contains(PASSWORD) && !out.stderr.contains(PASSWORD));
    assert_eq!(
        source.count() + provider.count(),
        2,
        "status touches no network"
    );
}
