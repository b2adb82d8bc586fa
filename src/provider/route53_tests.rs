//! Route 53's requests, replies and exchange, on the shapes AWS's API reference documents.
//!
//! The bodies follow the "Response Syntax" of each action's page in the Route 53 API
//! Reference (https://docs.aws.amazon.com/Route53/latest/APIReference/), in the namespace
//! `https://route53.amazonaws.com/doc/2013-04-01/`, with the example values those pages use
//! (change `C2682N5HXP0BZ4` of API_GetChange, zones `Z111111QQQQQQQ`/`Z222222VVVVVVV` of
//! API_ListHostedZonesByName); the error document is the one of "REST Responses"
//! (requests-rest-responses.html): `<ErrorResponse><Error><Type>Sender</Type><Code>…`.
use super::*;
use crate::error::Class;
use crate::provider::testutil::{body, config, config_err, exchange, ip, reply};

const NS: &str = "https://route53.amazonaws.com/doc/2013-04-01/";
const ID: &str = "Z1D633PJN98FT9";
const NOW: u64 = 1_440_938_160; // 20150830T123600Z
const KEYS: &str = "access_key_id = \"AKIDEXAMPLE\"\nsecret_access_key = \"wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY\"\n";

/// API_ChangeResourceRecordSets, Response Syntax.
fn change(status: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ChangeResourceRecordSetsResponse xmlns=\"{NS}\">\n   <ChangeInfo>\n      <Id>/change/C2682N5HXP0BZ4</Id>\n      <Status>{status}</Status>\n      <SubmittedAt>2017-03-27T17:48:16.751Z</SubmittedAt>\n   </ChangeInfo>\n</ChangeResourceRecordSetsResponse>"
    )
}

/// API_ListResourceRecordSets, Response Syntax: one basic record set, more to come.
fn list(name: &str, rr: &str, values: &[&str]) -> String {
    let records: String = values
        .iter()
        .map(|v| format!("<ResourceRecord><Value>{v}</Value></ResourceRecord>"))
        .collect();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListResourceRecordSetsResponse xmlns=\"{NS}\"><ResourceRecordSets><ResourceRecordSet><Name>{name}</Name><Type>{rr}</Type><TTL>300</TTL><ResourceRecords>{records}</ResourceRecords></ResourceRecordSet></ResourceRecordSets><IsTruncated>true</IsTruncated><MaxItems>1</MaxItems><NextRecordName>www.example.com.</NextRecordName><NextRecordType>A</NextRecordType></ListResourceRecordSetsResponse>"
    )
}

/// API_ListHostedZonesByName, Response Syntax with the page's example zones.
fn zones(first_private: bool) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListHostedZonesByNameResponse xmlns=\"{NS}\"><HostedZones><HostedZone><Id>/hostedzone/Z222222VVVVVVV</Id><Name>example.com.</Name><CallerReference>MyUniqueIdentifier1</CallerReference><Config><Comment>This is my first hosted zone.</Comment><PrivateZone>{first_private}</PrivateZone></Config><ResourceRecordSetCount>42</ResourceRecordSetCount></HostedZone><HostedZone><Id>/hostedzone/Z111111QQQQQQQ</Id><Name>example.com.</Name><CallerReference>MyUniqueIdentifier2</CallerReference><Config><Comment>This is my second hosted zone.</Comment><PrivateZone>false</PrivateZone></Config><ResourceRecordSetCount>7</ResourceRecordSetCount></HostedZone></HostedZones><DNSName>example.com</DNSName><IsTruncated>false</IsTruncated><MaxItems>10</MaxItems></ListHostedZonesByNameResponse>"
    )
}

/// requests-rest-responses.html, the REST error document, with `code` and `message`.
fn error(code: &str, message: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ErrorResponse xmlns=\"{NS}\">\n   <Error>\n      <Type>Sender</Type>\n      <Code>{code}</Code>\n      <Message>{message}</Message>\n   </Error>\n   <RequestId>410c2a4b-e435-49c9-8382-3770d80d7d4c</RequestId>\n</ErrorResponse>"
    )
}

fn provider(keys: &str) -> Route53 {
    let table = crate::toml::parse(&format!("{KEYS}{keys}")).unwrap();
    let mut f = Fields::new("record 1 (route53)".into(), &table, "/etc/ddnsup".into());
    Route53::from_config(&mut f).unwrap()
}

