// The Waline server (npm @waline/vercel 1.39.3), a real third-party comment API,
// on its PostgreSQL storage, for e2e/waline.test.mjs. Its SQLite storage needs a
// native sqlite3 build that this network cannot fetch; its PostgreSQL storage is
// pure JavaScript (`pg`).
//
// Installed once into target/e2e-tools/waline (checked first, pinned, without
// install scripts: nothing it needs runs one), started per suite on a free port
// against a throwaway cluster (e2e/servers/postgres.mjs) with the schema below,
// and seeded through its own API.
//
// Settings a site would also choose: IPQPS=0 (Waline refuses a second comment
// from one address within 60 s by default, and every comment here comes from
// 127.0.0.1), AKISMET_KEY=false (Akismet is another network service), and
// OAUTH_URL pointing at the test site, which answers "no OAuth services" (Waline
// asks its OAuth service about every request).
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { REPO_ROOT } from "./paths.mjs";
import { freePort } from "./reference.mjs";
import { ensurePostgres, startPostgres } from "./postgres.mjs";

export const WALINE_VERSION = "1.39.3";
const DIR = path.join(REPO_ROOT, "target/e2e-tools/waline");
const PKG = path.join(DIR, "node_modules/@waline/vercel");

function installedVersion() {
  try {
    return JSON.parse(fs.readFileSync(path.join(PKG, "package.json"), "utf8")).version;
  } catch {
    return null;
  }
}

/// Installs Waline and PostgreSQL if missing; `{ ok: false, reason }` when this
/// machine cannot.
export function ensureWaline() {
  const pg = ensurePostgres();
  if (!pg.ok) return pg;
  if (installedVersion() !== WALINE_VERSION) {
    fs.mkdirSync(DIR, { recursive: true });
    fs.writeFileSync(path.join(DIR, "package.json"), JSON.stringify({ private: true, description: "e2e: Waline server" }));
    const r = spawnSync("npm", ["install", "--no-audit", "--no-fund", "--ignore-scripts", "--no-save", `@waline/vercel@${WALINE_VERSION}`], {
      cwd: DIR,
      stdio: "inherit",
    });
    if (r.status !== 0 || installedVersion() !== WALINE_VERSION) {
      return { ok: false, reason: `npm install @waline/vercel@${WALINE_VERSION} failed` };
    }
  }
  return { ok: true, bin: pg.bin };
}

/// Waline's PostgreSQL tables (its repository's assets/waline.pgsql, which the npm
/// package does not ship).
const SCHEMA = `
CREATE SEQUENCE wl_comment_seq;
CREATE TABLE wl_comment (
  id int check (id > 0) NOT NULL DEFAULT NEXTVAL ('wl_comment_seq'),
  user_id int DEFAULT NULL, comment text,
  insertedAt timestamp(0) without time zone NOT NULL DEFAULT CURRENT_TIMESTAMP,
  ip varchar(100) DEFAULT '', link varchar(255) DEFAULT NULL, mail varchar(255) DEFAULT NULL,
  nick varchar(255) DEFAULT NULL, pid int DEFAULT NULL, rid int DEFAULT NULL, sticky numeric DEFAULT NULL,
  status varchar(50) NOT NULL DEFAULT '', "like" int DEFAULT NULL, ua text, url varchar(255) DEFAULT NULL,
  createdAt timestamp(0) without time zone NULL DEFAULT CURRENT_TIMESTAMP,
  updatedAt timestamp(0) without time zone NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (id)
);
CREATE SEQUENCE wl_counter_seq;
CREATE TABLE wl_counter (
  id int check (id > 0) NOT NULL DEFAULT NEXTVAL ('wl_counter_seq'), time int DEFAULT NULL,
  reaction0 int DEFAULT NULL, reaction1 int DEFAULT NULL, reaction2 int DEFAULT NULL, reaction3 int DEFAULT NULL,
  reaction4 int DEFAULT NULL, reaction5 int DEFAULT NULL, reaction6 int DEFAULT NULL, reaction7 int DEFAULT NULL,
  reaction8 int DEFAULT NULL, url varchar(255) NOT NULL DEFAULT '',
  createdAt timestamp(0) without time zone NULL DEFAULT CURRENT_TIMESTAMP,
  updatedAt timestamp(0) without time zone NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (id)
);
CREATE SEQUENCE wl_users_seq;
CREATE TABLE wl_users (
  id int check (id > 0) NOT NULL DEFAULT NEXTVAL ('wl_users_seq'),
  display_name varchar(255) NOT NULL DEFAULT '', email varchar(255) NOT NULL DEFAULT '',
  password varchar(255) NOT NULL DEFAULT '', type varchar(50) NOT NULL DEFAULT '', label varchar(255) DEFAULT NULL,
  url varchar(255) DEFAULT NULL, avatar varchar(255) DEFAULT NULL, github varchar(255) DEFAULT NULL,
  twitter varchar(255) DEFAULT NULL, facebook varchar(255) DEFAULT NULL, google varchar(255) DEFAULT NULL,
  weibo varchar(255) DEFAULT NULL, qq varchar(255) DEFAULT NULL, oidc varchar(255) DEFAULT NULL,
  huawei varchar(255) DEFAULT NULL, "2fa" varchar(32) DEFAULT NULL,
  createdAt timestamp(0) without time zone NULL DEFAULT CURRENT_TIMESTAMP,
  updatedAt timestamp(0) without time zone NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (id)
);
`;

