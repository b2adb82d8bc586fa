//! Default routes from `/proc/net/route` text, and binding sockets to interfaces.
use super::*;

/// An address as the kernel prints it in `/proc/net/route` on this machine.
fn hex(ip: [u8; 4]) -> String {
    format!("{:08X}", u32::from_ne_bytes(ip))
}

const HEADER: &str =
    "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT";

/// One line: interface, destination, gateway, flags, metric, mask.
fn line(iface: &str, dest: &str, gateway: &str, flags: &str, metric: u32, mask: &str) -> String {
    format!("{iface}\t{dest}\t{gateway}\t{flags}\t0\t0\t{metric}\t{mask}\t0\t0\t0")
}

fn table(lines: &[String]) -> String {
    let mut text = format!("{HEADER}\n");
    for l in lines {
        text.push_str(l);
        text.push('\n');
    }
    text
}

fn route(iface: &str, gateway: [u8; 4], metric: u32) -> DefaultRoute<'_> {
    DefaultRoute {
        iface,
        gateway: Ipv4Addr::from(gateway),
        metric,
    }
}

#[test]
#[cfg(target_endian = "little")]
fn a_real_table_of_a_little_endian_host() {
    // What the kernel prints on x86_64 for a host behind 192.168.1.1 (padding included).
    let text = "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT                                                       \n\
                wlan0\t00000000\t0101A8C0\t0003\t0\t0\t600\t00000000\t0\t0\t0                                                                               \n\
                wlan0\t0001A8C0\t00000000\t0001\t0\t0\t600\t00FFFFFF\t0\t0\t0                                                                               \n";
    assert_eq!(
        parse_routes(text),
        vec![route("wlan0", [192, 168, 1, 1], 600)]
    );
    assert_eq!(
        pick_gateway(&parse_routes(text), None),
        Ok(Ipv4Addr::new(192, 168, 1, 1))
    );
}

#[test]
fn only_default_routes_that_are_up_and_through_a_gateway_count() {
    let zero = "00000000";
    let text = table(&[
        line(
            "eth0",
            &hex([192, 168, 1, 0]),
            zero,
            "0001",
            100,
            &hex([255, 255, 255, 0]),
        ),
        line("eth0", zero, &hex([192, 168, 1, 1]), "0003", 100, zero),
        // Up, no gateway: a point-to-point default route.
        line("ppp0", zero, zero, "0001", 10, zero),
        // Through a gateway, not up.
        line("wan3", zero, &hex([10, 3, 0, 1]), "0002", 5, zero),
        // A host route through a gateway (RTF_HOST too) is no default route.
        line(
            "wan4",
            &hex([8, 8, 8, 8]),
            &hex([10, 4, 0, 1]),
            "0007",
            1,
            &hex([255; 4]),
        ),
        // Default destination with another mask.
        line(
            "wan5",
            zero,
            &hex([10, 5, 0, 1]),
            "0003",
            1,
            &hex([128, 0, 0, 0]),
        ),
        line("wan2", zero, &hex([100, 64, 0, 1]), "0003", 200, zero),
    ]);
    assert_eq!(
        parse_routes(&text),
        vec![
            route("eth0", [192, 168, 1, 1], 100),
            route("wan2", [100, 64, 0, 1], 200)
        ]
    );
}

#[test]
fn the_lowest_metric_wins_and_a_device_picks_its_own() {
    let zero = "00000000";
    let text = table(&[
        line("wb", zero, &hex([10, 2, 0, 1]), "0003", 200, zero),
        line("wa", zero, &hex([10, 1, 0, 1]), "0003", 100, zero),
        line("wc", zero, &hex([10, 3, 0, 1]), "0003", 100, zero),
        line("wb", zero, &hex([10, 2, 0, 9]), "0003", 300, zero),
    ]);
    let routes = parse_routes(&text);
    assert_eq!(pick_gateway(&routes, None), Ok(Ipv4Addr::new(10, 1, 0, 1)));
    assert_eq!(
        pick_gateway(&routes, Some("wb")),
        Ok(Ipv4Addr::new(10, 2, 0, 1))
    );
    assert_eq!(
        pick_gateway(&routes, Some("wc")),
        Ok(Ipv4Addr::new(10, 3, 0, 1))
    );
    assert_eq!(
        pick_gateway(&routes, Some("wan2")),
        Err("no default route on wan2".to_string())
    );
    assert_eq!(
        pick_gateway(&[], None),
        Err("no IPv4 default route".to_string())
    );
}

