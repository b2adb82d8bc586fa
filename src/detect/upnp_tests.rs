use super::*;
use crate::detect::xml::{elements, one, text};

const MINI_LOCATION: &str = "http://192.168.1.1:5000/rootDesc.xml";

/// The shape of miniupnpd's rootDesc.xml: an IGD with a WANDevice holding a
/// WANConnectionDevice with WANIPConnection:1 (one line, no URLBase, absolute paths).
const MINIUPNPD_DESC: &str = "<?xml version=\"1.0\"?>\r\n<root xmlns=\"urn:schemas-upnp-org:device-1-0\" configId=\"1337\"><specVersion><major>1</major><minor>1</minor></specVersion><device><deviceType>urn:schemas-upnp-org:device:InternetGatewayDevice:1</deviceType><friendlyName>OpenWrt router</friendlyName><manufacturer>OpenWrt</manufacturer><manufacturerURL>https://openwrt.org/</manufacturerURL><modelName>OpenWrt router</modelName><UDN>uuid:7c0a2f1e-1d2b-4c5e-9f00-0123456789ab</UDN><serviceList><service><serviceType>urn:schemas-upnp-org:service:Layer3Forwarding:1</serviceType><serviceId>urn:upnp-org:serviceId:L3Forwarding1</serviceId><SCPDURL>/L3F.xml</SCPDURL><controlURL>/ctl/L3F</controlURL><eventSubURL>/evt/L3F</eventSubURL></service></serviceList><deviceList><device><deviceType>urn:schemas-upnp-org:device:WANDevice:1</deviceType><friendlyName>WANDevice</friendlyName><UDN>uuid:7c0a2f1e-1d2b-4c5e-9f00-0123456789ac</UDN><serviceList><service><serviceType>urn:schemas-upnp-org:service:WANCommonInterfaceConfig:1</serviceType><serviceId>urn:upnp-org:serviceId:WANCommonIFC1</serviceId><SCPDURL>/WANCfg.xml</SCPDURL><controlURL>/ctl/CmnIfCfg</controlURL><eventSubURL>/evt/CmnIfCfg</eventSubURL></service></serviceList><deviceList><device><deviceType>urn:schemas-upnp-org:device:WANConnectionDevice:1</deviceType><friendlyName>WANConnectionDevice</friendlyName><UDN>uuid:7c0a2f1e-1d2b-4c5e-9f00-0123456789ad</UDN><serviceList><service><serviceType>urn:schemas-upnp-org:service:WANIPConnection:1</serviceType><serviceId>urn:upnp-org:serviceId:WANIPConn1</serviceId><SCPDURL>/WANIPCn.xml</SCPDURL><controlURL>/ctl/IPConn</controlURL><eventSubURL>/evt/IPConn</eventSubURL></service></serviceList></device></deviceList></device></deviceList><presentationURL>http://192.168.1.1/</presentationURL></device></root>\r\n";

