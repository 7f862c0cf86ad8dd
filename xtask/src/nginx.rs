//! `cargo xtask nginx` (also a step of `cargo xtask test`): the nginx snippets in
//! the READMEs, run for real. Debian's nginx-light serves a built `dist/` with the
//! static-files snippet from README.md, and proxies to a ykien-server with the
//! reverse-proxy snippet from server/README.md; plain HTTP requests then check
//! what a browser relies on (types, encodings and their exact bytes, CORS,
//! caching). Where nginx cannot be installed the check is skipped, loudly.

use std::collections::HashMap;
use std::fs;
use std::io::{Read as _, Write as _};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::dist;
use crate::server;
use crate::sh::run;

const NGINX: &str = "/usr/sbin/nginx";
/// Debian's packaging of ngx_brotli's static half.
const BROTLI_MODULE: &str = "/usr/lib/nginx/modules/ngx_http_brotli_static_module.so";
/// What the snippet says where a real deployment differs from the check.
const SNIPPET_DIST: &str = "/srv/ykien/dist/";
const SNIPPET_LISTEN: &str = "listen 80;";
const SNIPPET_BROTLI: &str = "# brotli_static on;";
const SNIPPET_UPSTREAM: &str = "server 127.0.0.1:8080;";

pub fn check(root: &Path) -> Result<(), String> {
    if let Err(why) = ensure_nginx() {
        eprintln!("\n!!! SKIPPED: nginx snippet check (nginx is not installable here: {why})\n");
        return Ok(());
    }
    let static_snippet = snippet(&read(&root.join("README.md"))?, "nginx-static")?;
    let proxy_snippet = snippet(&read(&root.join("server/README.md"))?, "nginx-proxy")?;
    let files = dist::parse_manifest(&read(&root.join("dist").join(dist::MANIFEST))?)
        .ok_or("dist/manifest.json is unreadable: run cargo xtask dist")?;
    let wasm = files
        .iter()
        .find(|f| f.name.ends_with(".wasm"))
        .ok_or("dist/manifest.json lists no .wasm")?;

    let exe = server::build(root)?;
    let work = root.join("target/nginx-check");
    let _ = fs::remove_dir_all(&work);
    fs::create_dir_all(&work).map_err(|e| format!("creating {}: {e}", work.display()))?;
    let api_db = format!("sqlite://{}", work.join("ykien.db").display());
    let api_public = work.join("public");
    fs::create_dir_all(&api_public).map_err(|e| e.to_string())?;
    let api = server::start(
        &exe,
        root,
        server::free_addr()?,
        &api_public,
        &api_db,
        &["--trust-forwarded-for"],
    )?;

    let brotli = Path::new(BROTLI_MODULE).exists();
    let static_addr = server::free_addr()?;
    let proxy_addr = server::free_addr()?;
    let dist = root.join("dist");
    let conf = config(
        &work,
        brotli,
        &adapt_static(&static_snippet, static_addr, &dist, brotli)?,
        &adapt_proxy(&proxy_snippet, proxy_addr, api.addr)?,
    );
    let conf_path = work.join("nginx.conf");
    fs::write(&conf_path, conf).map_err(|e| format!("writing {}: {e}", conf_path.display()))?;
    let _nginx = Nginx::start(&conf_path, &work, &[static_addr, proxy_addr])?;

    let mut failures = Vec::new();
    let base = "/ykien/";
    let wasm_path = format!("{base}{}", wasm.name);
    let raw = fs::read(dist.join(&wasm.name)).map_err(|e| e.to_string())?;
    let gz = fs::read(dist.join(format!("{}.gz", wasm.name))).map_err(|e| e.to_string())?;
    let br = fs::read(dist.join(format!("{}.br", wasm.name))).map_err(|e| e.to_string())?;
    let mut encodings = vec![(Some("gzip"), Some("gzip"), &gz), (None, None, &raw)];
    if brotli {
        encodings.insert(0, (Some("br, gzip"), Some("br"), &br));
    }
    for (accept, expect_encoding, expect_body) in encodings {
        let res = get(static_addr, "GET", &wasm_path, accept, &[])?;
        let what = format!("GET {wasm_path} (Accept-Encoding: {accept:?})");
        let mut expect = |ok: bool, msg: String| {
            if !ok {
                failures.push(format!("{what}: {msg}"));
            }
        };
        expect(res.status == 200, format!("status {}", res.status));
        expect(
            res.header("content-type") == Some("application/wasm"),
            format!("content-type {:?}", res.header("content-type")),
        );
        expect(
            res.header("content-encoding") == expect_encoding,
            format!("content-encoding {:?}", res.header("content-encoding")),
        );
        expect(
            res.body == *expect_body,
            format!("body is not dist/'s bytes ({} bytes)", res.body.len()),
        );
        expect_cors(&res, &mut expect);
        expect(
            res.header("cache-control") == Some("public, max-age=31536000, immutable"),
            format!("cache-control {:?}", res.header("cache-control")),
        );
        if accept.is_some() {
            expect(
                res.header("vary")
                    .is_some_and(|v| v.to_ascii_lowercase().contains("accept-encoding")),
                format!("vary {:?}", res.header("vary")),
            );
        }
    }
    for (name, ctype) in [
        ("ykien.js", "text/javascript; charset=utf-8"),
        (dist::MANIFEST, "application/json; charset=utf-8"),
    ] {
        let path = format!("{base}{name}");
        let res = get(static_addr, "GET", &path, Some("gzip"), &[])?;
        let mut expect = |ok: bool, msg: String| {
            if !ok {
                failures.push(format!("GET {path}: {msg}"));
            }
        };
        expect(res.status == 200, format!("status {}", res.status));
        expect(
            res.header("content-type") == Some(ctype),
            format!("content-type {:?}", res.header("content-type")),
        );
        expect(
            res.header("cache-control") == Some("public, max-age=300"),
            format!("cache-control {:?}", res.header("cache-control")),
        );
        expect_cors(&res, &mut expect);
    }
    let res = get(
        static_addr,
        "OPTIONS",
        &wasm_path,
        None,
        &[
            ("Access-Control-Request-Method", "GET"),
            ("Access-Control-Request-Headers", "range"),
        ],
    )?;
    if res.status != 204
        || res.header("access-control-allow-origin") != Some("*")
        || res.header("access-control-allow-headers") != Some("range")
    {
        failures.push(format!(
            "preflight for {wasm_path}: status {}, allow-origin {:?}, allow-headers {:?}",
            res.status,
            res.header("access-control-allow-origin"),
            res.header("access-control-allow-headers")
        ));
    }
    let res = get(static_addr, "GET", "/ykien/missing.wasm", None, &[])?;
    if res.status != 404 || res.header("cache-control").is_some() {
        failures.push(format!(
            "a missing file must be a plain 404, never cached for a year: status {}, cache-control {:?}",
            res.status,
            res.header("cache-control")
        ));
    }

    // The reverse proxy: the API answers through it, and the server sees the
    // client address nginx appended (right-most X-Forwarded-For entry).
    let res = get(
        proxy_addr,
        "GET",
        "/api/v1/counts?threads=demo",
        None,
        &[("X-Forwarded-For", "203.0.113.9")],
    )?;
    if res.status != 200 || !String::from_utf8_lossy(&res.body).contains("\"counts\"") {
        failures.push(format!(
            "GET /api/v1/counts through the proxy: status {}, body {:?}",
            res.status,
            String::from_utf8_lossy(&res.body)
        ));
    }
    drop(api);

    if failures.is_empty() {
        println!(
            "nginx {}: README snippets serve dist/ with the right types, encodings ({}), \
             CORS and caching, and proxy the API",
            nginx_version(),
            if brotli {
                "br, gzip, identity"
            } else {
                "gzip, identity; brotli module not installed"
            }
        );
        Ok(())
    } else {
        Err(format!(
            "the README's nginx snippets do not serve what they promise:\n  {}\n(config: {})",
            failures.join("\n  "),
            conf_path.display()
        ))
    }
}

