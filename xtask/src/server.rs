//! Starting the reference server (`ykien-server`) for the demo and the tests.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use crate::sh::{cargo, run};

/// Builds the server (dev profile: shares `target/` with the tests, compiles fast).
pub fn build(root: &Path) -> Result<PathBuf, String> {
    run(cargo(root).args(["build", "--package", "ykien-server"]))?;
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    Ok(target.join("debug/ykien-server"))
}

/// A running server, stopped when dropped.
pub struct Server {
    child: Child,
    pub addr: SocketAddr,
}

impl Server {
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn wait(mut self) -> Result<(), String> {
        let status = self.child.wait().map_err(|e| e.to_string())?;
        if status.success() {
            Ok(())
        } else {
            Err(format!("ykien-server exited with {status}"))
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `exe` serving `public_dir` with a seeded demo database and waits until it
/// accepts connections.
pub fn start(
    exe: &Path,
    root: &Path,
    addr: SocketAddr,
    public_dir: &Path,
    database_url: &str,
    extra: &[&str],
) -> Result<Server, String> {
    let child = Command::new(exe)
        .current_dir(root)
        .arg("--addr")
        .arg(addr.to_string())
        .arg("--public-dir")
        .arg(public_dir)
        .arg("--database-url")
        .arg(database_url)
        .arg("--seed-demo")
        .args(extra)
        .spawn()
        .map_err(|e| format!("starting {}: {e}", exe.display()))?;
    let mut server = Server { child, addr };
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
            return Ok(server);
        }
        if let Ok(Some(status)) = server.child.try_wait() {
            return Err(format!("ykien-server exited early ({status})"));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Err(format!("ykien-server did not listen on {addr} within 60 s"))
}

/// A loopback address with a port that was free a moment ago.
pub fn free_addr() -> Result<SocketAddr, String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    listener.local_addr().map_err(|e| e.to_string())
}
