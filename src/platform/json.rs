//! JSON access with two backends and one code path.
//!
//! In the browser, JSON is parsed by the browser's own `JSON.parse` and read through
//! `Reflect`: no JSON parser, no serde, no float formatting in the download (about a
//! sixth of the module). Natively (unit tests, fuzzing) the same logic runs over
//! `serde_json::Value`. Code that maps API responses is written once against
//! [`Json`] and is tested natively.

/// Read-only view of a parsed JSON value.
pub trait Json: Sized {
    /// An object's own member; `None` for non-objects and missing keys (never a
    /// prototype property such as `constructor`).
    fn member(&self, key: &str) -> Option<Self>;
    fn string(&self) -> Option<String>;
    fn number(&self) -> Option<f64>;
    fn boolean(&self) -> Option<bool>;
    fn is_null(&self) -> bool;
    /// An array's items.
    fn items(&self) -> Option<Vec<Self>>;
    /// One item of an array; `None` for non-arrays and out-of-range indexes.
    fn index(&self, index: usize) -> Option<Self>;
    /// An object's own members in the object's order; `None` for non-objects.
    fn entries(&self) -> Option<Vec<(String, Self)>>;
    /// The value as JSON text (numbers as the backend writes them); `None` if it has
    /// no JSON form.
    fn to_json(&self) -> Option<String>;
    /// "string", "number", … for messages that say what was found.
    fn kind(&self) -> &'static str;

    /// Follows a dotted path (`data.comments`); the empty path is the value itself.
    /// An all-digit segment indexes an array (`errors.0.detail`) and is an ordinary
    /// member name for objects (`{"0": …}`).
    fn path(&self, path: &str) -> Option<Self>
    where
        Self: Clone,
    {
        // Runs for every field of every comment: the first step reads from `self`
        // without cloning it (a clone is a call into JS in the browser).
        let step = |cur: &Self, key: &str| -> Option<Self> {
            if key.bytes().all(|b| b.is_ascii_digit()) {
                if let Some(item) = key.parse::<usize>().ok().and_then(|i| cur.index(i)) {
                    return Some(item);
                }
            }
            cur.member(key)
        };
        let mut keys = path.split('.').filter(|k| !k.is_empty());
        let Some(first) = keys.next() else {
            return Some(self.clone());
        };
        let mut cur = step(self, first)?;
        for key in keys {
            cur = step(&cur, key)?;
        }
        Some(cur)
    }
}

