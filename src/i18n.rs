//! Every string a reader or site operator sees, in Vietnamese (the default) and English.
//!
//! Strings live in two static tables so that adding a language is one more table, and
//! so that a missing translation is a compile error rather than a blank button.

/// Interface language. Vietnamese first: the product grew from a Vietnamese news page.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Vi,
    En,
}

impl Lang {
    /// Reads a BCP 47 tag loosely ("vi", "vi-VN", "EN-us"); other languages are `None`
    /// so the caller can fall back instead of guessing.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next().unwrap_or_default();
        if primary.eq_ignore_ascii_case("vi") {
            Some(Lang::Vi)
        } else if primary.eq_ignore_ascii_case("en") {
            Some(Lang::En)
        } else {
            None
        }
    }

    /// The locale handed to `Intl` APIs.
    pub fn locale(self) -> &'static str {
        match self {
            Lang::Vi => "vi-VN",
            Lang::En => "en-GB",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }

    pub fn strings(self) -> &'static Strings {
        match self {
            Lang::Vi => &VI,
            Lang::En => &EN,
        }
    }
}

pub struct Strings {
    pub font_group: &'static str,
    pub font_smaller: &'static str,
    pub font_larger: &'static str,
    pub font_reset: &'static str,
    pub font_size_prefix: &'static str,
    pub loading: &'static str,
    pub retry: &'static str,
    pub article_failed: &'static str,
    pub error_network: &'static str,
    pub error_server: &'static str,
    pub error_data: &'static str,
    pub config_title: &'static str,
    pub config_hint: &'static str,
    pub byline_prefix: &'static str,
    pub crashed: &'static str,
}

static VI: Strings = Strings {
    font_group: "Cỡ chữ",
    font_smaller: "Giảm cỡ chữ",
    font_larger: "Tăng cỡ chữ",
    font_reset: "Cỡ chữ mặc định",
    font_size_prefix: "Cỡ chữ",
    loading: "Đang tải dữ liệu…",
    retry: "Thử lại",
    article_failed: "Không tải được bài viết.",
    error_network: "Không kết nối được tới máy chủ. Hãy kiểm tra mạng rồi thử lại.",
    error_server: "Máy chủ đang gặp sự cố. Vui lòng thử lại sau ít phút.",
    error_data: "Dữ liệu nhận được không đúng định dạng.",
    config_title: "Tiện ích ykien chưa được cấu hình đúng.",
    config_hint:
        "Thông báo này dành cho quản trị trang; chi tiết có trong console của trình duyệt.",
    byline_prefix: "Tác giả:",
    crashed: "Đã xảy ra lỗi. Vui lòng tải lại trang.",
};

static EN: Strings = Strings {
    font_group: "Text size",
    font_smaller: "Decrease text size",
    font_larger: "Increase text size",
    font_reset: "Default text size",
    font_size_prefix: "Text size",
    loading: "Loading…",
    retry: "Retry",
    article_failed: "The article could not be loaded.",
    error_network: "Could not reach the server. Check your connection and try again.",
    error_server: "The server is having trouble. Please try again in a few minutes.",
    error_data: "The data received was not in the expected format.",
    config_title: "The ykien widget is not configured correctly.",
    config_hint: "This notice is for the site's operator; details are in the browser console.",
    byline_prefix: "By",
    crashed: "Something went wrong. Please reload the page.",
};

/// "Cỡ chữ 112,5%" / "Text size 112.5%": what the live region announces after a change.
/// Percentages use the language's decimal separator; whole numbers have none.
pub fn font_size_status(lang: Lang, permille: u16) -> String {
    format!(
        "{} {}",
        lang.strings().font_size_prefix,
        percent(lang, permille)
    )
}

/// Formats a per-mille value as a percentage with at most one decimal.
pub fn percent(lang: Lang, permille: u16) -> String {
    let whole = permille / 10;
    let tenth = permille % 10;
    if tenth == 0 {
        format!("{whole}%")
    } else {
        let sep = match lang {
            Lang::Vi => ',',
            Lang::En => '.',
        };
        format!("{whole}{sep}{tenth}%")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_read_loosely() {
        assert_eq!(Lang::from_tag("vi"), Some(Lang::Vi));
        assert_eq!(Lang::from_tag("vi-VN"), Some(Lang::Vi));
        assert_eq!(Lang::from_tag(" EN_us "), Some(Lang::En));
        assert_eq!(Lang::from_tag("fr"), None);
        assert_eq!(Lang::from_tag(""), None);
    }

    #[test]
    fn percentages_follow_the_language() {
        assert_eq!(font_size_status(Lang::Vi, 1125), "Cỡ chữ 112,5%");
        assert_eq!(font_size_status(Lang::En, 1125), "Text size 112.5%");
        assert_eq!(percent(Lang::Vi, 1000), "100%");
    }
}
