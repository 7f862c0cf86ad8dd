//! `cargo xtask adapter-check --api URL --thread ID [ADAPTER]`: the first step of
//! writing an adapter (docs/adapter.md). It checks the adapter against
//! adapters/schema.json, reads it with the widget's own parser, then fetches the
//! thread natively with the same adapter code the widget runs and prints what the
//! widget would read: comment by comment, every warning, and the paging followed.
//! It exits non-zero on an adapter error (a config the widget refuses, an answer it
//! cannot read, a failed request).

use std::path::Path;

use ykien::comments::adapter::{text, Adapter, Body, Comment, Context, Id, Page, Reading, Status};
use ykien::platform::json;
use ykien::platform::time::format_rfc3339;

const USAGE: &str = "\
usage: cargo xtask adapter-check --api URL --thread ID [ADAPTER] [--replies PARENT] [--max-pages N]

  --api URL         the comment API's base (data-api), absolute: http://127.0.0.1:8080/api/v1
  --thread ID       the thread (data-thread)
  ADAPTER           an adapter file, or inline JSON starting with '{'; default: the
                    reference server's API
  --replies PARENT  also read the per-parent reply pages of comment PARENT (adapter \"replies\")
  --max-pages N     stop after N pages (default 50)
";

struct Args {
    api: String,
    thread: String,
    adapter: Option<String>,
    replies: Option<String>,
    max_pages: usize,
}

fn args(raw: &[String]) -> Result<Args, String> {
    let mut out = Args {
        api: String::new(),
        thread: String::new(),
        adapter: None,
        replies: None,
        max_pages: 50,
    };
    let mut it = raw.iter();
    while let Some(arg) = it.next() {
        let mut value = |name: &str| {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{name} needs a value\n\n{USAGE}"))
        };
        match arg.as_str() {
            "--api" => out.api = value("--api")?,
            "--thread" => out.thread = value("--thread")?,
            "--replies" => out.replies = Some(value("--replies")?),
            "--max-pages" => {
                out.max_pages = value("--max-pages")?
                    .parse()
                    .map_err(|_| format!("--max-pages: a number\n\n{USAGE}"))?
            }
            "-h" | "--help" => return Err(USAGE.to_owned()),
            other if other.starts_with("--") => {
                return Err(format!("unknown flag {other}\n\n{USAGE}"))
            }
            other if out.adapter.is_none() => out.adapter = Some(other.to_owned()),
            other => return Err(format!("unexpected argument {other}\n\n{USAGE}")),
        }
    }
    if out.api.is_empty() || out.thread.is_empty() {
        return Err(format!("--api and --thread are required\n\n{USAGE}"));
    }
    if !(out.api.starts_with("http://") || out.api.starts_with("https://")) {
        return Err(format!(
            "--api must be an absolute http(s) URL, got {}",
            out.api
        ));
    }
    Ok(out)
}

/// The schema's complaints about an adapter, one line each (empty: valid).
pub fn schema_errors(root: &Path, adapter: &serde_json::Value) -> Result<Vec<String>, String> {
    let path = root.join("adapters/schema.json");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let schema: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let validator = jsonschema::draft7::new(&schema)
        .map_err(|e| format!("{}: not a valid schema: {e}", path.display()))?;
    Ok(validator
        .iter_errors(adapter)
        .map(|e| {
            let at = e.instance_path().to_string();
            format!("{}: {e}", if at.is_empty() { "(root)" } else { &at })
        })
        .collect())
}

pub fn run(root: &Path, raw: &[String]) -> Result<(), String> {
    let args = args(raw)?;
    let (adapter, source) = load(root, args.adapter.as_deref())?;
    println!("adapter: {source}");
    let mut reading = Reading::new();
    let mut page = Page::First;
    let mut failures = 0;
    let mut shown = 0;
    for n in 1..=args.max_pages {
        let request =
            adapter.list_request_in(&args.api, &args.thread, &page, &[], &Context::default());
        println!("\npage {n}: GET {}", request.url);
        let answer = send(&request)?;
        if !(200..300).contains(&answer.status) {
            let why = adapter
                .error_text(&answer.text, answer.header("content-type").as_deref())
                .unwrap_or_default();
            return Err(format!(
                "HTTP {} from the list request {why}",
                answer.status
            ));
        }
        let body = json::parse(&answer.text).map_err(|e| format!("the answer is not JSON: {e}"))?;
        let header = |name: &str| answer.header(name);
        let (listed, extras) = adapter
            .read_list_at(&body, &header, &page, &request.url)
            .map_err(|e| format!("the answer does not match the adapter: {}", e.describe()))?;
        for c in &listed.comments {
            println!(
                "  {}",
                line(
                    c,
                    extras
                        .reply_counts
                        .iter()
                        .find(|(id, _)| *id == c.id)
                        .map(|(_, n)| *n)
                )
            );
        }
        shown += listed.comments.len();
        for p in &listed.problems {
            failures += 1;
            println!(
                "  warning: comment skipped or partly read, {}",
                p.describe()
            );
        }
        println!(
            "  {} comments; total {}; next {}",
            listed.comments.len(),
            listed.total.map_or("unknown".to_owned(), |t| t.to_string()),
            describe_page(listed.next.as_ref())
        );
        if let Some(w) = reading.add(&listed, &extras, 0) {
            println!("  warning: {}", w.trim_start_matches("ykien: "));
        }
        match listed.next {
            Some(next) => page = next,
            None => break,
        }
        if n == args.max_pages {
            println!("  (stopped after --max-pages {n})");
        }
    }
    if let Some(parent) = &args.replies {
        let parent = Id {
            text: parent.clone(),
            numeric: parent.bytes().all(|b| b.is_ascii_digit()),
        };
        read_replies(&adapter, &args, &parent)?;
    }
    println!("\n{shown} comments read; {failures} problem(s)");
    Ok(())
}

fn read_replies(adapter: &Adapter, args: &Args, parent: &Id) -> Result<(), String> {
    let mut page = Page::First;
    for n in 1..=args.max_pages {
        let Some(request) =
            adapter.replies_request(&args.api, &args.thread, parent, &page, &Context::default())
        else {
            return Err("--replies: the adapter has no \"replies\" request".into());
        };
        println!("\nreplies of {} page {n}: GET {}", parent.text, request.url);
        let answer = send(&request)?;
        if !(200..300).contains(&answer.status) {
            return Err(format!("HTTP {} from the replies request", answer.status));
        }
        let body = json::parse(&answer.text).map_err(|e| format!("the answer is not JSON: {e}"))?;
        let header = |name: &str| answer.header(name);
        let (listed, _) = adapter
            .read_replies(&body, &header, parent, &page, &request.url)
            .map_err(|e| format!("the answer does not match the adapter: {}", e.describe()))?;
        for c in &listed.comments {
            println!("  {}", line(c, None));
        }
        for p in &listed.problems {
            println!("  warning: {}", p.describe());
        }
        println!(
            "  {} replies; next {}",
            listed.comments.len(),
            describe_page(listed.next.as_ref())
        );
        match listed.next {
            Some(next) => page = next,
            None => break,
        }
    }
    Ok(())
}

/// The adapter from a file, inline JSON or the default, checked by the schema and
/// by the widget's parser. A schema complaint alone is printed; the parser's is an
/// error.
fn load(root: &Path, given: Option<&str>) -> Result<(Adapter, String), String> {
    let Some(given) = given else {
        return Ok((
            Adapter::default(),
            "the reference server's (default)".into(),
        ));
    };
    let (text, source) = if given.trim_start().starts_with('{') {
        (given.to_owned(), "inline JSON".to_owned())
    } else {
        let text = std::fs::read_to_string(given).map_err(|e| format!("{given}: {e}"))?;
        (text, given.to_owned())
    };
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("{source}: not JSON: {e}"))?;
    for e in schema_errors(root, &value)? {
        println!("schema: {e}");
    }
    let parsed = json::parse(&text).map_err(|e| format!("{source}: not JSON: {e}"))?;
    let adapter = Adapter::parse(&parsed).map_err(|e| {
        format!(
            "{source}: the widget refuses this adapter: {}",
            e.describe()
        )
    })?;
    Ok((adapter, source))
}

struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    text: String,
}

impl Answer {
    fn header(&self, name: &str) -> Option<String> {
        let values: Vec<&str> = self
            .headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect();
        (!values.is_empty()).then(|| values.join(", "))
    }
}

fn send(request: &ykien::comments::adapter::Request) -> Result<Answer, String> {
    let mut call = ureq::request(&request.method, &request.url)
        .timeout(std::time::Duration::from_secs(30))
        .set("Accept", "application/json");
    for (name, value) in &request.headers {
        call = call.set(name, value);
    }
    let response = match call.call() {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => return Err(format!("{} {}: {e}", request.method, request.url)),
    };
    let status = response.status();
    let headers = response
        .headers_names()
        .into_iter()
        .flat_map(|n| {
            response
                .all(&n)
                .into_iter()
                .map(|v| (n.clone(), v.to_owned()))
                .collect::<Vec<_>>()
        })
        .collect();
    let text = response
        .into_string()
        .map_err(|e| format!("reading the answer of {}: {e}", request.url))?;
    Ok(Answer {
        status,
        headers,
        text,
    })
}

fn describe_page(page: Option<&Page>) -> String {
    match page {
        None => "none (last page)".into(),
        Some(Page::First) => "the first page".into(),
        Some(Page::Cursor(c)) => format!("cursor/key {c}"),
        Some(Page::Number(n)) => format!("page {n}"),
        Some(Page::Offset(n)) => format!("offset {n}"),
        Some(Page::Url(u)) => format!("URL {u}"),
    }
}

