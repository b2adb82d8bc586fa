//! AWS Route 53 through the real binary: signed reads and UPSERTs (each signature recomputed here), the zone looked up once by name, failures classified, no secret shown.
mod harness;
mod support;

use harness::*;
use support::{MockServer, Recorded, Reply};

const KEY_ID: &str = "AKIAIOSFODNN7EXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const SECRETS: &[&str] = &[SECRET, "wJalrXUtnFEMI", KEY_ID, "Signature="];
const ZONE_ID: &str = "Z1D633PJN98FT9";
const V6: &str = "2a01:4f8:10:20::5";
const NS: &str = "https://route53.amazonaws.com/doc/2013-04-01/";

// The bodies follow the Response Syntax of each action in the Route 53 API Reference
// (https://docs.aws.amazon.com/Route53/latest/APIReference/API_ChangeResourceRecordSets.html,
// API_ListResourceRecordSets.html, API_ListHostedZonesByName.html) with those pages' example
// ids; the error document is the one of requests-rest-responses.html.

/// ChangeResourceRecordSets: the change accepted, not yet on every server.
fn change() -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ChangeResourceRecordSetsResponse xmlns=\"{NS}\">\n   <ChangeInfo>\n      <Id>/change/C2682N5HXP0BZ4</Id>\n      <Status>PENDING</Status>\n      <SubmittedAt>2017-03-27T17:48:16.751Z</SubmittedAt>\n   </ChangeInfo>\n</ChangeResourceRecordSetsResponse>"
    )
}

/// ListResourceRecordSets from `name`: its first set.
fn list(name: &str, rr: &str, value: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListResourceRecordSetsResponse xmlns=\"{NS}\">\n   <ResourceRecordSets>\n      <ResourceRecordSet>\n         <Name>{name}</Name>\n         <Type>{rr}</Type>\n         <TTL>300</TTL>\n         <ResourceRecords>\n            <ResourceRecord>\n               <Value>{value}</Value>\n            </ResourceRecord>\n         </ResourceRecords>\n      </ResourceRecordSet>\n   </ResourceRecordSets>\n   <IsTruncated>true</IsTruncated>\n   <MaxItems>1</MaxItems>\n   <NextRecordName>www.example.com.</NextRecordName>\n   <NextRecordType>A</NextRecordType>\n</ListResourceRecordSetsResponse>"
    )
}

/// ListHostedZonesByName for example.com.
fn zones() -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListHostedZonesByNameResponse xmlns=\"{NS}\">\n   <HostedZones>\n      <HostedZone>\n         <Id>/hostedzone/Z111111QQQQQQQ</Id>\n         <Name>example.com.</Name>\n         <CallerReference>MyUniqueIdentifier1</CallerReference>\n         <Config>\n            <Comment>This is my first hosted zone.</Comment>\n            <PrivateZone>false</PrivateZone>\n         </Config>\n         <ResourceRecordSetCount>42</ResourceRecordSetCount>\n      </HostedZone>\n   </HostedZones>\n   <DNSName>example.com</DNSName>\n   <IsTruncated>false</IsTruncated>\n   <MaxItems>10</MaxItems>\n</ListHostedZonesByNameResponse>"
    )
}

fn error(code: &str, message: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ErrorResponse xmlns=\"{NS}\">\n   <Error>\n      <Type>Sender</Type>\n      <Code>{code}</Code>\n      <Message>{message}</Message>\n   </Error>\n   <RequestId>410c2a4b-e435-49c9-8382-3770d80d7d4c</RequestId>\n</ErrorResponse>"
    )
}

fn xml(status: u16, body: &str) -> Reply {
    Reply::status(status, body).with_header("Content-Type", "text/xml")
}

/// A record in `zone` (its keys), named `name`.
fn record(server: &MockServer, zone: &str, name: &str, extra: &str) -> String {
    format!(
        "[[record]]\nprovider = \"route53\"\nserver = {:?}\n{zone}\nname = {name:?}\naccess_key_id = {KEY_ID:?}\nsecret_access_key = {SECRET:?}\n{extra}",
        server.url()
    )
}

fn by_id(server: &MockServer, extra: &str) -> String {
    let zone = format!("zone_id = \"{ZONE_ID}\"");
    record(server, &zone, "home.example.com", extra)
}

