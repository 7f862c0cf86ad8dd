//! Starting the reference server (`ykien-server`) for the demo and the tests.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
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

    /// Runs until the server exits or xtask gets SIGINT, SIGTERM or SIGHUP
    /// (`signals`), and stops the server in the latter case.
    pub fn wait(mut self, signals: &Receiver<()>) -> Result<(), String> {
        loop {
            if let Some(status) = self.child.try_wait().map_err(|e| e.to_string())? {
                return if status.success() {
                    Ok(())
                } else {
                    Err(format!("ykien-server exited with {status}"))
                };
            }
            match signals.recv_timeout(Duration::from_millis(200)) {
                Ok(()) => {
                    eprintln!("xtask: stopping ykien-server");
                    self.stop();
                    return Ok(());
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => {
                    return Err("the signal handler went away".into())
                }
            }
        }
    }

    /// SIGTERM (the server finishes in-flight requests and closes the database),
    /// then SIGKILL if it has not exited within 5 s.
    fn stop(&mut self) {
        if matches!(self.child.try_wait(), Ok(Some(_))) {
            return;
        }
        terminate(&self.child);
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

#[cfg(unix)]
fn terminate(child: &Child) {
    if let Ok(pid) = libc::pid_t::try_from(child.id()) {
        // SAFETY: kill(2) has no memory effects; the pid is our own unreaped
        // child (try_wait saw it running), so it cannot have been reused.
        unsafe {
            libc::kill(pid, libc::SIGTERM);
        }
    }
}

#[cfg(not(unix))]
fn terminate(_child: &Child) {}

/// Delivers SIGINT, SIGTERM and SIGHUP to xtask as messages from now on, so it
/// can stop what it started instead of dying and leaving it running. Call once.
pub fn stop_on_signals() -> Result<Receiver<()>, String> {
    let (tx, rx) = mpsc::channel();
    ctrlc::set_handler(move || {
        let _ = tx.send(());
    })
    .map_err(|e| format!("installing the signal handler: {e}"))?;
    Ok(rx)
}

/// Makes the child get SIGTERM when xtask dies, whatever kills it (SIGKILL
/// included, which no handler sees).
#[cfg(target_os = "linux")]
fn die_with_parent(cmd: &mut Command) {
    use std::os::unix::process::CommandExt as _;
    let parent = std::process::id();
    // SAFETY: the closure runs between fork and exec and only makes two
    // async-signal-safe calls (prctl, getppid), allocating nothing.
    unsafe {
        cmd.pre_exec(move || {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            // xtask may have died before prctl took effect.
            if libc::getppid() as u32 != parent {
                return Err(std::io::Error::other("xtask exited"));
            }
            Ok(())
        });
    }
}

#[cfg(not(target_os = "linux"))]
fn die_with_parent(_cmd: &mut Command) {}

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
    let mut cmd = Command::new(exe);
    die_with_parent(&mut cmd);
    let child = cmd
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