/// A Fritz!Box-style igddesc.xml: indented, a URLBase, WANPPPConnection listed before
/// WANIPConnection, vendor services, an icon list and a comment.
const FRITZ_DESC: &str = r#"<?xml version="1.0"?>
<root xmlns="urn:schemas-upnp-org:device-1-0">
<specVersion>
<major>1</major>
<minor>0</minor>
</specVersion>
<URLBase>http://192.168.178.1:49000</URLBase>
<device>
<deviceType>urn:schemas-upnp-org:device:InternetGatewayDevice:1</deviceType>
<friendlyName>FRITZ!Box 7590</friendlyName>
<manufacturer>AVM Berlin</manufacturer>
<iconList>
<icon><mimetype>image/gif</mimetype><width>118</width><height>119</height><depth>8</depth><url>/ligd.gif</url></icon>
</iconList>
<serviceList>
<service>
<serviceType>urn:schemas-any-com:service:Any:1</serviceType>
<serviceId>urn:any-com:serviceId:any1</serviceId>
<controlURL>/igdupnp/control/any</controlURL>
<eventSubURL>/igdupnp/control/any</eventSubURL>
<SCPDURL>/any.xml</SCPDURL>
</service>
</serviceList>
<deviceList>
<device>
<deviceType>urn:schemas-upnp-org:device:WANDevice:1</deviceType>
<friendlyName>WANDevice - FRITZ!Box 7590</friendlyName>
<serviceList>
<service>
<serviceType>urn:schemas-upnp-org:service:WANCommonInterfaceConfig:1</serviceType>
<serviceId>urn:upnp-org:serviceId:WANCommonIFC1</serviceId>
<controlURL>/igdupnp/control/WANCommonIFC1</controlURL>
<eventSubURL>/igdupnp/control/WANCommonIFC1</eventSubURL>
<SCPDURL>/igdicfgSCPD.xml</SCPDURL>
</service>
</serviceList>
<deviceList>
<device>
<deviceType>urn:schemas-upnp-org:device:WANConnectionDevice:1</deviceType>
<!-- the DSL connection: <service> entries below -->
<serviceList>
<service>
<serviceType>urn:schemas-upnp-org:service:WANDSLLinkConfig:1</serviceType>
<serviceId>urn:upnp-org:serviceId:WANDSLLinkC1</serviceId>
<controlURL>/igdupnp/control/WANDSLLinkC1</controlURL>
<eventSubURL>/igdupnp/control/WANDSLLinkC1</eventSubURL>
<SCPDURL>/igddslSCPD.xml</SCPDURL>
</service>
<service>
<serviceType>urn:schemas-upnp-org:service:WANPPPConnection:1</serviceType>
<serviceId>urn:upnp-org:serviceId:WANPPPConn1</serviceId>
<controlURL>/igdupnp/control/WANPPPConn1</controlURL>
<eventSubURL>/igdupnp/control/WANPPPConn1</eventSubURL>
<SCPDURL>/igdconnSCPD.xml</SCPDURL>
</service>
<service>
<serviceType>urn:schemas-upnp-org:service:WANIPConnection:1</serviceType>
<serviceId>urn:upnp-org:serviceId:WANIPConn1</serviceId>
<controlURL>/igdupnp/control/WANIPConn1</controlURL>
<eventSubURL>/igdupnp/control/WANIPConn1</eventSubURL>
<SCPDURL>/igdconnSCPD.xml</SCPDURL>
</service>
</serviceList>
</device>
</deviceList>
</device>
</deviceList>
<presentationURL>http://fritz.box</presentationURL>
</device>
</root>
"#;

/// miniupnpd's GetExternalIPAddress reply body.
const MINIUPNPD_REPLY: &str = "<?xml version=\"1.0\"?>\r\n<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\" s:encodingStyle=\"http://schemas.xmlsoap.org/soap/encoding/\"><s:Body><u:GetExternalIPAddressResponse xmlns:u=\"urn:schemas-upnp-org:service:WANIPConnection:1\"><NewExternalIPAddress>81.2.69.160</NewExternalIPAddress></u:GetExternalIPAddressResponse></s:Body></s:Envelope>\r\n";

/// miniupnpd's SOAP fault (HTTP 500), here error 501.
const MINIUPNPD_FAULT: &str = "<?xml version=\"1.0\"?>\r\n<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\" s:encodingStyle=\"http://schemas.xmlsoap.org/soap/encoding/\"><s:Body><s:Fault><faultcode>s:Client</faultcode><faultstring>UPnPError</faultstring><detail><UPnPError xmlns=\"urn:schemas-upnp-org:control-1-0\"><errorCode>501</errorCode><errorDescription>Action Failed</errorDescription></UPnPError></detail></s:Fault></s:Body></s:Envelope>\r\n";

/// miniupnpd's answer to an M-SEARCH for the IGD.
const MINIUPNPD_SSDP: &str = "HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=120\r\nST: urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\nUSN: uuid:7c0a2f1e-1d2b-4c5e-9f00-0123456789ab::urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\nEXT:\r\nSERVER: OpenWrt/23.05 UPnP/1.1 MiniUPnPd/2.3.3\r\nLOCATION: http://192.168.1.1:5000/rootDesc.xml\r\nOPT: \"http://schemas.upnp.org/upnp/1/0/\"; ns=01\r\n01-NLS: 1\r\nBOOTID.UPNP.ORG: 1\r\nCONFIGID.UPNP.ORG: 1337\r\n\r\n";