/// `s` as a JSON string literal, quotes included. Escapes what JSON requires, plus
/// U+2028/U+2029 so the text is also safe inside a `<script>`.
pub fn quote(s: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c if u32::from(c) < 0x20 => {
                let b = u32::from(c) as usize;
                out.push_str("\\u00");
                for digit in [b >> 4, b & 0xf] {
                    out.push(char::from(HEX.get(digit).copied().unwrap_or(b'0')));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(target_arch = "wasm32")]
pub use browser::{parse, Value};
#[cfg(not(target_arch = "wasm32"))]
pub use native::{parse, Value};

#[cfg(target_arch = "wasm32")]
mod browser {
    use super::Json;
    use js_sys::{Array, Object, Reflect, JSON};
    use wasm_bindgen::{JsCast, JsValue};

    pub type Value = JsValue;

    /// `JSON.parse`; the error is the browser's message ("Unexpected token '<'…").
    pub fn parse(text: &str) -> Result<Value, String> {
        JSON::parse(text).map_err(|e| {
            e.dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
                .unwrap_or_else(|| "invalid JSON".to_owned())
        })
    }

    impl Json for JsValue {
        // Called for every field of every comment, so it avoids calls into JS where
        // it can: one `Reflect.get`, then own-ness is only checked where an inherited
        // value could pass for JSON data. Values `JSON.parse` produces are never
        // functions, and the only inherited non-functions are `__proto__` (the
        // prototype) and an array's own `length` and indices.
        fn member(&self, key: &str) -> Option<Self> {
            if !self.is_object() {
                return None;
            }
            let js_key = JsValue::from_str(key);
            let value = Reflect::get(self, &js_key).ok()?;
            if value.is_undefined() || value.is_function() {
                return None;
            }
            // Arrays are not objects here (as natively): their indices and `length`
            // are own properties, so those keys get the full check.
            let suspect = matches!(key, "__proto__" | "length")
                || (!key.is_empty() && key.bytes().all(|b| b.is_ascii_digit()));
            if suspect
                && (Array::is_array(self)
                    || !Object::has_own(self.unchecked_ref::<Object>(), &js_key))
            {
                return None;
            }
            Some(value)
        }
        fn string(&self) -> Option<String> {
            self.as_string()
        }
        fn number(&self) -> Option<f64> {
            self.as_f64()
        }
        fn boolean(&self) -> Option<bool> {
            self.as_bool()
        }
        fn is_null(&self) -> bool {
            JsValue::is_null(self) || self.is_undefined()
        }
        fn items(&self) -> Option<Vec<Self>> {
            Array::is_array(self).then(|| Array::from(self).iter().collect())
        }
        fn index(&self, index: usize) -> Option<Self> {
            if !Array::is_array(self) {
                return None;
            }
            let array: &Array = self.unchecked_ref();
            let index = u32::try_from(index).ok()?;
            (index < array.length()).then(|| array.get(index))
        }
        fn entries(&self) -> Option<Vec<(String, Self)>> {
            let obj = self.dyn_ref::<Object>()?;
            if Array::is_array(self) {
                return None;
            }
            Some(
                Object::entries(obj)
                    .iter()
                    .filter_map(|entry| {
                        let entry: Array = entry.dyn_into().ok()?;
                        Some((entry.get(0).as_string()?, entry.get(1)))
                    })
                    .collect(),
            )
        }
        fn to_json(&self) -> Option<String> {
            JSON::stringify(self).ok()?.as_string()
        }
        fn kind(&self) -> &'static str {
            if Json::is_null(self) {
                "null"
            } else if self.as_string().is_some() {
                "string"
            } else if self.as_f64().is_some() {
                "number"
            } else if self.as_bool().is_some() {
                "boolean"
            } else if Array::is_array(self) {
                "array"
            } else {
                "object"
            }
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use super::Json;

    pub type Value = serde_json::Value;

    pub fn parse(text: &str) -> Result<Value, String> {
        serde_json::from_str(text).map_err(|e| e.to_string())
    }

    impl Json for serde_json::Value {
        fn member(&self, key: &str) -> Option<Self> {
            self.as_object()?.get(key).cloned()
        }
        fn string(&self) -> Option<String> {
            self.as_str().map(str::to_owned)
        }
        fn number(&self) -> Option<f64> {
            self.as_f64()
        }
        fn boolean(&self) -> Option<bool> {
            self.as_bool()
        }
        fn is_null(&self) -> bool {
            serde_json::Value::is_null(self)
        }
        fn items(&self) -> Option<Vec<Self>> {
            self.as_array().cloned()
        }
        fn index(&self, index: usize) -> Option<Self> {
            self.as_array()?.get(index).cloned()
        }
        fn entries(&self) -> Option<Vec<(String, Self)>> {
            Some(
                self.as_object()?
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
            )
        }
        fn to_json(&self) -> Option<String> {
            serde_json::to_string(self).ok()
        }
        fn kind(&self) -> &'static str {
            match self {
                serde_json::Value::Null => "null",
                serde_json::Value::Bool(_) => "boolean",
                serde_json::Value::Number(_) => "number",
                serde_json::Value::String(_) => "string",
                serde_json::Value::Array(_) => "array",
                serde_json::Value::Object(_) => "object",
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_walk_objects_only() {
        let v = parse(r#"{"data":{"comments":[1,2]},"n":null}"#).expect("json");
        assert_eq!(
            v.path("data.comments")
                .and_then(|c| c.items())
                .map(|i| i.len()),
            Some(2)
        );
        assert!(v.path("").is_some());
        assert_eq!(
            v.path("data.comments.1").and_then(|n| n.number()),
            Some(2.0)
        );
        assert!(v.path("data.comments.2").is_none(), "out of range");
        assert!(
            v.path("data.comments.length").is_none(),
            "arrays have no members"
        );
        assert!(v.path("data.comments.99999999999999999999999").is_none());
        assert!(v.path("constructor").is_none());
        assert_eq!(v.member("n").map(|n| n.kind()), Some("null"));
    }

    #[test]
    fn numeric_segments_index_arrays_and_name_object_members() {
        let v = parse(r#"{"errors":[{"detail":"bad"}],"o":{"0":"zero"}}"#).expect("json");
        assert_eq!(
            v.path("errors.0.detail").and_then(|d| d.string()),
            Some("bad".to_owned())
        );
        assert_eq!(
            v.path("o.0").and_then(|d| d.string()),
            Some("zero".to_owned())
        );
        assert!(v.path("errors.1.detail").is_none());
    }

    #[test]
    fn entries_keep_members_and_only_objects_have_them() {
        let v = parse(r#"{"a":1,"b":[true]}"#).expect("json");
        let entries = v.entries().expect("object");
        let keys: Vec<&str> = entries.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["a", "b"]);
        assert!(v.member("b").and_then(|b| b.entries()).is_none());
        assert_eq!(
            v.member("b")
                .and_then(|b| b.index(0))
                .and_then(|t| t.boolean()),
            Some(true)
        );
    }

    #[test]
    fn quoted_strings_parse_back() {
        for s in [
            "",
            "plain",
            "say \"hi\" \\ bye",
            "line\nbreak\r\ttab",
            "\u{0}\u{1f}\u{7f}",
            "Bài viết hay! 👍🏽",
            "sep\u{2028}par\u{2029}",
        ] {
            let text = quote(s);
            assert!(!text.contains('\n') && !text.contains('\u{2028}'), "{text}");
            assert_eq!(
                parse(&text).ok().and_then(|v| v.string()).as_deref(),
                Some(s)
            );
        }
        assert_eq!(quote("\u{1}"), "\"\\u0001\"");
    }

    #[test]
    fn values_serialize_to_json() {
        let v = parse(r#"{"n":1.5,"s":"x\"y","l":[null,true]}"#).expect("json");
        let text = v.to_json().expect("json text");
        assert_eq!(parse(&text).ok(), Some(v));
    }
}
