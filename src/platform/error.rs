//! Failures that reach a reader: each has a message in the reader's language and a
//! console message for the operator that says what was expected where.

use crate::i18n::Lang;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LoadError {
    /// fetch() rejected: offline, DNS, CORS, connection reset.
    Network(String),
    /// No (complete) answer within this many seconds; the request was aborted.
    Timeout(u32),
    /// The server answered with a non-2xx status.
    Status(u16),
    /// The body was not JSON (an HTML error page, a truncated response).
    NotJson(String),
    /// JSON, but not the shape the widget was told to expect.
    Shape(String),
}

impl LoadError {
    pub fn reader_message(&self, lang: Lang) -> &'static str {
        let s = lang.strings();
        match self {
            LoadError::Network(_) => s.error_network,
            LoadError::Timeout(_) => s.error_timeout,
            // Not the server's fault: it asks the reader to slow down.
            LoadError::Status(429) => s.error_rate_limited,
            LoadError::Status(code) if *code >= 500 => s.error_server,
            LoadError::Status(_) | LoadError::NotJson(_) | LoadError::Shape(_) => s.error_data,
        }
    }

    pub fn operator_message(&self, url: &str) -> String {
        match self {
            LoadError::Network(detail) => format!("ykien: request to {url} failed: {detail}"),
            LoadError::Timeout(secs) => format!(
                "ykien: {url} did not answer within {secs} s; the request was aborted \
                 (data-timeout or the adapter's timeouts set the limit)"
            ),
            LoadError::Status(code) => format!("ykien: {url} answered HTTP {code}"),
            LoadError::NotJson(detail) => {
                format!("ykien: {url} did not return JSON ({detail})")
            }
            LoadError::Shape(detail) => format!("ykien: unexpected JSON from {url}: {detail}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_trouble_and_bad_data_read_differently() {
        assert_eq!(
            LoadError::Status(503).reader_message(Lang::En),
            Lang::En.strings().error_server
        );
        assert_eq!(
            LoadError::Status(404).reader_message(Lang::Vi),
            Lang::Vi.strings().error_data
        );
        assert_eq!(
            LoadError::Status(429).reader_message(Lang::Vi),
            Lang::Vi.strings().error_rate_limited
        );
        assert_eq!(
            LoadError::Timeout(15).reader_message(Lang::En),
            Lang::En.strings().error_timeout
        );
        assert!(LoadError::Timeout(15)
            .operator_message("/c")
            .contains("within 15 s"));
        assert!(LoadError::Shape("expected string at title".into())
            .operator_message("/a.json")
            .contains("/a.json"));
    }
}