const ROUTER: IpAddr = IpAddr::V4(Ipv4Addr::new(192, 168, 1, 1));

fn soap_reply(inner: &str) -> String {
    format!(
        "<?xml version=\"1.0\"?>\r\n<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body><u:GetExternalIPAddressResponse xmlns:u=\"urn:schemas-upnp-org:service:WANIPConnection:1\">{inner}</u:GetExternalIPAddressResponse></s:Body></s:Envelope>"
    )
}

fn wan_ip(control: &str) -> String {
    format!(
        "<root><device><serviceList><service><serviceType>urn:schemas-upnp-org:service:WANIPConnection:1</serviceType><controlURL>{control}</controlURL></service></serviceList></device></root>"
    )
}

#[test]
fn the_msearch_asks_for_an_internet_gateway_device() {
    let text = std::str::from_utf8(MSEARCH).unwrap();
    let lines: Vec<&str> = text.split("\r\n").collect();
    assert_eq!(
        lines,
        [
            "M-SEARCH * HTTP/1.1",
            "HOST: 239.255.255.250:1900",
            "MAN: \"ssdp:discover\"",
            "MX: 2",
            "ST: urn:schemas-upnp-org:device:InternetGatewayDevice:1",
            "",
            ""
        ]
    );
    assert_eq!(SSDP_GROUP.to_string(), "239.255.255.250:1900");
}

#[test]
fn miniupnpd_ssdp_reply_gives_its_location() {
    assert_eq!(
        parse_ssdp(MINIUPNPD_SSDP.as_bytes(), ROUTER),
        Some(MINI_LOCATION)
    );
    // Header names in any case, bare LF line ends, the service URNs, no port.
    let other = "HTTP/1.1 200 OK\nlocation:http://192.168.1.1/igd.xml\nst:  urn:schemas-upnp-org:service:WANPPPConnection:1\n\n";
    assert_eq!(
        parse_ssdp(other.as_bytes(), ROUTER),
        Some("http://192.168.1.1/igd.xml")
    );
    for st in [
        "urn:schemas-upnp-org:device:InternetGatewayDevice:2",
        "urn:schemas-upnp-org:service:WANIPConnection:1",
        "urn:schemas-upnp-org:service:WANIPConnection:2",
    ] {
        let reply = MINIUPNPD_SSDP.replace(
            "urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\nUSN",
            &format!("{st}\r\nUSN"),
        );
        assert_eq!(
            parse_ssdp(reply.as_bytes(), ROUTER),
            Some(MINI_LOCATION),
            "{st}"
        );
    }
}

#[test]
fn ssdp_replies_are_trusted_only_for_their_own_host() {
    assert_eq!(
        parse_ssdp(
            MINIUPNPD_SSDP.as_bytes(),
            IpAddr::V4(Ipv4Addr::new(192, 168, 1, 66))
        ),
        None
    );
    for location in [
        "http://192.168.1.2:5000/rootDesc.xml",
        "http://router.lan:5000/rootDesc.xml",
        "https://192.168.1.1:5000/rootDesc.xml",
        "http://192.168.1.1:5000/rootDesc.xml?x=1",
        "http://user@192.168.1.1:5000/rootDesc.xml",
        "http://192.168.1.1:5000/root desc.xml",
        "http://192.168.1.1.:5000/rootDesc.xml",
        "http://0300.0250.1.1/rootDesc.xml",
        "ftp://192.168.1.1/rootDesc.xml",
        "",
    ] {
        let reply = MINIUPNPD_SSDP.replace(MINI_LOCATION, location);
        assert_eq!(parse_ssdp(reply.as_bytes(), ROUTER), None, "{location}");
    }
}

