//! The sanitizer's allowlist: arbitrary tag, attribute and value triples. Whatever
//! it keeps must be harmless: no event handlers, no style, and URLs only http(s) or
//! relative, checked again here independently of the policy's own code.
use ykien::sanitize::policy::{
    attribute_action, element_action, url_is_http_or_relative, AttrAction,
};

fn main() {
    afl::fuzz!(|data: &[u8]| {
        let text = String::from_utf8_lossy(data);
        let mut parts = text.splitn(3, '\u{0}');
        let tag = parts.next().unwrap_or("").to_ascii_lowercase();
        let name = parts.next().unwrap_or("").to_ascii_lowercase();
        let value = parts.next().unwrap_or("");
        let _ = element_action(&tag);
        let _ = url_is_http_or_relative(value);
        match attribute_action(&tag, &name, value) {
            AttrAction::Drop => {}
            AttrAction::Keep(_) => {
                assert!(!name.starts_with("on"), "kept an event handler {name}");
                assert!(name != "style" && name != "srcdoc", "kept {name}");
            }
            AttrAction::Url(url) => {
                let lower: String = url
                    .chars()
                    .filter(|c| !c.is_whitespace() && !c.is_control())
                    .collect::<String>()
                    .to_ascii_lowercase();
                assert!(
                    !lower.starts_with("javascript:")
                        && !lower.starts_with("data:")
                        && !lower.starts_with("vbscript:"),
                    "kept a script URL {url:?}"
                );
                assert!(url_is_http_or_relative(&url), "kept {url:?}");
            }
        }
    });
}