fn by_id() -> Route53 {
    provider(&format!(
        "zone_id = \"/hostedzone/{ID}\"\nname = \"home.example.com\"\n"
    ))
}

fn by_name() -> Route53 {
    provider("zone = \"example.com\"\nname = \"home\"\n")
}

#[test]
fn names_and_zones() {
    let fqdn = |keys: &str| {
        config("route53", &format!("{KEYS}{keys}")).unwrap().records[0]
            .provider
            .fqdn()
    };
    assert_eq!(
        fqdn("zone = \"Example.com\"\nname = \"home\"\n"),
        "home.example.com"
    );
    assert_eq!(
        fqdn("zone = \"example.com\"\nname = \"Home.example.com.\"\n"),
        "home.example.com"
    );
    assert_eq!(
        fqdn("zone = \"example.com\"\nname = \"@\"\n"),
        "example.com"
    );
    assert_eq!(
        fqdn("zone = \"example.com\"\nname = \"*\"\n"),
        "*.example.com"
    );
    assert_eq!(
        fqdn(&format!(
            "zone_id = \"{ID}\"\nname = \"home.example.com\"\n"
        )),
        "home.example.com"
    );
    assert_eq!(by_id().zone, Zone::Id(ID.to_string()));
    assert_eq!(by_name().zone, Zone::Name("example.com".to_string()));
    assert_eq!(by_id().ttl, 300);
    assert_eq!(
        provider("zone = \"example.com\"\nname = \"home\"\nttl = 60\n").ttl,
        60
    );
}

#[test]
fn bad_keys_name_the_key() {
    for (keys, key, why) in [
        (
            "name = \"home.example.com\"\n",
            "zone_id",
            "missing key \"zone_id\" (or \"zone\")",
        ),
        (
            &format!("zone = \"example.com\"\nzone_id = \"{ID}\"\nname = \"home\"\n"),
            "zone_id",
            "not both",
        ),
        (
            "zone_id = \"Z1 2\"\nname = \"home.example.com\"\n",
            "zone_id",
            "not a hosted zone id",
        ),
        (
            &format!("zone_id = \"{ID}\"\nname = \"home\"\n"),
            "name",
            "give the full name",
        ),
        (
            "zone = \"com\"\nname = \"home\"\n",
            "zone",
            "not a full domain name",
        ),
        (
            "zone = \"example.com\"\nname = \"a b\"\n",
            "name",
            "not a valid domain name",
        ),
        (
            "zone = \"example.com\"\nname = \"h\"\nttl = -1\n",
            "ttl",
            "",
        ),
    ] {
        let e = config_err("route53", &format!("{KEYS}{keys}"));
        assert!(e.contains(key), "{keys}: {e}");
        assert!(e.contains(why), "{keys}: {e}");
    }
    let e = config_err(
        "route53",
        "access_key_id = \"AKID/EXAMPLE\"\nsecret_access_key = \"s\"\nzone = \"example.com\"\nname = \"h\"\n",
    );
    assert!(e.contains("key \"access_key_id\""), "{e}");
    let e = config_err(
        "route53",
        "access_key_id = \"AKIDEXAMPLE\"\nzone = \"example.com\"\nname = \"h\"\n",
    );
    assert!(
        e.contains("\"secret_access_key\" (or \"secret_access_key_file\")"),
        "{e}"
    );
}

