//! "Is this address free, and if not, who has it?" — asked before a long build,
//! so `cargo xtask demo` does not build for minutes and then fail to listen.

use std::fs;
use std::io::ErrorKind;
use std::net::{SocketAddr, TcpListener};

/// Ok if `addr` can be listened on now; otherwise a message naming the holder
/// when it can be found.
pub fn ensure_free(addr: SocketAddr) -> Result<(), String> {
    match TcpListener::bind(addr) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == ErrorKind::AddrInUse => {
            let holder = match holders(addr.port()) {
                list if list.is_empty() => String::from("by a process this user cannot see"),
                list => format!("by {}", list.join(", ")),
            };
            Err(format!(
                "{addr} is already in use {holder}. Stop it, or choose another address: \
                 cargo xtask demo --addr 127.0.0.1:PORT"
            ))
        }
        Err(e) => Err(format!("cannot listen on {addr}: {e}")),
    }
}

/// Processes listening on TCP `port` (any address), as `pid 123 (cmdline)`.
/// Linux's /proc first; then `ss` where that fails; empty if neither tells.
pub fn holders(port: u16) -> Vec<String> {
    let from_proc = proc_holders(port);
    if !from_proc.is_empty() {
        return from_proc;
    }
    ss_holders(port)
}

fn proc_holders(port: u16) -> Vec<String> {
    let mut inodes = Vec::new();
    for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
        if let Ok(text) = fs::read_to_string(table) {
            inodes.extend(listening_inodes(&text, port));
        }
    }
    if inodes.is_empty() {
        return Vec::new();
    }
    let wanted: Vec<String> = inodes.iter().map(|i| format!("socket:[{i}]")).collect();
    let mut found = Vec::new();
    let Ok(procs) = fs::read_dir("/proc") else {
        return found;
    };
    for entry in procs.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .filter(|n| n.bytes().all(|b| b.is_ascii_digit()))
        else {
            continue;
        };
        // Other users' fds are unreadable without privileges: skipped.
        let Ok(fds) = fs::read_dir(entry.path().join("fd")) else {
            continue;
        };
        let holds = fds.flatten().any(|fd| {
            fs::read_link(fd.path())
                .ok()
                .and_then(|t| t.to_str().map(|t| wanted.iter().any(|w| w == t)))
                .unwrap_or(false)
        });
        if holds {
            found.push(describe(pid));
        }
        // nginx and friends: one master and many workers share the socket.
        if found.len() == 4 {
            found.push("…".into());
            break;
        }
    }
    found
}

/// Inodes of the LISTEN sockets on `port` in a /proc/net/tcp{,6} table.
pub fn listening_inodes(table: &str, port: u16) -> Vec<u64> {
    const LISTEN: &str = "0A";
    table
        .lines()
        .skip(1)
        .filter_map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            let local = fields.get(1)?;
            let state = fields.get(3)?;
            let inode = fields.get(9)?;
            let (_, hex_port) = local.rsplit_once(':')?;
            let p = u16::from_str_radix(hex_port, 16).ok()?;
            (p == port && *state == LISTEN)
                .then(|| inode.parse().ok())
                .flatten()
        })
        .filter(|&inode| inode != 0)
        .collect()
}

fn describe(pid: &str) -> String {
    let cmdline = fs::read(format!("/proc/{pid}/cmdline"))
        .map(|raw| {
            raw.split(|&b| b == 0)
                .filter(|a| !a.is_empty())
                .map(|a| String::from_utf8_lossy(a).into_owned())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_default();
    let cmdline = if cmdline.chars().count() > 100 {
        format!("{}…", cmdline.chars().take(100).collect::<String>())
    } else {
        cmdline
    };
    if cmdline.is_empty() {
        format!("pid {pid}")
    } else {
        format!("pid {pid} ({cmdline})")
    }
}

fn ss_holders(port: u16) -> Vec<String> {
    let filter = format!("sport = :{port}");
    let Some(out) = crate::sh::output("ss", &["-Hltnp", &filter]) else {
        return Vec::new();
    };
    parse_ss_users(&out)
}

/// `users:(("nginx",pid=12,fd=6),…)` in `ss -ltnp` output → `pid 12 (nginx)`.
pub fn parse_ss_users(out: &str) -> Vec<String> {
    let mut found = Vec::new();
    for part in out.split("((").skip(1).flat_map(|s| s.split("),(")) {
        let mut name = None;
        let mut pid = None;
        for field in part.split(',') {
            let field = field.trim_end_matches(')');
            if let Some(p) = field.strip_prefix("pid=") {
                pid = Some(p.to_owned());
            } else if field.starts_with('"') {
                name = Some(field.trim_matches('"').to_owned());
            }
        }
        if let (Some(pid), Some(name)) = (pid, name) {
            let item = format!("pid {pid} ({name})");
            if !found.contains(&item) {
                found.push(item);
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    const TABLE: &str = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4242 1 0000000000000000 100 0 0 10 0
   1: 0100007F:1F90 0100007F:D0F2 01 00000000:00000000 00:00000000 00000000     0        0 0 1 0000000000000000 20 4 30 10 -1
   2: 00000000:1F91 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4343 1 0000000000000000 100 0 0 10 0
";

    #[test]
    fn finds_listeners_by_port_only() {
        assert_eq!(listening_inodes(TABLE, 8080), vec![4242]);
        assert_eq!(listening_inodes(TABLE, 8081), vec![4343]);
        assert!(listening_inodes(TABLE, 80).is_empty());
        assert!(listening_inodes("", 8080).is_empty());
        assert!(listening_inodes("header\ngarbage line\n", 8080).is_empty());
    }

    #[test]
    fn reads_ss_users() {
        let out = "LISTEN 0 511 0.0.0.0:8080 0.0.0.0:* users:((\"nginx\",pid=12,fd=6),(\"nginx\",pid=13,fd=6))\n";
        assert_eq!(parse_ss_users(out), ["pid 12 (nginx)", "pid 13 (nginx)"]);
        assert!(parse_ss_users("LISTEN 0 511 0.0.0.0:8080 0.0.0.0:*\n").is_empty());
    }

    #[test]
    fn names_the_process_holding_a_port() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let err = ensure_free(addr).unwrap_err();
        assert!(err.contains("already in use"), "{err}");
        if cfg!(target_os = "linux") {
            let me = format!("pid {} (", std::process::id());
            assert!(err.contains(&me), "{err}");
        }
        drop(listener);
        ensure_free(addr).unwrap();
    }
}
