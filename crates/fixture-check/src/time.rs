//! RFC 3339 times of fixture inputs, read as the host reads them (chrono's
//! `parse_from_rfc3339`) without chrono, so that both runners accept and refuse the same texts
//! with the same words.

/// An instant: seconds since the Unix epoch and nanoseconds (up to 1,999,999,999 for a leap
/// second, as chrono keeps it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Time {
    pub seconds: i64,
    pub nanoseconds: u32,
}

/// Parses an RFC 3339 date-time as the host does (chrono's `parse_from_rfc3339`): `T`, `t` or a
/// space between date and time, any number of fraction digits (nanoseconds kept), `Z`/`z` or an
/// offset within ±23:59, a leap second `:60` kept as `:59` plus one second of nanoseconds.
pub fn parse_rfc3339(text: &str) -> Result<Time, &'static str> {
    const INVALID: &str = "input contains invalid characters";
    const TOO_SHORT: &str = "premature end of input";
    const OUT_OF_RANGE: &str = "input is out of range";
    let b = text.as_bytes();
    if b.len() < 19 {
        return Err(TOO_SHORT);
    }
    let digits = |range: std::ops::Range<usize>| -> Result<u32, &'static str> {
        b[range].iter().try_fold(0u32, |n, &c| {
            if c.is_ascii_digit() {
                Ok(n * 10 + u32::from(c - b'0'))
            } else {
                Err(INVALID)
            }
        })
    };
    let year = digits(0..4)?;
    if b[4] != b'-' {
        return Err(INVALID);
    }
    let month = digits(5..7)?;
    if b[7] != b'-' {
        return Err(INVALID);
    }
    let day = digits(8..10)?;
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return Err(OUT_OF_RANGE);
    }
    if !matches!(b[10], b'T' | b't' | b' ') {
        return Err(INVALID);
    }
    let hour = digits(11..13)?;
    if b[13] != b':' {
        return Err(INVALID);
    }
    let minute = digits(14..16)?;
    if b[16] != b':' {
        return Err(INVALID);
    }
    let (second, mut nanos) = match digits(17..19)? {
        60 => (59, 1_000_000_000),
        s => (s, 0),
    };
    let mut rest = &b[19..];
    if let Some(fraction) = rest.strip_prefix(b".") {
        let count = fraction.iter().take_while(|c| c.is_ascii_digit()).count();
        if count == 0 {
            return Err(if fraction.is_empty() { TOO_SHORT } else { INVALID });
        }
        let mut scale = 100_000_000;
        for &c in &fraction[..count.min(9)] {
            nanos += u32::from(c - b'0') * scale;
            scale /= 10;
        }
        rest = &fraction[count..];
    }
    if hour > 23 || minute > 59 || second > 59 {
        return Err(OUT_OF_RANGE);
    }
    // The checks in chrono's order, for the same messages.
    let two_digits = |s: &[u8]| match s {
        [a, b, ..] if a.is_ascii_digit() && b.is_ascii_digit() => Ok(i64::from((a - b'0') * 10 + (b - b'0'))),
        [_, _, ..] => Err(INVALID),
        _ => Err(TOO_SHORT),
    };
    let (offset, rest) = match rest {
        [b'Z' | b'z', rest @ ..] => (0, rest),
        [] => return Err(TOO_SHORT),
        _ => {
            let (negative, hm) = match rest {
                [b'+', hm @ ..] => (false, hm),
                [b'-', hm @ ..] => (true, hm),
                // U+2212 MINUS SIGN, in UTF-8
                [0xE2, 0x88, 0x92, hm @ ..] => (true, hm),
                _ => return Err(INVALID),
            };
            let hours = two_digits(hm)?;
            let m = match &hm[2..] {
                [b':', m @ ..] => m,
                [] => return Err(TOO_SHORT),
                _ => return Err(INVALID),
            };
            let minutes = match two_digits(m)? {
                m if m > 59 => return Err(OUT_OF_RANGE),
                m => m,
            };
            let offset = hours * 3600 + minutes * 60;
            (if negative { -offset } else { offset }, &m[2..])
        }
    };
    if !rest.is_empty() {
        return Err("trailing input");
    }
    if offset.abs() >= 86_400 {
        return Err(OUT_OF_RANGE);
    }
    let days = days_from_civil(i64::from(year), month, day);
    let seconds = days * 86_400 + i64::from(hour * 3600 + minute * 60 + second) - offset;
    Ok(Time {
        seconds,
        nanoseconds: nanos,
    })
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let yoe = year - era * 400; // [0, 399]
    let mp = i64::from((month + 9) % 12); // March = 0
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1; // [0, 365]
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; // [0, 146096]
    era * 146_097 + doe - 719_468
}