#[test]
fn the_read_is_signed_and_hides_the_signature() {
    let r = by_id().build_list(ID, "A", NOW);
    assert_eq!(
        r.wire_url(),
        format!(
            "https://route53.amazonaws.com/2013-04-01/hostedzone/{ID}/rrset?name=home.example.com&type=A&maxitems=1"
        )
    );
    let date = r.headers.iter().find(|h| h.name == "X-Amz-Date").unwrap();
    assert_eq!(date.value, "20150830T123600Z");
    let auth = r
        .headers
        .iter()
        .find(|h| h.name == "Authorization")
        .unwrap();
    assert!(auth.secret);
    assert!(
        auth.value.starts_with(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/route53/aws4_request, SignedHeaders=host;x-amz-date, Signature="
        ),
        "{}",
        auth.value
    );
    // The signature is over what is sent: the same request signed by hand.
    let creds = Credentials {
        access_key_id: "AKIDEXAMPLE",
        secret_key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        region: "us-east-1",
        service: "route53",
    };
    let want = sigv4::sign(
        &Signable {
            method: "GET",
            path: &format!("/2013-04-01/hostedzone/{ID}/rrset"),
            query: &[
                ("name", "home.example.com"),
                ("type", "A"),
                ("maxitems", "1"),
            ],
            headers: &[("Host", "route53.amazonaws.com")],
            body: b"",
        },
        &creds,
        "20150830T123600Z",
    );
    assert_eq!(auth.value, want[1].1);
    let shown = r.redacted();
    assert!(
        shown.contains("Authorization: AWS4-HMAC-SHA256 ***"),
        "{shown}"
    );
    assert!(
        !shown.contains("Signature") && !shown.contains("AKIDEXAMPLE"),
        "{shown}"
    );
}

#[test]
fn the_upsert_body() {
    let r = by_name().build_upsert(ID, ip("2001:db8::5"), NOW);
    assert_eq!(r.method, Method::Post);
    assert_eq!(
        r.wire_url(),
        format!("https://route53.amazonaws.com/2013-04-01/hostedzone/{ID}/rrset")
    );
    assert_eq!(
        body(&r),
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ChangeResourceRecordSetsRequest xmlns=\"{NS}\"><ChangeBatch><Changes><Change><Action>UPSERT</Action><ResourceRecordSet><Name>home.example.com.</Name><Type>AAAA</Type><TTL>300</TTL><ResourceRecords><ResourceRecord><Value>2001:db8::5</Value></ResourceRecord></ResourceRecords></ResourceRecordSet></Change></Changes></ChangeBatch></ChangeResourceRecordSetsRequest>"
        )
    );
    let lookup = by_name().build_lookup("example.com", NOW);
    assert_eq!(
        lookup.wire_url(),
        "https://route53.amazonaws.com/2013-04-01/hostedzonesbyname?dnsname=example.com&maxitems=10"
    );
}

#[test]
fn reads_the_record_set() {
    let name = "home.example.com";
    let got = |body: &str| parse_list(&reply(200, body), name, "A");
    assert_eq!(
        got(&list("home.example.com.", "A", &["81.2.69.160"])),
        Ok(Some(vec!["81.2.69.160".into()]))
    );
    assert_eq!(
        got(&list(
            "Home.Example.com.",
            "A",
            &["81.2.69.160", "81.2.69.161"]
        ))
        .unwrap()
        .unwrap()
        .len(),
        2
    );
    // The list starts at the name: the next set is another record's, or another type.
    assert_eq!(
        got(&list("www.example.com.", "A", &["81.2.69.160"])),
        Ok(None)
    );
    assert_eq!(
        got(&list("home.example.com.", "AAAA", &["2001:db8::1"])),
        Ok(None)
    );
    let empty = format!(
        "<ListResourceRecordSetsResponse xmlns=\"{NS}\"><ResourceRecordSets/><IsTruncated>false</IsTruncated><MaxItems>1</MaxItems></ListResourceRecordSetsResponse>"
    );
    assert_eq!(got(&empty), Ok(None));
    // A wildcard comes back escaped as \052.
    assert!(
        parse_list(
            &reply(200, &list("\\052.example.com.", "A", &["81.2.69.160"])),
            "*.example.com",
            "A"
        )
        .unwrap()
        .is_some()
    );
    let weighted = list("home.example.com.", "A", &["81.2.69.160"]).replace(
        "<TTL>",
        "<SetIdentifier>blue</SetIdentifier><Weight>10</Weight><TTL>",
    );
    assert_eq!(got(&weighted).unwrap_err().class(), Class::Fatal);
}

