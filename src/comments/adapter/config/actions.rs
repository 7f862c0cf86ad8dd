//! Reading the actions' part of an adapter config: `like`, `unlike`, `report`,
//! `edit`, `delete` and `sort` (`docs/adapter.md`, "Actions").

use super::super::actions::{Action, Actions, Reason, SortParams, SORTS};
use super::super::template::{self, Template};
use super::super::{FieldRule, Sort};
use super::{
    body_template_with, error, headers, join, object, ok_when, one_of, optional_path, query,
    statuses, string, text, unknown, url, url_template_with, wrong, Result, CREDENTIALS,
    FIELD_RULES,
};
use crate::platform::json::Json;

/// Longest report note the reference server takes, and the default.
const NOTE_MAX: usize = 300;

/// The reference server's actions (`server/README.md`).
pub(in super::super) fn reference() -> Actions {
    let comment = "{api}/threads/{thread}/comments/{id}";
    let device_body = || {
        Some(template::BodyTemplate::Object(vec![(
            "device".to_owned(),
            template::BodyTemplate::Text(text("{device}")),
        )]))
    };
    let bearer = || vec![("Authorization".to_owned(), text("Bearer {token}"))];
    let like = |method: &str| Action {
        body: device_body(),
        count: Some("likes".to_owned()),
        liked: Some("liked".to_owned()),
        ..Action::new(method, url(&format!("{comment}/likes")))
    };
    let reason = |code: &str, vi: &str, en: &str, note: FieldRule| Reason {
        code: code.to_owned(),
        label_vi: vi.to_owned(),
        label_en: en.to_owned(),
        note,
    };
    Actions {
        like: Some(like("POST")),
        unlike: Some(like("DELETE")),
        toggle: false,
        report: Some(Action {
            // Members in name order, as a parsed config keeps them.
            body: Some(template::BodyTemplate::Object(vec![
                (
                    "device".to_owned(),
                    template::BodyTemplate::Text(text("{device}")),
                ),
                (
                    "reason".to_owned(),
                    template::BodyTemplate::Text(text("{reason}")),
                ),
                (
                    "text".to_owned(),
                    template::BodyTemplate::Text(text("{note}")),
                ),
            ])),
            ..Action::new("POST", url(&format!("{comment}/reports")))
        }),
        reasons: vec![
            reason(
                "spam",
                "Spam, quảng cáo",
                "Spam or advertising",
                FieldRule::Optional,
            ),
            reason(
                "offensive",
                "Xúc phạm, thô tục",
                "Offensive or abusive",
                FieldRule::Optional,
            ),
            reason(
                "off_topic",
                "Không liên quan đến bài viết",
                "Off-topic",
                FieldRule::Optional,
            ),
            reason(
                "false_information",
                "Thông tin sai sự thật",
                "False information",
                FieldRule::Optional,
            ),
            reason("other", "Lý do khác", "Other", FieldRule::Required),
        ],
        note_max: NOTE_MAX,
        edit: Some(Action {
            headers: bearer(),
            body: Some(template::BodyTemplate::Object(vec![(
                "body".to_owned(),
                template::BodyTemplate::Text(text("{body}")),
            )])),
            item: Some("comment".to_owned()),
            ..Action::new("PATCH", url(comment))
        }),
        delete: Some(Action {
            headers: bearer(),
            item: Some("comment".to_owned()),
            ..Action::new("DELETE", url(comment))
        }),
        sorts: vec![
            (Sort::Newest, Vec::new()),
            (Sort::Oldest, vec![("sort".to_owned(), text("oldest"))]),
            (Sort::Top, vec![("sort".to_owned(), text("top"))]),
        ],
    }
}

const METHODS: &[(&str, &str)] = &[
    ("POST", "POST"),
    ("PUT", "PUT"),
    ("PATCH", "PATCH"),
    ("DELETE", "DELETE"),
    ("GET", "GET"),
];

/// One of the top-level keys `like`, `unlike`, `report`, `edit`, `delete`, `sort`.
pub(in super::super) fn parse<J: Json + Clone>(a: &mut Actions, key: &str, v: &J) -> Result<()> {
    match key {
        "sort" => a.sorts = sorts(v)?,
        "like" => a.like = action(a.like.take(), v, key, &mut a.toggle, None)?,
        "unlike" => a.unlike = action(a.unlike.take(), v, key, &mut false, None)?,
        "edit" => a.edit = action(a.edit.take(), v, key, &mut false, None)?,
        "delete" => a.delete = action(a.delete.take(), v, key, &mut false, None)?,
        "report" => {
            let mut reasons = None;
            let mut note_max = a.note_max;
            a.report = action(
                a.report.take(),
                v,
                key,
                &mut false,
                Some((&mut reasons, &mut note_max)),
            )?;
            if let Some(r) = reasons {
                a.reasons = r;
            }
            a.note_max = note_max;
            if a.report.is_some() && a.reasons.is_empty() {
                return Err(error(
                    "report.reasons",
                    "at least one reason the API accepts",
                    None,
                ));
            }
        }
        _ => return Err(unknown(key, &[])),
    }
    Ok(())
}

type ReportExtras<'a> = (&'a mut Option<Vec<Reason>>, &'a mut usize);

