// A reference server with the moderation desk for e2e/admin.test.mjs: its own
// database (a fresh SQLite file, or the PostgreSQL database in
// YKIEN_E2E_DATABASE_URL), the assembled site served, and the `admin` CLI.
import { spawn, spawnSync } from "node:child_process";
import { join } from "node:path";
import { freePort } from "./reference.mjs";

export { freePort };

/// Starts `serverBin` with `args` added and resolves once it answers.
export async function startDesk({ serverBin, siteDir, databaseUrl, args = [] }) {
  const port = await freePort();
  const child = spawn(
    serverBin,
    ["serve", "--addr", `127.0.0.1:${port}`, "--public-dir", siteDir, "--database-url", databaseUrl,
      "--seed-demo", "--rate-limit-per-minute", "0", ...args],
    { stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, RUST_LOG: "warn" } },
  );
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const base = `http://127.0.0.1:${port}`;
  const stop = async () => {
    child.kill("SIGTERM");
    await exited;
  };
  for (let i = 0; i < 600; i++) {
    try {
      if ((await fetch(`${base}/api/v1/threads/demo/comments?limit=1`)).ok) return { base, port, stop };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  await stop();
  throw new Error("ykien-server did not start");
}

/// Runs `ykien-server admin …` (password through YKIEN_ADMIN_PASSWORD, never a flag).
export function adminCli(serverBin, databaseUrl, args, password) {
  const env = { ...process.env };
  if (password !== undefined) env.YKIEN_ADMIN_PASSWORD = password;
  else delete env.YKIEN_ADMIN_PASSWORD;
  const r = spawnSync(serverBin, ["admin", ...args, "--database-url", databaseUrl], { env, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`admin ${args.join(" ")} failed: ${r.stderr}`);
  return r.stdout;
}

export function sqliteUrl(dir) {
  return `sqlite://${join(dir, "ykien.db")}`;
}
