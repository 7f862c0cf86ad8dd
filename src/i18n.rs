//! Every string a reader or site operator sees, in Vietnamese (the default) and English.
//!
//! Strings live in two static tables so that adding a language is one more table, and
//! so that a missing translation is a compile error rather than a blank button.

/// Interface language. Vietnamese first: the product grew from a Vietnamese news page.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
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

    pub fn comments(self) -> &'static CommentStrings {
        match self {
            Lang::Vi => &VI_COMMENTS,
            Lang::En => &EN_COMMENTS,
        }
    }
}

/// What the article, its controls and the page-level messages say: in the main
/// part of the module, which every reader downloads.
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
    pub error_timeout: &'static str,
    pub error_rate_limited: &'static str,
    pub config_title: &'static str,
    pub config_hint: &'static str,
    pub byline_prefix: &'static str,
    pub crashed: &'static str,
    pub comments_title: &'static str,
    pub comments_failed: &'static str,
}

/// What only the comment section says. A table of its own, so that these strings
/// load with the section's part of the module, not with every article.
pub struct CommentStrings {
    pub comments_label: &'static str,
    pub comments_empty: &'static str,
    pub load_more: &'static str,
    pub loading_more: &'static str,
    pub more_failed: &'static str,
    pub reply: &'static str,
    pub reply_to: &'static str,
    pub guest: &'static str,
    pub name_label: &'static str,
    pub body_label: &'static str,
    pub body_placeholder: &'static str,
    pub reply_placeholder: &'static str,
    pub chars: &'static str,
    pub over_limit: &'static str,
    pub send: &'static str,
    pub sending: &'static str,
    pub cancel: &'static str,
    pub shortcut: &'static str,
    pub pending: &'static str,
    pub pending_note: &'static str,
    pub sent: &'static str,
    pub send_network: &'static str,
    pub send_server: &'static str,
    pub send_rate_limited: &'static str,
    pub send_rejected: &'static str,
    pub send_timeout: &'static str,
    pub send_timeout_unsure: &'static str,
    pub resend: &'static str,
    pub rejected: &'static str,
    pub rejected_note: &'static str,
    pub deleted: &'static str,
    pub just_now: &'static str,
    pub adapter_failed: &'static str,
    pub under_min: &'static str,
    pub email_label: &'static str,
    pub website_label: &'static str,
    pub optional: &'static str,
    pub email_required: &'static str,
    pub email_invalid: &'static str,
    pub website_required: &'static str,
    pub website_invalid: &'static str,
    pub like: &'static str,
    pub like_failed: &'static str,
    pub unlike_failed: &'static str,
    pub liked_one_way: &'static str,
    pub sort_label: &'static str,
    pub sort_top: &'static str,
    pub sort_newest: &'static str,
    pub sort_oldest: &'static str,
    pub show_replies: &'static str,
    pub show_reply: &'static str,
    pub hide_replies: &'static str,
    pub replies_failed: &'static str,
    pub report: &'static str,
    pub reported: &'static str,
    pub report_title: &'static str,
    pub report_reason: &'static str,
    pub report_note: &'static str,
    pub report_note_required: &'static str,
    pub report_pick: &'static str,
    pub report_send: &'static str,
    pub report_sent: &'static str,
    pub report_failed: &'static str,
    pub copy_link: &'static str,
    pub link_copied: &'static str,
    pub link_in_address: &'static str,
    pub link_not_found: &'static str,
    pub edit: &'static str,
    pub save: &'static str,
    pub saving: &'static str,
    pub edited: &'static str,
    pub edit_label: &'static str,
    pub edit_failed: &'static str,
    pub edit_saved: &'static str,
    pub delete: &'static str,
    pub delete_confirm: &'static str,
    pub delete_done: &'static str,
    pub delete_failed: &'static str,
    pub actions_label: &'static str,
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
    error_timeout: "Máy chủ không phản hồi kịp. Vui lòng thử lại.",
    error_rate_limited: "Có quá nhiều yêu cầu cùng lúc. Vui lòng đợi một lát rồi thử lại.",
    config_title: "Tiện ích ykien chưa được cấu hình đúng.",
    config_hint:
        "Thông báo này dành cho quản trị trang; chi tiết có trong console của trình duyệt.",
    byline_prefix: "Tác giả:",
    crashed: "Đã xảy ra lỗi. Vui lòng tải lại trang.",
    comments_title: "Ý kiến",
    comments_failed: "Không tải được ý kiến.",
};

