//! Performs the requests an [`Adapter`] describes and hands the answers back to it.
//! Everything that can go wrong on the wire ends as a [`LoadError`] or a
//! [`Created::Failed`], never as an exception.

use web_sys::AbortSignal;

use crate::comments::adapter::{Adapter, Created, ListPage, NewComment, Page, Request, Timeouts};
use crate::config::{adapter_error, ConfigError};
use crate::platform::error::LoadError;
use crate::platform::http::{self, Answer};
use crate::platform::json;

/// The API a comment section talks to: adapter, base URL, thread.
#[derive(Debug, PartialEq)]
pub struct Backend {
    pub adapter: Adapter,
    pub api: String,
    pub thread: String,
    /// The adapter's, unless the page's `data-timeout` overrides them.
    pub timeouts: Timeouts,
}

/// An adapter from its JSON text (inline in `data-adapter`, or a file's content);
/// `Err` is the console line for the operator, naming the field
/// (`ykien: data-adapter: list.paging.type: expected …`).
pub fn adapter_from_text(text: &str) -> Result<Adapter, String> {
    let value = json::parse(text)
        .map_err(|e| ConfigError::new("adapter", "valid JSON", Some(&e)).operator_message())?;
    Adapter::parse(&value).map_err(|e| adapter_error("adapter", &e).operator_message())
}

/// A create request's outcome with the created comment's secret token, if any.
pub struct CreateAnswer {
    pub created: Created,
    pub token: Option<String>,
}

impl Backend {
    pub fn new(adapter: Adapter, api: String, thread: String, timeout_s: Option<u32>) -> Backend {
        let timeouts = match timeout_s {
            Some(s) => Timeouts {
                read_ms: s.saturating_mul(1000),
                write_ms: s.saturating_mul(2000),
            },
            None => adapter.timeouts(),
        };
        Backend {
            adapter,
            api,
            thread,
            timeouts,
        }
    }

    pub async fn list(
        &self,
        page: &Page,
        held_tokens: &[String],
        signal: Option<&AbortSignal>,
    ) -> Result<ListPage, LoadError> {
        let answer = self.fetch_page(page, held_tokens, signal).await?;
        self.read_page(&answer, page)
    }

    /// The answer to a list request, not yet read: the main part fetches the first
    /// page this way while the section's code is still loading.
    pub async fn fetch_page(
        &self,
        page: &Page,
        held_tokens: &[String],
        signal: Option<&AbortSignal>,
    ) -> Result<Answer, LoadError> {
        let request = self
            .adapter
            .list_request_with(&self.api, &self.thread, page, held_tokens);
        self.send(&request, self.timeouts.read_ms, signal).await
    }

    /// Reads an answer to a list request for `page`.
    pub fn read_page(&self, answer: &Answer, page: &Page) -> Result<ListPage, LoadError> {
        if !(200..300).contains(&answer.status) {
            return Err(LoadError::Status(answer.status));
        }
        let body = json::parse(&answer.text).map_err(LoadError::NotJson)?;
        let header = |name: &str| answer.header(name);
        self.adapter
            .read_list(&body, &header, page)
            .map_err(|e| LoadError::Shape(e.describe()))
    }

    /// The create request for a new comment, built once so that a resend after a
    /// timeout repeats exactly the same body with the same idempotency key.
    pub fn create_request(&self, new: &NewComment, key: &str) -> Request {
        self.adapter
            .create_request(&self.api, &self.thread, new, key, js_sys::Date::now())
    }

    /// Sends a new comment. `Err` only when no answer arrived (the caller offers a
    /// retry with the same key); every answer, good or bad, is a [`Created`].
    pub async fn create(&self, request: &Request) -> Result<CreateAnswer, LoadError> {
        let answer = self.send(request, self.timeouts.write_ms, None).await?;
        let body = json::parse(&answer.text).ok();
        let token = body.as_ref().and_then(|b| self.adapter.created_token(b));
        Ok(CreateAnswer {
            created: self.adapter.read_created(answer.status, body.as_ref()),
            token,
        })
    }

    /// What an error answer says, for the console (the reader gets a localized line).
    pub fn describe_failure(&self, status: u16, message: Option<&str>) -> String {
        match message {
            Some(m) => format!("ykien: the comment API answered HTTP {status}: {m}"),
            None => format!("ykien: the comment API answered HTTP {status}"),
        }
    }

    pub fn list_url(&self) -> String {
        self.adapter
            .list_request(&self.api, &self.thread, &Page::First)
            .url
    }

    async fn send(
        &self,
        request: &Request,
        timeout_ms: u32,
        signal: Option<&AbortSignal>,
    ) -> Result<Answer, LoadError> {
        let reads: Vec<&str> = self.adapter.headers_read().into_iter().collect();
        http::send(
            request,
            self.adapter.credentials(),
            timeout_ms,
            signal,
            &reads,
        )
        .await
    }
}
