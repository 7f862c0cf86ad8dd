//! The character counter and the link finder on arbitrary text: the server's rule
//! (clean, NFC, scalar values) never panics, and linkify's pieces always reassemble
//! into the input, links only ever http(s).
use ykien::comments::text::{linkify, Segment};

fn main() {
    afl::fuzz!(|data: &[u8]| {
        let Ok(text) = std::str::from_utf8(data) else {
            return;
        };
        let cleaned = ykien_text::clean(text);
        // NFC may lengthen a string (U+0344 becomes two characters): only no panic.
        let _ = ykien_text::count_chars(&cleaned);
        let segments = linkify(text);
        let mut joined = String::new();
        for s in &segments {
            match s {
                Segment::Text(t) => joined.push_str(t),
                Segment::Link(l) => {
                    let lower = l.to_ascii_lowercase();
                    assert!(
                        lower.starts_with("http://") || lower.starts_with("https://"),
                        "{l}"
                    );
                    joined.push_str(l);
                }
            }
        }
        assert_eq!(joined, text);
    });
}
