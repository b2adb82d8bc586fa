//! Plumbing shared by the JSON APIs that read a record before they change it (Porkbun, Gandi,
//! DigitalOcean, Linode, Scaleway): the exchange of several requests, Bearer tokens, bodies,
//! error replies and rate-limit waits.
use super::{Addrs, Cache, StatusClass, Success, short};
use crate::error::Error;
use crate::family::Family;
use crate::fields::Secret;
use crate::http::{Client, Reply, Request};
use crate::json::Json;
use std::net::IpAddr;

/// Sends one request of an exchange and returns the reply: the network in `update`, scripted
/// answers in tests.
pub type SendFn<'a> = dyn FnMut(&Request) -> Result<Reply, Error> + 'a;

/// Runs `exchange` for each address in turn (IPv4 first), its requests sent by `client`
/// (which shows them and their answers with `-v`).
pub fn update_each(
    client: &Client,
    addrs: Addrs,
    mut exchange: impl FnMut(&mut SendFn, IpAddr) -> Result<Success, Error>,
) -> Vec<(Family, Result<Success, Error>)> {
    each_address(client, addrs, &mut exchange)
}

/// The body of [`update_each`], once for every provider (the closure behind `dyn`), not a
/// copy per provider.
fn each_address(
    client: &Client,
    addrs: Addrs,
    exchange: &mut dyn FnMut(&mut SendFn, IpAddr) -> Result<Success, Error>,
) -> Vec<(Family, Result<Success, Error>)> {
    let mut send = |req: &Request| client.send(req);
    addrs
        .list()
        .into_iter()
        .map(|ip| (Family::of(ip), exchange(&mut send, ip)))
        .collect()
}

/// Like [`update_each`], with each family's cached ids handed to `exchange` to read and
/// update (e.g. a record id learnt on the first run).
pub fn update_each_cached(
    client: &Client,
    addrs: Addrs,
    cache: &mut Cache,
    mut exchange: impl FnMut(&mut SendFn, IpAddr, &mut String) -> Result<Success, Error>,
) -> Vec<(Family, Result<Success, Error>)> {
    each_cached(client, addrs, cache, &mut exchange)
}

fn each_cached(
    client: &Client,
    addrs: Addrs,
    cache: &mut Cache,
    exchange: &mut dyn FnMut(&mut SendFn, IpAddr, &mut String) -> Result<Success, Error>,
) -> Vec<(Family, Result<Success, Error>)> {
    each_address(client, addrs, &mut |send, ip| {
        let family = Family::of(ip);
        let mut known = cache.get(family).to_string();
        let result = exchange(send, ip, &mut known);
        cache.set(family, known);
        result
    })
}

/// `Authorization: Bearer <token>`, hidden when shown.
pub fn bearer(req: Request, token: &Secret) -> Request {
    req.secret_header("Authorization", format!("Bearer {}", token.expose()))
}

/// Whether a record's text is `ip`, however the provider spells the address.
pub fn holds(text: &str, ip: IpAddr) -> bool {
    text.trim().parse::<IpAddr>() == Ok(ip)
}

/// The body as a JSON tree; anything but one complete JSON value is transient:
/// `<provider>: unexpected <what> (...)`.
pub fn parse_value(reply: &Reply, provider: &str, what: &str) -> Result<Json, Error> {
    Json::parse(&reply.text())
        .map_err(|e| Error::transient(format!("{provider}: unexpected {what} ({e})")))
}

/// `: <message>` from a JSON error body (its `message`, else its `id`, else the start of the
/// text: `{"id":"Unauthorized","message":"Unable to authenticate you"}`); empty when there is
/// none.
pub fn error_detail(reply: &Reply) -> String {
    let text = reply.text();
    let tree = Json::parse(&text).unwrap_or(Json::Null);
    let said = |key| tree.get(key).str().map(str::trim).filter(|s| !s.is_empty());
    let shown = short(said("message").or(said("id")).unwrap_or(&text));
    if shown.is_empty() {
        shown
    } else {
        format!(": {shown}")
    }
}

/// A token API's failure by its status: a refused token is fatal (`scope` says what else the
/// token needs), rate limits and server errors are transient (`Retry-After` kept).
pub fn token_error(reply: &Reply, provider: &str, scope: &str) -> Error {
    let status = reply.status;
    let detail = error_detail(reply);
    let class = StatusClass::of(status);
    let message = match class {
        StatusClass::Refused => format!(
            "{provider} refused the token (HTTP {status}{detail}); check `token` and {scope}"
        ),
        StatusClass::Busy => format!("{provider}: HTTP {status}{detail}"),
        StatusClass::Unexpected => format!("{provider}: unexpected HTTP {status}{detail}"),
    };
    class.error(reply, message)
}

