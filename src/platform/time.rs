//! Comment times → epoch milliseconds, by hand. The browser's `Date` parser accepts
//! different strings in different engines (and guesses at impossible dates such as
//! February 30th), and a date crate would ship to every reader; RFC 3339 is small
//! enough to parse exactly here, the same way natively and in the browser.

/// ECMAScript's `Date` range: anything further out is not a time a comment was written.
pub const MAX_ABS_MS: f64 = 8.64e15;

/// The last millisecond with a four-digit year (9999-12-31T23:59:59.999Z), the range
/// [`format_rfc3339`] can write.
const MAX_FORMAT_MS: i64 = 253_402_300_799_999;
/// 0000-01-01T00:00:00.000Z.
const MIN_FORMAT_MS: i64 = -62_167_219_200_000;

/// Milliseconds since the epoch for an RFC 3339 / ISO 8601 date-time:
/// `YYYY-MM-DD`, `T` (or `t` or a space), `HH:MM`, optional `:SS`, optional fraction of
/// any length (milliseconds kept, the rest truncated), then `Z`, `±HH:MM`, `±HHMM` or
/// nothing (UTC). Impossible dates and times are `None`.
pub fn parse_rfc3339(text: &str) -> Option<i64> {
    parse_rfc3339_offset(text).map(|(ms, _)| ms)
}

/// [`parse_rfc3339`], reading a time without an offset as a wall-clock time in `zone`.
pub fn parse_rfc3339_in(text: &str, zone: &Zone) -> Option<i64> {
    let (ms, offset) = parse_rfc3339_offset(text)?;
    match (offset, zone) {
        (Some(_), _) | (None, Zone::Utc) => Some(ms),
        (None, zone) => zone.local_to_utc(ms),
    }
}

/// [`parse_rfc3339`], plus the offset the text was written in, in minutes east of
/// UTC (`None` when it gave none).
pub fn parse_rfc3339_offset(text: &str) -> Option<(i64, Option<i64>)> {
    let mut c = Scan {
        bytes: text.as_bytes(),
        at: 0,
    };
    let year = c.digits(4)?;
    c.expect(b'-')?;
    let month = c.digits(2)?;
    c.expect(b'-')?;
    let day = c.digits(2)?;
    match c.next()? {
        b'T' | b't' | b' ' => {}
        _ => return None,
    }
    let hour = c.digits(2)?;
    c.expect(b':')?;
    let minute = c.digits(2)?;
    let mut second = 0;
    let mut millis = 0;
    if c.eat(b':') {
        second = c.digits(2)?;
        if c.eat(b'.') {
            let mut count = 0_usize;
            while let Some(d) = c.digit() {
                if count < 3 {
                    millis = millis * 10 + d;
                }
                count = count.saturating_add(1);
            }
            if count == 0 {
                return None;
            }
            for _ in count..3 {
                millis *= 10;
            }
        }
    }
    let offset_minutes = match c.next() {
        None => None,
        Some(b'Z' | b'z') => Some(0),
        Some(sign @ (b'+' | b'-')) => {
            let hours = c.digits(2)?;
            c.eat(b':');
            let minutes = c.digits(2)?;
            if hours > 23 || minutes > 59 {
                return None;
            }
            let offset = hours * 60 + minutes;
            Some(if sign == b'-' { -offset } else { offset })
        }
        Some(_) => return None,
    };
    if c.at != c.bytes.len()
        || !(1..=12).contains(&month)
        || day < 1
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        // 60 is a leap second; it counts as the first second of the next minute.
        || second > 60
    {
        return None;
    }
    let days = days_from_civil(year, month, day);
    let seconds = ((days * 24 + hour) * 60 + minute - offset_minutes.unwrap_or(0)) * 60 + second;
    Some((seconds * 1000 + millis, offset_minutes))
}

/// The zone an API writes its times in when they carry no offset (`timeZone` in
/// the adapter).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum Zone {
    #[default]
    Utc,
    /// Minutes east of UTC: `+07:00`.
    Fixed(i64),
    /// An IANA zone (`Asia/Ho_Chi_Minh`, `Europe/Berlin`), with its daylight saving
    /// rules: the browser's `Intl` in the widget, the bundled tz database natively.
    Named(String),
}

