//! Widget configuration: parsed from the script tag's `data-*` attributes or from the
//! object given to `ykien.mount()`, validated in one pass so the operator sees every
//! mistake at once, each naming the attribute and what was expected.
//!
//! Keys arrive in `dataset` form (camelCase, `articleUrl` for `data-article-url`);
//! messages always use the attribute spelling an operator typed.

use crate::comments::adapter::{field_rule, Adapter, AdapterError, FieldRule, Fields};
use crate::i18n::Lang;
use crate::platform::json;
use crate::sanitize::policy::url_is_http_or_relative;

#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum Theme {
    /// Follows `prefers-color-scheme`.
    #[default]
    Auto,
    Light,
    Dark,
}

impl Theme {
    pub fn class(&self) -> &'static str {
        match self {
            Theme::Auto => "theme-auto",
            Theme::Light => "theme-light",
            Theme::Dark => "theme-dark",
        }
    }
}

/// Where the article comes from.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum ArticleSource {
    /// No article handling; the widget only shows comments.
    #[default]
    None,
    /// The site's own server-rendered element, found by this selector, gains the controls.
    Enhance { selector: String },
    /// The article is fetched as JSON from this URL and rendered by the widget.
    Render { url: String },
}

/// How the comment API is described (`docs/adapter.md`).
#[derive(Clone, Debug, PartialEq, Default)]
pub enum AdapterSource {
    /// The reference server's API.
    #[default]
    Default,
    /// Given inline as JSON (checked to be JSON here; read when the comment
    /// section starts, so the adapter code loads with the section).
    Inline(String),
    /// A JSON file fetched when the comment section starts.
    Url(String),
}

/// When the comment section fetches its first page.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum LoadWhen {
    /// When the section comes near the viewport: most readers never scroll to the
    /// comments, and their data plan should not pay for them.
    #[default]
    Near,
    /// At once.
    Eager,
}

/// The comment section's settings.
#[derive(Clone, Debug, PartialEq)]
pub struct CommentsConfig {
    pub api: String,
    pub thread: String,
    pub adapter: AdapterSource,
    /// Maximum comment length in characters (after NFC), as the server enforces it.
    pub max_length: usize,
    /// Visual reply levels; deeper replies are shown at the last level.
    pub depth: usize,
    pub load: LoadWhen,
    /// `data-timeout`, seconds: overrides the adapter's timeouts.
    pub timeout_s: Option<u32>,
    /// A−/A+ scale the section's text too (`data-scale-comments`, on by default).
    pub scale_text: bool,
    /// `data-min-length`: overrides the adapter's `create.minLength`.
    pub min_length: Option<usize>,
    /// `data-max-length` was given: it wins over the adapter's `create.maxLength`.
    pub max_length_given: bool,
    /// `data-email` / `data-website`: override the adapter's `create.fields`.
    pub email: Option<FieldRule>,
    pub website: Option<FieldRule>,
    /// `data-replies`: replies shown under a top-level comment before "Xem N trả
    /// lời"; `None` ("all"): never collapsed.
    pub replies_shown: Option<usize>,
}

impl CommentsConfig {
    /// Milliseconds for the first page fetched before the adapter is known and for
    /// the adapter file.
    pub fn read_timeout_ms(&self) -> u32 {
        timeout_ms(self.timeout_s)
    }

    /// The composer's (minimum, maximum) length: the page's attributes, else the
    /// adapter's, else no minimum and 500.
    pub fn length_limits(&self, adapter: &Adapter) -> (usize, usize) {
        let (min, max) = adapter.length_limits();
        let max = match (self.max_length_given, max) {
            (false, Some(max)) => max,
            _ => self.max_length,
        };
        let min = self.min_length.or(min).unwrap_or(1).clamp(1, max);
        (min, max)
    }