#[test]
fn other_ssdp_datagrams_are_ignored() {
    let cases = [
        MINIUPNPD_SSDP.replace("HTTP/1.1 200 OK", "HTTP/1.0 200 OK"),
        MINIUPNPD_SSDP.replace("HTTP/1.1 200 OK", "HTTP/1.1 200 OKAY"),
        MINIUPNPD_SSDP.replace("HTTP/1.1 200 OK", "NOTIFY * HTTP/1.1"),
        MINIUPNPD_SSDP.replace("HTTP/1.1 200 OK", "HTTP/1.1 404 Not Found"),
        MINIUPNPD_SSDP.replace("InternetGatewayDevice:1\r\nUSN", "MediaServer:1\r\nUSN"),
        MINIUPNPD_SSDP.replace(
            "ST: urn:schemas-upnp-org:device:InternetGatewayDevice:1",
            "ST: upnp:rootdevice",
        ),
        MINIUPNPD_SSDP.replace(
            "ST: urn:schemas-upnp-org:device:InternetGatewayDevice:1",
            "ST: urn:schemas-upnp-org:device:InternetGatewayDevice:1x",
        ),
        MINIUPNPD_SSDP.replace("ST: ", "X-ST: "),
        MINIUPNPD_SSDP.replace("LOCATION: ", "X-LOCATION: "),
        // A second LOCATION (or ST) makes the reply ambiguous.
        MINIUPNPD_SSDP.replace("EXT:", "Location: http://192.168.1.1:5000/other.xml"),
        MINIUPNPD_SSDP.replace("EXT:", "st: urn:schemas-upnp-org:service:WANIPConnection:1"),
        // A line that is no header.
        MINIUPNPD_SSDP.replace("EXT:", "garbage"),
        // The headers stop at the blank line.
        MINIUPNPD_SSDP.replace("EXT:\r\n", "\r\n"),
        String::new(),
        "HTTP/1.1 200 OK".to_string(),
    ];
    for case in &cases {
        assert_eq!(parse_ssdp(case.as_bytes(), ROUTER), None, "{case}");
    }
    let mut binary = MINIUPNPD_SSDP.as_bytes().to_vec();
    binary[40] = 0xff;
    assert_eq!(parse_ssdp(&binary, ROUTER), None);
    assert_eq!(parse_ssdp(&[0; 600], ROUTER), None);
}

#[test]
fn miniupnpd_description_gives_the_wan_ip_control_url() {
    assert_eq!(
        parse_description(MINIUPNPD_DESC, MINI_LOCATION),
        Ok(vec![(
            "http://192.168.1.1:5000/ctl/IPConn".to_string(),
            "urn:schemas-upnp-org:service:WANIPConnection:1"
        )])
    );
}

#[test]
fn fritz_description_uses_urlbase_and_prefers_wan_ip_connection() {
    let location = "http://192.168.178.1:49000/igddesc.xml";
    assert_eq!(
        parse_description(FRITZ_DESC, location),
        Ok(vec![
            (
                "http://192.168.178.1:49000/igdupnp/control/WANIPConn1".to_string(),
                "urn:schemas-upnp-org:service:WANIPConnection:1"
            ),
            (
                "http://192.168.178.1:49000/igdupnp/control/WANPPPConn1".to_string(),
                "urn:schemas-upnp-org:service:WANPPPConnection:1"
            ),
        ])
    );
    // A PPP-only box, its control URL relative to the URLBase.
    let ppp_only = FRITZ_DESC
        .replace(
            "<serviceType>urn:schemas-upnp-org:service:WANIPConnection:1</serviceType>",
            "<serviceType>urn:schemas-upnp-org:service:WANIPv6FirewallControl:1</serviceType>",
        )
        .replace(
            "/igdupnp/control/WANPPPConn1</controlURL>",
            "igdupnp/control/WANPPPConn1</controlURL>",
        );
    assert_eq!(
        parse_description(&ppp_only, location),
        Ok(vec![(
            "http://192.168.178.1:49000/igdupnp/control/WANPPPConn1".to_string(),
            "urn:schemas-upnp-org:service:WANPPPConnection:1"
        )])
    );
}