fn by_name(server: &MockServer, extra: &str) -> String {
    record(server, "zone = \"example.com\"", "home", extra)
}

/// RFC 3986 unreserved characters kept, everything else `%XX`.
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Recomputes the request's SigV4 signature (host and x-amz-date signed, as received) and
/// checks its Authorization header against it.
#[track_caller]
fn expect_signed(r: &Recorded) {
    use ring::{digest, hmac};
    let date = r.header("x-amz-date").expect("X-Amz-Date");
    let host = r.header("host").expect("Host");
    let mut query: Vec<String> = r
        .query
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect();
    query.sort();
    let body_hash = hex(digest::digest(&digest::SHA256, &r.body).as_ref());
    let creq = format!(
        "{}\n{}\n{}\nhost:{host}\nx-amz-date:{date}\n\nhost;x-amz-date\n{body_hash}",
        r.method,
        r.path,
        query.join("&")
    );
    let scope = format!("{}/us-east-1/route53/aws4_request", &date[..8]);
    let sts = format!(
        "AWS4-HMAC-SHA256\n{date}\n{scope}\n{}",
        hex(digest::digest(&digest::SHA256, creq.as_bytes()).as_ref())
    );
    let mac = |key: &[u8], data: &str| {
        hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, key), data.as_bytes())
    };
    let mut key = mac(format!("AWS4{SECRET}").as_bytes(), &date[..8]);
    for part in ["us-east-1", "route53", "aws4_request"] {
        key = mac(key.as_ref(), part);
    }
    let signature = hex(mac(key.as_ref(), &sts).as_ref());
    assert_eq!(
        r.header("authorization"),
        Some(
            format!(
                "AWS4-HMAC-SHA256 Credential={KEY_ID}/{scope}, SignedHeaders=host;x-amz-date, Signature={signature}"
            )
            .as_str()
        )
    );
    // Signed now (our clock), as AWS requires within 15 minutes.
    let digits: String = date.chars().filter(char::is_ascii_digit).collect();
    assert_eq!(digits.len(), 14, "{date}");
    assert!(date.ends_with('Z') && date.as_bytes()[8] == b'T', "{date}");
}

#[track_caller]
fn expect_list(r: &Recorded, zone_id: &str, rr: &str) {
    assert_eq!(r.method, "GET");
    assert_eq!(
        r.target,
        format!(
            "/2013-04-01/hostedzone/{zone_id}/rrset?name=home.example.com&type={rr}&maxitems=1"
        )
    );
    expect_signed(r);
}

#[track_caller]
fn expect_upsert(r: &Recorded, zone_id: &str, rr: &str, ip: &str) {
    assert_eq!(r.method, "POST");
    assert_eq!(r.target, format!("/2013-04-01/hostedzone/{zone_id}/rrset"));
    assert_eq!(r.header("content-type"), Some("text/xml"));
    assert_eq!(
        r.body_text(),
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ChangeResourceRecordSetsRequest xmlns=\"{NS}\"><ChangeBatch><Changes><Change><Action>UPSERT</Action><ResourceRecordSet><Name>home.example.com.</Name><Type>{rr}</Type><TTL>300</TTL><ResourceRecords><ResourceRecord><Value>{ip}</Value></ResourceRecord></ResourceRecords></ResourceRecordSet></Change></Changes></ChangeBatch></ChangeResourceRecordSetsRequest>"
        )
    );
    expect_signed(r);
}

#[test]
fn reads_then_upserts_and_a_change_does_it_again() {
    let env = Env::new("r53-set");
    let source = env.ip_source(&[IP1, IP2]);
    let provider = env.server(vec![
        xml(200, &list("home.example.com.", "A", "81.2.69.100")),
        xml(200, &change()),
        xml(200, &list("home.example.com.", "A", IP1)),
        xml(200, &change()),
    ]);
    env.write_config(3, &[source.url()], &by_id(&provider, ""));

    let out = env.run(&["-vv"]);
    expect_code(&out, 0);
    let sent = provider.requests();
    assert_eq!(sent.len(), 2);
    expect_list(&sent[0], ZONE_ID, "A");
    expect_upsert(&sent[1], ZONE_ID, "A", IP1);
    assert!(
        out.stderr
            .contains("home.example.com (route53): updated A to 81.2.69.160"),
        "{}",
        out.stderr
    );
    no_secret(&[&out], &[&env.state_text().unwrap()], SECRETS);

    // A new address: read again, then the UPSERT.
    let out = env.run(&[]);
    expect_code(&out, 0);
    let sent = provider.requests();
    assert_eq!(sent.len(), 4);
    expect_list(&sent[2], ZONE_ID, "A");
    expect_upsert(&sent[3], ZONE_ID, "A", IP2);

    // Unchanged: nothing sent.
    expect_code(&env.run(&[]), 0);
    assert_eq!(provider.count(), 4);
}