    /// The composer's optional fields: the page's attributes, else the adapter's.
    pub fn fields(&self, adapter: &Adapter) -> Fields {
        let from = adapter.fields();
        Fields {
            email: self.email.unwrap_or(from.email),
            website: self.website.unwrap_or(from.website),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct Config {
    /// Selector of the element the widget renders into (script-tag embeds only).
    pub mount: Option<String>,
    pub article: ArticleSource,
    /// Selector of the element that receives the font-size controls (enhance mode).
    pub controls: Option<String>,
    /// `None`: take the page's `<html lang>`, falling back to Vietnamese.
    pub lang: Option<Lang>,
    pub theme: Theme,
    /// The comment section, when `data-api` and `data-thread` are given.
    pub comments: Option<CommentsConfig>,
    /// `data-timeout` in seconds, for the article JSON and the adapter file too.
    pub timeout_s: Option<u32>,
}

/// The read timeout when neither `data-timeout` nor an adapter sets one.
pub const DEFAULT_TIMEOUT_S: u32 = 15;

impl Config {
    /// Milliseconds for reads that are not the comment API's (article JSON, adapter).
    pub fn read_timeout_ms(&self) -> u32 {
        timeout_ms(self.timeout_s)
    }
}

/// `data-timeout` (seconds) as milliseconds, the default when it is not set.
fn timeout_ms(timeout_s: Option<u32>) -> u32 {
    timeout_s.unwrap_or(DEFAULT_TIMEOUT_S).saturating_mul(1000)
}

/// One problem with one attribute.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    /// As written in HTML: `data-article-url`.
    pub attribute: String,
    pub expected: String,
    /// What was given, if anything.
    pub got: Option<String>,
}

impl ConfigError {
    pub fn new(key: &str, expected: impl Into<String>, got: Option<&str>) -> Self {
        ConfigError {
            attribute: attribute_name(key),
            expected: expected.into(),
            got: got.map(|g| truncate_for_message(g, 80)),
        }
    }

    /// The console line for the site operator.
    pub fn operator_message(&self) -> String {
        match &self.got {
            Some(got) => format!(
                "ykien: {}: expected {}, got \"{}\"",
                self.attribute, self.expected, got
            ),
            None => format!("ykien: {}: expected {}", self.attribute, self.expected),
        }
    }
}

/// Everything `parse` found: the config if it is usable, the errors if not, and
/// the unknown attributes either way (as `dataset` keys; [`warnings`] words them).
#[derive(Debug, Default)]
pub struct Parsed {
    pub config: Option<Config>,
    pub errors: Vec<ConfigError>,
    pub unknown: Vec<String>,
}

/// The console warnings for unknown attributes, with a suggestion for a likely
/// typo. Only the operator notice's part of the module calls this.
pub fn warnings(unknown: &[String]) -> Vec<String> {
    unknown
        .iter()
        .map(|key| {
            let mut warning = format!(
                "ykien: unknown attribute {} is ignored",
                attribute_name(key)
            );
            if let Some(near) = closest_known(key) {
                warning.push_str(&format!("; did you mean {}?", attribute_name(near)));
            }
            warning
        })
        .collect()
}

/// Keys the widget understands, in `dataset` form.
pub const KNOWN_KEYS: &[&str] = &[
    "mount",
    "article",
    "articleUrl",
    "controls",
    "lang",
    "theme",
    "api",
    "thread",
    "adapter",
    "maxLength",
    "minLength",
    "email",
    "website",
    "depth",
    "load",
    "timeout",
    "scaleComments",
    "replies",
];

const MAX_SELECTOR: usize = 500;
const MAX_URL: usize = 2048;
const MAX_THREAD: usize = 200;
/// Inline adapters are small; this only stops a runaway attribute.
const MAX_ADAPTER: usize = 20_000;
pub const DEFAULT_DEPTH: usize = 2;
/// Replies shown under a top-level comment before the rest are collapsed.
pub const DEFAULT_REPLIES_SHOWN: usize = 3;
const MAX_REPLIES_SHOWN: usize = 100;
const MAX_DEPTH: usize = 6;
const MAX_LENGTH_LIMIT: usize = 100_000;
/// Ten minutes: a longer wait is no longer a timeout a reader would sit through.
const MAX_TIMEOUT_S: usize = 600;

/// Validates raw key/value pairs. Empty values count as absent, because CMSs often
/// emit `data-x=""` for fields an operator left blank.
pub fn parse(pairs: &[(String, String)]) -> Parsed {
    let mut out = Parsed::default();
    let mut config = Config::default();
    let get = |key: &str| -> Option<&str> {
        pairs
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    };

    for (key, _) in pairs {
        if !KNOWN_KEYS.contains(&key.as_str()) {
            out.unknown.push(key.clone());
        }
    }

    config.mount = selector(&mut out.errors, "mount", get("mount"));
    config.controls = selector(&mut out.errors, "controls", get("controls"));

    let article = selector(&mut out.errors, "article", get("article"));
    let article_url = url(&mut out.errors, "articleUrl", get("articleUrl"));
    config.article = match (article, article_url) {
        (Some(_), Some(_)) => {
            out.errors.push(ConfigError::new(
                "articleUrl",
                "only one of data-article (enhance the page's article) and data-article-url (fetch it as JSON)",
                get("articleUrl"),
            ));
            ArticleSource::None
        }
        (Some(selector), None) => ArticleSource::Enhance { selector },
        (None, Some(url)) => ArticleSource::Render { url },
        (None, None) => ArticleSource::None,
    };

    if let Some(raw) = get("lang") {
        match Lang::from_tag(raw) {
            Some(lang) => config.lang = Some(lang),
            None => out
                .errors
                .push(ConfigError::new("lang", "\"vi\" or \"en\"", Some(raw))),
        }
    }

    if let Some(raw) = get("theme") {
        config.theme = match raw.to_ascii_lowercase().as_str() {
            "auto" => Theme::Auto,
            "light" => Theme::Light,
            "dark" => Theme::Dark,
            _ => {
                out.errors.push(ConfigError::new(
                    "theme",
                    "\"auto\", \"light\" or \"dark\"",
                    Some(raw),
                ));
                Theme::Auto
            }
        };
    }

    let api = url(&mut out.errors, "api", get("api"));
    let mut thread = None;
    if let Some(raw) = get("thread") {
        if raw.chars().count() > MAX_THREAD || raw.chars().any(char::is_control) {
            out.errors.push(ConfigError::new(
                "thread",
                format!("a thread id of at most {MAX_THREAD} printable characters"),
                Some(raw),
            ));
        } else {
            thread = Some(raw.to_owned());
        }
    }
    match (&api, &thread) {
        (Some(_), None) if get("thread").is_none() => out.errors.push(ConfigError::new(
            "thread",
            "a thread id (the article's id in your comment system) when data-api is set",
            None,
        )),
        (None, Some(_)) if get("api").is_none() => out.errors.push(ConfigError::new(
            "api",
            "the comment API base URL when data-thread is set",
            None,
        )),
        _ => {}
    }
    let adapter = adapter_source(&mut out.errors, get("adapter"));
    let max_length = number(
        &mut out.errors,
        "maxLength",
        get("maxLength"),
        1..=MAX_LENGTH_LIMIT,
    )
    .unwrap_or(ykien_text::DEFAULT_BODY_LIMIT);
    let min_length = number(
        &mut out.errors,
        "minLength",
        get("minLength"),
        1..=MAX_LENGTH_LIMIT,
    );
    if let (Some(min), Some(_)) = (min_length, get("maxLength")) {
        if min > max_length {
            out.errors.push(ConfigError::new(
                "minLength",
                format!("a minimum no larger than data-max-length ({max_length})"),
                get("minLength"),
            ));
        }
    }
    let mut rule = |key: &str| {
        let raw = get(key)?;
        let found = field_rule(raw);
        if found.is_none() {
            out.errors.push(ConfigError::new(
                key,
                "\"off\", \"optional\" or \"required\"",
                Some(raw),
            ));
        }
        found
    };
    let email = rule("email");
    let website = rule("website");
    let depth =
        number(&mut out.errors, "depth", get("depth"), 1..=MAX_DEPTH).unwrap_or(DEFAULT_DEPTH);
    let load = match get("load").map(str::to_ascii_lowercase).as_deref() {
        None | Some("near") | Some("lazy") => LoadWhen::Near,
        Some("eager") => LoadWhen::Eager,
        Some(_) => {
            out.errors.push(ConfigError::new(
                "load",
                "\"lazy\" (when the comments come near the screen) or \"eager\"",
                get("load"),
            ));
            LoadWhen::Near
        }
    };
    config.timeout_s = number(
        &mut out.errors,
        "timeout",
        get("timeout"),
        1..=MAX_TIMEOUT_S,
    )
    .and_then(|n| u32::try_from(n).ok());
    let scale_text = match get("scaleComments").map(str::to_ascii_lowercase).as_deref() {
        None | Some("on") | Some("true") => true,
        Some("off") | Some("false") => false,
        Some(_) => {
            out.errors.push(ConfigError::new(
                "scaleComments",
                "\"on\" (A−/A+ also scale the comments) or \"off\"",
                get("scaleComments"),
            ));
            true
        }
    };
    let replies_shown = match get("replies") {
        None => Some(DEFAULT_REPLIES_SHOWN),
        Some(raw) if raw.eq_ignore_ascii_case("all") => None,
        Some(raw) => match raw.parse::<usize>() {
            Ok(n) if n <= MAX_REPLIES_SHOWN => Some(n),
            _ => {
                out.errors.push(ConfigError::new(
                    "replies",
                    format!("a whole number from 0 to {MAX_REPLIES_SHOWN}, or \"all\""),
                    Some(raw),
                ));
                Some(DEFAULT_REPLIES_SHOWN)
            }
        },
    };
    if let (Some(api), Some(thread)) = (api, thread) {
        config.comments = Some(CommentsConfig {
            api,
            thread,
            adapter,
            max_length,
            depth,
            load,
            timeout_s: config.timeout_s,
            scale_text,
            min_length,
            max_length_given: get("maxLength").is_some(),
            email,
            website,
            replies_shown,
        });
    }

    if out.errors.is_empty()
        && config.article == ArticleSource::None
        && config.comments.is_none()
        && get("api").is_none()
        && get("thread").is_none()
    {
        out.errors.push(ConfigError::new(
            "article",
            "something to show: data-article (a selector), data-article-url or data-api with data-thread",
            None,
        ));
    }

    if out.errors.is_empty() {
        out.config = Some(config);
    }
    out
}

fn selector(errors: &mut Vec<ConfigError>, key: &str, raw: Option<&str>) -> Option<String> {
    let raw = raw?;
    // Syntax is checked by the browser at mount time (querySelector throws); here only
    // what can be judged without a DOM.
    if raw.len() > MAX_SELECTOR || raw.chars().any(char::is_control) {
        errors.push(ConfigError::new(
            key,
            format!("a CSS selector of at most {MAX_SELECTOR} characters"),
            Some(raw),
        ));
        return None;
    }
    Some(raw.to_owned())
}

fn url(errors: &mut Vec<ConfigError>, key: &str, raw: Option<&str>) -> Option<String> {
    let raw = raw?;
    if raw.len() > MAX_URL || !url_is_http_or_relative(raw) {
        errors.push(ConfigError::new(
            key,
            "an http(s) URL or a path relative to the page",
            Some(raw),
        ));
        return None;
    }
    Some(raw.to_owned())
}

/// `data-adapter`: inline JSON (starts with `{`) or the URL of a JSON file.
fn adapter_source(errors: &mut Vec<ConfigError>, raw: Option<&str>) -> AdapterSource {
    let Some(raw) = raw else {
        return AdapterSource::Default;
    };
    if !raw.starts_with('{') {
        return match url(errors, "adapter", Some(raw)) {
            Some(u) => AdapterSource::Url(u),
            None => AdapterSource::Default,
        };
    }
    if raw.len() > MAX_ADAPTER {
        errors.push(ConfigError::new(
            "adapter",
            format!("an adapter of at most {MAX_ADAPTER} bytes (or a URL to one)"),
            None,
        ));
        return AdapterSource::Default;
    }
    match json::parse(raw) {
        Ok(_) => AdapterSource::Inline(raw.to_owned()),
        Err(e) => {
            errors.push(ConfigError::new("adapter", "valid JSON", Some(&e)));
            AdapterSource::Default
        }
    }
}

/// An adapter problem as a config error: `data-adapter: list.paging.type: expected …`.
pub fn adapter_error(key: &str, e: &AdapterError) -> ConfigError {
    let attribute = if e.field.is_empty() {
        attribute_name(key)
    } else {
        format!("{}: {}", attribute_name(key), e.field)
    };
    ConfigError {
        attribute,
        expected: e.expected.clone(),
        got: e.got.as_deref().map(|g| truncate_for_message(g, 80)),
    }
}

fn number(
    errors: &mut Vec<ConfigError>,
    key: &str,
    raw: Option<&str>,
    range: std::ops::RangeInclusive<usize>,
) -> Option<usize> {
    let raw = raw?;
    match raw.parse::<usize>() {
        Ok(n) if range.contains(&n) => Some(n),
        _ => {
            errors.push(ConfigError::new(
                key,
                format!("a whole number from {} to {}", range.start(), range.end()),
                Some(raw),
            ));
            None
        }
    }
}

/// `articleUrl` → `data-article-url`.
pub fn attribute_name(key: &str) -> String {
    let mut out = String::with_capacity(key.len() + 8);
    out.push_str("data-");
    for c in key.chars() {
        if c.is_ascii_uppercase() {
            out.push('-');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// A known key within two edits of `key`, to turn typos into a useful hint.
fn closest_known(key: &str) -> Option<&'static str> {
    let key = key.to_ascii_lowercase();
    KNOWN_KEYS
        .iter()
        .map(|k| (edit_distance(&key, &k.to_ascii_lowercase()), *k))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev.get(j).copied().unwrap_or(0) + usize::from(ca != *cb);
            let del = prev.get(j + 1).copied().unwrap_or(0) + 1;
            let ins = cur.get(j).copied().unwrap_or(0) + 1;
            cur.push(sub.min(del).min(ins));
        }
        prev = cur;
    }
    prev.last().copied().unwrap_or(0)
}

fn truncate_for_message(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(max).collect();
        t.push('…');
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn ok(list: &[(&str, &str)]) -> Config {
        let parsed = parse(&pairs(list));
        assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        parsed.config.expect("config")
    }

    fn errors(list: &[(&str, &str)]) -> Vec<ConfigError> {
        let parsed = parse(&pairs(list));
        assert!(parsed.config.is_none());
        parsed.errors
    }

    #[test]
    fn enhance_mode_with_controls_and_defaults() {
        let c = ok(&[("article", "#article-body"), ("controls", "#slot")]);
        assert_eq!(
            c.article,
            ArticleSource::Enhance {
                selector: "#article-body".into()
            }
        );
        assert_eq!(c.controls.as_deref(), Some("#slot"));
        assert_eq!(c.lang, None);
        assert_eq!(c.theme, Theme::Auto);
    }

    #[test]
    fn render_mode_accepts_relative_and_https_urls() {
        for u in [
            "/api/v1/articles/demo",
            "article.json",
            "https://cdn.example/a.json",
        ] {
            let c = ok(&[("articleUrl", u)]);
            assert_eq!(c.article, ArticleSource::Render { url: u.into() });
        }
    }

    #[test]
    fn script_urls_are_refused_and_named() {
        let e = errors(&[("articleUrl", "javascript:alert(1)")]);
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].attribute, "data-article-url");
        assert!(e[0].operator_message().contains("javascript:alert(1)"));
        let e = errors(&[("api", " data:text/html,x"), ("thread", "t")]);
        assert_eq!(e[0].attribute, "data-api");
    }

