//! Unit tests of the actions (like, report, edit, delete), the orders, and the
//! list parameters for links and collapsed replies: the requests an API receives
//! and what is read from its answers.

use super::*;
use crate::platform::json::{parse, Value};

fn json(text: &str) -> Value {
    parse(text).expect("test JSON")
}

fn adapter(config: &str) -> Adapter {
    Adapter::parse(&json(config)).expect("valid adapter")
}

fn config_error(config: &str) -> AdapterError {
    match Adapter::parse(&json(config)) {
        Ok(_) => panic!("accepted {config}"),
        Err(e) => e,
    }
}

fn id(text: &str, numeric: bool) -> Id {
    Id {
        text: text.to_owned(),
        numeric,
    }
}

fn input() -> ActionInput {
    ActionInput {
        device: "dev1234567890abcd".into(),
        token: "tok/en".into(),
        body: "Sửa lại".into(),
        reason: "other".into(),
        note: "Quảng cáo \"lừa\"".into(),
        key: "k1".into(),
    }
}

fn request(a: &Adapter, kind: ActionKind, comment: &Id) -> Option<Request> {
    a.action_request(
        kind,
        "/api/v1/",
        "bài 1",
        comment,
        &input(),
        1_705_573_800_000.0,
        &Context::default(),
    )
}

fn header<'a>(r: &'a Request, name: &str) -> Option<&'a str> {
    r.headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

