//! A throwaway PostgreSQL cluster for the server's test suite.
//!
//! `ensure_postgres()` installs Debian's `postgresql` package when no server
//! binaries are found, runs `initdb` in a fresh temporary directory, starts
//! the cluster on a free loopback port (unix socket in the same directory)
//! and creates the database `ykien_test`. The returned [`PgCluster`] stops
//! the cluster and deletes its directory when dropped.
//!
//! Root cannot run PostgreSQL, so as root every server-side command runs as
//! the `postgres` OS user (created by the Debian package) through
//! `runuser -u postgres --`.
//!
//! Usage from the xtask:
//! ```ignore
//! let pg = postgres::ensure_postgres()?;          // Option<PgCluster>
//! if let Some(pg) = &pg {
//!     cmd.env("YKIEN_TEST_DATABASE_URL", pg.url());
//! }
//! // ... run `cargo test -p ykien-server` ...
//! drop(pg);                                       // stops the cluster
//! ```

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{SystemTime, UNIX_EPOCH};

/// Name of the database created in the cluster.
pub const DATABASE: &str = "ykien_test";

/// A running throwaway cluster; dropping it stops the server and removes
/// its data directory.
pub struct PgCluster {
    url: String,
    port: u16,
    dir: PathBuf,
    bin: PathBuf,
    as_postgres_user: bool,
    stopped: bool,
}

impl PgCluster {
    /// `postgres://postgres@127.0.0.1:PORT/ykien_test`
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Creates another empty database in the cluster and returns its URL
    /// (for a test that needs a database of its own, e.g. the desk's e2e).
    pub fn create_database(&self, name: &str) -> Result<String, String> {
        let mut createdb = Command::new(self.bin.join("createdb"));
        createdb.args([
            "-h",
            "127.0.0.1",
            "-p",
            &self.port.to_string(),
            "-U",
            "postgres",
            name,
        ]);
        run(createdb, "createdb")?;
        Ok(format!(
            "postgres://postgres@127.0.0.1:{}/{name}",
            self.port
        ))
    }

