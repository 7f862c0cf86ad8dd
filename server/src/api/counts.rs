//! `GET /api/v1/counts?threads=a,b` and `POST /api/v1/counts {"threads":[...]}`:
//! published comment counts for article lists ("12 bình luận").

use std::collections::{BTreeSet, HashMap};

use axum::extract::{Query, State};
use axum::Json;
use serde::{Deserialize, Serialize};

use super::{valid_id, ApiJson};
use crate::app::AppState;
use crate::error::ApiError;

pub const MAX_THREADS: usize = 100;

#[derive(Debug, Serialize)]
pub struct CountsResponse {
    pub counts: HashMap<String, i64>,
}

#[derive(Debug, Deserialize)]
pub struct CountsQuery {
    threads: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct CountsBody {
    threads: Vec<String>,
}

async fn counts(st: &AppState, threads: Vec<String>) -> Result<Json<CountsResponse>, ApiError> {
    // Duplicates are harmless; they would only waste placeholders.
    let unique: BTreeSet<String> = threads.into_iter().collect();
    if unique.len() > MAX_THREADS {
        return Err(ApiError::bad_request(
            "too_many_threads",
            format!("At most {MAX_THREADS} threads per request"),
        ));
    }
    if let Some(bad) = unique.iter().find(|t| !valid_id(t)) {
        return Err(ApiError::bad_request(
            "invalid_thread",
            format!("Invalid thread id {bad:?}"),
        ));
    }
    let list: Vec<String> = unique.into_iter().collect();
    Ok(Json(CountsResponse {
        counts: st.store.counts(&list).await?,
    }))
}

pub async fn get_counts(
    State(st): State<AppState>,
    Query(q): Query<CountsQuery>,
) -> Result<Json<CountsResponse>, ApiError> {
    let threads = q
        .threads
        .as_deref()
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect();
    counts(&st, threads).await
}

pub async fn post_counts(
    State(st): State<AppState>,
    ApiJson(body): ApiJson<CountsBody>,
) -> Result<Json<CountsResponse>, ApiError> {
    counts(&st, body.threads).await
}
