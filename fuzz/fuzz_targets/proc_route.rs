//! `/proc/net/route` text: the default routes read, then the gateway chosen with no interface
//! named and for the first route's. A chosen gateway is one of the routes, of the lowest metric.
#![no_main]
use ddnsup_fuzz::detect::route::{parse_routes, pick_gateway};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let routes = parse_routes(&text);
    let mut names = vec![None];
    names.extend(routes.first().map(|r| Some(r.iface)));
    for name in names {
        let on = |r: &&ddnsup_fuzz::detect::route::DefaultRoute| name.is_none_or(|n| r.iface == n);
        match pick_gateway(&routes, name) {
            Ok(gateway) => {
                let best = routes.iter().filter(on).map(|r| r.metric).min();
                assert!(
                    routes
                        .iter()
                        .filter(on)
                        .any(|r| r.gateway == gateway && Some(r.metric) == best)
                );
            }
            Err(_) => assert!(!routes.iter().any(|r| on(&r))),
        }
    }
});