/// `#12 ↳ #3  Lê & <Hà>  2024-01-18T10:30:00.000Z  published  "Bài viết hay …"`.
fn line(c: &Comment, replies: Option<u64>) -> String {
    let parent = c
        .parent
        .as_ref()
        .map_or(String::new(), |p| format!(" ↳ #{}", p.text));
    let author = c
        .author
        .as_deref()
        .filter(|a| !a.trim().is_empty())
        .unwrap_or("(guest)");
    let time = c
        .created_ms
        .map_or("(no time)".to_owned(), |ms| format_rfc3339(ms as i64));
    let status = match c.status {
        Status::Published => "published",
        Status::Pending => "pending",
        Status::Rejected => "rejected",
        Status::Deleted => "deleted",
    };
    let body = match &c.body {
        Body::Text(t) => text::collapse(t),
        Body::Html(h) => text::html_text(h),
    };
    let mut words: String = body.chars().take(60).collect();
    if words.len() < body.len() {
        words.push('…');
    }
    let replies = replies.map_or(String::new(), |n| format!("  ({n} replies)"));
    format!(
        "#{}{parent}  {author}  {time}  {status}  \"{words}\"{replies}",
        c.id.text
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root() -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default()
    }

    /// Every shipped adapter names the schema, passes it, and is one the widget
    /// takes; and the schema refuses what the widget refuses.
    #[test]
    fn shipped_adapters_pass_the_schema_and_wrong_ones_do_not() {
        let dir = root().join("adapters");
        let mut checked = 0;
        for entry in std::fs::read_dir(&dir).expect("adapters/").flatten() {
            let path = entry.path();
            if path.extension().is_none_or(|e| e != "json") || path.ends_with("schema.json") {
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("readable");
            let value: serde_json::Value = serde_json::from_str(&text).expect("JSON");
            assert_eq!(
                value.get("$schema").and_then(|s| s.as_str()),
                Some("./schema.json"),
                "{} names the schema",
                path.display()
            );
            assert_eq!(
                schema_errors(&root(), &value),
                Ok(Vec::new()),
                "{}",
                path.display()
            );
            assert!(Adapter::parse(&json::parse(&text).expect("json")).is_ok());
            checked += 1;
        }
        assert!(checked >= 4, "isso, waline, json-server, nested-offset");
        // The documented defaults are a valid adapter too.
        let doc = std::fs::read_to_string(root().join("docs/adapter.md")).expect("docs");
        let block = doc
            .split("## The full adapter")
            .nth(1)
            .and_then(|s| s.split("```json\n").nth(1))
            .and_then(|s| s.split("```").next())
            .expect("the defaults block");
        let defaults: serde_json::Value = serde_json::from_str(block).expect("JSON");
        assert_eq!(schema_errors(&root(), &defaults), Ok(Vec::new()));
        for wrong in [
            r#"{"list": {"paging": {"type": "pages"}}}"#,
            r#"{"colour": "red"}"#,
            r#"{"bodyFormat": "markdown"}"#,
            r#"{"create": {"created": []}}"#,
            r#"{"create": {"noParent": {"omit": false}}}"#,
            r#"{"list": {"paging": {"type": "keyset", "next": "x"}}}"#,
            r#"{"comment": {"id": null}}"#,
            r#"{"timeouts": {"read": 0}}"#,
            r#"{"create": {"fields": {"email": "yes"}}}"#,
            r#"{"list": {"url": "javascript:alert(1)"}}"#,
            r#"{"create": {"method": "DELETE"}}"#,
        ] {
            let value: serde_json::Value = serde_json::from_str(wrong).expect("JSON");
            let errors = schema_errors(&root(), &value).expect("schema");
            assert!(!errors.is_empty(), "the schema takes {wrong}");
            assert!(
                Adapter::parse(&json::parse(wrong).expect("json")).is_err(),
                "the widget takes {wrong}"
            );
        }
    }

    #[test]
    fn arguments() {
        let raw = |s: &[&str]| s.iter().map(|a| (*a).to_owned()).collect::<Vec<_>>();
        let a = args(&raw(&[
            "--api",
            "http://x/api",
            "--thread",
            "t",
            "adapters/isso.json",
        ]))
        .expect("args");
        assert_eq!(
            (a.api.as_str(), a.adapter.as_deref()),
            ("http://x/api", Some("adapters/isso.json"))
        );
        assert!(
            args(&raw(&["--api", "/api", "--thread", "t"])).is_err(),
            "relative"
        );
        assert!(args(&raw(&["--thread", "t"])).is_err());
        assert!(args(&raw(&["--api", "http://x", "--thread", "t", "a", "b"])).is_err());
    }
}