#[test]
fn garbage_and_cut_replies_are_transient() {
    let whole = list("home.example.com.", "A", &["81.2.69.160"]);
    for body in [
        "",
        "<html>busy</html>",
        &whole[..whole.len() - 5],
        &format!(
            "<ListResourceRecordSetsResponse xmlns=\"{NS}\"></ListResourceRecordSetsResponse>"
        ),
        &change("PENDING"),
    ] {
        let e = parse_list(&reply(200, body), "home.example.com", "A").unwrap_err();
        assert_eq!(e.class(), Class::Transient, "{body:?}");
    }
    let whole = change("PENDING");
    for body in [
        "",
        &whole[..whole.len() - 1],
        &change("DONE"),
        &list("home.example.com.", "A", &[]),
    ] {
        let e = parse_change(&reply(200, body)).unwrap_err();
        assert_eq!(e.class(), Class::Transient, "{body:?}");
    }
}

#[test]
fn the_change_is_accepted() {
    assert_eq!(
        parse_change(&reply(200, &change("PENDING"))),
        Ok(Success::Updated)
    );
    assert_eq!(
        parse_change(&reply(200, &change("INSYNC"))),
        Ok(Success::Updated)
    );
}

#[test]
fn finds_the_public_zone() {
    assert_eq!(
        parse_zones(&reply(200, &zones(false)), "example.com"),
        Ok("Z222222VVVVVVV".to_string())
    );
    // A private zone of that name is passed over.
    assert_eq!(
        parse_zones(&reply(200, &zones(true)), "example.com"),
        Ok("Z111111QQQQQQQ".to_string())
    );
    // Zones after the name are other zones.
    let e = parse_zones(&reply(200, &zones(false)), "example.org").unwrap_err();
    assert_eq!(e.class(), Class::Fatal);
    assert!(
        e.to_string().contains("no public hosted zone example.org"),
        "{e}"
    );
    let only_private = zones(true).replace("<PrivateZone>false", "<PrivateZone>true");
    let e = parse_zones(&reply(200, &only_private), "example.com").unwrap_err();
    assert!(e.to_string().contains("only a private one"), "{e}");
    let e = parse_zones(
        &reply(200, "<ListHostedZonesByNameResponse>"),
        "example.com",
    )
    .unwrap_err();
    assert_eq!(e.class(), Class::Transient);
}

#[test]
fn errors_are_classified() {
    for (status, code, class, says) in [
        (
            403,
            "InvalidClientTokenId",
            Class::Fatal,
            "check `access_key_id`",
        ),
        (
            403,
            "SignatureDoesNotMatch",
            Class::Fatal,
            "check `secret_access_key`",
        ),
        (
            403,
            "AccessDenied",
            Class::Fatal,
            "route53:ChangeResourceRecordSets",
        ),
        (404, "NoSuchHostedZone", Class::Fatal, "check `zone_id`"),
        (
            400,
            "InvalidChangeBatch",
            Class::Fatal,
            "the change was refused",
        ),
        (400, "Throttling", Class::Transient, "Throttling"),
        (
            400,
            "PriorRequestNotComplete",
            Class::Transient,
            "PriorRequestNotComplete",
        ),
        (503, "ServiceUnavailable", Class::Transient, "HTTP 503"),
        (400, "SomethingNew", Class::Transient, "SomethingNew"),
        (
            403,
            "SomethingNew",
            Class::Fatal,
            "check `access_key_id` and `secret_access_key`",
        ),
    ] {
        let e = api_error(&reply(status, &error(code, "The request was refused.")));
        assert_eq!(e.class(), class, "{code}: {e}");
        assert!(e.to_string().contains(says), "{code}: {e}");
        assert!(
            e.to_string()
                .contains(&format!("HTTP {status} ({code}: The request was refused.)")),
            "{e}"
        );
    }
    // Throttling waits for Retry-After when it is given.
    let mut busy = reply(400, &error("Throttling", "Rate exceeded"));
    busy.headers.push(("retry-after".into(), "30".into()));
    assert_eq!(api_error(&busy).retry_after_secs(), Some(30));
    // A clock the service finds wrong is not a bad key.
    let skew = error(
        "SignatureDoesNotMatch",
        "Signature expired: 20150830T123600Z is now earlier than 20150830T124100Z (20150830T125100Z - 15 min.)",
    );
    let e = api_error(&reply(403, &skew));
    assert_eq!(e.class(), Class::Transient);
    assert!(e.to_string().contains("check the system clock"), "{e}");
    // No error document: the status alone.
    assert_eq!(api_error(&reply(403, "Forbidden")).class(), Class::Fatal);
    assert_eq!(
        api_error(&reply(502, "<html>Bad Gateway</html>")).class(),
        Class::Transient
    );
}