impl Zone {
    /// `UTC`, `Z`, `GMT`, `±HH:MM`, `±HHMM`, `±HH` or an IANA name the platform
    /// knows; `None` otherwise.
    pub fn parse(text: &str) -> Option<Zone> {
        let text = text.trim();
        if ["utc", "z", "gmt"].contains(&text.to_ascii_lowercase().as_str()) {
            return Some(Zone::Utc);
        }
        if let Some(sign) = text.strip_prefix(['+', '-']).map(|_| text.as_bytes()[0]) {
            let rest = &text[1..];
            let digits: String = rest.chars().filter(|c| *c != ':').collect();
            let colon_ok = match rest.find(':') {
                None => true,
                Some(at) => at == 2 && rest.len() == 5,
            };
            if !colon_ok
                || !(digits.len() == 2 || digits.len() == 4)
                || !digits.bytes().all(|b| b.is_ascii_digit())
            {
                return None;
            }
            let hours: i64 = digits[..2].parse().ok()?;
            let minutes: i64 = digits
                .get(2..)
                .filter(|m| !m.is_empty())
                .map_or(Some(0), |m| m.parse().ok())?;
            if hours > 23 || minutes > 59 {
                return None;
            }
            let offset = hours * 60 + minutes;
            return Some(Zone::Fixed(if sign == b'-' { -offset } else { offset }));
        }
        let plausible = !text.is_empty()
            && text.len() <= 64
            && text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"/_-+".contains(&b));
        (plausible && zone_offset(text, 0).is_some()).then(|| Zone::Named(text.to_owned()))
    }

    /// Minutes east of UTC at the instant `utc_ms`.
    pub fn offset_at(&self, utc_ms: i64) -> Option<i64> {
        match self {
            Zone::Utc => Some(0),
            Zone::Fixed(minutes) => Some(*minutes),
            Zone::Named(name) => zone_offset(name, utc_ms),
        }
    }

    /// The instant a wall-clock time in this zone names, given as milliseconds "as if
    /// UTC". In a gap (clocks moved forward) the time is read with the offset from
    /// before the change; when it is ambiguous (clocks moved back), the earlier one.
    pub fn local_to_utc(&self, local_ms: i64) -> Option<i64> {
        const DAY: i64 = 86_400_000;
        // The offsets a day before and a day after (zones never change twice in two
        // days): each gives a candidate, valid when the zone has that offset then.
        let before = self.offset_at(local_ms.saturating_sub(DAY))?;
        let after = self.offset_at(local_ms.saturating_add(DAY))?;
        let valid = |offset: i64| {
            let utc = local_ms - offset * 60_000;
            (self.offset_at(utc) == Some(offset)).then_some(utc)
        };
        match (valid(before), valid(after)) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (Some(a), None) | (None, Some(a)) => Some(a),
            (None, None) => Some(local_ms - before * 60_000),
        }
    }
}

/// The offset of an IANA zone at an instant, natively from the bundled tz database.
#[cfg(not(target_arch = "wasm32"))]
fn zone_offset(name: &str, utc_ms: i64) -> Option<i64> {
    let tz = jiff::tz::TimeZone::get(name).ok()?;
    let ts = jiff::Timestamp::from_millisecond(utc_ms).ok()?;
    Some(i64::from(tz.to_offset(ts).seconds()) / 60)
}

