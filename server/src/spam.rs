//! Spam defence in layers, decided for every new comment before it is stored:
//!
//! 1. the ban list (hashed network, exact name, word or phrase), kept in the
//!    database and edited from the desk, plus the operator's blocklist file;
//!    each rule either refuses the comment or holds it for an editor;
//! 2. the moderation mode: `off`, `all`, `first` (a network with no approved
//!    comment yet waits) or `links` (more than N links wait).
//!
//! The honeypot and the per-IP rate limit run before this (api::comments).
//!
//! Words are matched after [`fold`]: Unicode decomposition, tone marks and
//! other combining marks dropped, `đ` → `d`, lower case, punctuation as
//! spaces. So a banned "lừa đảo" catches "lua dao", "LỪA ĐẢO" and "lừa  đảo!",
//! always on word boundaries ("dao" does not match inside "daotao").

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization as _;

use crate::db::{BanRule, Store};
use crate::error::ApiError;
use crate::i18n::Lang;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ModerationMode {
    /// Publish at once (bans and the blocklist still apply).
    Off,
    /// Every comment waits for an editor.
    All,
    /// A comment from a network with no approved comment yet waits; after an
    /// editor approves one, that network is trusted.
    First,
    /// A comment with more than `--moderation-max-links` links waits.
    Links,
}

impl ModerationMode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Off => "off",
            Self::All => "all",
            Self::First => "first",
            Self::Links => "links",
        }
    }
}

/// What a rule does to a comment it matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleAction {
    /// Refused with an error; nothing is stored.
    Refuse,
    /// Stored as pending, for an editor.
    Hold,
}

impl RuleAction {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Refuse => "refuse",
            Self::Hold => "hold",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "refuse" => Some(Self::Refuse),
            "hold" => Some(Self::Hold),
            _ => None,
        }
    }
}

/// What a ban rule matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BanKind {
    /// The hashed network prefix (see `iphint`).
    Network,
    /// The author name, exactly (after NFC, case-insensitive).
    Name,
    /// A word or phrase in the text or the name, after [`fold`].
    Word,
}

impl BanKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Network => "network",
            Self::Name => "name",
            Self::Word => "word",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "network" => Some(Self::Network),
            "name" => Some(Self::Name),
            "word" => Some(Self::Word),
            _ => None,
        }
    }
}

/// Folds text for accent- and case-insensitive matching of Vietnamese:
/// NFD, combining marks dropped, đ/Đ → d, lower case, and every run of
/// characters that are not letters or digits turned into one space.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = true;
    for c in s.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        let c = match c {
            'đ' | 'Đ' | 'ð' | 'Ð' => 'd',
            _ => c,
        };
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
            space = false;
        } else if !space {
            out.push(' ');
            space = true;
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// A name as compared by name bans: NFC, trimmed, lower case.
pub fn name_key(s: &str) -> String {
    ykien_text::nfc(s.trim()).to_lowercase()
}

/// True if the folded `phrase` occurs in the folded `text` on word boundaries.
pub fn contains_phrase(folded_text: &str, folded_phrase: &str) -> bool {
    if folded_phrase.is_empty() {
        return false;
    }
    let hay = format!(" {folded_text} ");
    hay.contains(&format!(" {folded_phrase} "))
}

/// Top-level domains that make a bare `name.tld` count as a link. A list, not
/// "any letters": Vietnamese text has `TP.HCM`, `v.v.` and `Q.1`.
const TLDS: &[&str] = &[
    "vn", "com", "net", "org", "info", "biz", "io", "co", "me", "ly", "xyz", "top", "site",
    "online", "shop", "store", "club", "link", "app", "dev", "tk", "ml", "ga", "cf", "gq", "ru",
    "cn", "us", "uk", "asia", "live", "vip", "win", "bet", "fun", "pro", "cc", "tv",
];

/// Links in a comment: `scheme://…`, `www.…`, and bare `name.tld[/…]` with a
/// known top-level domain.
pub fn count_links(text: &str) -> usize {
    text.split(|c: char| c.is_whitespace() || matches!(c, '(' | ')' | '<' | '>' | '"' | '\''))
        .filter(|t| is_link(t))
        .count()
}

fn is_link(token: &str) -> bool {
    let t = token.trim_matches(|c: char| matches!(c, '.' | ',' | ';' | ':' | '!' | '?'));
    let lower = t.to_ascii_lowercase();
    if lower.contains("://") || lower.starts_with("www.") {
        return true;
    }
    let host = lower.split(['/', '?', '#']).next().unwrap_or("");
    let labels: Vec<&str> = host.split('.').collect();
    labels.len() >= 2
        && labels
            .iter()
            .all(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        && labels.last().is_some_and(|tld| TLDS.contains(tld))
        && labels[0].len() >= 2
}

/// Why a comment waits for an editor; stored with it and shown in the desk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HoldReason {
    /// Moderation mode `all`.
    All,
    /// Mode `first`: the network has no approved comment yet.
    FirstFromNetwork,
    /// Mode `links`: this many links.
    Links(usize),
    /// A ban or blocklist rule with action `hold`.
    Rule { kind: BanKind, value: String },
    /// Hidden automatically after this many reports.
    Reports(i64),
}

impl HoldReason {
    /// The stored form: `all`, `first`, `links:N`, `word:VALUE`,
    /// `network:HINT`, `name:VALUE`, `reports:N`.
    pub fn encode(&self) -> String {
        match self {
            Self::All => "all".into(),
            Self::FirstFromNetwork => "first".into(),
            Self::Links(n) => format!("links:{n}"),
            Self::Rule { kind, value } => format!("{}:{value}", kind.as_str()),
            Self::Reports(n) => format!("reports:{n}"),
        }
    }

    pub fn decode(s: &str) -> Option<Self> {
        let (head, rest) = match s.split_once(':') {
            Some((h, r)) => (h, Some(r)),
            None => (s, None),
        };
        Some(match (head, rest) {
            ("all", None) => Self::All,
            ("first", None) => Self::FirstFromNetwork,
            ("links", Some(n)) => Self::Links(n.parse().ok()?),
            ("reports", Some(n)) => Self::Reports(n.parse().ok()?),
            (kind, Some(v)) => Self::Rule {
                kind: BanKind::parse(kind)?,
                value: v.to_owned(),
            },
            _ => return None,
        })
    }
}

/// Settings of the layers (from the command line).
#[derive(Debug, Clone)]
pub struct SpamConfig {
    pub mode: ModerationMode,
    pub max_links: usize,
    /// Rules from `--blocklist-file` (words and phrases), besides the desk's.
    pub blocklist: Vec<BanRule>,
}

/// The facts about a new comment the layers look at.
pub struct Incoming<'a> {
    pub author: &'a str,
    pub body: &'a str,
    pub ip_hint: &'a str,
}

