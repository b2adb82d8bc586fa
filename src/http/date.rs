//! HTTP-dates (RFC 9110 §5.6.7): IMF-fixdate and the two obsolete forms, as seconds since 1970.

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const LONG_DAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// `Sun, 06 Nov 1994 08:49:37 GMT`, `Sunday, 06-Nov-94 08:49:37 GMT` or
/// `Sun Nov  6 08:49:37 1994`; `None` for anything else (or a date before 1970).
pub fn parse_http_date(text: &str) -> Option<u64> {
    let text = text.trim();
    if text.len() > 64 {
        return None;
    }
    let parts: Vec<&str> = text.split(' ').filter(|p| !p.is_empty()).collect();
    match parts.as_slice() {
        // IMF-fixdate
        [day, d, mon, y, time, "GMT"] if DAYS.contains(&day.strip_suffix(',')?) => {
            let year = digits(y, 4)?;
            build(year, month(mon)?, digits(d, 2)?, time)
        }
        // RFC 850: two-digit year, read as the nearest one not more than 50 years ahead.
        [day, date, time, "GMT"] if LONG_DAYS.contains(&day.strip_suffix(',')?) => {
            let mut it = date.split('-');
            let (d, mon, y) = (it.next()?, it.next()?, it.next()?);
            if it.next().is_some() {
                return None;
            }
            let yy = digits(y, 2)?;
            let year = if yy < 70 { 2000 + yy } else { 1900 + yy };
            build(year, month(mon)?, digits(d, 2)?, time)
        }
        // asctime: the day of month may be padded with a space.
        [day, mon, d, time, y] if DAYS.contains(day) => {
            let d = if d.len() == 1 {
                digits(d, 1)?
            } else {
                digits(d, 2)?
            };
            build(digits(y, 4)?, month(mon)?, d, time)
        }
        _ => None,
    }
}

fn digits(s: &str, n: usize) -> Option<u64> {
    if s.len() != n || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn month(s: &str) -> Option<u64> {
    MONTHS.iter().position(|m| *m == s).map(|i| i as u64 + 1)
}

fn build(year: u64, month: u64, day: u64, time: &str) -> Option<u64> {
    let mut t = time.split(':');
    let (h, m, s) = (
        digits(t.next()?, 2)?,
        digits(t.next()?, 2)?,
        digits(t.next()?, 2)?,
    );
    if t.next().is_some() || h > 23 || m > 59 || s > 60 {
        return None;
    }
    if !(1970..=9999).contains(&year) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    Some(days_from_civil(year, month, day) * 86_400 + h * 3600 + m * 60 + s)
}

fn days_in_month(year: u64, month: u64) -> u64 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01 to a proleptic Gregorian date (the inverse of `clock`'s conversion).
fn days_from_civil(year: u64, month: u64, day: u64) -> u64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y / 400;
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_three_forms_of_rfc_9110() {
        let t = 784_111_777; // 1994-11-06 08:49:37 UTC
        assert_eq!(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), Some(t));
        assert_eq!(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"), Some(t));
        assert_eq!(parse_http_date("Sun Nov  6 08:49:37 1994"), Some(t));
        assert_eq!(parse_http_date(" Sun Nov 6 08:49:37 1994 "), Some(t));
        assert_eq!(
            parse_http_date("Wed, 02 Dec 2026 07:30:00 GMT"),
            Some(1_796_196_600)
        );
        assert_eq!(
            parse_http_date("Thursday, 29-Feb-24 00:00:00 GMT"),
            Some(1_709_164_800)
        );
        assert_eq!(parse_http_date("Thu, 01 Jan 1970 00:00:00 GMT"), Some(0));
        assert_eq!(
            parse_http_date("Fri, 31 Dec 9999 23:59:59 GMT"),
            Some(253_402_300_799)
        );
    }

    #[test]
    fn anything_else_is_not_a_date() {
        for bad in [
            "",
            "120",
            "Sun, 06 Nov 1994 08:49:37 UTC",
            "Sun, 06 Nov 1994 08:49:37",
            "Sun, 6 Nov 1994 08:49:37 GMT",
            "Sun, 06 nov 1994 08:49:37 GMT",
            "Sun, 31 Nov 1994 08:49:37 GMT",
            "Sun, 29 Feb 2100 08:49:37 GMT",
            "Sun, 06 Nov 1994 24:00:00 GMT",
            "Sun, 06 Nov 1994 08:60:00 GMT",
            "Sun, 06 Nov 1994 08:49 GMT",
            "Sun, 06 Nov 1969 08:49:37 GMT",
            "Sun 06 Nov 1994 08:49:37 GMT",
            "Sunday, 06-Nov-1994 08:49:37 GMT",
            "Sunday, 06-Nov-94-1 08:49:37 GMT",
            "Sun Nov 06 08:49:37 94",
            "Xyz, 06 Nov 1994 08:49:37 GMT",
        ] {
            assert_eq!(parse_http_date(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn round_trips_with_the_clock_formatter() {
        for secs in [0u64, 951_782_400, 1_796_196_600, 4_107_542_399] {
            let shown = crate::clock::format_utc(secs); // 2026-12-02 07:30:00 UTC
            let (date, time) = shown.split_once(' ').unwrap();
            let mut it = date.split('-');
            let (y, m, d) = (it.next().unwrap(), it.next().unwrap(), it.next().unwrap());
            let mon = MONTHS[m.parse::<usize>().unwrap() - 1];
            let text = format!("Mon, {d} {mon} {y} {} GMT", &time[..8]);
            assert_eq!(parse_http_date(&text), Some(secs), "{text}");
        }
    }
}
