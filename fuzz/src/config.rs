//! The config parser: arbitrary `data-*` key/value pairs (one `key=value` per line).
//! Either a config or errors that each name an attribute; never a panic.
fn main() {
    afl::fuzz!(|data: &[u8]| {
        let text = String::from_utf8_lossy(data);
        let pairs: Vec<(String, String)> = text
            .lines()
            .map(|l| {
                let (k, v) = l.split_once('=').unwrap_or((l, ""));
                (k.to_owned(), v.to_owned())
            })
            .collect();
        let parsed = ykien::config::parse(&pairs);
        assert!(parsed.config.is_some() != !parsed.errors.is_empty() || parsed.config.is_none());
        for e in &parsed.errors {
            assert!(e.operator_message().starts_with("ykien: data-"));
        }
    });
}
