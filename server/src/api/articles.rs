//! `GET /api/v1/articles/{id}`: the article for the widget's render mode.

use axum::extract::{Path, State};
use axum::Json;
use serde::Serialize;

use super::{rfc3339_ms, valid_id};
use crate::app::AppState;
use crate::error::ApiError;

#[derive(Debug, Serialize)]
pub struct ArticleView {
    pub id: String,
    pub title: String,
    pub published_at: String,
    pub author: String,
    /// Trusted HTML written by the newsroom (not user input).
    pub body_html: String,
    pub thread: String,
}

pub async fn get_article(
    State(st): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<ArticleView>, ApiError> {
    if !valid_id(&id) {
        return Err(ApiError::not_found());
    }
    let a = st
        .store
        .article(&id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(Json(ArticleView {
        id: a.id,
        title: a.title,
        published_at: rfc3339_ms(a.published_at),
        author: a.author,
        body_html: a.body_html,
        thread: a.thread,
    }))
}
