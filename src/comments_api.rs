//! Performs the requests an [`Adapter`] describes and hands the answers back to it.
//! Everything that can go wrong on the wire ends as a [`LoadError`] or a
//! [`Created::Failed`], never as an exception.

use gloo_net::http::{Headers, Method, RequestBuilder};
use web_sys::{AbortSignal, RequestCredentials};

use crate::adapter::{Adapter, Created, Credentials, ListPage, NewComment, Page, Request};
use crate::error::LoadError;
use crate::json;

/// The API a comment section talks to: adapter, base URL, thread.
#[derive(Debug, PartialEq)]
pub struct Backend {
    pub adapter: Adapter,
    pub api: String,
    pub thread: String,
}

/// A response read to the end.
struct Answer {
    status: u16,
    headers: Headers,
    text: String,
}

impl Backend {
    pub async fn list(
        &self,
        page: &Page,
        signal: Option<&AbortSignal>,
    ) -> Result<ListPage, LoadError> {
        let request = self.adapter.list_request(&self.api, &self.thread, page);
        let answer = self.send(&request, signal).await?;
        if !(200..300).contains(&answer.status) {
            return Err(LoadError::Status(answer.status));
        }
        let body = json::parse(&answer.text).map_err(LoadError::NotJson)?;
        let header = |name: &str| answer.headers.get(name);
        self.adapter
            .read_list(&body, &header, page)
            .map_err(|e| LoadError::Shape(e.describe()))
    }

    /// Sends a new comment. `Err` only when no answer arrived (the caller offers a
    /// retry with the same key); every answer, good or bad, is a [`Created`].
    pub async fn create(&self, new: &NewComment, key: &str) -> Result<Created, LoadError> {
        let request =
            self.adapter
                .create_request(&self.api, &self.thread, new, key, js_sys::Date::now());
        let answer = self.send(&request, None).await?;
        let body = json::parse(&answer.text).ok();
        Ok(self.adapter.read_created(answer.status, body.as_ref()))
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
        signal: Option<&AbortSignal>,
    ) -> Result<Answer, LoadError> {
        let method = Method::from_bytes(request.method.as_bytes()).unwrap_or(Method::GET);
        // Built by hand: gloo's header setter throws on a value the browser refuses,
        // and one bad configured header must not take the widget down.
        let raw = web_sys::Headers::new().map_err(|_| LoadError::Network("Headers".into()))?;
        let _ = raw.set("Accept", "application/json");
        if request.body.is_some() {
            let _ = raw.set("Content-Type", "application/json");
        }
        for (name, value) in &request.headers {
            if raw.set(name, value).is_err() {
                crate::dom::console_warn(&format!(
                    "ykien: adapter header {name} was refused by the browser"
                ));
            }
        }
        let builder = RequestBuilder::new(&request.url)
            .method(method)
            .headers(Headers::from_raw(raw))
            .credentials(match self.adapter.credentials() {
                Credentials::Omit => RequestCredentials::Omit,
                Credentials::SameOrigin => RequestCredentials::SameOrigin,
                Credentials::Include => RequestCredentials::Include,
            })
            .abort_signal(signal);
        let built = match &request.body {
            Some(body) => builder.body(body.as_str()),
            None => builder.build(),
        }
        .map_err(|e| LoadError::Network(e.to_string()))?;
        let response = built
            .send()
            .await
            .map_err(|e| LoadError::Network(e.to_string()))?;
        let status = response.status();
        let headers = response.headers();
        // A body cut off mid-stream is a network failure, not an empty answer.
        let text = response
            .text()
            .await
            .map_err(|e| LoadError::Network(e.to_string()))?;
        Ok(Answer {
            status,
            headers,
            text,
        })
    }
}