/// The offset of an IANA zone at an instant, from the browser's `Intl`: the wall
/// clock there, read back as if it were UTC, minus the instant.
#[cfg(target_arch = "wasm32")]
fn zone_offset(name: &str, utc_ms: i64) -> Option<i64> {
    use wasm_bindgen::{JsCast, JsValue};
    thread_local! {
        static FORMATTERS: std::cell::RefCell<Vec<(String, js_sys::Intl::DateTimeFormat)>> =
            const { std::cell::RefCell::new(Vec::new()) };
    }
    let format = FORMATTERS.with(|cache| {
        let mut cache = cache.borrow_mut();
        if let Some((_, f)) = cache.iter().find(|(n, _)| n == name) {
            return Some(f.clone());
        }
        let options = js_sys::Object::new();
        let set = |k: &str, v: &str| js_sys::Reflect::set(&options, &k.into(), &v.into());
        set("timeZone", name).ok()?;
        set("hourCycle", "h23").ok()?;
        for part in ["year", "month", "day", "hour", "minute", "second"] {
            set(part, "numeric").ok()?;
        }
        // An unknown zone is a RangeError thrown by the constructor.
        let locales = js_sys::Array::of1(&JsValue::from_str("en-US"));
        let intl = js_sys::Reflect::get(&js_sys::global(), &"Intl".into()).ok()?;
        let ctor: js_sys::Function = js_sys::Reflect::get(&intl, &"DateTimeFormat".into())
            .ok()?
            .dyn_into()
            .ok()?;
        let made =
            js_sys::Reflect::construct(&ctor, &js_sys::Array::of2(&locales, &options)).ok()?;
        let f: js_sys::Intl::DateTimeFormat = made.into();
        cache.push((name.to_owned(), f.clone()));
        Some(f)
    })?;
    let date = js_sys::Date::new(&JsValue::from_f64(utc_ms as f64));
    let parts = format.format_to_parts(&date);
    let mut field = [0_i64; 6];
    for part in parts.iter() {
        let kind = js_sys::Reflect::get(&part, &"type".into())
            .ok()?
            .as_string()?;
        let value = js_sys::Reflect::get(&part, &"value".into())
            .ok()?
            .as_string()?;
        let slot = ["year", "month", "day", "hour", "minute", "second"]
            .iter()
            .position(|k| *k == kind);
        if let Some(i) = slot {
            *field.get_mut(i)? = value.parse().ok()?;
        }
    }
    let [year, month, day, hour, minute, second] = field;
    let local = ((days_from_civil(year, month, day) * 24 + hour) * 60 + minute) * 60 + second;
    let utc_s = utc_ms.div_euclid(1000);
    Some((local - utc_s).div_euclid(60))
}

/// A date and time on a wall clock `offset_minutes` east of UTC.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WallClock {
    pub year: i64,
    pub month: i64,
    pub day: i64,
    pub hour: i64,
    pub minute: i64,
    /// 0 = Sunday … 6 = Saturday.
    pub weekday: i64,
}

pub fn wall_clock(ms: i64, offset_minutes: i64) -> WallClock {
    let local = ms.saturating_add(offset_minutes.saturating_mul(60_000));
    let days = local.div_euclid(86_400_000);
    let in_day = local.rem_euclid(86_400_000);
    let (year, month, day) = civil_from_days(days);
    WallClock {
        year,
        month,
        day,
        hour: in_day / 3_600_000,
        minute: in_day / 60_000 % 60,
        // 1970-01-01 was a Thursday.
        weekday: (days + 4).rem_euclid(7),
    }
}

/// `2024-01-18T10:30:00.123Z`. Times outside years 0000–9999 are clamped into them.
pub fn format_rfc3339(ms: i64) -> String {
    let ms = ms.clamp(MIN_FORMAT_MS, MAX_FORMAT_MS);
    let days = ms.div_euclid(86_400_000);
    let in_day = ms.rem_euclid(86_400_000);
    let (year, month, day) = civil_from_days(days);
    let mut out = String::with_capacity(24);
    push_padded(&mut out, year, 4);
    out.push('-');
    push_padded(&mut out, month, 2);
    out.push('-');
    push_padded(&mut out, day, 2);
    out.push('T');
    push_padded(&mut out, in_day / 3_600_000, 2);
    out.push(':');
    push_padded(&mut out, in_day / 60_000 % 60, 2);
    out.push(':');
    push_padded(&mut out, in_day / 1000 % 60, 2);
    out.push('.');
    push_padded(&mut out, in_day % 1000, 3);
    out.push('Z');
    out
}

/// A Unix time as an API wrote it, number or numeric string, scaled to
/// milliseconds (`scale` 1000 for seconds, 1 for milliseconds). Non-finite and
/// out-of-range values are `None`.
pub fn unix_to_ms(number: Option<f64>, text: Option<&str>, scale: u32) -> Option<f64> {
    let ms = match (number, text) {
        (Some(n), _) => n * f64::from(scale),
        (None, Some(t)) => parse_decimal_scaled(t, scale)?,
        (None, None) => return None,
    };
    (ms.is_finite() && ms.abs() <= MAX_ABS_MS).then_some(ms)
}

