//! Edit tokens: the secret that lets the author of a comment edit or delete
//! it for `--edit-window-secs`, handed out once in the create answer.
//!
//! The database keeps only the token's SHA-256. The token itself is a keyed
//! hash (HMAC-SHA256) of the comment id under the edit key, so that an
//! idempotent replay of the create request can answer with the same token
//! (the replay's answer is the first answer, token included) without the
//! token being stored. The key is `--edit-token-secret`, or 32 random bytes
//! made on first start and kept in the database (table `settings`): with the
//! flag, a copy of the database alone reveals no token.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::db::Store;

#[derive(Clone)]
pub struct EditKeys {
    key: Vec<u8>,
}

impl std::fmt::Debug for EditKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("EditKeys(..)")
    }
}

impl EditKeys {
    pub fn new(key: &[u8]) -> Self {
        Self { key: key.to_vec() }
    }

    /// The key from `configured`, else the one stored in the database
    /// (created by whichever process starts first).
    pub async fn load(store: &Store, configured: Option<&str>) -> Result<Self, sqlx::Error> {
        let key = match configured.map(str::trim).filter(|s| !s.is_empty()) {
            Some(k) => k.to_owned(),
            None => {
                store
                    .setting_or_insert("edit_token_secret", || crate::iphint::random_hex(32))
                    .await?
            }
        };
        Ok(Self::new(key.as_bytes()))
    }

    /// The edit token of a comment: 43 characters of base64url (256 bits).
    pub fn token(&self, comment_id: &str) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC takes any key length");
        mac.update(b"edit-token\0");
        mac.update(comment_id.as_bytes());
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    }
}

/// What is stored for a token: SHA-256, lowercase hex.
pub fn token_hash(token: &str) -> String {
    crate::iphint::hex(&Sha256::digest(token.as_bytes()))
}

/// Whether `presented` is the token whose hash is `stored`, compared in
/// constant time.
pub fn token_matches(stored: Option<&str>, presented: &str) -> bool {
    match stored {
        Some(h) if !presented.is_empty() => {
            let got = token_hash(presented);
            got.len() == h.len() && bool::from(got.as_bytes().ct_eq(h.as_bytes()))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_keyed_per_comment_and_checked_by_hash() {
        let k = EditKeys::new(b"k1");
        let t = k.token("c1");
        assert_eq!(t.len(), 43);
        assert_eq!(t, k.token("c1"), "the same comment, the same token");
        assert_ne!(t, k.token("c2"));
        assert_ne!(t, EditKeys::new(b"k2").token("c1"));
        let h = token_hash(&t);
        assert_eq!(h.len(), 64);
        assert!(!h.contains(&t));
        assert!(token_matches(Some(&h), &t));
        assert!(!token_matches(Some(&h), &k.token("c2")));
        assert!(!token_matches(Some(&h), ""));
        assert!(!token_matches(None, &t));
    }
}