#[test]
fn control_urls_resolve_against_the_base() {
    let cases = [
        (
            "http://10.0.0.1:5000/rootDesc.xml",
            "/ctl/IPConn",
            "http://10.0.0.1:5000/ctl/IPConn",
        ),
        (
            "http://10.0.0.1:5000/rootDesc.xml",
            "ctl/IPConn",
            "http://10.0.0.1:5000/ctl/IPConn",
        ),
        (
            "http://10.0.0.1:5000/upnp/desc.xml",
            "ctl",
            "http://10.0.0.1:5000/upnp/ctl",
        ),
        ("http://10.0.0.1:5000", "ctl", "http://10.0.0.1:5000/ctl"),
        ("http://10.0.0.1:5000/", "/ctl", "http://10.0.0.1:5000/ctl"),
        (
            "http://10.0.0.1:5000/d.xml",
            "http://10.0.0.1:6000/c",
            "http://10.0.0.1:6000/c",
        ),
    ];
    for (base, reference, url) in cases {
        assert_eq!(resolve(base, reference), url, "{base} + {reference}");
    }
    // Another port on the same host is the same router.
    assert_eq!(
        parse_description(&wan_ip("http://192.168.1.1:6000/ctl"), MINI_LOCATION),
        Ok(vec![(
            "http://192.168.1.1:6000/ctl".to_string(),
            "urn:schemas-upnp-org:service:WANIPConnection:1"
        )])
    );
}

#[test]
fn control_urls_on_another_host_are_refused() {
    for control in [
        "http://192.168.1.66:5000/ctl/IPConn",
        "http://81.2.69.160/ctl/IPConn",
        "http://192.168.1.1@192.168.1.66/ctl",
        "https://192.168.1.1:5000/ctl/IPConn",
        "/ctl/IPConn?x=1",
        "/ctl/IP Conn",
    ] {
        let err = parse_description(&wan_ip(control), MINI_LOCATION).unwrap_err();
        assert!(
            err.contains("not on the router's own host 192.168.1.1"),
            "{control}: {err}"
        );
    }
    let moved = MINIUPNPD_DESC.replace(
        "<specVersion>",
        "<URLBase>http://192.168.1.66:5000/</URLBase><specVersion>",
    );
    let err = parse_description(&moved, MINI_LOCATION).unwrap_err();
    assert!(err.contains("http://192.168.1.66:5000/ctl/IPConn"), "{err}");
}

#[test]
fn descriptions_without_a_wan_connection_or_malformed_are_refused() {
    let none = MINIUPNPD_DESC.replace("WANIPConnection:1", "WANIPConnection:3");
    assert!(
        parse_description(&none, MINI_LOCATION)
            .unwrap_err()
            .contains("lists no WANIPConnection or WANPPPConnection")
    );
    let no_control = MINIUPNPD_DESC.replace("<controlURL>/ctl/IPConn</controlURL>", "");
    assert!(parse_description(&no_control, MINI_LOCATION).is_err());
    let two_controls = MINIUPNPD_DESC.replace(
        "<controlURL>/ctl/IPConn</controlURL>",
        "<controlURL>/ctl/IPConn</controlURL><controlURL>/ctl/Other</controlURL>",
    );
    assert!(parse_description(&two_controls, MINI_LOCATION).is_err());
    let cut = &MINIUPNPD_DESC[..MINIUPNPD_DESC.len() / 2];
    let deep = format!("{}{}", "<a>".repeat(40), "</a>".repeat(40));
    for bad in [
        cut,
        "<root><service></root></service>",
        "<!DOCTYPE root [<!ENTITY x \"y\">]><root/>",
        "<root><!-- unclosed </root>",
        "<root><?pi unclosed </root>",
        "<root><a x=\"1></root>",
        "<html><body>404</body></html",
        &deep,
    ] {
        assert_eq!(
            parse_description(bad, MINI_LOCATION),
            Err("the device description is not well-formed XML".to_string()),
            "{bad}"
        );
    }
    assert!(parse_description("", MINI_LOCATION).is_err());
    assert!(parse_description("not xml at all", MINI_LOCATION).is_err());
}