#[test]
fn reference_requests() {
    let a = Adapter::default();
    let c = id("c 7", false);
    let like = request(&a, ActionKind::Like, &c).expect("like");
    assert_eq!(like.method, "POST");
    assert_eq!(
        like.url,
        "/api/v1/threads/b%C3%A0i%201/comments/c%207/likes"
    );
    assert_eq!(
        like.body.as_deref(),
        Some(r#"{"device":"dev1234567890abcd"}"#)
    );
    assert_eq!(header(&like, "content-type"), Some("application/json"));

    let unlike = request(&a, ActionKind::Unlike, &c).expect("unlike");
    assert_eq!((unlike.method.as_str(), unlike.url), ("DELETE", like.url));

    let report = request(&a, ActionKind::Report, &c).expect("report");
    assert_eq!(
        report.body.as_deref(),
        Some(r#"{"device":"dev1234567890abcd","reason":"other","text":"Quảng cáo \"lừa\""}"#)
    );

    let edit = request(&a, ActionKind::Edit, &c).expect("edit");
    assert_eq!(edit.method, "PATCH");
    assert_eq!(edit.url, "/api/v1/threads/b%C3%A0i%201/comments/c%207");
    assert_eq!(header(&edit, "authorization"), Some("Bearer tok/en"));
    assert_eq!(edit.body.as_deref(), Some(r#"{"body":"Sửa lại"}"#));

    let delete = request(&a, ActionKind::Delete, &c).expect("delete");
    assert_eq!(delete.method, "DELETE");
    assert_eq!(delete.body, None, "no body");
    assert_eq!(header(&delete, "content-type"), None);
    assert_eq!(header(&delete, "authorization"), Some("Bearer tok/en"));

    let f = a.features();
    assert!(f.like && f.unlike && f.report && f.edit && f.delete && f.around);
    assert_eq!(f.sorts, [Sort::Newest, Sort::Oldest, Sort::Top]);
    assert_eq!(a.report_reasons().len(), 5);
    assert_eq!(a.report_note_max(), 300);
}

#[test]
fn another_api_has_only_what_it_describes() {
    let a = adapter(r#"{"list": {"url": "{api}/comments"}}"#);
    assert_eq!(
        a.features(),
        Features {
            sorts: vec![Sort::Newest],
            ..Features::default()
        }
    );
    for kind in [
        ActionKind::Like,
        ActionKind::Unlike,
        ActionKind::Report,
        ActionKind::Edit,
        ActionKind::Delete,
    ] {
        assert_eq!(request(&a, kind, &id("1", true)), None, "{kind:?}");
    }
    assert!(!a.has_replies());
    // No `around` or `replies` parameter is sent to an API that did not ask.
    let context = Context {
        around: Some(id("9", true)),
        reply_limit: Some(2),
        sort: Some(Sort::Top),
        ..Context::default()
    };
    let first = a.list_request_in("/api", "t", &Page::First, &[], &context);
    assert_eq!(first.url, "/api/comments?limit=10");
    // The same page on the reference server asks for all three.
    let r = Adapter::default().list_request_in("/api", "t", &Page::First, &[], &context);
    assert_eq!(
        r.url,
        "/api/threads/t/comments?limit=10&sort=top&replies=2&around=9"
    );
    // `around` belongs to the first request only.
    let next =
        Adapter::default().list_request_in("/api", "t", &Page::Cursor("x".into()), &[], &context);
    assert_eq!(
        next.url,
        "/api/threads/t/comments?limit=10&sort=top&cursor=x&replies=2"
    );
}

#[test]
fn a_toggle_like_and_numeric_ids() {
    let a = adapter(
        r#"{"list": {"url": "/c"},
            "like": {"url": "/c/{id}/vote?d={device}", "body": {"id": "{id}", "up": true},
                     "toggle": true, "count": "data.votes", "liked": "data.mine"}}"#,
    );
    let f = a.features();
    assert!(f.like && f.unlike && !f.report);
    let n = id("42", true);
    let like = request(&a, ActionKind::Like, &n).expect("like");
    assert_eq!(like.url, "/c/42/vote?d=dev1234567890abcd");
    assert_eq!(like.body.as_deref(), Some(r#"{"id":42,"up":true}"#));
    assert_eq!(
        request(&a, ActionKind::Unlike, &n),
        Some(like),
        "a toggle sends the same request"
    );
    assert_eq!(
        a.read_done(
            ActionKind::Like,
            200,
            r#"{"data": {"votes": "12", "mine": false}}"#
        ),
        Done::Ok {
            comment: None,
            likes: Some(12),
            liked: Some(false)
        }
    );
    // One-way likes: no unlike, no toggle.
    let one_way = adapter(r#"{"list": {"url": "/c"}, "like": {"url": "/c/{id}/like"}}"#);
    let f = one_way.features();
    assert!(f.like && !f.unlike);
}

#[test]
fn answers_are_judged_and_read() {
    let a = Adapter::default();
    assert_eq!(
        a.read_done(ActionKind::Like, 200, r#"{"likes": 3, "liked": true}"#),
        Done::Ok {
            comment: None,
            likes: Some(3),
            liked: Some(true)
        }
    );
    // Hostile values are not read as counts.
    assert_eq!(
        a.read_done(ActionKind::Like, 200, r#"{"likes": -1, "liked": "yes"}"#),
        Done::Ok {
            comment: None,
            likes: None,
            liked: None
        }
    );
    assert_eq!(
        a.read_done(
            ActionKind::Edit,
            403,
            r#"{"error": {"code": "edit_window_closed", "message": "Đã hết thời gian sửa."}}"#
        ),
        Done::Failed {
            status: 403,
            message: Some("Đã hết thời gian sửa.".into())
        }
    );
    assert_eq!(
        a.read_done(
            ActionKind::Report,
            502,
            "<html><body><h1>Bad gateway</h1></body></html>"
        ),
        Done::Failed {
            status: 502,
            message: Some("Bad gateway".into())
        }
    );
    let edited = a.read_done(
        ActionKind::Edit,
        200,
        r#"{"comment": {"id": "c1", "parent_id": null, "author": "Lan", "body": "Mới",
            "created_at": "2024-01-18T10:30:00Z", "status": "published", "likes": 4,
            "reply_count": 0, "edited_at": "2024-01-18T10:35:00Z"}}"#,
    );
    let Done::Ok {
        comment: Some(c), ..
    } = edited
    else {
        panic!("{edited:?}")
    };
    assert_eq!(c.body, Body::Text("Mới".into()));
    assert_eq!(c.likes, Some(4));
    assert_eq!(c.edited_ms, Some(1_705_574_100_000.0));
    // Empty answers (204) are fine.
    assert!(matches!(
        a.read_done(ActionKind::Delete, 204, ""),
        Done::Ok { comment: None, .. }
    ));
    // okWhen: a 2xx that says no.
    let w = adapter(
        r#"{"list": {"url": "/c"}, "like": {"url": "/l/{id}", "okWhen": {"path": "errno", "equals": 0}}}"#,
    );
    assert!(matches!(
        w.read_done(ActionKind::Like, 200, r#"{"errno": 1, "errmsg": "x"}"#),
        Done::Failed { status: 200, .. }
    ));
    assert!(matches!(
        w.read_done(ActionKind::Like, 200, r#"{"errno": 0}"#),
        Done::Ok { .. }
    ));
}

#[test]
fn edit_grants() {
    let a = Adapter::default();
    let now = 1_705_573_800_000.0;
    assert_eq!(
        a.edit_grant(
            &json(r#"{"edit_token": "s3cret", "editable_until": "2024-01-18T10:45:00Z"}"#),
            now
        ),
        Some(("s3cret".to_owned(), 1_705_574_700_000.0))
    );
    // No end time: the window from the config (15 minutes by default).
    assert_eq!(
        a.edit_grant(&json(r#"{"edit_token": "s3cret"}"#), now),
        Some(("s3cret".to_owned(), now + 900_000.0))
    );
    assert_eq!(a.edit_grant(&json(r#"{"edit_token": ""}"#), now), None);
    assert_eq!(a.edit_grant(&json(r#"{"edit_token": "a\nb"}"#), now), None);
    assert_eq!(a.edit_grant(&json(r#"{}"#), now), None);
    let short = adapter(r#"{"create": {"editableUntil": null, "editWindow": 60}}"#);
    assert_eq!(
        short.edit_grant(&json(r#"{"edit_token": "t", "editable_until": "x"}"#), now),
        Some(("t".to_owned(), now + 60_000.0))
    );
    // An API that knows its author by its own cookie (Isso): the grant is the window.
    let isso = adapter(
        r#"{"list": {"url": "{api}/"}, "create": {"editToken": null, "editCookie": true, "editWindow": 900},
            "edit": {"method": "PUT", "url": "{api}/id/{id}", "body": {"text": "{body}"}},
            "delete": {"url": "{api}/id/{id}"}}"#,
    );
    assert_eq!(
        isso.edit_grant(&json(r#"{"id": 7}"#), now),
        Some((String::new(), now + 900_000.0))
    );
    assert!(isso.features().edit && isso.features().delete);
    // Without either, editing is not offered however the actions are written.
    let neither = adapter(
        r#"{"list": {"url": "{api}/"}, "edit": {"url": "{api}/id/{id}"}, "delete": {"url": "{api}/id/{id}"}}"#,
    );
    assert_eq!(neither.edit_grant(&json(r#"{"id": 7}"#), now), None);
    assert!(!neither.features().edit && !neither.features().delete);
}

#[test]
fn orders_map_to_parameters() {
    let a = adapter(
        r#"{"order": "oldest", "list": {"url": "/c", "query": {"_sort": "createdAt", "_order": "asc"}},
            "sort": {"oldest": {"_order": "asc"}, "newest": {"_order": "desc"},
                     "top": {"_sort": "likes", "_order": "desc"}}}"#,
    );
    assert_eq!(a.features().sorts, [Sort::Oldest, Sort::Newest, Sort::Top]);
    let url = |sort| {
        a.list_request_in(
            "",
            "t",
            &Page::First,
            &[],
            &Context {
                sort,
                ..Context::default()
            },
        )
        .url
    };
    // Parameters in name order, as a parsed config keeps them.
    assert_eq!(url(None), "/c?_order=asc&_sort=createdAt");
    assert_eq!(url(Some(Sort::Oldest)), "/c?_order=asc&_sort=createdAt");
    assert_eq!(url(Some(Sort::Newest)), "/c?_sort=createdAt&_order=desc");
    assert_eq!(url(Some(Sort::Top)), "/c?_order=desc&_sort=likes");
    // An order the adapter does not offer asks for the default.
    let plain = adapter(r#"{"list": {"url": "/c"}, "sort": {"top": null}}"#);
    assert_eq!(plain.features().sorts, [Sort::Newest]);
    assert_eq!(
        plain
            .list_request_in(
                "",
                "t",
                &Page::First,
                &[],
                &Context {
                    sort: Some(Sort::Top),
                    ..Context::default()
                }
            )
            .url,
        "/c?limit=10"
    );
    assert_eq!(Sort::from_key("top"), Some(Sort::Top));
    assert_eq!(Sort::from_key("Top"), None);
    assert_eq!(Sort::Top.key(), "top");
}

#[test]
fn reasons_and_config_errors() {
    let a = adapter(
        r#"{"list": {"url": "/c"},
            "report": {"url": "/r/{id}", "body": {"why": "{reason}", "what": "{note}"},
                       "noteMaxLength": 120,
                       "reasons": [{"code": "spam", "label": "Spam"},
                                   {"code": "x", "label": {"en": "Other"}, "note": "required"}]}}"#,
    );
    assert!(a.features().report);
    assert_eq!(a.report_note_max(), 120);
    let reasons = a.report_reasons();
    assert_eq!(
        (reasons[0].label_vi.as_str(), reasons[0].label_en.as_str()),
        ("Spam", "Spam")
    );
    assert_eq!(reasons[1].label_vi, "Other", "one language serves both");
    assert_eq!(reasons[1].note, FieldRule::Required);

    for (config, field) in [
        (
            r#"{"list": {"url": "/c"}, "like": {"method": "POST"}}"#,
            "like.url",
        ),
        (
            r#"{"list": {"url": "/c"}, "report": {"url": "/r"}}"#,
            "report.reasons",
        ),
        (
            r#"{"report": {"reasons": [{"label": "x"}]}}"#,
            "report.reasons.0.code",
        ),
        (r#"{"like": {"reasons": []}}"#, "like.reasons"),
        (r#"{"like": {"url": "{api}/{body}"}}"#, "like.url"),
        (r#"{"edit": {"body": {"x": "{author}"}}}"#, "edit.body.x"),
        (r#"{"delete": {"method": "PURGE"}}"#, "delete.method"),
        (r#"{"sort": {"best": {}}}"#, "sort.best"),
        (r#"{"sort": {"top": {"s": "{device}"}}}"#, "sort.top.s"),
        (r#"{"like": {"toggle": "yes"}}"#, "like.toggle"),
        (r#"{"list": {"around": ""}}"#, "list.around"),
        (r#"{"create": {"editWindow": 0}}"#, "create.editWindow"),
        (r#"{"count": []}"#, "count"),
    ] {
        assert_eq!(config_error(config).field, field, "{config}");
    }
    // `null` takes a reference action away.
    let no_likes = adapter(r#"{"like": null, "unlike": null, "sort": {"top": null}}"#);
    let f = no_likes.features();
    assert!(!f.like && !f.unlike && f.report);
    assert_eq!(f.sorts, [Sort::Newest]);
}

#[test]
fn likes_and_edits_are_read_from_listed_comments() {
    let a = Adapter::default();
    let page = a
        .read_list(
            &json(
                r#"{"comments": [
                {"id": "a", "parent_id": null, "author": "Lan", "body": "x", "created_at": "2024-01-18T10:30:00Z",
                 "status": "published", "likes": 7, "reply_count": 2, "edited_at": null},
                {"id": "b", "parent_id": null, "author": "Lan", "body": "x", "created_at": "2024-01-18T10:30:00Z",
                 "status": "published", "likes": "many", "edited_at": 5}
            ], "next_cursor": null, "total": 2}"#,
            ),
            &|_| None,
            &Page::First,
        )
        .expect("page");
    assert_eq!(page.comments[0].likes, Some(7));
    assert_eq!(page.comments[0].edited_ms, None);
    assert_eq!(page.comments[1].likes, None);
    assert_eq!(page.problems.len(), 2, "{:?}", page.problems);
}
