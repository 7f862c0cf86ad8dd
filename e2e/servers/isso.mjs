// Isso 0.14 (PyPI isso==0.14.0), a real third-party comment server, for
// e2e/isso.test.mjs. Installed once into target/e2e-tools/isso-venv (checked
// first, pinned), started per suite on a free port with its own SQLite file, and
// seeded through its own API.
//
// Isso's CORS answers only the origin listed under [general] host, so the site's
// origin is written into its config. The guard (rate limit, direct replies) is
// raised so that one test client can seed 200 comments.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { REPO_ROOT } from "./paths.mjs";
import { freePort } from "./reference.mjs";

export const ISSO_VERSION = "0.14.0";
const VENV = path.join(REPO_ROOT, "target/e2e-tools/isso-venv");
const BIN = path.join(VENV, "bin/isso");
const PYTHON = path.join(VENV, "bin/python");

function installed() {
  const r = spawnSync(PYTHON, ["-c", "import importlib.metadata as m; print(m.version('isso'))"], { encoding: "utf8" });
  return r.status === 0 && r.stdout.trim() === ISSO_VERSION;
}

/// Installs Isso if it is not there; `{ ok: false, reason }` when this machine cannot.
export function ensureIsso() {
  if (installed()) return { ok: true };
  let venv = spawnSync("python3", ["-m", "venv", VENV], { stdio: "inherit" });
  if (venv.status !== 0 && process.getuid?.() === 0) {
    // Debian keeps ensurepip in python3-venv.
    spawnSync("apt-get", ["install", "-y", "--no-install-recommends", "python3-venv"], {
      stdio: "inherit",
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    });
    fs.rmSync(VENV, { recursive: true, force: true });
    venv = spawnSync("python3", ["-m", "venv", VENV], { stdio: "inherit" });
  }
  if (venv.status !== 0) return { ok: false, reason: "python3 -m venv failed (no python3-venv?)" };
  const pip = spawnSync(path.join(VENV, "bin/pip"), ["install", "--quiet", `isso==${ISSO_VERSION}`], { stdio: "inherit" });
  if (pip.status !== 0 || !installed()) return { ok: false, reason: `pip install isso==${ISSO_VERSION} failed` };
  return { ok: true };
}

/// Starts Isso for pages on `siteOrigin`. Returns { api, db, post(), like(), approve(id), all(), stop() }.
export async function startIsso({ siteOrigin, moderation = false }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ykien-isso-"));
  const port = await freePort();
  const db = path.join(dir, "comments.db");
  fs.writeFileSync(
    path.join(dir, "isso.cfg"),
    `[general]
dbpath = ${db}
host = ${siteOrigin}
max-age = 15m
[server]
listen = http://127.0.0.1:${port}
[guard]
enabled = true
ratelimit = 100000
direct-reply = 100000
reply-to-self = true
require-author = false
require-email = false
[moderation]
enabled = ${moderation}
[markup]
options = strikethrough, superscript
`,
  );
  const child = spawn(BIN, ["-c", path.join(dir, "isso.cfg"), "run"], { stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  child.stderr.setEncoding("utf8").on("data", (s) => (log += s));
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  const api = `http://127.0.0.1:${port}`;
  const stop = async () => {
    process.removeListener("exit", killOnExit);
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await exited;
    fs.rmSync(dir, { recursive: true, force: true });
  };
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${api}/?uri=%2Fping`)).status < 500) break;
    } catch {
      // not listening yet
    }
    if (i > 200 || child.exitCode !== null) {
      await stop();
      throw new Error(`Isso did not start:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }

  /// A comment through Isso's own API, as a reader on the site would post it;
  /// `from`: that reader's address (Isso reads X-Forwarded-For, one hop), else
  /// this machine's, the browser's too.
  async function post(thread, { text, author = null, email = null, website = null, parent = null, title = "Bài thử", from = null }) {
    const res = await fetch(`${api}/new?uri=${encodeURIComponent(thread)}`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Origin: siteOrigin, ...(from ? { "X-Forwarded-For": from } : {}) },
      body: JSON.stringify({ text, author, email, website, parent, title }),
    });
    const body = await res.json().catch(() => null);
    if (res.status !== 201 && res.status !== 202) throw new Error(`Isso POST /new → ${res.status}`);
    return body;
  }

  /// A like from another reader at `from`. Isso counts one vote per address
  /// (a /24) and none from the comment's own author. Returns the new count.
  async function like(id, from) {
    const res = await fetch(`${api}/id/${id}/like`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Forwarded-For": from },
      body: "{}",
    });
    if (res.status !== 200) throw new Error(`Isso POST /id/${id}/like → ${res.status}`);
    return (await res.json()).likes;
  }

  /// Runs SQL on Isso's database (its moderation is by e-mail link or admin page;
  /// the suite stands in for the moderator here).
  function sql(statement, args = []) {
    const r = spawnSync(
      PYTHON,
      ["-c", "import sqlite3,sys,json; c=sqlite3.connect(sys.argv[1]); c.execute(sys.argv[2], json.loads(sys.argv[3])); c.commit()", db, statement, JSON.stringify(args)],
      { encoding: "utf8" },
    );
    if (r.status !== 0) throw new Error(`sqlite: ${r.stderr}`);
  }

  return {
    api,
    db,
    log: () => log,
    post,
    like,
    approve: (id) => sql("UPDATE comments SET mode = 1 WHERE id = ?", [id]),
    /// Everything Isso lists for `thread`, walked the way Isso's own client would.
    async all(thread) {
      const res = await fetch(`${api}/?uri=${encodeURIComponent(thread)}&nested_limit=100000`);
      return res.json();
    },
    stop,
  };
}

/// The 200 comments of the seeded thread: 130 top-level, 70 replies (Isso keeps
/// one level of replies: an answer to a reply is stored under its top-level
/// comment). Authors with characters Isso stores HTML-escaped, Markdown bodies.
export async function seedThread(isso, thread) {
  const names = ["Nguyễn Văn An", "Trần Thị Bình", "Lê & <Hà>", "Phạm \"Cường\"", "", "Võ Thị Lan", "O'Neil Đặng"];
  const made = [];
  let n = 0;
  for (let i = 0; i < 130; i++) {
    const c = await isso.post(thread, {
      text: `Ý kiến số ${++n}: dự án đường ven sông Mây cần **minh bạch** về tiến độ và kinh phí.`,
      author: names[i % names.length] || null,
    });
    made.push(c);
    // Replies to every third comment, some to an earlier reply (stored flat).
    if (i % 3 === 0 && made.filter((m) => m.parent !== null).length < 70) {
      const r1 = await isso.post(thread, { text: `Trả lời ${++n}: đồng ý với ý kiến ${i + 1}.`, author: "Bạn đọc", parent: c.id });
      made.push(r1);
      if (i % 6 === 0 && made.filter((m) => m.parent !== null).length < 70) {
        made.push(await isso.post(thread, { text: `Trả lời ${++n} cho trả lời: đúng vậy.`, author: "Khách quen", parent: r1.id }));
      }
    }
  }
  while (made.length < 200) {
    const top = made.find((m) => m.parent === null && m.id % 5 === 2) ?? made[0];
    made.push(await isso.post(thread, { text: `Trả lời thêm ${++n}.`, author: "Người sau", parent: top.id }));
  }
  return made;
}
