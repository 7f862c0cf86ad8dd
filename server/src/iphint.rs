//! Network hints: a keyed hash of the client's network prefix (/24 for IPv4,
//! /48 for IPv6), so the desk can group comments "from the same network" and
//! ban one, without the server ever storing or showing an IP address. The key
//! is `--ip-hash-secret`, or 32 random bytes generated on first start and kept
//! in the database (table `settings`), so every process agrees.

use std::net::IpAddr;

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::db::Store;

type HmacSha256 = Hmac<Sha256>;

/// Hex digits kept from the HMAC: 128 bits, far beyond collisions for the
/// number of networks a site sees, and not reversible without the key.
const HINT_HEX: usize = 32;

#[derive(Clone)]
pub struct Hasher {
    key: Vec<u8>,
}

impl std::fmt::Debug for Hasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Hasher(..)")
    }
}

/// Random bytes from the OS, as lowercase hex.
pub fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    getrandom::getrandom(&mut buf).expect("the OS random source works");
    hex(&buf)
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The network prefix an address belongs to, as text (`198.51.100.0/24`,
/// `2001:db8:1::/48`); IPv4-mapped IPv6 addresses count as IPv4.
pub fn prefix(ip: IpAddr) -> String {
    let ip = match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    };
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            format!("{}.{}.{}.0/24", o[0], o[1], o[2])
        }
        IpAddr::V6(v6) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}::/48", s[0], s[1], s[2])
        }
    }
}

impl Hasher {
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
                    .setting_or_insert("ip_hash_secret", || random_hex(32))
                    .await?
            }
        };
        Ok(Self::new(key.as_bytes()))
    }

    /// A keyed tag of `value` in `domain` (domains keep uses apart).
    pub fn tag(&self, domain: &str, value: &str) -> String {
        self.mac(domain, value)
    }

    fn mac(&self, domain: &str, value: &str) -> String {
        let mut mac = HmacSha256::new_from_slice(&self.key).expect("HMAC takes any key length");
        mac.update(domain.as_bytes());
        mac.update(b"\0");
        mac.update(value.as_bytes());
        let out = hex(&mac.finalize().into_bytes());
        out[..HINT_HEX].to_owned()
    }

    /// The hint stored with a comment, a report or a failed sign-in.
    pub fn network(&self, ip: IpAddr) -> String {
        self.mac("network", &prefix(ip))
    }

    /// A reader device token as stored with a report.
    pub fn device(&self, token: &str) -> String {
        self.mac("device", token)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes() {
        assert_eq!(prefix("198.51.100.23".parse().unwrap()), "198.51.100.0/24");
        assert_eq!(
            prefix("::ffff:198.51.100.23".parse().unwrap()),
            "198.51.100.0/24"
        );
        assert_eq!(
            prefix("2001:db8:1:2:3::9".parse().unwrap()),
            "2001:db8:1::/48"
        );
    }

    #[test]
    fn hints_are_keyed_per_network() {
        let h = Hasher::new(b"k1");
        let a = h.network("198.51.100.1".parse().unwrap());
        assert_eq!(a, h.network("198.51.100.254".parse().unwrap()), "same /24");
        assert_ne!(a, h.network("198.51.101.1".parse().unwrap()));
        assert_ne!(
            a,
            Hasher::new(b"k2").network("198.51.100.1".parse().unwrap())
        );
        assert_eq!(a.len(), 32);
        assert!(!a.contains("198"));
        assert_ne!(h.device("abc"), h.network("198.51.100.1".parse().unwrap()));
    }
}
