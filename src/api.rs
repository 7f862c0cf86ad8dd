//! HTTP: fetch with an abort signal, status and content checks, and errors that
//! distinguish "could not reach" from "reached, but wrong".

use gloo_net::http::Request;
use web_sys::AbortSignal;

use crate::article::{parse_article, Article};
use crate::error::LoadError;

pub async fn get_text(url: &str, signal: Option<&AbortSignal>) -> Result<String, LoadError> {
    let response = Request::get(url)
        .header("Accept", "application/json")
        .abort_signal(signal)
        .send()
        .await
        .map_err(|e| LoadError::Network(e.to_string()))?;
    // fetch() resolves on 4xx/5xx; only the status says the request failed.
    if !response.ok() {
        return Err(LoadError::Status(response.status()));
    }
    response
        .text()
        .await
        .map_err(|e| LoadError::Network(e.to_string()))
}

pub async fn fetch_article(url: &str, signal: Option<&AbortSignal>) -> Result<Article, LoadError> {
    let text = get_text(url, signal).await?;
    parse_article(&text)
}
