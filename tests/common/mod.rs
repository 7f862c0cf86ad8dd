//! Helpers shared by the browser test files (each file is its own test crate and
//! includes this with `mod common;`).

#![allow(dead_code)]

use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;
use web_sys::Document;

pub fn doc() -> Document {
    web_sys::window().unwrap().document().unwrap()
}

pub async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    JsFuture::from(promise).await.unwrap();
}

/// Waits until `find` returns something (fetches and rendering are asynchronous);
/// `what` names it in the failure.
pub async fn wait_for<T>(what: &str, mut find: impl FnMut() -> Option<T>) -> T {
    for _ in 0..300 {
        if let Some(v) = find() {
            return v;
        }
        sleep(10).await;
        yew::scheduler::flush().await;
    }
    panic!("timed out waiting for {what}");
}

/// What the loader hands the module on a real page (`js/loader.js`): here just the
/// stylesheet, so computed styles are the real ones.
pub fn platform() -> JsValue {
    let sheet = web_sys::CssStyleSheet::new().unwrap();
    sheet
        .replace_sync(include_str!("../../styles/widget.css"))
        .unwrap();
    let obj = js_sys::Object::new();
    js_sys::Reflect::set(&obj, &"sheet".into(), &sheet).unwrap();
    obj.into()
}