#[test]
fn a_record_that_holds_the_address_is_not_written() {
    let env = Env::new("r53-same");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![
        xml(200, &list("home.example.com.", "A", IP1)),
        xml(500, "unexpected write"),
    ]);
    env.write_config(3, &[source.url()], &by_id(&provider, ""));
    let out = env.run(&[]);
    expect_code(&out, 0);
    assert_eq!(provider.count(), 1);
    assert!(
        out.stderr.contains("A already 81.2.69.160 at the provider"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_missing_record_is_created_by_the_upsert() {
    let env = Env::new("r53-missing");
    let source = env.ip_source(&[IP1]);
    // The list starts at the name: the first set is the next record's.
    let provider = env.server(vec![
        xml(200, &list("www.example.com.", "A", "192.0.2.44")),
        xml(200, &change()),
    ]);
    env.write_config(3, &[source.url()], &by_id(&provider, "ttl = 60\n"));
    let out = env.run(&["-v"]);
    expect_code(&out, 0);
    let sent = provider.requests();
    assert_eq!(sent.len(), 2);
    assert!(
        sent[1]
            .body_text()
            .contains("<Name>home.example.com.</Name><Type>A</Type><TTL>60</TTL>")
    );
    expect_signed(&sent[1]);
    assert!(
        out.stderr.contains("updated A to 81.2.69.160"),
        "{}",
        out.stderr
    );
}

#[test]
fn by_zone_name_both_families_and_the_zone_id_is_looked_up_once() {
    let env = Env::new("r53-dual");
    let v4 = env.ip_source(&[IP1, IP2]);
    let v6 = env.ip_source(&[V6]);
    let provider = env.server(vec![
        xml(200, &zones()),
        xml(200, &list("home.example.com.", "A", "81.2.69.100")),
        xml(200, &change()),
        xml(200, &list("home.example.com.", "AAAA", "2a01:4f8:10:20::4")),
        xml(200, &change()),
        xml(200, &list("home.example.com.", "A", IP1)),
        xml(200, &change()),
    ]);
    let record = by_name(&provider, "family = \"both\"\n");
    env.write_config_dual(3, &[v4.url()], &[v6.url()], &record);
    let out = env.run(&["-vv"]);
    expect_code(&out, 0);
    let sent = provider.requests();
    assert_eq!(sent.len(), 5);
    assert_eq!(sent[0].method, "GET");
    assert_eq!(
        sent[0].target,
        "/2013-04-01/hostedzonesbyname?dnsname=example.com&maxitems=10"
    );
    expect_signed(&sent[0]);
    expect_list(&sent[1], "Z111111QQQQQQQ", "A");
    expect_upsert(&sent[2], "Z111111QQQQQQQ", "A", IP1);
    expect_list(&sent[3], "Z111111QQQQQQQ", "AAAA");
    expect_upsert(&sent[4], "Z111111QQQQQQQ", "AAAA", V6);
    assert!(
        out.stderr.contains("updated AAAA to 2a01:4f8:10:20::5"),
        "{}",
        out.stderr
    );
    let state = env.state_text().unwrap();
    assert!(state.contains("\"cache\":\"Z111111QQQQQQQ\""), "{state}");
    no_secret(&[&out], &[&state], SECRETS);

    // A new IPv4 address: the cached zone id, no lookup.
    let out = env.run(&[]);
    expect_code(&out, 0);
    let sent = provider.requests();
    assert_eq!(
        sent.len(),
        7,
        "{:?}",
        sent.iter().map(|r| &r.target).collect::<Vec<_>>()
    );
    expect_list(&sent[5], "Z111111QQQQQQQ", "A");
    expect_upsert(&sent[6], "Z111111QQQQQQQ", "A", IP2);
}

#[test]
fn refused_keys_exit_3_and_are_not_retried() {
    for (code, message, fix) in [
        (
            "InvalidClientTokenId",
            "The security token included in the request is invalid.",
            "check `access_key_id`",
        ),
        (
            "SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.",
            "check `secret_access_key`",
        ),
        (
            "AccessDenied",
            "User: arn:aws:iam::123456789012:user/ddns is not authorized to perform: route53:ChangeResourceRecordSets",
            "IAM policy must allow",
        ),
    ] {
        let env = Env::new("r53-403");
        let source = env.ip_source(&[IP1, IP2]);
        let provider = env.server(vec![xml(403, &error(code, message))]);
        env.write_config(3, &[source.url()], &by_id(&provider, ""));
        let out = env.run(&["-vv"]);
        expect_code(&out, 3);
        assert!(
            out.stderr
                .contains(&format!("Route 53: HTTP 403 ({code}: ")),
            "{}",
            out.stderr
        );
        assert!(out.stderr.contains(fix), "{}", out.stderr);
        no_secret(&[&out], &[], SECRETS);
        expect_code(&env.run(&[]), 3);
        assert_eq!(provider.count(), 1);
    }
}

#[test]
fn throttling_is_transient_and_waits_for_retry_after() {
    let env = Env::new("r53-throttle");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![
        xml(400, &error("Throttling", "Rate exceeded")).with_header("Retry-After", "600"),
    ]);
    env.write_config(3, &[source.url()], &by_id(&provider, ""));
    let out = env.run(&[]);
    expect_code(&out, 1);
    assert!(
        out.stderr.contains("Throttling: Rate exceeded"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("next try in 10 min"), "{}", out.stderr);
    expect_code(&env.run(&[]), 1);
    assert_eq!(provider.count(), 1, "backing off: nothing sent");

    // A change still being applied: transient too.
    let env = Env::new("r53-prior");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![
        xml(200, &list("home.example.com.", "A", "81.2.69.100")),
        xml(
            400,
            &error(
                "PriorRequestNotComplete",
                "The request was rejected because Route 53 was still processing a prior request.",
            ),
        ),
    ]);
    env.write_config(3, &[source.url()], &by_id(&provider, ""));
    let out = env.run(&[]);
    expect_code(&out, 1);
    assert!(
        out.stderr.contains("PriorRequestNotComplete"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_cut_reply_is_not_a_success() {
    let env = Env::new("r53-cut");
    let source = env.ip_source(&[IP1]);
    let whole = change();
    let provider = env.server(vec![
        xml(200, &list("home.example.com.", "A", "81.2.69.100")),
        xml(200, &whole[..whole.len() - 20]),
    ]);
    env.write_config(3, &[source.url()], &by_id(&provider, ""));
    let out = env.run(&[]);
    expect_code(&out, 1);
    assert!(
        out.stderr.contains("unexpected reply to the change"),
        "{}",
        out.stderr
    );
}

#[test]
fn dry_run_and_the_secret_file_show_no_secret() {
    let env = Env::new("r53-dry");
    let source = env.ip_source(&[IP1]);
    let provider = env.server(vec![xml(200, &zones())]);
    let secret_file = env.dir.join("aws.secret");
    std::fs::write(&secret_file, format!("{SECRET}\n")).unwrap();
    let record = by_name(
        &provider,
        &format!("secret_access_key_file = {secret_file:?}\n"),
    )
    .replace(&format!("secret_access_key = {SECRET:?}\n"), "");
    env.write_config(3, &[source.url()], &record);
    let out = env.dry_run(&[&provider]);
    assert!(
        out.stdout.contains(&format!(
            "GET {}/2013-04-01/hostedzonesbyname?dnsname=example.com&maxitems=10\n",
            provider.url()
        )),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("Authorization: AWS4-HMAC-SHA256 ***"),
        "{}",
        out.stdout
    );
    no_secret(&[&out], &[], SECRETS);
    let out = env.run(&["-vv"]);
    // The read is answered with the zone list again: unexpected, so transient.
    expect_code(&out, 1);
    no_secret(&[&out], &[], SECRETS);
    expect_signed(&provider.requests()[0]);
}
