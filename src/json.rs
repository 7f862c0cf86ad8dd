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
    /// "string", "number", … for messages that say what was found.
    fn kind(&self) -> &'static str;

    /// Follows a dotted path (`data.comments`); the empty path is the value itself.
    fn path(&self, path: &str) -> Option<Self>
    where
        Self: Clone,
    {
        let mut cur = self.clone();
        for key in path.split('.').filter(|k| !k.is_empty()) {
            cur = cur.member(key)?;
        }
        Some(cur)
    }
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
        fn member(&self, key: &str) -> Option<Self> {
            let obj = self.dyn_ref::<Object>()?;
            if Array::is_array(self) || !Object::has_own(obj, &JsValue::from_str(key)) {
                return None;
            }
            Reflect::get(obj, &JsValue::from_str(key)).ok()
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
        assert!(
            v.path("data.comments.0").is_none(),
            "arrays are not objects"
        );
        assert!(v.path("constructor").is_none());
        assert_eq!(v.member("n").map(|n| n.kind()), Some("null"));
    }
}