/// An action's request; `null` removes it. A new one starts as a POST (DELETE for
/// `delete`, PATCH for `edit`) and needs a `url`.
fn action<J: Json + Clone>(
    current: Option<Action>,
    v: &J,
    field: &str,
    toggle: &mut bool,
    mut report: Option<ReportExtras<'_>>,
) -> Result<Option<Action>> {
    if v.is_null() {
        return Ok(None);
    }
    let is_new = current.is_none();
    let method = match field {
        "delete" => "DELETE",
        "edit" => "PATCH",
        _ => "POST",
    };
    let mut a = current.unwrap_or_else(|| Action::new(method, Template::default()));
    let mut keys = vec![
        "method",
        "url",
        "headers",
        "body",
        "ok",
        "okWhen",
        "credentials",
    ];
    match field {
        "like" => keys.extend(["count", "liked", "toggle"]),
        "unlike" => keys.extend(["count", "liked"]),
        "edit" | "delete" => keys.push("item"),
        "report" => keys.extend(["reasons", "noteMaxLength"]),
        _ => {}
    }
    let mut has_url = false;
    for (key, value) in object(v, field)? {
        let f = join(field, &key);
        if !keys.contains(&key.as_str()) {
            return Err(unknown(&f, &keys));
        }
        match key.as_str() {
            "method" => {
                a.method = value
                    .string()
                    .map(|m| m.to_ascii_uppercase())
                    .and_then(|m| METHODS.iter().find(|(n, _)| *n == m).map(|(_, n)| *n))
                    .map(str::to_owned)
                    .ok_or_else(|| {
                        wrong(
                            &f,
                            "\"POST\", \"PUT\", \"PATCH\", \"DELETE\" or \"GET\"",
                            &value,
                        )
                    })?
            }
            "url" => {
                a.url = url_template_with(&value, &f, template::ACTION_URL)?;
                has_url = true;
            }
            "headers" => a.headers = headers(&value, &f, template::ACTION_HEADER)?,
            "body" => {
                a.body = if value.is_null() {
                    None
                } else {
                    Some(body_template_with(&value, &f, 0, template::ACTION_BODY)?)
                }
            }
            "ok" => a.ok = statuses(&value, &f)?,
            "okWhen" => a.ok_when = ok_when(&value, &f)?,
            "credentials" => a.credentials = Some(one_of(&value, &f, CREDENTIALS)?),
            "item" => a.item = optional_path(&value, &f)?,
            "count" => a.count = optional_path(&value, &f)?,
            "liked" => a.liked = optional_path(&value, &f)?,
            "toggle" => {
                *toggle = value
                    .boolean()
                    .ok_or_else(|| wrong(&f, "true or false", &value))?
            }
            "reasons" => {
                if let Some((reasons, _)) = report.as_mut() {
                    **reasons = Some(parse_reasons(&value, &f)?);
                }
            }
            "noteMaxLength" => {
                if let Some((_, max)) = report.as_mut() {
                    **max = super::integer(&value, &f, 1, 10_000)? as usize;
                }
            }
            _ => return Err(unknown(&f, &keys)),
        }
    }
    if is_new && !has_url {
        return Err(error(
            &join(field, "url"),
            "a URL template for the request (with {id} for the comment)",
            None,
        ));
    }
    // fetch() refuses a body on GET.
    if a.method == "GET" {
        a.body = None;
    }
    Ok(Some(a))
}

/// `[{"code": "spam", "label": "Spam" | {"vi": …, "en": …}, "note": "optional"}]`.
fn parse_reasons<J: Json>(v: &J, field: &str) -> Result<Vec<Reason>> {
    const EXPECTED: &str = "an array of {\"code\", \"label\", \"note\"} objects";
    let items = v.items().ok_or_else(|| wrong(field, EXPECTED, v))?;
    if items.len() > 20 {
        return Err(wrong(field, "at most 20 reasons", v));
    }
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let f = join(field, &i.to_string());
        let mut code = None;
        let (mut vi, mut en) = (None, None);
        let mut note = FieldRule::Optional;
        for (key, value) in object(item, &f)? {
            let g = join(&f, &key);
            match key.as_str() {
                "code" => code = Some(super::non_empty(&value, &g)?),
                "label" => {
                    if let Some(text) = value.string() {
                        vi = Some(text.clone());
                        en = Some(text);
                    } else {
                        for (lang, label) in object(&value, &g)? {
                            let h = join(&g, &lang);
                            match lang.as_str() {
                                "vi" => vi = Some(string(&label, &h)?),
                                "en" => en = Some(string(&label, &h)?),
                                _ => return Err(unknown(&h, &["vi", "en"])),
                            }
                        }
                    }
                }
                "note" => note = one_of(&value, &g, FIELD_RULES)?,
                _ => return Err(unknown(&g, &["code", "label", "note"])),
            }
        }
        let code = code.ok_or_else(|| error(&join(&f, "code"), "a reason code", None))?;
        let label_vi = vi.clone().or(en.clone()).unwrap_or_else(|| code.clone());
        let label_en = en.or(vi).unwrap_or_else(|| code.clone());
        out.push(Reason {
            code,
            label_vi,
            label_en,
            note,
        });
    }
    Ok(out)
}

/// `{"newest": {query}, "top": {query}, "oldest": null}`: the orders offered and
/// the query parameters asking for each; replaces the default map.
fn sorts<J: Json>(v: &J) -> Result<SortParams> {
    const FIELD: &str = "sort";
    let mut out = Vec::new();
    for (key, value) in object(v, FIELD)? {
        let f = join(FIELD, &key);
        let sort = SORTS
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, s)| *s)
            .ok_or_else(|| unknown(&f, &["newest", "oldest", "top"]))?;
        if value.is_null() {
            continue;
        }
        out.push((sort, query(&value, &f, template::QUERY)?));
    }
    Ok(out)
}
