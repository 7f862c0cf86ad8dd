// A throwaway PostgreSQL cluster for an end-to-end suite, the way
// xtask/src/postgres.rs makes one for the server's tests: Debian's postgresql
// (installed when missing and we are root), initdb in a temporary directory, the
// server on a free loopback port, run as the `postgres` user when we are root.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort } from "./reference.mjs";

const isRoot = () => process.getuid?.() === 0;

function binDir() {
  let best = null;
  for (const name of fs.existsSync("/usr/lib/postgresql") ? fs.readdirSync("/usr/lib/postgresql") : []) {
    const bin = path.join("/usr/lib/postgresql", name, "bin");
    if (/^\d+$/.test(name) && fs.existsSync(path.join(bin, "initdb")) && (!best || +name > best.major)) {
      best = { major: +name, bin };
    }
  }
  return best?.bin ?? null;
}

/// PostgreSQL's binaries, installed if missing; `{ ok: false, reason }` otherwise.
export function ensurePostgres() {
  let bin = binDir();
  if (!bin && isRoot()) {
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    spawnSync("apt-get", ["update", "-q"], { stdio: "inherit", env });
    spawnSync("apt-get", ["install", "-y", "-q", "--no-install-recommends", "postgresql"], { stdio: "inherit", env });
    bin = binDir();
  }
  if (!bin) return { ok: false, reason: "PostgreSQL is not installed and cannot be installed here" };
  if (isRoot() && spawnSync("id", ["postgres"]).status !== 0) {
    return { ok: false, reason: "running as root but there is no `postgres` user to run PostgreSQL" };
  }
  return { ok: true, bin };
}

function asServerUser(bin, tool, args) {
  return isRoot() ? ["runuser", ["-u", "postgres", "--", path.join(bin, tool), ...args]] : [path.join(bin, tool), args];
}

function run(cmd, args, what) {
  const r = spawnSync(cmd, args, { encoding: "utf8", cwd: os.tmpdir() });
  if (r.status !== 0) throw new Error(`${what} failed: ${r.stdout}${r.stderr}`);
  return r.stdout;
}

/// Starts a cluster with database `name`. Returns { host, port, database, psql(sql), stop() }.
export async function startPostgres({ bin, database }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ykien-e2e-pg-"));
  if (isRoot()) run("chown", ["postgres", dir], "chown");
  const data = path.join(dir, "data");
  run(...asServerUser(bin, "initdb", ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"]), "initdb");
  const port = await freePort();
  const [cmd, args] = asServerUser(bin, "postgres", ["-D", data, "-p", String(port), "-k", dir, "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off"]);
  const child = spawn(cmd, args, { stdio: ["ignore", "ignore", "pipe"], cwd: os.tmpdir() });
  let log = "";
  child.stderr.setEncoding("utf8").on("data", (s) => (log += s));
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const killOnExit = () =>
    spawnSync(...asServerUser(bin, "pg_ctl", ["-D", data, "-m", "immediate", "stop"]), { stdio: "ignore", cwd: os.tmpdir() });
  process.once("exit", killOnExit);
  const psqlArgs = ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres", "-v", "ON_ERROR_STOP=1", "-q", "-t", "-A"];
  // runuser does not pass signals on: pg_ctl stops the server as its own user.
  const stop = async () => {
    process.removeListener("exit", killOnExit);
    if (child.exitCode === null && child.signalCode === null) {
      spawnSync(...asServerUser(bin, "pg_ctl", ["-D", data, "-m", "fast", "-w", "-t", "30", "stop"]), { stdio: "ignore", cwd: os.tmpdir() });
    }
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  for (let i = 0; ; i++) {
    if (spawnSync(path.join(bin, "pg_isready"), ["-h", "127.0.0.1", "-p", String(port)]).status === 0) break;
    if (i > 200 || child.exitCode !== null) {
      await stop();
      throw new Error(`PostgreSQL did not start:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  run(path.join(bin, "createdb"), ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres", database], "createdb");
  return {
    host: "127.0.0.1",
    port,
    database,
    psql: (sql) => run(path.join(bin, "psql"), [...psqlArgs, "-d", database, "-c", sql], "psql").trim(),
    psqlFile: (file) => run(path.join(bin, "psql"), [...psqlArgs, "-d", database, "-f", file], "psql"),
    stop,
  };
}
