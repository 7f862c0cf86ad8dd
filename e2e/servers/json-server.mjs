// json-server 0.17.4 (pinned in package.json) as a real third-party comment API:
// started from node_modules on a free port with a fresh copy of the seed database,
// serving the site, the adapters and the test page from the same origin (so no
// CORS, and the page's CSP can stay `connect-src 'self'`).
//
// The API is mounted at /api through json-server's own `--routes` rewriting, the
// way such a backend usually sits behind a site: GET /api/comments?... → /comments.
// json-server cannot send headers with static files, so the test page carries the
// strict CSP in a <meta> tag (e2e/fixtures/adapter-page.html).
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { FIXTURES_DIR, mounts } from "./paths.mjs";

const require = createRequire(import.meta.url);
const PKG = require.resolve("json-server/package.json");
const BIN = path.join(path.dirname(PKG), require(PKG).bin);
const REPORT_PORT = fileURLToPath(new URL("./report-port.cjs", import.meta.url));
export const SEED_DB = path.join(FIXTURES_DIR, "json-server-db.json");

/// Starts json-server. Returns { baseUrl, api, thread, dbFile, stop() }.
export async function start({ siteDir, seed = SEED_DB, startTimeoutMs = 15_000 }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ykien-json-server-"));
  // json-server rewrites db.json on every write: always a fresh copy.
  fs.copyFileSync(seed, path.join(dir, "db.json"));
  fs.writeFileSync(path.join(dir, "routes.json"), JSON.stringify({ "/api/*": "/$1" }));
  // One --static directory only, so the mounts are copied into it (a few hundred KB).
  const pub = path.join(dir, "public");
  for (const [prefix, from] of [...mounts(siteDir)].reverse()) {
    fs.cpSync(from, path.join(pub, prefix), { recursive: true });
  }

  const child = spawn(
    process.execPath,
    [
      "--require", REPORT_PORT, BIN, "db.json",
      "--host", "127.0.0.1", "--port", "0",
      // Relative: json-server joins --static onto the working directory.
      "--static", "public",
      "--routes", "routes.json",
      "--quiet",
    ],
    { cwd: dir, stdio: ["ignore", "ignore", "pipe", "ipc"] },
  );
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (s) => (stderr += s));
  const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  // Never leave a json-server behind, even if the test process dies without after().
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);

  const cleanup = async () => {
    process.removeListener("exit", killOnExit);
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await exited;
    fs.rmSync(dir, { recursive: true, force: true });
  };

  let port;
  try {
    port = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`json-server did not listen within ${startTimeoutMs} ms`)), startTimeoutMs);
      child.on("message", (m) => {
        if (m && typeof m.ykienListening === "number") {
          clearTimeout(timer);
          resolve(m.ykienListening);
        }
      });
      exited.then(({ code, signal }) => {
        clearTimeout(timer);
        reject(new Error(`json-server exited early (${code ?? signal}):\n${stderr}`));
      });
    });
  } catch (e) {
    await cleanup();
    throw e;
  }

  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    baseUrl,
    api: "/api",
    thread: "demo",
    dbFile: path.join(dir, "db.json"),
    /// json-server's stderr so far (for failure messages).
    log: () => stderr,
    stop: cleanup,
  };
}
