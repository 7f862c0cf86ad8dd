//! Browser tests: `wasm-pack test --headless --chrome`.
//!
//! Each test mounts the widget the way a site does (through the exported entry
//! points), into fresh elements, and asserts what a reader would see.

#![cfg(target_arch = "wasm32")]

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlButtonElement, HtmlElement};

mod common;

use common::{doc, platform, sleep, wait_for};

wasm_bindgen_test_configure!(run_in_browser);

/// Lets Yew render and effects run.
async fn settle() {
    yew::scheduler::flush().await;
    sleep(0).await;
    yew::scheduler::flush().await;
}

/// Appends fresh markup to <body> and returns its wrapper.
fn fixture(html: &str) -> Element {
    let wrapper = doc().create_element("div").unwrap();
    // Test-owned markup, not user data: inner_html is fine here.
    wrapper.set_inner_html(html);
    doc().body().unwrap().append_child(&wrapper).unwrap();
    wrapper
}

fn host_css(css: &str) {
    let style = doc().create_element("style").unwrap();
    style.set_text_content(Some(css));
    doc().head().unwrap().append_child(&style).unwrap();
}

fn config(pairs: &[(&str, &str)]) -> JsValue {
    let obj = js_sys::Object::new();
    for (k, v) in pairs {
        js_sys::Reflect::set(&obj, &(*k).into(), &(*v).into()).unwrap();
    }
    obj.into()
}

fn shadow_query(host: &Element, selector: &str) -> Option<Element> {
    host.shadow_root()?.query_selector(selector).ok()?
}

fn font_px(el: &Element) -> f64 {
    let cs = web_sys::window()
        .unwrap()
        .get_computed_style(el)
        .unwrap()
        .unwrap();
    let v = cs.get_property_value("font-size").unwrap();
    v.trim_end_matches("px").parse().unwrap()
}

fn button(host: &Element, selector: &str) -> HtmlButtonElement {
    shadow_query(host, selector).unwrap().dyn_into().unwrap()
}

fn clear_storage() {
    let storage = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    storage.remove_item("ykien:font-scale").unwrap();
}

#[wasm_bindgen_test]
async fn larger_raises_a_px_styled_host_paragraph_and_unmount_restores_it() {
    clear_storage();
    host_css(".t1 p { font-size: 16px !important; line-height: 24px; }");
    let page = fixture(
        r#"<div class="t1"><span id="t1-slot"></span>
           <div id="t1-article"><p id="t1-p">Đoạn văn của trang.</p></div></div>"#,
    );
    let p = doc().get_element_by_id("t1-p").unwrap();
    assert_eq!(font_px(&p), 16.0);

    let mut handle = ykien::mount_element(
        page.into(),
        config(&[("article", "#t1-article"), ("controls", "#t1-slot")]),
        platform(),
    );
    settle().await;
    let slot = doc().get_element_by_id("t1-slot").unwrap();
    let host = slot
        .query_selector("ykien-controls")
        .unwrap()
        .expect("controls host");

    button(&host, ".fc-larger").click();
    settle().await;
    assert_eq!(font_px(&p), 18.0, "112.5% of 16px");
    let status = shadow_query(&host, "[role=status]").unwrap();
    assert_eq!(status.text_content().unwrap(), "Cỡ chữ 112,5%");

    handle.unmount();
    assert_eq!(font_px(&p), 16.0, "the site's own size is back");
    assert!(slot.query_selector("ykien-controls").unwrap().is_none());
}