/// A 404 for the zone itself: the token cannot see it, which needs a person. `what` names the
/// zone as the provider calls it (`domain example.com`).
pub fn unknown_zone(reply: &Reply, provider: &str, what: &str) -> Error {
    Error::fatal(format!(
        "{provider}: no {what} for this token (HTTP 404{}); check `zone`",
        error_detail(reply)
    ))
}

/// The longest wait a rate limit's reset time may ask for: the limits refill within an hour,
/// so a longer one means a clock is off.
pub const MAX_RESET_WAIT_SECS: u64 = 3600;

/// Seconds until the UNIX time in `header` (a rate limit's reset, e.g. `X-RateLimit-Reset`),
/// at most an hour; `None` without the header.
pub fn reset_wait(reply: &Reply, header: &str, now: u64) -> Option<u64> {
    let at: u64 = reply.header(header)?.trim().parse().ok()?;
    Some(at.saturating_sub(now).min(MAX_RESET_WAIT_SECS))
}

/// `message` as an error of `class`; a busy server's wait is its `Retry-After`, else the time
/// until the reset in `reset_header`.
pub fn busy_error(reply: &Reply, class: StatusClass, message: String, reset_header: &str) -> Error {
    let reset = reset_wait(reply, reset_header, crate::clock::now_secs());
    match (class, reset) {
        (StatusClass::Busy, Some(secs)) if reply.retry_after_secs().is_none() => {
            Error::transient_after(message, secs)
        }
        _ => class.error(reply, message),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::testutil::{ip, reply};

    #[test]
    fn holds_any_spelling_of_the_address() {
        let v6 = ip("2a01:4f8:10:20::5");
        assert!(holds(" 2A01:4F8:10:20:0:0:0:5\n", v6));
        assert!(!holds("2a01:4f8:10:20::6", v6));
        assert!(!holds("", v6));
    }

    #[test]
    fn rate_limit_waits() {
        let limited = |headers: &[(&str, &str)]| Reply {
            status: 429,
            headers: headers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            body: Vec::new(),
        };
        let r = limited(&[("x-ratelimit-reset", " 1731417200 ")]);
        assert_eq!(
            reset_wait(&r, "x-ratelimit-reset", 1_731_417_000),
            Some(200)
        );
        assert_eq!(reset_wait(&r, "x-ratelimit-reset", 1_731_418_000), Some(0));
        assert_eq!(
            reset_wait(&r, "x-ratelimit-reset", 0),
            Some(MAX_RESET_WAIT_SECS)
        );
        assert_eq!(reset_wait(&r, "ratelimit-reset", 0), None);
        assert_eq!(
            reset_wait(
                &limited(&[("x-ratelimit-reset", "soon")]),
                "x-ratelimit-reset",
                0
            ),
            None
        );
        let busy = |r: &Reply| {
            busy_error(
                r,
                StatusClass::of(r.status),
                "m".into(),
                "x-ratelimit-reset",
            )
        };
        let soon = (crate::clock::now_secs() + 120).to_string();
        let wait = busy(&limited(&[("x-ratelimit-reset", &soon)])).retry_after_secs();
        assert!(matches!(wait, Some(118..=120)), "{wait:?}");
        // Retry-After wins; a refused token is fatal whatever it says.
        let both = limited(&[("retry-after", "30"), ("x-ratelimit-reset", &soon)]);
        assert_eq!(busy(&both).retry_after_secs(), Some(30));
        let refused = Reply {
            status: 401,
            ..limited(&[("x-ratelimit-reset", &soon)])
        };
        assert_eq!(busy(&refused).class(), crate::error::Class::Fatal);
        assert_eq!(busy(&limited(&[])).retry_after_secs(), None);
    }

    #[test]
    fn error_details() {
        assert_eq!(
            error_detail(&reply(401, r#"{"id":"x","message":"Nope"}"#)),
            ": Nope"
        );
        assert_eq!(
            error_detail(&reply(401, r#"{"id":"forbidden"}"#)),
            ": forbidden"
        );
        assert_eq!(error_detail(&reply(502, "<html>Bad")), ": <html>Bad");
        assert_eq!(error_detail(&reply(502, "")), "");
    }
}
