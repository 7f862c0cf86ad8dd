//! `ykien-server admin add|list|remove|passwd`: moderator accounts.

use std::io::{BufRead as _, IsTerminal as _};

use super::password;
use crate::api::{now_ms, rfc3339_ms};
use crate::config::AdminAction;
use crate::db::Store;

/// The password from `YKIEN_ADMIN_PASSWORD`, else one line of standard input
/// (prompted for twice without echo when it is a terminal).
fn read_password() -> Result<String, String> {
    if let Ok(p) = std::env::var("YKIEN_ADMIN_PASSWORD") {
        return Ok(p);
    }
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        let first =
            rpassword::prompt_password("Mật khẩu / Password: ").map_err(|e| e.to_string())?;
        let again = rpassword::prompt_password("Nhập lại / Again: ").map_err(|e| e.to_string())?;
        if first != again {
            return Err("the two passwords differ".into());
        }
        return Ok(first);
    }
    let mut line = String::new();
    stdin
        .lock()
        .read_line(&mut line)
        .map_err(|e| format!("reading the password from stdin: {e}"))?;
    Ok(line.trim_end_matches(['\n', '\r']).to_owned())
}

/// Runs an `admin` action; the text to print, or the error.
pub async fn run(store: &Store, action: &AdminAction) -> Result<String, String> {
    let db = |e: sqlx::Error| format!("database error: {e}");
    match action {
        AdminAction::Add { name } => {
            let name = password::normalize_name(name)?;
            let pw = read_password()?;
            password::check_policy(&pw)?;
            let hash = password::hash_async(pw).await?;
            if !store
                .add_moderator(&name, &hash, now_ms())
                .await
                .map_err(db)?
            {
                return Err(format!(
                    "moderator {name} exists already (use `admin passwd {name}`)"
                ));
            }
            store
                .audit_event("cli", "moderator_add", Some(&name), now_ms())
                .await
                .map_err(db)?;
            Ok(format!("added moderator {name}"))
        }
        AdminAction::List => {
            let list = store.moderators(now_ms()).await.map_err(db)?;
            if list.is_empty() {
                return Ok("no moderators (add one with `ykien-server admin add NAME`)".into());
            }
            Ok(list
                .iter()
                .map(|m| {
                    format!(
                        "{}  since {}  sessions={}",
                        m.name,
                        rfc3339_ms(m.created_at),
                        m.sessions
                    )
                })
                .collect::<Vec<_>>()
                .join("\n"))
        }
        AdminAction::Remove { name } => {
            let name = password::normalize_name(name)?;
            if !store.remove_moderator(&name).await.map_err(db)? {
                return Err(format!("no moderator {name}"));
            }
            store
                .audit_event("cli", "moderator_remove", Some(&name), now_ms())
                .await
                .map_err(db)?;
            Ok(format!(
                "removed moderator {name}; their sessions have ended"
            ))
        }
        AdminAction::Passwd { name } => {
            let name = password::normalize_name(name)?;
            if store.moderator_hash(&name).await.map_err(db)?.is_none() {
                return Err(format!("no moderator {name}"));
            }
            let pw = read_password()?;
            password::check_policy(&pw)?;
            let hash = password::hash_async(pw).await?;
            store
                .set_moderator_password(&name, &hash)
                .await
                .map_err(db)?;
            store
                .audit_event("cli", "moderator_passwd", Some(&name), now_ms())
                .await
                .map_err(db)?;
            Ok(format!(
                "new password set for {name}; their sessions have ended"
            ))
        }
    }
}