#[test]
fn the_soap_request_is_the_standard_envelope() {
    let req = build_soap(
        "http://192.168.1.1:5000/ctl/IPConn",
        "urn:schemas-upnp-org:service:WANIPConnection:1",
    );
    assert_eq!(req.method, Method::Post);
    assert_eq!(req.url, "http://192.168.1.1:5000/ctl/IPConn");
    let headers: Vec<(&str, &str)> = req
        .headers
        .iter()
        .map(|h| (h.name.as_str(), h.value.as_str()))
        .collect();
    assert_eq!(
        headers,
        [
            ("Content-Type", "text/xml; charset=\"utf-8\""),
            (
                "SOAPAction",
                "\"urn:schemas-upnp-org:service:WANIPConnection:1#GetExternalIPAddress\""
            )
        ]
    );
    assert_eq!(
        String::from_utf8(req.body.clone().unwrap()).unwrap(),
        "<?xml version=\"1.0\"?>\r\n<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\" s:encodingStyle=\"http://schemas.xmlsoap.org/soap/encoding/\"><s:Body><u:GetExternalIPAddress xmlns:u=\"urn:schemas-upnp-org:service:WANIPConnection:1\"></u:GetExternalIPAddress></s:Body></s:Envelope>\r\n"
    );
    assert!(!req.carries_secret());
}

#[test]
fn miniupnpd_reply_gives_the_address() {
    assert_eq!(
        parse_soap(200, MINIUPNPD_REPLY),
        Ok(Ipv4Addr::new(81, 2, 69, 160))
    );
    // Other prefixes, a prefixed address element, comments, attributes, whitespace between.
    let other = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<!-- igd -->\n<SOAP-ENV:Envelope xmlns:SOAP-ENV=\"http://schemas.xmlsoap.org/soap/envelope/\">\n <SOAP-ENV:Body>\n  <m:GetExternalIPAddressResponse xmlns:m=\"urn:schemas-upnp-org:service:WANPPPConnection:1\">\n   <m:NewExternalIPAddress a='>'>203.0.114.9</m:NewExternalIPAddress>\n  </m:GetExternalIPAddressResponse>\n </SOAP-ENV:Body>\n</SOAP-ENV:Envelope>\n";
    assert_eq!(parse_soap(200, other), Ok(Ipv4Addr::new(203, 0, 114, 9)));
}

#[test]
fn soap_faults_name_the_upnp_error() {
    assert_eq!(
        parse_soap(500, MINIUPNPD_FAULT),
        Err("refused GetExternalIPAddress: UPnP error 501 (Action Failed)".to_string())
    );
    let hostile = MINIUPNPD_FAULT.replace("Action Failed", "Bad\u{1b}[31m\r\nthing");
    assert_eq!(
        parse_soap(500, &hostile),
        Err("refused GetExternalIPAddress: UPnP error 501 (Bad[31mthing)".to_string())
    );
    for bad in [
        "",
        "Internal Server Error",
        &MINIUPNPD_FAULT.replace("501", "5x1"),
        &MINIUPNPD_FAULT.replace("501", "50100"),
        &MINIUPNPD_FAULT.replace("</detail>", ""),
    ] {
        assert_eq!(
            parse_soap(500, bad),
            Err("HTTP 500 without a UPnP error".to_string()),
            "{bad}"
        );
    }
    assert_eq!(
        parse_soap(404, MINIUPNPD_REPLY),
        Err("HTTP 404".to_string())
    );
    assert_eq!(parse_soap(302, ""), Err("HTTP 302".to_string()));
}

#[test]
fn an_empty_address_means_the_router_is_not_connected() {
    for inner in [
        "<NewExternalIPAddress></NewExternalIPAddress>",
        "<NewExternalIPAddress/>",
        "<NewExternalIPAddress />",
    ] {
        let err = parse_soap(200, &soap_reply(inner)).unwrap_err();
        assert!(err.contains("has no external address"), "{inner}: {err}");
    }
}