fn expect_cors(res: &Response, expect: &mut impl FnMut(bool, String)) {
    expect(
        res.header("access-control-allow-origin") == Some("*"),
        format!(
            "access-control-allow-origin {:?}",
            res.header("access-control-allow-origin")
        ),
    );
    expect(
        res.header("timing-allow-origin") == Some("*"),
        format!(
            "timing-allow-origin {:?}",
            res.header("timing-allow-origin")
        ),
    );
}

/// Debian's nginx-light and the brotli-static module, installed if missing.
fn ensure_nginx() -> Result<(), String> {
    if Path::new(NGINX).exists() {
        return Ok(());
    }
    let install = || -> Result<(), String> {
        run(Command::new("apt-get").arg("update"))?;
        run(Command::new("apt-get")
            .args(["install", "-y", "--no-install-recommends", "nginx-light"])
            .args(["libnginx-mod-http-brotli-static"])
            .env("DEBIAN_FRONTEND", "noninteractive"))
    };
    install()?;
    if Path::new(NGINX).exists() {
        Ok(())
    } else {
        Err(format!("{NGINX} missing after apt-get install"))
    }
}

fn nginx_version() -> String {
    Command::new(NGINX)
        .arg("-v")
        .output()
        .ok()
        .map(|o| {
            String::from_utf8_lossy(&o.stderr)
                .trim()
                .replace("nginx version: nginx/", "")
        })
        .unwrap_or_default()
}

