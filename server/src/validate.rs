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

/// Validates and normalises an author name; empty means `guest`.
/// Line breaks are folded into spaces: a name is a single line.
pub fn author(raw: Option<&str>, limit: usize, guest: &str) -> Result<String, ApiError> {
    let cleaned = ykien_text::clean(&raw.unwrap_or("").replace(['\n', '\r'], " "));
    let name = ykien_text::nfc(&cleaned);
    if name.is_empty() {
        return Ok(guest.to_owned());
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
        assert_eq!(author(None, 5, "Khách").unwrap(), "Khách");
        assert_eq!(author(Some("  "), 5, "Guest").unwrap(), "Guest");
        assert_eq!(author(Some("An\nBình"), 10, "Khách").unwrap(), "An Bình");
        assert_eq!(
            author(Some("abcdef"), 5, "Khách").unwrap_err().code,
            "name_too_long"
        );
    }
}