/// Starts PostgreSQL and Waline. `oauthUrl`: a URL answering {"services": []}.
/// Returns { api, db, post(), like(id, up), approve(id), all(path), stop() }.
export async function startWaline({ bin, oauthUrl, audit = false }) {
  const db = await startPostgres({ bin, database: "waline" });
  const schema = path.join(os.tmpdir(), `ykien-waline-${process.pid}-${Date.now()}.sql`);
  fs.writeFileSync(schema, SCHEMA);
  try {
    db.psqlFile(schema);
  } finally {
    fs.rmSync(schema, { force: true });
  }
  const port = await freePort();
  // Its own process group: ThinkJS forks a worker, and both must go on stop.
  const child = spawn(process.execPath, ["vanilla.js", String(port)], {
    cwd: PKG,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      PG_HOST: db.host,
      PG_PORT: String(db.port),
      PG_DB: db.database,
      PG_USER: "postgres",
      PG_PASSWORD: "unused-trust-auth",
      JWT_TOKEN: "ykien-e2e-jwt-secret",
      AKISMET_KEY: "false",
      IPQPS: "0",
      OAUTH_URL: oauthUrl,
      COMMENT_AUDIT: audit ? "true" : "false",
      // Times are written and read in the server's zone; any one works.
      TZ: "Asia/Ho_Chi_Minh",
    },
  });
  let log = "";
  for (const s of [child.stdout, child.stderr]) s.setEncoding("utf8").on("data", (t) => (log += t));
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const group = (signal) => {
    try {
      process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  const killOnExit = () => group("SIGKILL");
  process.once("exit", killOnExit);
  const api = `http://127.0.0.1:${port}`;
  const stop = async () => {
    process.removeListener("exit", killOnExit);
    group("SIGTERM");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
    group("SIGKILL");
    await db.stop();
  };
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${api}/api/comment?path=%2Fping`)).ok) break;
    } catch {
      // not listening yet
    }
    if (i > 400 || child.exitCode !== null) {
      await stop();
      throw new Error(`Waline did not start:\n${log.slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }

  async function post(thread, { comment, nick = "", mail = "", link = "", pid, rid }) {
    const body = { comment, nick, mail, link, url: thread, ua: "seed" };
    if (pid) Object.assign(body, { pid, rid });
    const res = await fetch(`${api}/api/comment?lang=vi-VN`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    const json = await res.json();
    if (json.errno !== 0) throw new Error(`Waline POST → ${JSON.stringify(json)}`);
    return json.data;
  }

  /// A like (`up`) or its taking back, as Waline's own client sends them (anyone
  /// may; Waline keeps no voters). Returns the comment's new count.
  async function like(id, up = true) {
    const res = await fetch(`${api}/api/comment/${id}?lang=vi-VN`, {
      method: "PUT",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ like: up }),
    });
    const json = await res.json();
    if (json.errno !== 0) throw new Error(`Waline PUT like → ${JSON.stringify(json)}`);
    return json.data.like;
  }

  return {
    api,
    db,
    log: () => log,
    post,
    like,
    approve: (id) => db.psql(`UPDATE wl_comment SET status = 'approved' WHERE id = ${Number(id)}`),
    /// Everything Waline lists for `thread` ({count, data}), page by page (Waline
    /// takes at most 100 a page).
    async all(thread) {
      const out = { count: 0, data: [] };
      for (let page = 1; ; page++) {
        const res = await fetch(`${api}/api/comment?path=${encodeURIComponent(thread)}&page=${page}&pageSize=100&sortBy=insertedAt_desc`);
        const { data } = await res.json();
        out.count = data.count;
        out.data.push(...data.data);
        if (page >= data.totalPages) return out;
      }
    },
    stop,
  };
}

/// 200 comments: 120 top-level, 80 replies at several depths (Waline lists every
/// reply under its top-level comment and names the one it answers in `pid`).
export async function seedThread(waline, thread) {
  const names = ["Nguyễn Văn An", "Trần Thị Bình", "Lê & <Hà>", "Phạm \"Cường\"", "Võ Thị Lan", "O'Neil Đặng"];
  const made = [];
  let n = 0;
  for (let i = 0; i < 120; i++) {
    const top = await waline.post(thread, {
      comment: `Ý kiến số ${++n}: đường ven sông Mây cần **minh bạch** tiến độ.`,
      nick: names[i % names.length],
    });
    made.push(top);
    if (i % 3 === 0) {
      const r1 = await waline.post(thread, { comment: `Trả lời ${++n} cho ý kiến ${i + 1}.`, nick: "Bạn đọc", pid: top.objectId, rid: top.objectId });
      made.push(r1);
      if (i % 2 === 0) {
        made.push(await waline.post(thread, { comment: `Trả lời ${++n} cho trả lời.`, nick: "Khách quen", pid: r1.objectId, rid: top.objectId }));
      }
    }
  }
  while (made.length < 200) {
    const top = made[made.length % 120];
    const root = top.rid ?? top.objectId;
    made.push(await waline.post(thread, { comment: `Thêm ${++n}.`, nick: "Người sau", pid: top.objectId, rid: root }));
  }
  return made;
}
