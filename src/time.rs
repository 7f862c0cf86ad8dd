//! Dates through the browser's `Date` and `Intl`, which already know Vietnamese
//! weekday names and time zones; a date crate would add bytes to every download.

use wasm_bindgen::JsValue;

use crate::i18n::Lang;

/// "Thứ Năm, 18 tháng 1, 2024 lúc 10:52" for an RFC 3339 string; `None` if the
/// browser cannot parse it (the caller then shows nothing rather than "Invalid Date").
pub fn format_datetime(iso: &str, lang: Lang) -> Option<String> {
    let date = js_sys::Date::new(&JsValue::from_str(iso));
    if date.get_time().is_nan() {
        return None;
    }
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"dateStyle".into(), &"full".into());
    let _ = js_sys::Reflect::set(&options, &"timeStyle".into(), &"short".into());
    Some(date.to_locale_string(lang.locale(), &options).into())
}