static VI_COMMENTS: CommentStrings = CommentStrings {
    comments_label: "Ý kiến bạn đọc",
    comments_empty: "Chưa có ý kiến nào. Hãy là người đầu tiên chia sẻ suy nghĩ của bạn.",
    load_more: "Xem thêm",
    loading_more: "Đang tải thêm…",
    more_failed: "Không tải thêm được ý kiến.",
    reply: "Trả lời",
    reply_to: "Trả lời",
    guest: "Khách",
    name_label: "Họ tên",
    body_label: "Ý kiến của bạn",
    body_placeholder: "Chia sẻ ý kiến của bạn…",
    reply_placeholder: "Viết trả lời…",
    chars: "ký tự",
    over_limit: "Vượt quá giới hạn {limit} ký tự. Hãy rút gọn để gửi.",
    send: "Gửi",
    sending: "Đang gửi…",
    cancel: "Hủy",
    shortcut: "Ctrl + Enter để gửi",
    pending: "Đang chờ duyệt",
    pending_note: "Ý kiến của bạn sẽ hiển thị với mọi người sau khi được duyệt.",
    sent: "Đã gửi ý kiến.",
    send_network:
        "Chưa gửi được vì không kết nối được máy chủ. Nội dung vẫn được giữ nguyên, hãy thử lại.",
    send_server:
        "Máy chủ đang gặp sự cố nên chưa gửi được. Nội dung vẫn được giữ nguyên, hãy thử lại.",
    send_rate_limited: "Bạn gửi hơi nhanh. Vui lòng đợi một phút rồi thử lại.",
    send_rejected: "Ý kiến chưa được chấp nhận.",
    send_timeout: "Máy chủ chưa phản hồi nên chưa rõ ý kiến đã đến hay chưa. Hãy bấm Gửi lại: nếu đã đến, ý kiến sẽ không bị đăng hai lần.",
    send_timeout_unsure: "Máy chủ chưa phản hồi nên chưa rõ ý kiến đã đến hay chưa. Nội dung vẫn được giữ nguyên; hãy xem lại danh sách trước khi gửi lại.",
    resend: "Gửi lại",
    rejected: "Không được duyệt",
    rejected_note: "Ý kiến này không được duyệt nên không hiển thị với bạn đọc khác. Thông báo này chỉ hiện với bạn một lần.",
    deleted: "Bình luận đã bị xóa",
    just_now: "Vừa xong",
    adapter_failed: "Phần ý kiến chưa được cấu hình đúng.",
    under_min: "Tối thiểu {min} ký tự.",
    email_label: "Email",
    website_label: "Trang web",
    optional: "(không bắt buộc)",
    email_required: "Hãy nhập email để gửi ý kiến.",
    email_invalid: "Email chưa đúng, ví dụ: ten@example.vn.",
    website_required: "Hãy nhập địa chỉ trang web để gửi ý kiến.",
    website_invalid: "Địa chỉ trang web chưa đúng, ví dụ: https://example.vn.",
    like: "Thích",
    like_failed: "Chưa thích được ý kiến này. Vui lòng thử lại.",
    unlike_failed: "Chưa bỏ thích được. Vui lòng thử lại.",
    liked_one_way: "Bạn đã thích ý kiến này",
    sort_label: "Sắp xếp ý kiến",
    sort_top: "Quan tâm nhất",
    sort_newest: "Mới nhất",
    sort_oldest: "Cũ nhất",
    show_replies: "Xem {n} trả lời",
    show_reply: "Xem 1 trả lời",
    hide_replies: "Ẩn bớt trả lời",
    replies_failed: "Chưa tải được các trả lời. Vui lòng thử lại.",
    report: "Vi phạm",
    reported: "Đã báo cáo",
    report_title: "Báo cáo vi phạm",
    report_reason: "Lý do",
    report_note: "Mô tả thêm",
    report_note_required: "Hãy ghi rõ lý do.",
    report_pick: "Hãy chọn một lý do.",
    report_send: "Gửi báo cáo",
    report_sent: "Đã gửi báo cáo",
    report_failed: "Chưa gửi được báo cáo.",
    copy_link: "Sao chép liên kết",
    link_copied: "Đã sao chép liên kết",
    link_in_address: "Liên kết tới ý kiến đã có trên thanh địa chỉ",
    link_not_found: "Không tìm thấy ý kiến được liên kết; có thể nó đã bị xóa.",
    edit: "Sửa",
    save: "Lưu",
    saving: "Đang lưu…",
    edited: "Đã sửa",
    edit_label: "Sửa ý kiến của bạn",
    edit_failed: "Chưa lưu được thay đổi. Nội dung vẫn được giữ nguyên, hãy thử lại.",
    edit_saved: "Đã lưu thay đổi",
    delete: "Xóa",
    delete_confirm: "Xóa ý kiến này?",
    delete_done: "Đã xóa ý kiến",
    delete_failed: "Chưa xóa được ý kiến. Vui lòng thử lại.",
    actions_label: "Thao tác với ý kiến của {name}",
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
    error_timeout: "The server took too long to answer. Please try again.",
    error_rate_limited: "Too many requests right now. Please wait a moment and try again.",
    config_title: "The ykien widget is not configured correctly.",
    config_hint: "This notice is for the site's operator; details are in the browser console.",
    byline_prefix: "By",
    crashed: "Something went wrong. Please reload the page.",
    comments_title: "Comments",
    comments_failed: "The comments could not be loaded.",
};