#[test]
fn the_address_must_be_the_whole_text_of_the_one_element() {
    let not_ipv4 = [
        " 81.2.69.160",
        "81.2.69.160\n",
        "081.2.69.160",
        "81.2.69",
        "81.2.69.160.1",
        "2a01:4f8::1",
        "81.2.69.256",
        "eighty-one",
    ];
    for text in not_ipv4 {
        let body = soap_reply(&format!(
            "<NewExternalIPAddress>{text}</NewExternalIPAddress>"
        ));
        let err = parse_soap(200, &body).unwrap_err();
        assert!(err.contains("not an IPv4 address"), "{text:?}: {err}");
    }
    let not_one = [
        // Markup or entities inside.
        "<NewExternalIPAddress><b>81.2.69.160</b></NewExternalIPAddress>",
        "<NewExternalIPAddress>81.2.69.16&#48;</NewExternalIPAddress>",
        "<NewExternalIPAddress><!-- x -->81.2.69.160</NewExternalIPAddress>",
        "<NewExternalIPAddress><![CDATA[81.2.69.160]]></NewExternalIPAddress>",
        // Two of them.
        "<NewExternalIPAddress>81.2.69.160</NewExternalIPAddress><NewExternalIPAddress>81.2.69.161</NewExternalIPAddress>",
        // None, or unclosed.
        "<NewExternalIPAddresses>81.2.69.160</NewExternalIPAddresses>",
        "<NewExternalIPAddress>81.2.69.160",
        "",
    ];
    for inner in not_one {
        let err = parse_soap(200, &soap_reply(inner)).unwrap_err();
        assert!(
            err.contains("not a GetExternalIPAddressResponse with one")
                || err.contains("not an IPv4 address"),
            "{inner}: {err}"
        );
    }
    // The element outside the response, or a second one elsewhere, or no envelope body.
    let outside = MINIUPNPD_REPLY.replace(
        "<s:Body>",
        "<s:Header><NewExternalIPAddress>81.2.69.161</NewExternalIPAddress></s:Header><s:Body>",
    );
    let bare = "<NewExternalIPAddress>81.2.69.160</NewExternalIPAddress>";
    let html = "<html><body><p>81.2.69.160</p></body></html>";
    let wrong_action =
        MINIUPNPD_REPLY.replace("GetExternalIPAddressResponse", "GetStatusInfoResponse");
    for body in [outside.as_str(), bare, html, &wrong_action] {
        assert_eq!(
            parse_soap(200, body),
            Err(
                "the reply is not a GetExternalIPAddressResponse with one NewExternalIPAddress"
                    .to_string()
            ),
            "{body}"
        );
    }
}

#[test]
fn the_scanner_matches_local_names_and_checks_balance() {
    let doc = "<?xml version=\"1.0\"?><!-- c --><a:r xmlns:a=\"u\"><a:x k=\"v>\" j='w'>1</a:x><x>2</x><y/><x><x>3</x></x></a:r>";
    assert_eq!(elements(doc, "x", 10), Some(vec!["1", "2", "<x>3</x>"]));
    assert_eq!(elements(doc, "x", 2), Some(vec!["1", "2"]));
    assert_eq!(elements(doc, "y", 10), Some(vec![""]));
    assert_eq!(elements(doc, "z", 10), Some(vec![]));
    assert_eq!(one(doc, "x"), None);
    assert_eq!(one(doc, "y"), Some(""));
    assert_eq!(text("<a>\n  v  \n</a>", "a"), Some("v"));
    assert_eq!(text("<a>v&amp;</a>", "a"), None);
    assert_eq!(text("<a><b/></a>", "a"), None);
    for bad in [
        "<a>",
        "</a>",
        "<a></b>",
        "<a:x></b:x>",
        "<a><b></a></b>",
        "<a",
        "<a x='1>",
        "< a></a>",
        "<1a></1a>",
        "<a></a x>",
        "<!-- never closed",
        "<?xml never closed",
        "<![CDATA[x]]>",
        "<a><</a>",
    ] {
        assert_eq!(elements(bad, "a", 10), None, "{bad}");
    }
    let deep = |n: usize| format!("{}{}", "<a>".repeat(n), "</a>".repeat(n));
    assert_eq!(elements(&deep(32), "a", 10).map(|v| v.len()), Some(1));
    assert_eq!(elements(&deep(33), "a", 10), None);
}
