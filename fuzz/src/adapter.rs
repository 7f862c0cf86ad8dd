//! The adapter mapping: arbitrary adapter configs and arbitrary API answers.
//! Input: an adapter config (JSON), a newline, then a response body (JSON). Every
//! outcome must be a value or a described error; a panic is a crash to AFL.
use ykien::comments::adapter::{Adapter, NewComment, Page};
use ykien::platform::json;

fn main() {
    afl::fuzz!(|data: &[u8]| {
        let Ok(text) = std::str::from_utf8(data) else {
            return;
        };
        let (config, body) = text.split_once('\n').unwrap_or(("{}", text));
        let adapter = json::parse(config)
            .ok()
            .and_then(|c| Adapter::parse(&c).ok())
            .unwrap_or_default();
        let header = |name: &str| (name.len() % 3 == 0).then(|| body.chars().take(12).collect());
        if let Ok(value) = json::parse(body) {
            for page in [
                Page::First,
                Page::Cursor(body.chars().take(8).collect()),
                Page::Number(3),
                Page::Offset(7),
            ] {
                let _ = adapter.read_list(&value, &header, &page);
                let _ = adapter.list_request("/api", body, &page);
            }
            let _ = adapter.read_created(201, Some(&value));
            let _ = adapter.read_created(202, Some(&value));
            let _ = adapter.read_created(500, Some(&value));
            let _ = adapter.error_message(&value);
        }
        let new = NewComment {
            author: config.to_owned(),
            body: body.to_owned(),
            parent: None,
        };
        let request = adapter.create_request("/api", body, &new, body, 1.7e12);
        if let Some(out) = request.body {
            // The create body must always be valid JSON.
            assert!(
                serde_json::from_str::<serde_json::Value>(&out).is_ok(),
                "invalid create body: {out}"
            );
        }
    });
}