/// The fenced `nginx` block between `<!-- NAME:begin -->` and `<!-- NAME:end -->`.
pub fn snippet(markdown: &str, name: &str) -> Result<String, String> {
    let begin = format!("<!-- {name}:begin -->");
    let end = format!("<!-- {name}:end -->");
    let missing = || format!("no `{begin}` … `{end}` block with an ```nginx fence");
    let start = markdown.find(&begin).ok_or_else(missing)? + begin.len();
    let stop = markdown[start..].find(&end).ok_or_else(missing)? + start;
    let block = &markdown[start..stop];
    let body_start = block.find("```nginx\n").ok_or_else(missing)? + "```nginx\n".len();
    let body_end = block[body_start..].find("```").ok_or_else(missing)? + body_start;
    Ok(block[body_start..body_end].to_owned())
}

fn replace_once(text: &str, what: &str, with: &str, snippet: &str) -> Result<String, String> {
    if text.matches(what).count() != 1 {
        return Err(format!(
            "the {snippet} snippet must contain `{what}` exactly once (the check replaces it)"
        ));
    }
    Ok(text.replace(what, with))
}

/// The README's static snippet, pointed at this checkout's dist/ and a free port.
pub fn adapt_static(
    snippet: &str,
    addr: SocketAddr,
    dist: &Path,
    brotli: bool,
) -> Result<String, String> {
    let s = replace_once(
        snippet,
        SNIPPET_LISTEN,
        &format!("listen {addr};"),
        "static",
    )?;
    let s = replace_once(&s, SNIPPET_DIST, &format!("{}/", dist.display()), "static")?;
    if brotli {
        replace_once(&s, SNIPPET_BROTLI, "brotli_static on;", "static")
    } else {
        Ok(s)
    }
}

/// The server README's proxy snippet, in front of `api`.
pub fn adapt_proxy(snippet: &str, addr: SocketAddr, api: SocketAddr) -> Result<String, String> {
    let s = replace_once(snippet, SNIPPET_LISTEN, &format!("listen {addr};"), "proxy")?;
    replace_once(&s, SNIPPET_UPSTREAM, &format!("server {api};"), "proxy")
}

/// A whole nginx.conf for an unprivileged, foreground, self-contained run.
fn config(work: &Path, brotli: bool, static_part: &str, proxy_part: &str) -> String {
    let w = work.display();
    let module = if brotli {
        format!("load_module {BROTLI_MODULE};\n")
    } else {
        String::new()
    };
    format!(
        "{module}daemon off;\nmaster_process off;\npid {w}/nginx.pid;\nerror_log {w}/error.log warn;\n\
         events {{ worker_connections 64; }}\n\
         http {{\n\
         include /etc/nginx/mime.types;\ndefault_type application/octet-stream;\n\
         access_log off;\n\
         client_body_temp_path {w}/body;\nproxy_temp_path {w}/proxy;\n\
         fastcgi_temp_path {w}/fastcgi;\nuwsgi_temp_path {w}/uwsgi;\nscgi_temp_path {w}/scgi;\n\
         {static_part}\n{proxy_part}\n}}\n"
    )
}

struct Nginx {
    child: Child,
}