#[test]
fn malformed_lines_are_skipped() {
    let zero = "00000000";
    let good = line("eth0", zero, &hex([192, 0, 2, 1]), "0003", 0, zero);
    let text = table(&[
        "eth0\t00000000\t0101A8C0\t0003".to_string(),
        line("eth0", "+0000000", &hex([192, 0, 2, 9]), "0003", 0, zero),
        line("eth0", zero, "0101A8C", "0003", 0, zero),
        line("eth0", zero, "0101A8C0G", "0003", 0, zero),
        line("eth0", zero, "0x01A8C0", "0003", 0, zero),
        line("eth0", zero, &hex([192, 0, 2, 9]), "zz", 0, zero),
        line("eth0", zero, &hex([192, 0, 2, 9]), "0003", 0, "0000000"),
        line("eth0", zero, &hex([192, 0, 2, 9]), "0003", 0, "-0000000"),
        "eth0\t00000000\t0101A8C0\t0003\t0\t0\t-1\t00000000\t0\t0\t0".to_string(),
        line(
            "a-name-too-long-for-linux",
            zero,
            &hex([192, 0, 2, 9]),
            "0003",
            0,
            zero,
        ),
        "\u{0}\u{ff}garbage".to_string(),
        String::new(),
        good.clone(),
    ]);
    assert_eq!(parse_routes(&text), vec![route("eth0", [192, 0, 2, 1], 0)]);
    // The header line is never a route, even when it reads like one.
    assert_eq!(parse_routes(&good), vec![]);
    assert_eq!(parse_routes(""), vec![]);
}

#[test]
fn at_most_so_many_lines_are_read() {
    let zero = "00000000";
    let mut lines = vec!["junk".to_string(); MAX_ROUTES_LINES - 1];
    lines.push(line("eth0", zero, &hex([192, 0, 2, 1]), "0003", 0, zero));
    assert_eq!(parse_routes(&table(&lines)).len(), 1);
    lines.insert(0, "junk".to_string());
    assert_eq!(parse_routes(&table(&lines)), vec![]);
}

#[test]
fn the_live_table_is_read_the_same_way() {
    let text = std::fs::read_to_string(ROUTES_PATH).unwrap();
    assert_eq!(
        default_gateway(None),
        pick_gateway(&parse_routes(&text), None)
    );
    assert_eq!(
        default_gateway(Some("ddnsup-none0")),
        Err("no default route on ddnsup-none0".to_string())
    );
}

#[test]
fn binding_to_a_missing_or_too_long_interface_is_refused() {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    let why = bind_to_device(&socket, "ddnsup-none0").unwrap_err();
    // Unprivileged on an old kernel: EPERM, and the message says what is needed.
    assert!(
        why == "no such interface ddnsup-none0" || why.contains("needs root"),
        "{why}"
    );
    assert_eq!(
        bind_to_device(&socket, "sixteen-bytes-xx"),
        Err("no such interface sixteen-bytes-xx".to_string())
    );
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    match bind_to_device(&socket, "lo") {
        Ok(()) => {
            // Bound to lo, the socket still reaches a loopback peer.
            let peer = UdpSocket::bind("127.0.0.1:0").unwrap();
            socket.send_to(b"x", peer.local_addr().unwrap()).unwrap();
            let mut buf = [0u8; 4];
            peer.set_read_timeout(Some(std::time::Duration::from_secs(5)))
                .unwrap();
            assert_eq!(peer.recv_from(&mut buf).unwrap().0, 1);
        }
        Err(why) => assert!(why.contains("needs root"), "{why}"),
    }
}
