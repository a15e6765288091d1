//! Message timestamps: RFC 3339 text or epoch milliseconds, as inbox exports write them.
//!
//! Small on purpose: the only job is turning `2026-11-21T09:12:44+09:00` or `1763683964000`
//! into epoch milliseconds (for de-duplication and retention), with a clear error otherwise.

/// Parse RFC 3339 (`YYYY-MM-DDTHH:MM:SS[.fff](Z|±HH:MM)`) into epoch milliseconds.
pub fn parse_rfc3339(s: &str) -> Result<i64, String> {
    let err = || format!("{s:?} is not an RFC 3339 time such as 2026-11-21T09:12:44+09:00");
    let b = s.as_bytes();
    if b.len() < 20 {
        return Err(err());
    }
    let num = |r: std::ops::Range<usize>| -> Result<i64, String> {
        let t = s.get(r).ok_or_else(err)?;
        if !t.bytes().all(|c| c.is_ascii_digit()) {
            return Err(err());
        }
        t.parse::<i64>().map_err(|_| err())
    };
    if b[4] != b'-'
        || b[7] != b'-'
        || !matches!(b[10], b'T' | b't' | b' ')
        || b[13] != b':'
        || b[16] != b':'
    {
        return Err(err());
    }
    let (y, mo, d, h, mi, se) = (
        num(0..4)?,
        num(5..7)?,
        num(8..10)?,
        num(11..13)?,
        num(14..16)?,
        num(17..19)?,
    );
    if !(1..=12).contains(&mo)
        || !(1..=days_in_month(y, mo)).contains(&d)
        || h > 23
        || mi > 59
        || se > 60
    {
        return Err(err());
    }
    let mut i = 19;
    let mut ms = 0i64;
    if b.get(i) == Some(&b'.') {
        let start = i + 1;
        i = start;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return Err(err());
        }
        let frac = &s[start..i.min(start + 3)];
        ms = frac.parse::<i64>().map_err(|_| err())? * 10i64.pow(3 - frac.len() as u32);
    }
    let offset_min = match b.get(i) {
        Some(b'Z') | Some(b'z') if i + 1 == b.len() => 0,
        Some(&sign @ (b'+' | b'-')) if i + 6 == b.len() && b[i + 3] == b':' => {
            let oh = num(i + 1..i + 3)?;
            let om = num(i + 4..i + 6)?;
            if oh > 23 || om > 59 {
                return Err(err());
            }
            let m = oh * 60 + om;
            if sign == b'+' {
                m
            } else {
                -m
            }
        }
        _ => return Err(err()),
    };
    let days = days_from_civil(y, mo, d);
    let secs = days * 86_400 + h * 3600 + mi * 60 + se.min(59) - offset_min * 60;
    Ok(secs * 1000 + ms)
}

/// The calendar day (`YYYY-MM-DD`) of an epoch-ms instant at a UTC offset in minutes.
pub fn day(epoch_ms: i64, utc_offset_minutes: i32) -> String {
    let local = epoch_ms.div_euclid(1000) + i64::from(utc_offset_minutes) * 60;
    let (y, m, d) = civil_from_days(local.div_euclid(86_400));
    format!("{y:04}-{m:02}-{d:02}")
}

/// Proleptic Gregorian date of a day count since 1970-01-01 (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table() {
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Ok(0));
        assert_eq!(
            parse_rfc3339("2026-11-21T09:12:44+09:00"),
            Ok(1_795_219_964_000)
        );
        assert_eq!(
            parse_rfc3339("2026-11-21T00:12:44.5Z"),
            Ok(1_795_219_964_500)
        );
        assert_eq!(
            parse_rfc3339("2024-02-29T12:00:00-05:00"),
            Ok(1_709_226_000_000)
        );
        assert_eq!(day(1_795_219_964_000, 540), "2026-11-21");
        assert_eq!(day(1_795_219_964_000 - 10 * 3_600_000, 540), "2026-11-20");
        assert_eq!(day(0, 0), "1970-01-01");
        assert_eq!(day(-1, 0), "1969-12-31");
        for bad in [
            "2026-13-01T00:00:00Z",
            "2025-02-29T00:00:00Z",
            "yesterday",
            "2026-11-21",
            "2026-11-21T09:12:44",
        ] {
            assert!(parse_rfc3339(bad).is_err(), "{bad}");
        }
    }
}