#[wasm_bindgen_test]
async fn the_bounds_disable_their_button_and_the_choice_is_remembered() {
    clear_storage();
    let page = fixture(r#"<div id="t2-article"><p id="t2-p">Văn bản.</p></div>"#);
    let p = doc().get_element_by_id("t2-p").unwrap();
    let base = font_px(&p);
    let mut handle = ykien::mount_element(
        page.clone().into(),
        config(&[("article", "#t2-article")]),
        platform(),
    );
    settle().await;
    // Without data-controls the controls go right before the article.
    let host = page
        .query_selector("ykien-controls")
        .unwrap()
        .expect("controls host");

    for _ in 0..10 {
        let larger = button(&host, ".fc-larger");
        if larger.disabled() {
            break;
        }
        larger.click();
        settle().await;
    }
    assert!(button(&host, ".fc-larger").disabled());
    assert!(!button(&host, ".fc-smaller").disabled());
    assert_eq!(font_px(&p), base * 1.5);
    let stored = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    assert_eq!(
        stored.get_item("ykien:font-scale").unwrap().as_deref(),
        Some("1500")
    );
    handle.unmount();

    // A new mount (a reload) starts at the remembered size.
    let mut again = ykien::mount_element(
        page.clone().into(),
        config(&[("article", "#t2-article")]),
        platform(),
    );
    settle().await;
    assert_eq!(font_px(&p), base * 1.5);
    let host = page.query_selector("ykien-controls").unwrap().unwrap();
    for _ in 0..10 {
        let smaller = button(&host, ".fc-smaller");
        if smaller.disabled() {
            break;
        }
        smaller.click();
        settle().await;
    }
    assert!(button(&host, ".fc-smaller").disabled());
    assert_eq!(font_px(&p), base * 0.875);
    again.unmount();
    clear_storage();
}

#[wasm_bindgen_test]
async fn a_bad_attribute_shows_the_operator_a_message_naming_it() {
    let page = fixture(r#"<div id="t3-article"><p>x</p></div>"#);
    let _handle = ykien::mount_element(
        page.clone().into(),
        config(&[("article", "#t3-article"), ("lang", "fr")]),
        platform(),
    );
    let text = notice_text(&page).await;
    assert!(text.contains("data-lang"), "{text}");
    assert!(text.contains("\"vi\" or \"en\""), "{text}");
    assert!(
        text.contains("chưa được cấu hình đúng"),
        "Vietnamese by default: {text}"
    );
}

#[wasm_bindgen_test]
async fn a_selector_that_matches_nothing_is_reported_in_english_when_asked() {
    let page = fixture("<div></div>");
    let _handle = ykien::mount_element(
        page.clone().into(),
        config(&[("article", "#does-not-exist"), ("lang", "en")]),
        platform(),
    );
    let text = notice_text(&page).await;
    assert!(text.contains("data-article"), "{text}");
    assert!(text.contains("not configured correctly"), "{text}");
}

/// The operator notice's text once it is drawn: wording it is its own part of the
/// module, so it arrives a task after `mount` returns.
async fn notice_text(page: &web_sys::Element) -> String {
    wait_for("the operator notice", || {
        let host = page.query_selector("ykien-notice").ok()??;
        let text = host.shadow_root()?.text_content()?;
        (!text.is_empty()).then_some(text)
    })
    .await
}

fn json_url(json: &str) -> String {
    let parts = js_sys::Array::of1(&JsValue::from_str(json));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type("application/json");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts).unwrap();
    web_sys::Url::create_object_url_with_blob(&blob).unwrap()
}

#[wasm_bindgen_test]
async fn render_mode_neutralises_hostile_html() {
    let body = r#"<p id="ok">Bài viết <strong>an toàn</strong>.</p>
        <img src=x onerror="window.__pwned=1">
        <script>window.__pwned=2</script>
        <a href="javascript:window.__pwned=3">link</a>
        <svg><a href="https://example.org"><text>svg</text></a><script>window.__pwned=4</script></svg>
        <p style="color:red" onclick="window.__pwned=5">styled</p>
        <iframe src="https://example.org"></iframe>
        <form action="https://example.org"><input name=q></form>"#;
    let article = serde_json::json!({
        "title": "<img src=x onerror=window.__pwned=6>Tiêu đề",
        "published_at": "2024-01-18T10:52:32+07:00",
        "author": "Lê Hà",
        "body_html": body,
    });
    // Config validation rightly refuses blob: URLs, so the component is rendered
    // directly, in a shadow root exactly like the one `mount` creates.
    let page = fixture("<div></div>");
    let host = ykien::platform::loader::Platform::from_js(&platform())
        .shadow_host(&doc(), "ykien-article")
        .unwrap();
    page.append_child(&host.host).unwrap();
    let _article = ykien::article::render::Rendered::mount(
        &doc(),
        &host.root,
        json_url(&article.to_string()),
        ykien::i18n::Lang::Vi,
        15_000,
    );
    let host = host.host;
    let rendered = wait_for("the article body", || shadow_query(&host, ".article-body")).await;
    sleep(50).await;

    let shadow = host.shadow_root().unwrap();
    let all = shadow.query_selector_all("*").unwrap();
    for i in 0..all.length() {
        let el: Element = all.item(i).unwrap().dyn_into().unwrap();
        for name in el.get_attribute_names().iter() {
            let name = name.as_string().unwrap();
            assert!(!name.starts_with("on"), "<{}> kept {name}", el.local_name());
            assert_ne!(name, "style", "<{}> kept style", el.local_name());
        }
        assert!(
            !["script", "iframe", "form", "input", "svg"].contains(&el.local_name().as_str()),
            "<{}> survived",
            el.local_name()
        );
    }
    let link = rendered
        .query_selector("a")
        .unwrap()
        .expect("the link text stays");
    assert!(
        link.get_attribute("href").is_none(),
        "javascript: href dropped"
    );
    assert!(rendered
        .text_content()
        .unwrap()
        .contains("Bài viết an toàn."));
    let title = shadow_query(&host, ".article-title").unwrap();
    assert_eq!(
        title.text_content().unwrap(),
        "<img src=x onerror=window.__pwned=6>Tiêu đề"
    );
    let time = shadow_query(&host, "time").unwrap();
    assert_eq!(
        time.get_attribute("datetime").as_deref(),
        Some("2024-01-18T10:52:32+07:00")
    );
    sleep(100).await;
    let pwned = js_sys::Reflect::get(&web_sys::window().unwrap(), &"__pwned".into()).unwrap();
    assert!(pwned.is_undefined(), "a payload executed: {pwned:?}");
}

#[wasm_bindgen_test]
async fn render_mode_failure_offers_retry_in_the_readers_language() {
    let page = fixture("<div></div>");
    let _handle = ykien::mount_element(
        page.clone().into(),
        config(&[("articleUrl", "/ykien-test-missing-article.json")]),
        platform(),
    );
    let host = page.query_selector("ykien-article").unwrap().unwrap();
    let failed = wait_for("the failed state", || shadow_query(&host, ".failed")).await;
    let text = failed.text_content().unwrap();
    assert!(text.contains("Không tải được bài viết."), "{text}");
    let retry: HtmlElement = failed
        .query_selector("button")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    assert_eq!(retry.text_content().unwrap(), "Thử lại");
    retry.click();
    settle().await;
    // The retry refetches: a loading state first, then the error again.
    wait_for("the failed state", || shadow_query(&host, ".failed")).await;
}

#[wasm_bindgen_test]
async fn the_controls_keep_their_size_under_hostile_host_css() {
    host_css("* { box-sizing: content-box !important } button { all: unset !important; font-size: 5px !important } p { font-size: 13px !important }");
    let page = fixture(r#"<div id="t7-article"><p>x</p></div>"#);
    let _handle = ykien::mount_element(
        page.clone().into(),
        config(&[("article", "#t7-article")]),
        platform(),
    );
    settle().await;
    let host = page.query_selector("ykien-controls").unwrap().unwrap();
    let larger: HtmlElement = button(&host, ".fc-larger").dyn_into().unwrap();
    assert!(
        larger.offset_height() >= 44,
        "touch target {}",
        larger.offset_height()
    );
    assert!(larger.offset_width() >= 44);
    assert_eq!(font_px(&larger), 22.0);
}