    #[test]
    fn both_article_sources_is_an_error() {
        let e = errors(&[("article", "#a"), ("articleUrl", "/a.json")]);
        assert_eq!(e[0].attribute, "data-article-url");
    }

    #[test]
    fn bad_enumerations_name_the_allowed_values() {
        let e = errors(&[("article", "#a"), ("lang", "fr"), ("theme", "sepia")]);
        let msgs: Vec<String> = e.iter().map(ConfigError::operator_message).collect();
        assert_eq!(
            msgs,
            vec![
                "ykien: data-lang: expected \"vi\" or \"en\", got \"fr\"",
                "ykien: data-theme: expected \"auto\", \"light\" or \"dark\", got \"sepia\"",
            ]
        );
    }

    #[test]
    fn language_and_theme_are_case_insensitive() {
        let c = ok(&[("article", "#a"), ("lang", "EN-us"), ("theme", "Dark")]);
        assert_eq!(c.lang, Some(Lang::En));
        assert_eq!(c.theme, Theme::Dark);
    }

    #[test]
    fn nothing_to_show_is_an_error() {
        let e = errors(&[]);
        assert_eq!(e[0].attribute, "data-article");
        let e = errors(&[("lang", "vi"), ("article", "  ")]);
        assert_eq!(e[0].attribute, "data-article");
    }