#[test]
fn by_name_the_zone_is_looked_up_once_and_cached() {
    let p = by_name();
    let mut cache = Cache::default();
    let answers = [
        reply(200, &zones(false)),
        reply(200, &list("home.example.com.", "A", &["81.2.69.100"])),
        reply(200, &change("PENDING")),
        reply(200, &list("home.example.com.", "AAAA", &["2001:db8::5"])),
    ];
    let addrs = Addrs {
        v4: Some("81.2.69.160".parse().unwrap()),
        v6: Some("2001:db8::5".parse().unwrap()),
    };
    let (out, sent) = exchange(&answers, |send| p.update_with(send, addrs, &mut cache, NOW));
    assert_eq!(
        out,
        vec![
            (Family::V4, Ok(Success::Updated)),
            (Family::V6, Ok(Success::NoChange))
        ]
    );
    assert_eq!(sent.len(), 4);
    assert!(sent[0].url.ends_with("/hostedzonesbyname"));
    assert!(sent[1].url.ends_with("/hostedzone/Z222222VVVVVVV/rrset"));
    assert_eq!(sent[2].method, Method::Post);
    assert_eq!(cache.v4, "Z222222VVVVVVV");
    assert_eq!(cache.v6, "Z222222VVVVVVV");

    // Known: no lookup. Missing record: the UPSERT creates it.
    let empty = format!(
        "<ListResourceRecordSetsResponse xmlns=\"{NS}\"><ResourceRecordSets></ResourceRecordSets><IsTruncated>false</IsTruncated><MaxItems>1</MaxItems></ListResourceRecordSetsResponse>"
    );
    let answers = [reply(200, &empty), reply(200, &change("INSYNC"))];
    let (out, sent) = exchange(&answers, |send| {
        p.update_with(send, addrs.v4_only(), &mut cache, NOW)
    });
    assert_eq!(out, vec![(Family::V4, Ok(Success::Updated))]);
    assert_eq!(sent.len(), 2);
    assert!(sent[0].url.ends_with("/hostedzone/Z222222VVVVVVV/rrset"));

    // A cached zone that is gone: transient, and looked up again next time.
    let answers = [reply(
        404,
        &error(
            "NoSuchHostedZone",
            "No hosted zone found with ID: Z222222VVVVVVV",
        ),
    )];
    let (out, sent) = exchange(&answers, |send| p.update_with(send, addrs, &mut cache, NOW));
    assert_eq!(sent.len(), 1);
    assert_eq!(out.len(), 2);
    assert!(
        out.iter()
            .all(|(_, r)| r.as_ref().unwrap_err().class() == Class::Transient)
    );
    assert_eq!(cache, Cache::default());
}

#[test]
fn a_failed_lookup_fails_both_families() {
    let p = by_name();
    let mut cache = Cache::default();
    let addrs = Addrs {
        v4: Some("81.2.69.160".parse().unwrap()),
        v6: Some("2001:db8::5".parse().unwrap()),
    };
    let answers = [reply(
        403,
        &error(
            "InvalidClientTokenId",
            "The security token included in the request is invalid.",
        ),
    )];
    let (out, sent) = exchange(&answers, |send| p.update_with(send, addrs, &mut cache, NOW));
    assert_eq!(sent.len(), 1);
    assert!(
        out.iter()
            .all(|(_, r)| r.as_ref().unwrap_err().class() == Class::Fatal)
    );
    assert_eq!(cache, Cache::default());
    // By id, a gone zone is the user's to fix.
    let answers = [reply(
        404,
        &error(
            "NoSuchHostedZone",
            "No hosted zone found with ID: Z1D633PJN98FT9",
        ),
    )];
    let (out, _) = exchange(&answers, |send| {
        by_id().update_with(send, addrs.v4_only(), &mut cache, NOW)
    });
    assert_eq!(out[0].1.as_ref().unwrap_err().class(), Class::Fatal);
}

#[test]
fn nothing_to_set_sends_nothing() {
    let mut cache = Cache::default();
    let (out, sent) = exchange(&[], |send| {
        by_name().update_with(send, Addrs::default(), &mut cache, NOW)
    });
    assert!(out.is_empty());
    assert!(sent.is_empty());
}
