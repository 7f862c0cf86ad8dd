//! Picks the guest name for anonymous comments from `Accept-Language`.

/// Default guest name (Vietnamese).
pub const GUEST_VI: &str = "Khách";
/// Guest name for readers whose browser prefers English.
pub const GUEST_EN: &str = "Guest";

/// "Guest" when the highest-weighted language the server knows (vi or en)
/// is English, otherwise "Khách". Unknown languages are skipped, so
/// `fr, en;q=0.8` still yields "Guest" and a missing header yields "Khách".
pub fn guest_name(accept_language: Option<&str>) -> &'static str {
    let Some(header) = accept_language else {
        return GUEST_VI;
    };
    let mut best: Option<(f32, &'static str)> = None;
    for item in header.split(',') {
        let mut parts = item.split(';');
        let tag = parts.next().unwrap_or("").trim();
        let primary = tag.split('-').next().unwrap_or("").to_ascii_lowercase();
        let name = match primary.as_str() {
            "vi" => GUEST_VI,
            "en" => GUEST_EN,
            _ => continue,
        };
        let q = parts
            .filter_map(|p| p.trim().strip_prefix("q="))
            .find_map(|v| v.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        // Strictly greater: on equal weight the earlier entry wins.
        if q > 0.0 && best.is_none_or(|(bq, _)| q > bq) {
            best = Some((q, name));
        }
    }
    best.map_or(GUEST_VI, |(_, name)| name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_guest_name() {
        assert_eq!(guest_name(None), "Khách");
        assert_eq!(guest_name(Some("vi-VN,vi;q=0.9,en;q=0.8")), "Khách");
        assert_eq!(guest_name(Some("en-US,en;q=0.9")), "Guest");
        assert_eq!(guest_name(Some("fr-FR, en;q=0.5")), "Guest");
        assert_eq!(guest_name(Some("en;q=0.4, vi;q=0.6")), "Khách");
        assert_eq!(guest_name(Some("de")), "Khách");
        assert_eq!(guest_name(Some("en;q=0")), "Khách");
        assert_eq!(guest_name(Some("")), "Khách");
    }
}