    #[test]
    fn api_and_thread_go_together() {
        let e = errors(&[("api", "/api/v1")]);
        assert_eq!(e[0].attribute, "data-thread");
        let e = errors(&[("thread", "demo")]);
        assert_eq!(e[0].attribute, "data-api");
        let c = ok(&[("api", "/api/v1"), ("thread", "demo")]);
        let comments = c.comments.expect("comments");
        assert_eq!(comments.thread, "demo");
        assert_eq!(comments.adapter, AdapterSource::Default);
        assert_eq!(comments.max_length, 500);
        assert_eq!(comments.depth, 2);
        assert_eq!(comments.load, LoadWhen::Near);
    }

    #[test]
    fn comment_options_are_validated() {
        fn with(extra: &[(&'static str, &'static str)]) -> Vec<(&'static str, &'static str)> {
            let mut all = vec![("api", "/api/v1"), ("thread", "demo")];
            all.extend_from_slice(extra);
            all
        }
        let c = ok(&with(&[
            ("maxLength", "1000"),
            ("depth", "3"),
            ("load", "eager"),
        ]));
        let comments = c.comments.expect("comments");
        assert_eq!((comments.max_length, comments.depth), (1000, 3));
        assert_eq!(comments.load, LoadWhen::Eager);
        let e = errors(&with(&[
            ("maxLength", "0"),
            ("depth", "x"),
            ("load", "soon"),
        ]));
        let attrs: Vec<&str> = e.iter().map(|e| e.attribute.as_str()).collect();
        assert_eq!(attrs, ["data-max-length", "data-depth", "data-load"]);
    }

