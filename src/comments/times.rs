//! Dates through the browser's `Date` and `Intl`, which already know Vietnamese
//! weekday names, plural rules and time zones; a date crate would add bytes to every
//! download.
//!
//! Formatters are created once per language and reused: constructing an `Intl`
//! formatter costs tens of microseconds, which a 1,000-comment thread would pay a
//! thousand times over.

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use wasm_bindgen::JsValue;
use yew::AttrValue;

use crate::i18n::Lang;

/// The full local date and time of an epoch-milliseconds instant.
pub fn format_ms(ms: f64, lang: Lang) -> String {
    with_formatters(lang, |f| {
        f.datetime
            .format()
            .call1(&f.datetime, &js_sys::Date::new(&JsValue::from_f64(ms)))
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_default()
    })
}

/// `2024-01-18T03:30:00.000Z`, for `<time datetime>`; `None` outside `Date`'s range.
pub fn iso_ms(ms: f64) -> Option<String> {
    let date = js_sys::Date::new(&JsValue::from_f64(ms));
    if date.get_time().is_nan() {
        return None;
    }
    Some(date.to_iso_string().into())
}

/// "5 phút trước" / "5 minutes ago". A thread has only a few distinct values, so
/// each is formatted once.
pub fn format_relative(now_ms: f64, then_ms: f64, lang: Lang) -> AttrValue {
    match relative(now_ms, then_ms) {
        Relative::JustNow => AttrValue::Static(lang.comments().just_now),
        Relative::Ago(value, unit) => RELATIVE.with(|cache| {
            cache
                .borrow_mut()
                .entry((value as i64, unit, lang))
                .or_insert_with(|| {
                    let text: String =
                        with_formatters(lang, |f| f.relative.format(-value, unit).into());
                    AttrValue::from(text)
                })
                .clone()
        }),
    }
}

/// The `datetime` attribute and the full local time shown on hover, formatted once
/// per instant: re-rendering a long thread must not call `Intl` again for each.
pub fn time_strings(ms: f64, lang: Lang) -> Option<(AttrValue, AttrValue)> {
    TIMES.with(|cache| {
        let mut cache = cache.borrow_mut();
        if let Some(hit) = cache.get(&(ms.to_bits(), lang)) {
            return Some(hit.clone());
        }
        let iso = AttrValue::from(iso_ms(ms)?);
        let exact = AttrValue::from(format_ms(ms, lang));
        cache.insert((ms.to_bits(), lang), (iso.clone(), exact.clone()));
        Some((iso, exact))
    })
}

/// Creates the formatters for `lang` ahead of use.
pub fn warm_up(lang: Lang) {
    with_formatters(lang, |_| ());
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Relative {
    JustNow,
    /// A whole number of `unit`s ago (an `Intl.RelativeTimeFormat` unit).
    Ago(f64, &'static str),
}

/// Picks the largest unit that gives at least one whole step. Times slightly in the
/// future (a client clock running behind the server's) read as "just now".
pub fn relative(now_ms: f64, then_ms: f64) -> Relative {
    const MINUTE: f64 = 60_000.0;
    const HOUR: f64 = 60.0 * MINUTE;
    const DAY: f64 = 24.0 * HOUR;
    let ago = now_ms - then_ms;
    if !ago.is_finite() || ago < 45_000.0 {
        return Relative::JustNow;
    }
    let steps = [
        (365.0 * DAY, "year"),
        (30.0 * DAY, "month"),
        (7.0 * DAY, "week"),
        (DAY, "day"),
        (HOUR, "hour"),
        (MINUTE, "minute"),
    ];
    for (size, unit) in steps {
        if ago >= size {
            return Relative::Ago((ago / size).floor(), unit);
        }
    }
    Relative::Ago(1.0, "minute")
}

struct Formatters {
    lang: Lang,
    relative: js_sys::Intl::RelativeTimeFormat,
    datetime: js_sys::Intl::DateTimeFormat,
}

/// FNV-1a: the caches below are looked up for every comment on every render, and
/// their keys (times, units) are not chosen by anyone who could flood them, so the
/// default hasher's collision resistance buys nothing here but time.
#[derive(Default)]
struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for b in bytes {
            h = (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<Fnv>>;

thread_local! {
    static FORMATTERS: RefCell<Vec<Formatters>> = const { RefCell::new(Vec::new()) };
    static RELATIVE: RefCell<FastMap<(i64, &'static str, Lang), AttrValue>> =
        RefCell::new(FastMap::default());
    static TIMES: RefCell<FastMap<(u64, Lang), (AttrValue, AttrValue)>> =
        RefCell::new(FastMap::default());
}

fn with_formatters<R>(lang: Lang, f: impl FnOnce(&Formatters) -> R) -> R {
    FORMATTERS.with(|cache| {
        let mut cache = cache.borrow_mut();
        let index = match cache.iter().position(|x| x.lang == lang) {
            Some(i) => i,
            None => {
                cache.push(make(lang));
                cache.len() - 1
            }
        };
        match cache.get(index) {
            Some(formatters) => f(formatters),
            None => f(&make(lang)),
        }
    })
}

fn make(lang: Lang) -> Formatters {
    let locales = js_sys::Array::of1(&JsValue::from_str(lang.locale()));
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"dateStyle".into(), &"full".into());
    let _ = js_sys::Reflect::set(&options, &"timeStyle".into(), &"short".into());
    Formatters {
        lang,
        relative: js_sys::Intl::RelativeTimeFormat::new(&locales, &js_sys::Object::new()),
        datetime: js_sys::Intl::DateTimeFormat::new(&locales, &options),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: f64 = 60_000.0;

    #[test]
    fn relative_units() {
        let now = 1_700_000_000_000.0;
        assert_eq!(relative(now, now), Relative::JustNow);
        assert_eq!(relative(now, now + 5.0 * MIN), Relative::JustNow);
        assert_eq!(relative(now, now - 44_000.0), Relative::JustNow);
        assert_eq!(relative(now, now - 50_000.0), Relative::Ago(1.0, "minute"));
        assert_eq!(relative(now, now - 5.5 * MIN), Relative::Ago(5.0, "minute"));
        assert_eq!(relative(now, now - 120.0 * MIN), Relative::Ago(2.0, "hour"));
        assert_eq!(
            relative(now, now - 3.0 * 1440.0 * MIN),
            Relative::Ago(3.0, "day")
        );
        assert_eq!(
            relative(now, now - 15.0 * 1440.0 * MIN),
            Relative::Ago(2.0, "week")
        );
        assert_eq!(
            relative(now, now - 400.0 * 1440.0 * MIN),
            Relative::Ago(1.0, "year")
        );
        assert_eq!(relative(now, f64::NAN), Relative::JustNow);
    }
}