    /// Stops the server (fast shutdown) and removes the directory.
    pub fn stop(&mut self) {
        if self.stopped {
            return;
        }
        self.stopped = true;
        let data = self.dir.join("data");
        let _ = self
            .server_cmd("pg_ctl")
            .arg("-D")
            .arg(&data)
            .args(["-m", "fast", "-w", "-t", "30", "stop"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let _ = std::fs::remove_dir_all(&self.dir);
    }

    fn server_cmd(&self, tool: &str) -> Command {
        server_cmd(&self.bin, tool, self.as_postgres_user)
    }
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        self.stop();
    }
}

fn loud(msg: &str) {
    eprintln!(
        "\n######################################################################\n\
         # PostgreSQL UNAVAILABLE: {msg}\n\
         # The PostgreSQL variant of the server tests will be SKIPPED.\n\
         ######################################################################\n"
    );
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// Newest `/usr/lib/postgresql/<major>/bin` holding `initdb` and `pg_ctl`.
fn find_bin_dir() -> Option<PathBuf> {
    let mut best: Option<(u32, PathBuf)> = None;
    for entry in std::fs::read_dir("/usr/lib/postgresql").ok()?.flatten() {
        let Ok(major) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let bin = entry.path().join("bin");
        if bin.join("initdb").is_file()
            && bin.join("pg_ctl").is_file()
            && best.as_ref().is_none_or(|(m, _)| major > *m)
        {
            best = Some((major, bin));
        }
    }
    best.map(|(_, b)| b)
}

fn apt(args: &[&str]) -> Result<(), String> {
    let status = Command::new("apt-get")
        .args(args)
        .env("DEBIAN_FRONTEND", "noninteractive")
        .stdin(Stdio::null())
        .status()
        .map_err(|e| format!("cannot run apt-get: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("apt-get {} failed ({status})", args.join(" ")))
    }
}

fn install() -> Result<PathBuf, String> {
    if !is_root() {
        return Err("PostgreSQL is not installed and we are not root to apt-get it".into());
    }
    eprintln!("xtask: installing PostgreSQL (apt-get install postgresql)...");
    apt(&["update", "-q"])?;
    apt(&[
        "install",
        "-y",
        "-q",
        "--no-install-recommends",
        "postgresql",
    ])?;
    find_bin_dir().ok_or_else(|| "postgresql installed but no initdb found".to_owned())
}

fn server_cmd(bin: &Path, tool: &str, as_postgres_user: bool) -> Command {
    let exe = bin.join(tool);
    let mut c = if as_postgres_user {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(exe);
        c
    } else {
        Command::new(exe)
    };
    // The postgres user may not be allowed into the caller's directory
    // (e.g. /root), which initdb and pg_ctl complain about.
    c.current_dir(std::env::temp_dir());
    c
}

fn run(mut cmd: Command, what: &str) -> Result<Output, String> {
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("{what}: cannot run: {e}"))?;
    if out.status.success() {
        Ok(out)
    } else {
        Err(format!(
            "{what} failed ({}):\n{}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

fn free_port() -> Result<u16, String> {
    let l = TcpListener::bind("127.0.0.1:0").map_err(|e| format!("no free port: {e}"))?;
    l.local_addr()
        .map(|a| a.port())
        .map_err(|e| format!("no free port: {e}"))
}

/// Installs (if needed) and starts a throwaway cluster.
///
/// `Ok(None)`: PostgreSQL cannot run on this machine (not installable); a
/// loud message was printed. `Err`: it is installed but failed to start,
/// which deserves attention rather than a silent skip.
pub fn ensure_postgres() -> Result<Option<PgCluster>, String> {
    let bin = match find_bin_dir() {
        Some(b) => b,
        None => match install() {
            Ok(b) => b,
            Err(e) => {
                loud(&e);
                return Ok(None);
            }
        },
    };
    let as_postgres_user = is_root();
    if as_postgres_user
        && !Command::new("id")
            .arg("postgres")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    {
        loud("running as root but there is no `postgres` OS user to run the server");
        return Ok(None);
    }

    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let dir = std::env::temp_dir().join(format!("ykien-pg-{}-{nanos}", std::process::id()));
    // Created by the user that runs the server, so it owns data and socket.
    let mut mk = if as_postgres_user {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--", "mkdir", "-p"]);
        c
    } else {
        let mut c = Command::new("mkdir");
        c.arg("-p");
        c
    };
    mk.arg(&dir).current_dir(std::env::temp_dir());
    run(mk, "mkdir for the cluster")?;

    let port = free_port()?;
    let mut cluster = PgCluster {
        url: format!("postgres://postgres@127.0.0.1:{port}/{DATABASE}"),
        port,
        dir: dir.clone(),
        bin: bin.clone(),
        as_postgres_user,
        // Nothing to stop until pg_ctl start succeeded; the directory is
        // still removed below on failure.
        stopped: true,
    };
    let data = dir.join("data");

    let mut initdb = server_cmd(&bin, "initdb", as_postgres_user);
    initdb.arg("-D").arg(&data).args([
        "-U",
        "postgres",
        "-A",
        "trust",
        "-E",
        "UTF8",
        "--no-locale",
        "--no-sync",
    ]);
    if let Err(e) = run(initdb, "initdb") {
        let _ = std::fs::remove_dir_all(&dir);
        return Err(e);
    }

    // Durability settings are off: the cluster lives for one test run.
    let opts = format!(
        "-p {port} -k {sock} -c listen_addresses=127.0.0.1 -c fsync=off \
         -c synchronous_commit=off -c full_page_writes=off -c max_connections=200",
        sock = dir.display()
    );
    let mut start = server_cmd(&bin, "pg_ctl", as_postgres_user);
    start
        .arg("-D")
        .arg(&data)
        .arg("-l")
        .arg(dir.join("server.log"))
        .args(["-o", &opts, "-w", "-t", "60", "start"]);
    if let Err(e) = run(start, "pg_ctl start") {
        let log = std::fs::read_to_string(dir.join("server.log")).unwrap_or_default();
        let _ = std::fs::remove_dir_all(&dir);
        return Err(format!("{e}\nserver log:\n{log}"));
    }
    cluster.stopped = false;

    let mut createdb = Command::new(bin.join("createdb"));
    createdb.args([
        "-h",
        "127.0.0.1",
        "-p",
        &port.to_string(),
        "-U",
        "postgres",
        DATABASE,
    ]);
    run(createdb, "createdb")?;
    eprintln!("xtask: PostgreSQL running at {}", cluster.url());
    Ok(Some(cluster))
}