    #[test]
    fn adapters_are_inline_json_or_a_url() {
        let base = [("api", "/api/v1"), ("thread", "demo")];
        let mut with_url = base.to_vec();
        with_url.push(("adapter", "/adapters/json-server.json"));
        let c = ok(&with_url);
        assert_eq!(
            c.comments.map(|c| c.adapter),
            Some(AdapterSource::Url("/adapters/json-server.json".into()))
        );
        let mut inline = base.to_vec();
        inline.push(("adapter", r#"{"list": {"items": ""}}"#));
        assert!(matches!(
            ok(&inline).comments.map(|c| c.adapter),
            Some(AdapterSource::Inline(_))
        ));
        let mut broken = base.to_vec();
        broken.push(("adapter", "{not json"));
        assert_eq!(errors(&broken)[0].attribute, "data-adapter");
        // Its shape is read when the section starts (comments::backend), with the
        // adapter code that loads with the section.
        let mut wrong = base.to_vec();
        wrong.push(("adapter", r#"{"list": {"paging": {"type": "pages"}}}"#));
        assert!(matches!(
            ok(&wrong).comments.map(|c| c.adapter),
            Some(AdapterSource::Inline(_))
        ));
    }

    #[test]
    fn length_limits_and_fields_come_from_the_page_then_the_adapter() {
        let base = [("api", "/api"), ("thread", "t")];
        let comments = |extra: &[(&'static str, &'static str)]| {
            let mut all = base.to_vec();
            all.extend_from_slice(extra);
            ok(&all).comments.expect("comments")
        };
        let isso = Adapter::parse(
            &json::parse(r#"{"create": {"minLength": 3, "maxLength": 65535, "fields": {"email": "optional"}}}"#)
                .expect("json"),
        )
        .expect("adapter");
        assert_eq!(comments(&[]).length_limits(&isso), (3, 65535));
        assert_eq!(comments(&[]).length_limits(&Adapter::default()), (1, 500));
        let c = comments(&[
            ("minLength", "5"),
            ("maxLength", "300"),
            ("email", "required"),
        ]);
        assert_eq!(c.length_limits(&isso), (5, 300));
        assert_eq!(c.fields(&isso).email, FieldRule::Required);
        assert_eq!(c.fields(&isso).website, FieldRule::Off);
        let mut bad = base.to_vec();
        bad.extend_from_slice(&[
            ("minLength", "600"),
            ("maxLength", "500"),
            ("website", "maybe"),
        ]);
        let attrs: Vec<String> = errors(&bad).into_iter().map(|e| e.attribute).collect();
        assert_eq!(attrs, ["data-min-length", "data-website"]);
    }

    #[test]
    fn control_characters_and_huge_values_are_refused() {
        let long = "#".repeat(600);
        let e = errors(&[("article", &long)]);
        assert!(e[0].got.as_deref().is_some_and(|g| g.chars().count() <= 81));
        let e = errors(&[("api", "/x"), ("thread", "a\u{0}b")]);
        assert_eq!(e[0].attribute, "data-thread");
    }

    #[test]
    fn unknown_attributes_warn_with_a_suggestion() {
        let parsed = parse(&pairs(&[("article", "#a"), ("artcle", "#b"), ("zzz", "1")]));
        assert!(parsed.config.is_some());
        assert_eq!(
            warnings(&parsed.unknown),
            vec![
                "ykien: unknown attribute data-artcle is ignored; did you mean data-article?",
                "ykien: unknown attribute data-zzz is ignored",
            ]
        );
    }

    #[test]
    fn attribute_names_are_kebab_case() {
        assert_eq!(attribute_name("articleUrl"), "data-article-url");
        assert_eq!(attribute_name("lang"), "data-lang");
    }
}