/// `[+-]digits[.digits]` (surrounding whitespace allowed) times `scale`. Written by
/// hand so the browser build carries no float parser; the fraction is scaled before
/// dividing so `"1705573800.123"` seconds is exactly `1705573800123` ms.
fn parse_decimal_scaled(text: &str, scale: u32) -> Option<f64> {
    let mut c = Scan {
        bytes: text.trim().as_bytes(),
        at: 0,
    };
    let negative = match c.bytes.first() {
        Some(b'-') => {
            c.at = 1;
            true
        }
        Some(b'+') => {
            c.at = 1;
            false
        }
        _ => false,
    };
    let mut whole = 0.0_f64;
    let start = c.at;
    while let Some(d) = c.digit() {
        whole = whole * 10.0 + d as f64;
    }
    if c.at == start {
        return None;
    }
    // Nine fraction digits are kept: below a nanosecond is noise, and 10^9 keeps
    // numerator and denominator exact in an f64.
    let mut numerator = 0_u64;
    let mut denominator = 1_u64;
    if c.eat(b'.') {
        let mut count = 0_usize;
        while let Some(d) = c.digit() {
            if count < 9 {
                numerator = numerator * 10 + d.unsigned_abs();
                denominator *= 10;
            }
            count = count.saturating_add(1);
        }
        if count == 0 {
            return None;
        }
    }
    if c.at != c.bytes.len() {
        return None;
    }
    let scale = f64::from(scale);
    let value = whole * scale + numerator as f64 * scale / denominator as f64;
    Some(if negative { -value } else { value })
}