impl Nginx {
    fn start(conf: &Path, work: &Path, addrs: &[SocketAddr]) -> Result<Self, String> {
        let out = work.join("nginx.stderr");
        let stderr = fs::File::create(&out).map_err(|e| e.to_string())?;
        let child = Command::new(NGINX)
            .arg("-p")
            .arg(work)
            .arg("-e")
            .arg(work.join("error.log"))
            .arg("-c")
            .arg(conf)
            .stdout(Stdio::null())
            .stderr(stderr)
            .spawn()
            .map_err(|e| format!("starting nginx: {e}"))?;
        let mut nginx = Self { child };
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if addrs
                .iter()
                .all(|a| TcpStream::connect_timeout(a, Duration::from_millis(200)).is_ok())
            {
                return Ok(nginx);
            }
            if let Ok(Some(status)) = nginx.child.try_wait() {
                let log = fs::read_to_string(&out).unwrap_or_default()
                    + &fs::read_to_string(work.join("error.log")).unwrap_or_default();
                return Err(format!("nginx exited ({status}):\n{log}"));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Err("nginx did not listen within 10 s".into())
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub struct Response {
    pub status: u16,
    pub headers: HashMap<String, String>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(String::as_str)
    }
}

/// One HTTP/1.1 request with `Connection: close`, read to the end. Enough for
/// nginx's static and proxied answers, which are never chunked here.
fn get(
    addr: SocketAddr,
    method: &str,
    path: &str,
    accept_encoding: Option<&str>,
    extra: &[(&str, &str)],
) -> Result<Response, String> {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5))
        .map_err(|e| format!("connecting to nginx at {addr}: {e}"))?;
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: static.example.vn\r\nOrigin: https://news.example.vn\r\nConnection: close\r\n"
    );
    if let Some(enc) = accept_encoding {
        req.push_str(&format!("Accept-Encoding: {enc}\r\n"));
    }
    for (k, v) in extra {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    stream
        .write_all(req.as_bytes())
        .map_err(|e| format!("{method} {path}: {e}"))?;
    let mut raw = Vec::new();
    stream
        .read_to_end(&mut raw)
        .map_err(|e| format!("{method} {path}: {e}"))?;
    parse_response(&raw).ok_or_else(|| format!("{method} {path}: unparsable response"))
}

pub fn parse_response(raw: &[u8]) -> Option<Response> {
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&raw[..split]).ok()?;
    let mut lines = head.split("\r\n");
    let status = lines.next()?.split_whitespace().nth(1)?.parse().ok()?;
    let mut headers: HashMap<String, String> = HashMap::new();
    for line in lines {
        let (k, v) = line.split_once(':')?;
        let (k, v) = (k.trim().to_ascii_lowercase(), v.trim().to_owned());
        headers
            .entry(k)
            .and_modify(|old| {
                old.push_str(", ");
                old.push_str(&v);
            })
            .or_insert(v);
    }
    Some(Response {
        status,
        headers,
        body: raw[split + 4..].to_vec(),
    })
}

fn read(path: &Path) -> Result<String, String> {
    fs::read_to_string(path).map_err(|e| format!("reading {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const MD: &str = "text\n<!-- nginx-static:begin -->\n```nginx\nserver {\n    listen 80;\n    location /ykien/ { alias /srv/ykien/dist/; # brotli_static on;\n    }\n}\n```\n<!-- nginx-static:end -->\n";

    #[test]
    fn extracts_and_adapts_the_snippet() {
        let s = snippet(MD, "nginx-static").unwrap();
        assert!(s.starts_with("server {"), "{s}");
        assert!(!s.contains("```"));
        let addr: SocketAddr = "127.0.0.1:18111".parse().unwrap();
        let adapted = adapt_static(&s, addr, Path::new("/w/dist"), true).unwrap();
        assert!(adapted.contains("listen 127.0.0.1:18111;"), "{adapted}");
        assert!(adapted.contains("alias /w/dist/;"), "{adapted}");
        assert!(adapted.contains(" brotli_static on;") && !adapted.contains("# brotli"));
        let plain = adapt_static(&s, addr, Path::new("/w/dist"), false).unwrap();
        assert!(plain.contains("# brotli_static on;"));
        assert!(snippet(MD, "nginx-proxy").is_err());
        assert!(adapt_static("server {}", addr, Path::new("/d"), false).is_err());
    }

    #[test]
    fn parses_responses() {
        let raw = b"HTTP/1.1 200 OK\r\nContent-Type: application/wasm\r\nVary: Accept-Encoding\r\nvary: Origin\r\n\r\n\x00asm";
        let r = parse_response(raw).unwrap();
        assert_eq!(r.status, 200);
        assert_eq!(r.header("content-type"), Some("application/wasm"));
        assert_eq!(r.header("vary"), Some("Accept-Encoding, Origin"));
        assert_eq!(r.body, b"\x00asm");
        assert!(parse_response(b"garbage").is_none());
    }
}