static EN_COMMENTS: CommentStrings = CommentStrings {
    comments_label: "Reader comments",
    comments_empty: "No comments yet. Be the first to share your thoughts.",
    load_more: "Load more",
    loading_more: "Loading more…",
    more_failed: "More comments could not be loaded.",
    reply: "Reply",
    reply_to: "Reply to",
    guest: "Guest",
    name_label: "Name",
    body_label: "Your comment",
    body_placeholder: "Share your thoughts…",
    reply_placeholder: "Write a reply…",
    chars: "characters",
    over_limit: "Over the {limit}-character limit. Shorten it to send.",
    send: "Send",
    sending: "Sending…",
    cancel: "Cancel",
    shortcut: "Ctrl + Enter to send",
    pending: "Awaiting approval",
    pending_note: "Your comment will be visible to everyone once it is approved.",
    sent: "Comment sent.",
    send_network: "Not sent: the server could not be reached. Your text is kept; please try again.",
    send_server: "Not sent: the server is having trouble. Your text is kept; please try again.",
    send_rate_limited: "You are sending a little fast. Please wait a minute and try again.",
    send_rejected: "The comment was not accepted.",
    send_timeout: "No answer from the server, so it is not known whether your comment arrived. Send it again: if it did arrive, it will not be posted twice.",
    send_timeout_unsure: "No answer from the server, so it is not known whether your comment arrived. Your text is kept; check the list before sending it again.",
    resend: "Send again",
    rejected: "Not approved",
    rejected_note: "This comment was not approved, so other readers do not see it. Only you see this notice, once.",
    deleted: "This comment was deleted",
    just_now: "just now",
    adapter_failed: "The comment section is not configured correctly.",
    under_min: "At least {min} characters.",
    email_label: "Email",
    website_label: "Website",
    optional: "(optional)",
    email_required: "Please enter your email to send a comment.",
    email_invalid: "That email does not look right, for example: name@example.com.",
    website_required: "Please enter your website to send a comment.",
    website_invalid: "That website address does not look right, for example: https://example.com.",
    like: "Like",
    like_failed: "Could not like this comment. Please try again.",
    unlike_failed: "Could not take the like back. Please try again.",
    liked_one_way: "You liked this comment",
    sort_label: "Sort comments",
    sort_top: "Most liked",
    sort_newest: "Newest",
    sort_oldest: "Oldest",
    show_replies: "View {n} replies",
    show_reply: "View 1 reply",
    hide_replies: "Hide replies",
    replies_failed: "The replies could not be loaded. Please try again.",
    report: "Report",
    reported: "Reported",
    report_title: "Report this comment",
    report_reason: "Reason",
    report_note: "Details",
    report_note_required: "Please describe the reason.",
    report_pick: "Please choose a reason.",
    report_send: "Send report",
    report_sent: "Report sent",
    report_failed: "The report could not be sent.",
    copy_link: "Copy link",
    link_copied: "Link copied",
    link_in_address: "The link to the comment is in the address bar",
    link_not_found: "The linked comment was not found; it may have been removed.",
    edit: "Edit",
    save: "Save",
    saving: "Saving…",
    edited: "Edited",
    edit_label: "Edit your comment",
    edit_failed: "The change was not saved. Your text is kept; please try again.",
    edit_saved: "Change saved",
    delete: "Delete",
    delete_confirm: "Delete this comment?",
    delete_done: "Comment deleted",
    delete_failed: "The comment could not be deleted. Please try again.",
    actions_label: "Actions on {name}'s comment",
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

/// "Ý kiến (12)", or "Ý kiến ()" while the count is unknown, as on the seed page.
pub fn comments_heading(lang: Lang, count: Option<u64>) -> String {
    let title = lang.strings().comments_title;
    match count {
        Some(n) => format!("{title} ({n})"),
        None => format!("{title} ()"),
    }
}

/// Whether an author name is a guest name in any language this widget speaks:
/// such comments read as a guest's in the reader's language, whoever posted them.
pub fn is_guest_name(name: &str) -> bool {
    let name = name.trim();
    name.is_empty() || [&VI_COMMENTS, &EN_COMMENTS].iter().any(|s| s.guest == name)
}

/// "Xem 3 trả lời" / "View 3 replies" ("View 1 reply").
pub fn show_replies(lang: Lang, n: u64) -> String {
    let s = lang.comments();
    if n == 1 {
        s.show_reply.to_owned()
    } else {
        s.show_replies.replace("{n}", &n.to_string())
    }
}

/// "12 ý kiến" / "12 comments" ("1 comment"): a count's accessible label, as
/// `ykien-count.js` writes it.
pub fn count_label(lang: Lang, n: u64) -> String {
    match lang {
        Lang::Vi => format!("{n} ý kiến"),
        Lang::En if n == 1 => "1 comment".to_owned(),
        Lang::En => format!("{n} comments"),
    }
}

/// "12 / 500 ký tự".
pub fn counter(lang: Lang, count: usize, limit: usize) -> String {
    format!("{count} / {limit} {}", lang.comments().chars)
}

pub fn over_limit(lang: Lang, limit: usize) -> String {
    lang.comments()
        .over_limit
        .replace("{limit}", &limit.to_string())
}

/// "Tối thiểu 3 ký tự." / "At least 3 characters.": the rule, said while the text
/// is shorter.
pub fn under_min(lang: Lang, min: usize) -> String {
    lang.comments().under_min.replace("{min}", &min.to_string())
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
    fn count_labels_read_as_ykien_count_js_writes_them() {
        assert_eq!(count_label(Lang::Vi, 1), "1 ý kiến");
        assert_eq!(count_label(Lang::Vi, 12), "12 ý kiến");
        assert_eq!(count_label(Lang::En, 1), "1 comment");
        assert_eq!(count_label(Lang::En, 0), "0 comments");
    }

    #[test]
    fn tags_are_read_loosely() {
        assert_eq!(Lang::from_tag("vi"), Some(Lang::Vi));
        assert_eq!(Lang::from_tag("vi-VN"), Some(Lang::Vi));
        assert_eq!(Lang::from_tag(" EN_us "), Some(Lang::En));
        assert_eq!(Lang::from_tag("fr"), None);
        assert_eq!(Lang::from_tag(""), None);
    }

    #[test]
    fn comment_strings() {
        assert_eq!(comments_heading(Lang::Vi, None), "Ý kiến ()");
        assert_eq!(comments_heading(Lang::En, Some(3)), "Comments (3)");
        assert_eq!(counter(Lang::Vi, 0, 500), "0 / 500 ký tự");
        assert!(over_limit(Lang::Vi, 500).contains("500 ký tự"));
        assert_eq!(under_min(Lang::Vi, 3), "Tối thiểu 3 ký tự.");
        assert_eq!(under_min(Lang::En, 3), "At least 3 characters.");
    }

    #[test]
    fn guest_names_in_any_language_are_guests() {
        for name in ["", "  ", "Khách", "Guest", " Khách "] {
            assert!(is_guest_name(name), "{name:?}");
        }
        for name in ["Khách sạn", "guest house", "Lan"] {
            assert!(!is_guest_name(name), "{name:?}");
        }
    }

    #[test]
    fn percentages_follow_the_language() {
        assert_eq!(font_size_status(Lang::Vi, 1125), "Cỡ chữ 112,5%");
        assert_eq!(font_size_status(Lang::En, 1125), "Text size 112.5%");
        assert_eq!(percent(Lang::Vi, 1000), "100%");
    }
}
