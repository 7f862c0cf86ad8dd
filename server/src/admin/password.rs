//! Moderator passwords: Argon2id (the `argon2` crate's defaults: 19 MiB,
//! 2 passes, 1 lane, OWASP's first recommendation), stored as PHC strings.
//! Hashing and verifying run on the blocking pool: they take tens of
//! milliseconds of CPU on purpose.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

pub const MIN_LEN: usize = 10;
pub const MAX_LEN: usize = 1024;

/// Checks length (in characters) before anything is hashed.
pub fn check_policy(password: &str) -> Result<(), String> {
    let n = password.chars().count();
    if n < MIN_LEN {
        return Err(format!("password must have at least {MIN_LEN} characters"));
    }
    if n > MAX_LEN {
        return Err(format!("password must have at most {MAX_LEN} characters"));
    }
    Ok(())
}

/// An Argon2id PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`).
pub fn hash(password: &str) -> Result<String, String> {
    let mut salt = [0u8; 16];
    getrandom::getrandom(&mut salt).map_err(|e| format!("no randomness: {e}"))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| e.to_string())?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

/// True if `password` matches the stored hash.
pub fn verify(password: &str, stored: &str) -> bool {
    match PasswordHash::new(stored) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// A hash no password matches, verified for unknown accounts so that a
/// wrong name costs the same time as a wrong password.
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash(&crate::iphint::random_hex(32)).unwrap_or_default())
}

pub async fn hash_async(password: String) -> Result<String, String> {
    tokio::task::spawn_blocking(move || hash(&password))
        .await
        .map_err(|e| e.to_string())?
}

pub async fn verify_async(password: String, stored: String) -> bool {
    tokio::task::spawn_blocking(move || verify(&password, &stored))
        .await
        .unwrap_or(false)
}

/// Moderator names: 1–64 of `a-z 0-9 . _ -`, compared lower-cased.
pub fn normalize_name(name: &str) -> Result<String, String> {
    let n = name.trim().to_ascii_lowercase();
    if n.is_empty()
        || n.len() > 64
        || !n
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'))
    {
        return Err("a moderator name is 1-64 characters of a-z, 0-9, '.', '_', '-'".into());
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_and_verifies() {
        let h = hash("mật khẩu dài đủ").unwrap();
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(verify("mật khẩu dài đủ", &h));
        assert!(!verify("mật khẩu dài đu", &h));
        assert!(!verify("x", "not a hash"));
        assert!(!verify("", dummy_hash()));
        assert_ne!(
            hash("same password").unwrap(),
            hash("same password").unwrap(),
            "salted"
        );
    }

    #[test]
    fn policy_and_names() {
        assert!(check_policy("short").is_err());
        assert!(check_policy("mườikýtựđủ").is_ok(), "characters, not bytes");
        assert_eq!(normalize_name(" Lan.Nguyen ").unwrap(), "lan.nguyen");
        assert!(normalize_name("lan nguyen").is_err());
        assert!(normalize_name("").is_err());
        assert!(normalize_name("bà-lan").is_err());
    }
}
