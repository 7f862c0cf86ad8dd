//! Server-side text rules (shared with the widget through `ykien-text`):
//! clean, normalise to NFC, count scalar values, store the NFC form.

use crate::error::ApiError;

/// Validates and normalises a comment body.
pub fn body(raw: &str, limit: usize) -> Result<String, ApiError> {
    let text = ykien_text::nfc(&ykien_text::clean(raw));
    let n = ykien_text::count_chars_nfc(&text);
    if n == 0 {
        return Err(ApiError::unprocessable(
            "body_empty",
            "Comment must not be empty",
        ));
    }
    if n > limit {
        return Err(ApiError::unprocessable(
            "body_too_long",
            format!("Comment is {n} characters; the limit is {limit}"),
        ));
    }
    Ok(text)
}

/// The widget's localized names for a reader who gave none. A client may send
/// one of them as the author (the widget's own form does, and so does an adapter
/// template's `{author}`); storing it would show "Khách" to English readers, so
/// it is stored as "no name" and each reader's widget localizes it.
pub const GUEST_NAMES: &[&str] = &["Khách", "Guest"];

/// True if an (already cleaned, NFC) author stands for "no name".
pub fn is_guest_name(name: &str) -> bool {
    name.is_empty() || GUEST_NAMES.contains(&name)
}

/// Validates and normalises an author name. No name, or exactly one of the
/// [`GUEST_NAMES`], is stored as the empty string.
/// Line breaks are folded into spaces: a name is a single line.
pub fn author(raw: Option<&str>, limit: usize) -> Result<String, ApiError> {
    let cleaned = ykien_text::clean(&raw.unwrap_or("").replace(['\n', '\r'], " "));
    let name = ykien_text::nfc(&cleaned);
    if is_guest_name(&name) {
        return Ok(String::new());
    }
    let n = ykien_text::count_chars_nfc(&name);
    if n > limit {
        return Err(ApiError::unprocessable(
            "name_too_long",
            format!("Name is {n} characters; the limit is {limit}"),
        ));
    }
    Ok(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_rules() {
        assert_eq!(body("  chào  ", 10).unwrap(), "chào");
        assert_eq!(body(" \n\t ", 10).unwrap_err().code, "body_empty");
        assert_eq!(body(&"a".repeat(11), 10).unwrap_err().code, "body_too_long");
        // 10 decomposed "ế" are 10 characters after NFC.
        let decomposed = "e\u{0302}\u{0301}".repeat(10);
        assert_eq!(body(&decomposed, 10).unwrap(), "ế".repeat(10));
    }

    #[test]
    fn author_rules() {
        assert_eq!(author(None, 5).unwrap(), "");
        assert_eq!(author(Some("  "), 5).unwrap(), "");
        assert_eq!(author(Some("An\nBình"), 10).unwrap(), "An Bình");
        assert_eq!(author(Some("abcdef"), 5).unwrap_err().code, "name_too_long");
    }

    #[test]
    fn guest_names_mean_no_name() {
        assert_eq!(author(Some("Khách"), 60).unwrap(), "");
        assert_eq!(author(Some(" Guest\n"), 60).unwrap(), "");
        // Decomposed "á" is the same name after NFC.
        assert_eq!(author(Some("Kha\u{0301}ch"), 60).unwrap(), "");
        // Only the exact names: a real name that merely contains one is kept.
        assert_eq!(author(Some("khách"), 60).unwrap(), "khách");
        assert_eq!(author(Some("Guest 2"), 60).unwrap(), "Guest 2");
        assert_eq!(author(Some("Khách quen"), 60).unwrap(), "Khách quen");
    }
}