struct Scan<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Scan<'_> {
    fn next(&mut self) -> Option<u8> {
        let b = self.bytes.get(self.at).copied()?;
        self.at += 1;
        Some(b)
    }

    fn eat(&mut self, want: u8) -> bool {
        let found = self.bytes.get(self.at) == Some(&want);
        if found {
            self.at += 1;
        }
        found
    }

    fn expect(&mut self, want: u8) -> Option<()> {
        self.eat(want).then_some(())
    }

    fn digit(&mut self) -> Option<i64> {
        let b = self
            .bytes
            .get(self.at)
            .copied()
            .filter(u8::is_ascii_digit)?;
        self.at += 1;
        Some(i64::from(b - b'0'))
    }

    fn digits(&mut self, count: usize) -> Option<i64> {
        let mut value = 0;
        for _ in 0..count {
            value = value * 10 + self.digit()?;
        }
        Some(value)
    }
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 (proleptic Gregorian; Howard Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y.rem_euclid(400);
    let day_of_year = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The inverse of [`days_from_civil`].
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Zero-padded decimal of a non-negative number, without `format!` width machinery.
pub fn push_padded(out: &mut String, value: i64, width: usize) {
    let digits = value.to_string();
    for _ in digits.len()..width {
        out.push('0');
    }
    out.push_str(&digits);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_forms() {
        let base = 1_705_573_800_000; // 2024-01-18T10:30:00Z
        for (text, want) in [
            ("2024-01-18T10:30:00Z", Some(base)),
            ("2024-01-18T10:30:00.123Z", Some(base + 123)),
            ("2024-01-18t10:30:00.1z", Some(base + 100)),
            ("2024-01-18T10:30:00.123456789Z", Some(base + 123)),
            ("2024-01-18 10:30:00", Some(base)),
            ("2024-01-18T10:30", Some(base)),
            ("2024-01-18T17:30:00+07:00", Some(base)),
            ("2024-01-18T17:30:00.123+07:00", Some(base + 123)),
            ("2024-01-18T17:30:00+0700", Some(base)),
            ("2024-01-18T05:00:00-05:30", Some(base)),
            ("2024-01-18T10:30:60Z", Some(base + 60_000)),
            ("1970-01-01T00:00:00Z", Some(0)),
            ("1969-12-31T23:59:59.999Z", Some(-1)),
            ("2000-02-29T00:00:00Z", Some(951_782_400_000)),
            ("2024-02-30T00:00:00Z", None),
            ("2023-02-29T00:00:00Z", None),
            ("1900-02-29T00:00:00Z", None),
            ("2024-13-01T00:00:00Z", None),
            ("2024-00-01T00:00:00Z", None),
            ("2024-04-31T00:00:00Z", None),
            ("2024-01-00T00:00:00Z", None),
            ("2024-01-18T24:00:00Z", None),
            ("2024-01-18T10:60:00Z", None),
            ("2024-01-18T10:30:61Z", None),
            ("2024-01-18T10:30:00+24:00", None),
            ("2024-01-18T10:30:00+07", None),
            ("2024-01-18T10:30:00.Z", None),
            ("2024-01-18T10:30:00Z ", None),
            ("2024-01-18", None),
            ("2024-1-18T10:30:00Z", None),
            ("24-01-18T10:30:00Z", None),
            ("2024-01-18X10:30:00Z", None),
            ("", None),
            ("１２３４-01-18T10:30:00Z", None),
        ] {
            assert_eq!(parse_rfc3339(text), want, "{text:?}");
        }
    }

    #[test]
    fn formats_and_parses_back() {
        for ms in [0, 1_705_573_800_123, -1, 951_782_400_000, MAX_FORMAT_MS] {
            let text = format_rfc3339(ms);
            assert_eq!(parse_rfc3339(&text), Some(ms), "{text}");
        }
        assert_eq!(
            format_rfc3339(1_705_573_800_123),
            "2024-01-18T10:30:00.123Z"
        );
        assert_eq!(format_rfc3339(i64::MAX), "9999-12-31T23:59:59.999Z");
        assert_eq!(format_rfc3339(i64::MIN), "0000-01-01T00:00:00.000Z");
    }

    #[test]
    fn zones_read_times_without_an_offset() {
        let base = 1_705_573_800_000; // 2024-01-18T10:30:00Z
        let hcm = Zone::parse("Asia/Ho_Chi_Minh").expect("a known zone");
        for (zone, text, want) in [
            (Zone::Utc, "2024-01-18 10:30:00", Some(base)),
            (Zone::Fixed(420), "2024-01-18 17:30:00", Some(base)),
            (hcm.clone(), "2024-01-18 17:30:00", Some(base)),
            // An offset in the text wins over the zone.
            (hcm.clone(), "2024-01-18T10:30:00Z", Some(base)),
            (Zone::Fixed(-330), "2024-01-18T05:00:00", Some(base)),
        ] {
            assert_eq!(parse_rfc3339_in(text, &zone), want, "{zone:?} {text}");
        }
        // Daylight saving time: +01:00 in January, +02:00 in July.
        let berlin = Zone::parse("Europe/Berlin").expect("a known zone");
        assert_eq!(parse_rfc3339_in("2024-01-18 11:30:00", &berlin), Some(base));
        assert_eq!(
            parse_rfc3339_in("2024-07-18 12:30:00", &berlin),
            parse_rfc3339("2024-07-18T10:30:00Z")
        );
        // 02:30 on 2024-03-31 does not exist in Berlin; 02:30 on 2024-10-27 twice.
        assert_eq!(
            parse_rfc3339_in("2024-03-31 02:30:00", &berlin),
            parse_rfc3339("2024-03-31T01:30:00Z")
        );
        assert_eq!(
            parse_rfc3339_in("2024-10-27 02:30:00", &berlin),
            parse_rfc3339("2024-10-27T00:30:00Z")
        );
        for (text, want) in [
            ("UTC", Some(Zone::Utc)),
            ("z", Some(Zone::Utc)),
            ("+07:00", Some(Zone::Fixed(420))),
            ("+0700", Some(Zone::Fixed(420))),
            ("+07", Some(Zone::Fixed(420))),
            ("-03:30", Some(Zone::Fixed(-210))),
            ("+7", None),
            ("+07:0", None),
            ("+24:00", None),
            ("Mars/Olympus_Mons", None),
            ("", None),
            ("../etc/passwd", None),
        ] {
            assert_eq!(Zone::parse(text), want, "{text:?}");
        }
    }

    #[test]
    fn unix_numbers_and_strings() {
        assert_eq!(
            unix_to_ms(Some(1_705_573_800.0), None, 1000),
            Some(1_705_573_800_000.0)
        );
        assert_eq!(
            unix_to_ms(None, Some("1705573800.123"), 1000),
            Some(1_705_573_800_123.0)
        );
        assert_eq!(
            unix_to_ms(None, Some(" 1705573800123 "), 1),
            Some(1_705_573_800_123.0)
        );
        assert_eq!(unix_to_ms(None, Some("-1.5"), 1000), Some(-1500.0));
        assert_eq!(unix_to_ms(None, Some("+2"), 1000), Some(2000.0));
        for bad in [
            "", "-", ".5", "5.", "1e3", "NaN", "inf", "0x10", "1 2", "١٢",
        ] {
            assert_eq!(unix_to_ms(None, Some(bad), 1000), None, "{bad:?}");
        }
        assert_eq!(unix_to_ms(Some(f64::NAN), None, 1), None);
        assert_eq!(unix_to_ms(Some(f64::INFINITY), None, 1), None);
        assert_eq!(unix_to_ms(Some(8.64e12 + 1.0), None, 1000), None);
        assert_eq!(unix_to_ms(Some(-8.64e15), None, 1), Some(-8.64e15));
        assert_eq!(unix_to_ms(None, Some(&"9".repeat(400)), 1), None);
    }
}
