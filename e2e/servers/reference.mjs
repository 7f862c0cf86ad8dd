// The reference server (ykien-server) started by a test or benchmark that needs its
// own instance: its own SQLite file, rate limit off, the assembled site served.
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { join } from "node:path";

/// A loopback port nobody is listening on right now.
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/// Starts `serverBin` on `port` with the database in `dataDir` (kept across restarts
/// on the same directory) and resolves once it answers. `stop()` is a SIGKILL: tests
/// use it to take the server away under the reader. `extraArgs` are appended to the
/// command line (e.g. `["--allowed-origins", origin]`).
export async function startReference({ serverBin, siteDir, dataDir, port, extraArgs = [] }) {
  const child = spawn(
    serverBin,
    ["--addr", `127.0.0.1:${port}`, "--public-dir", siteDir, "--database-url", `sqlite://${join(dataDir, "ykien.db")}`,
      "--seed-demo", "--rate-limit-per-minute", "0", ...extraArgs],
    { stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, RUST_LOG: "warn" } },
  );
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const base = `http://127.0.0.1:${port}`;
  const stop = async () => {
    child.kill("SIGKILL");
    await exited;
  };
  for (let i = 0; i < 400; i++) {
    try {
      if ((await fetch(`${base}/api/v1/threads/demo/comments?limit=1`)).ok) return { base, stop };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  await stop();
  throw new Error("ykien-server did not start");
}