/// What happens to a new comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Publish,
    Hold(HoldReason),
}

/// Reads a blocklist file: one word or phrase per line; `#` starts a comment
/// line; a line may start with `refuse:` or `hold:` (default: `default`).
pub fn parse_blocklist(text: &str, default: RuleAction) -> Vec<BanRule> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|line| {
            let (action, phrase) = match line.split_once(':') {
                Some((a, p)) if RuleAction::parse(a.trim()).is_some() => {
                    (RuleAction::parse(a.trim())?, p.trim())
                }
                _ => (default, line),
            };
            let folded = fold(phrase);
            (!folded.is_empty()).then(|| BanRule {
                id: String::new(),
                kind: BanKind::Word,
                value: phrase.to_owned(),
                folded,
                action,
                created_at: 0,
                created_by: "blocklist".into(),
            })
        })
        .collect()
}

/// The first rule among `rules` that matches, refusals before holds.
pub fn matching_rule<'r>(rules: &'r [BanRule], c: &Incoming<'_>) -> Option<&'r BanRule> {
    let text = fold(&format!("{} {}", c.author, c.body));
    let name = name_key(c.author);
    let matches = |r: &&BanRule| match r.kind {
        BanKind::Network => !c.ip_hint.is_empty() && r.folded == c.ip_hint,
        BanKind::Name => !name.is_empty() && r.folded == name,
        BanKind::Word => contains_phrase(&text, &r.folded),
    };
    rules
        .iter()
        .filter(|r| r.action == RuleAction::Refuse)
        .find(matches)
        .or_else(|| {
            rules
                .iter()
                .filter(|r| r.action == RuleAction::Hold)
                .find(matches)
        })
}

/// Runs the layers for one new comment: `Err` is the refusal to send.
pub async fn judge(
    store: &Store,
    cfg: &SpamConfig,
    c: &Incoming<'_>,
    lang: Lang,
) -> Result<Verdict, ApiError> {
    let mut rules = store.bans().await?;
    rules.extend(cfg.blocklist.iter().cloned());
    if let Some(rule) = matching_rule(&rules, c) {
        match rule.action {
            RuleAction::Refuse => {
                tracing::info!(rule = rule.kind.as_str(), "comment refused by a rule");
                return Err(match rule.kind {
                    BanKind::Word => ApiError::blocked_content(lang),
                    BanKind::Network | BanKind::Name => ApiError::banned(lang),
                });
            }
            RuleAction::Hold => {
                let value = match rule.kind {
                    BanKind::Network => short_hint(&rule.folded).to_owned(),
                    _ => rule.value.clone(),
                };
                return Ok(Verdict::Hold(HoldReason::Rule {
                    kind: rule.kind,
                    value,
                }));
            }
        }
    }
    Ok(match cfg.mode {
        ModerationMode::Off => Verdict::Publish,
        ModerationMode::All => Verdict::Hold(HoldReason::All),
        ModerationMode::Links => {
            let n = count_links(c.body) + count_links(c.author);
            if n > cfg.max_links {
                Verdict::Hold(HoldReason::Links(n))
            } else {
                Verdict::Publish
            }
        }
        ModerationMode::First => {
            if store.is_trusted_network(c.ip_hint).await? {
                Verdict::Publish
            } else {
                Verdict::Hold(HoldReason::FirstFromNetwork)
            }
        }
    })
}

