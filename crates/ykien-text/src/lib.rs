//! Text rules shared by the ykien widget (wasm) and the reference server.
//!
//! Both sides must agree on what "500 characters" means, otherwise the widget
//! would accept a comment the server rejects. The rule is: clean the text with
//! [`clean`], normalise it to Unicode NFC, then count Unicode scalar values.
//! NFC matters for Vietnamese: "ế" typed on some keyboards arrives as
//! `e` + combining circumflex + combining acute (3 scalars) but is 1 scalar
//! once composed.
//!
//! The crate has no dependencies by default so the widget can use it in wasm
//! and normalise with the browser's `String.prototype.normalize("NFC")`.
//! The server enables the `nfc` feature to get [`count_chars`] and [`nfc`].
#![forbid(unsafe_code)]

/// Default maximum comment body length, in characters after NFC.
pub const DEFAULT_BODY_LIMIT: usize = 500;
/// Default maximum author name length, in characters after NFC.
pub const DEFAULT_NAME_LIMIT: usize = 60;

/// Counts Unicode scalar values of a string the caller has already
/// normalised to NFC (e.g. with the browser's `normalize("NFC")`).
pub fn count_chars_nfc(already_nfc: &str) -> usize {
    already_nfc.chars().count()
}

/// Cleans user input: normalises `\r\n` (and lone `\r`) to `\n`, removes
/// control characters except `\n`, then trims surrounding whitespace.
///
/// Tabs count as control characters and are removed: comments are rendered as
/// plain text where a tab has no reliable meaning. Zero-width joiners and
/// variation selectors are format characters, not controls, so emoji survive.
pub fn clean(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                // "\r\n" becomes one "\n"; a lone "\r" (old Mac) also ends a line.
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push('\n');
            }
            '\n' => out.push('\n'),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    let trimmed = out.trim();
    if trimmed.len() == out.len() {
        out
    } else {
        trimmed.to_owned()
    }
}

/// Returns the NFC form of `s`.
#[cfg(feature = "nfc")]
pub fn nfc(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    s.nfc().collect()
}

/// Counts characters the way the limits are defined: NFC, then scalar values.
#[cfg(feature = "nfc")]
pub fn count_chars(s: &str) -> usize {
    use unicode_normalization::UnicodeNormalization;
    s.nfc().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_scalars() {
        assert_eq!(count_chars_nfc(""), 0);
        assert_eq!(count_chars_nfc("Xin chào"), 8);
        assert_eq!(count_chars_nfc("Việt Nam"), 8);
    }

    #[test]
    fn emoji_are_counted_by_scalar() {
        // Thumbs up + skin tone modifier: two scalars, one visible glyph.
        assert_eq!(count_chars_nfc("👍🏽"), 2);
        // Family: man ZWJ woman ZWJ girl ZWJ boy = 4 people + 3 joiners.
        let family = "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}\u{200D}\u{1F466}";
        assert_eq!(count_chars_nfc(family), 7);
        assert_eq!(clean(family), family, "ZWJ must survive cleaning");
    }

    #[test]
    fn clean_trims_and_strips_controls() {
        assert_eq!(clean("  xin chào \t "), "xin chào");
        assert_eq!(clean("a\u{0}b\u{7}c\u{1b}[31md"), "abc[31md");
        assert_eq!(clean("dòng 1\r\ndòng 2\rdòng 3"), "dòng 1\ndòng 2\ndòng 3");
        assert_eq!(clean("a\tb"), "ab");
        assert_eq!(clean("\u{85}x\u{9f}"), "x", "C1 controls are removed");
        assert_eq!(clean(" \n \r\n "), "");
        assert_eq!(clean("giữ\n\nđoạn"), "giữ\n\nđoạn");
    }

    #[test]
    fn limits() {
        assert_eq!(DEFAULT_BODY_LIMIT, 500);
        assert_eq!(DEFAULT_NAME_LIMIT, 60);
    }

    #[cfg(feature = "nfc")]
    #[test]
    fn decomposed_vietnamese_counts_after_nfc() {
        // e + combining circumflex + combining acute = "ế"
        let decomposed = "e\u{0302}\u{0301}";
        assert_eq!(count_chars_nfc(decomposed), 3);
        assert_eq!(count_chars(decomposed), 1);
        assert_eq!(nfc(decomposed), "\u{1EBF}");
        // "Tiếng Việt" typed with combining marks.
        let phrase = "Tie\u{0302}\u{0301}ng Vie\u{0323}\u{0302}t";
        assert_eq!(count_chars(phrase), 10);
        assert_eq!(nfc(phrase), "Tiếng Việt");
        assert_eq!(count_chars("👍🏽"), 2);
    }
}
