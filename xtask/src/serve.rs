//! A small static file server for the demo and the end-to-end tests: the demo
//! page, its assets and `dist/`, with the strict CSP header a careful news site
//! would send, so the demo proves the widget works under it.

use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::thread;

pub const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'self'; \
form-action 'self'; frame-ancestors 'self'; object-src 'none'";

/// Copies the public parts of the repo into `target/site/`: what a real site would
/// serve, and nothing else (no source, no data).
pub fn assemble_site(root: &Path) -> Result<PathBuf, String> {
    let site = root.join("target/site");
    if site.exists() {
        fs::remove_dir_all(&site).map_err(|e| format!("cleaning {}: {e}", site.display()))?;
    }
    for dir in ["dist", "styles", "demo"] {
        copy_dir(&root.join(dir), &site.join(dir))?;
    }
    fs::copy(root.join("index.html"), site.join("index.html"))
        .map_err(|e| format!("copying index.html: {e}"))?;
    Ok(site)
}

fn copy_dir(from: &Path, to: &Path) -> Result<(), String> {
    fs::create_dir_all(to).map_err(|e| format!("creating {}: {e}", to.display()))?;
    let entries = fs::read_dir(from).map_err(|e| format!("reading {}: {e}", from.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        let dest = to.join(entry.file_name());
        if path.is_dir() {
            copy_dir(&path, &dest)?;
        } else {
            fs::copy(&path, &dest).map_err(|e| format!("copying {}: {e}", path.display()))?;
        }
    }
    Ok(())
}

pub fn serve_forever(site: &Path, addr: &str) -> Result<(), String> {
    let listener = TcpListener::bind(addr).map_err(|e| format!("binding {addr}: {e}"))?;
    accept(listener, site);
    Ok(())
}

/// Serves on a free loopback port from a background thread; returns the base URL.
pub fn spawn(site: &Path) -> Result<String, String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| format!("binding: {e}"))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let site = site.to_path_buf();
    thread::spawn(move || accept(listener, &site));
    Ok(format!("http://{addr}"))
}

fn accept(listener: TcpListener, site: &Path) {
    for stream in listener.incoming().flatten() {
        let site = site.to_path_buf();
        thread::spawn(move || {
            let _ = handle(stream, &site);
        });
    }
}

fn handle(mut stream: TcpStream, site: &Path) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header == "\r\n" {
            break;
        }
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or_default();
    let target = parts.next().unwrap_or("/");
    let path = target.split(['?', '#']).next().unwrap_or("/");
    if method != "GET" && method != "HEAD" {
        return respond(
            &mut stream,
            "405 Method Not Allowed",
            "text/plain",
            b"method not allowed",
            false,
        );
    }
    let Some(file) = resolve(site, path) else {
        return respond(
            &mut stream,
            "404 Not Found",
            "text/plain",
            b"not found",
            false,
        );
    };
    match fs::read(&file) {
        Ok(body) => respond(
            &mut stream,
            "200 OK",
            content_type(&file),
            &body,
            method == "HEAD",
        ),
        Err(_) => respond(
            &mut stream,
            "404 Not Found",
            "text/plain",
            b"not found",
            false,
        ),
    }
}

fn resolve(site: &Path, url_path: &str) -> Option<PathBuf> {
    let rel = url_path.trim_start_matches('/');
    let rel = if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.to_owned()
    };
    let rel = Path::new(&rel);
    // No `..`, no absolute paths: only files under the site directory.
    if rel.components().any(|c| !matches!(c, Component::Normal(_))) {
        return None;
    }
    let full = site.join(rel);
    full.is_file().then_some(full)
}

fn content_type(path: &Path) -> &'static str {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
    {
        "html" => "text/html; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json",
        "wasm" => "application/wasm",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        _ => "application/octet-stream",
    }
}

fn respond(
    stream: &mut TcpStream,
    status: &str,
    ctype: &str,
    body: &[u8],
    head: bool,
) -> std::io::Result<()> {
    let mut headers = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nX-Content-Type-Options: nosniff\r\nCache-Control: no-cache\r\nConnection: close\r\n",
        body.len()
    );
    if ctype.starts_with("text/html") {
        headers.push_str(&format!("Content-Security-Policy: {CSP}\r\n"));
    }
    headers.push_str("\r\n");
    stream.write_all(headers.as_bytes())?;
    if !head {
        stream.write_all(body)?;
    }
    stream.flush()
}