/// The part of a network hint the desk shows (8 hex digits).
pub fn short_hint(hint: &str) -> &str {
    hint.get(..8).unwrap_or(hint)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_vietnamese() {
        assert_eq!(fold("Lừa đảo"), "lua dao");
        assert_eq!(fold("LỪA ĐẢO!!"), "lua dao");
        assert_eq!(fold("  lừa,\n  đảo  "), "lua dao");
        // Decomposed input (e + U+0302 + U+0301) folds the same.
        assert_eq!(fold("Vie\u{0302}\u{0323}t Nam"), "viet nam");
        assert_eq!(fold("Việt Nam"), "viet nam");
        assert_eq!(fold("Đà Nẵng"), "da nang");
        assert_eq!(fold("ưởng ỡ"), "uong o");
        assert_eq!(fold("---"), "");
    }

    #[test]
    fn phrases_on_word_boundaries() {
        let text = fold("Đây là trò LỪA ĐẢO, đừng tin");
        assert!(contains_phrase(&text, &fold("lừa đảo")));
        assert!(contains_phrase(&text, &fold("lua dao")));
        // Tones are folded away, so a single syllable matches all its tones:
        // the desk asks for phrases for that reason.
        assert!(contains_phrase(&fold("đào tạo"), &fold("đảo")));
        assert!(!contains_phrase(&fold("daotao"), "dao"));
        assert!(!contains_phrase(&text, ""));
    }

    #[test]
    fn counts_links() {
        assert_eq!(count_links("xem https://a.vn và http://b.com/x"), 2);
        assert_eq!(count_links("vào www.abc.net nhé"), 1);
        assert_eq!(count_links("vào abc.vn hoặc shop.com.vn/sale"), 2);
        assert_eq!(count_links("TP.HCM, Q.1, v.v. và 3.5 triệu"), 0);
        assert_eq!(count_links("Hết câu.Tiếp câu"), 0);
        assert_eq!(count_links("(https://x.vn)."), 1);
    }

    #[test]
    fn hold_reasons_round_trip() {
        for r in [
            HoldReason::All,
            HoldReason::FirstFromNetwork,
            HoldReason::Links(3),
            HoldReason::Reports(5),
            HoldReason::Rule {
                kind: BanKind::Word,
                value: "lừa: đảo".into(),
            },
        ] {
            assert_eq!(HoldReason::decode(&r.encode()), Some(r));
        }
        assert_eq!(HoldReason::decode("nope:1"), None);
    }

    #[test]
    fn blocklist_file() {
        let rules = parse_blocklist(
            "# comment\nlừa đảo\nrefuse: cá độ bóng đá\nhold: vay tiền\n\n  \n",
            RuleAction::Hold,
        );
        let got: Vec<_> = rules
            .iter()
            .map(|r| (r.folded.as_str(), r.action))
            .collect();
        assert_eq!(
            got,
            vec![
                ("lua dao", RuleAction::Hold),
                ("ca do bong da", RuleAction::Refuse),
                ("vay tien", RuleAction::Hold),
            ]
        );
    }

    #[test]
    fn rules_match_and_refusals_win() {
        let rule = |kind, folded: &str, action| BanRule {
            id: "x".into(),
            kind,
            value: folded.into(),
            folded: folded.into(),
            action,
            created_at: 0,
            created_by: "t".into(),
        };
        let rules = vec![
            rule(BanKind::Word, "lua dao", RuleAction::Hold),
            rule(BanKind::Name, "kẻ xấu", RuleAction::Refuse),
            rule(BanKind::Network, "abcd1234ef", RuleAction::Refuse),
        ];
        let c = |author, body, ip_hint| Incoming {
            author,
            body,
            ip_hint,
        };
        let m = matching_rule(&rules, &c("Lan", "đúng là lua dao", "0000")).unwrap();
        assert_eq!(m.kind, BanKind::Word);
        let m = matching_rule(&rules, &c("Kẻ Xấu", "lừa đảo", "0000")).unwrap();
        assert_eq!(m.kind, BanKind::Name, "refusal before hold");
        assert!(matching_rule(&rules, &c("Kẻ Xấu nhỏ", "chào", "0000")).is_none());
        let m = matching_rule(&rules, &c("Lan", "chào", "abcd1234ef")).unwrap();
        assert_eq!(m.kind, BanKind::Network);
        assert!(matching_rule(&rules, &c("Lan", "chào", "")).is_none());
    }
}
