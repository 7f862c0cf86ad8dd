// The demo thread the page-level benchmarks load: ykien-server's --seed-demo thread
// grown to THREAD_SIZE comments, the same on every server that is seeded with it
// (bench/page.mjs, bench/weight.mjs).
import { freePort, startReference } from "../e2e/servers/reference.mjs";

export const THREAD_SIZE = 200;
const SEEDED = 40; // --seed-demo's thread

/// A reference server of its own (database in `dataDir`) serving `siteDir`.
export async function startServer({ serverBin, siteDir, dataDir }) {
  const port = await freePort();
  const { base, stop } = await startReference({ serverBin, siteDir, dataDir, port });
  return { base, stop };
}

/// Grows the demo thread to THREAD_SIZE comments: two thirds top-level, the rest replies.
export async function fill(base) {
  const url = `${base}/api/v1/threads/demo/comments`;
  const parents = [];
  for (let i = SEEDED; i < THREAD_SIZE; i++) {
    const parent = i % 3 === 2 && parents.length ? parents[i % parents.length] : null;
    const r = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "Idempotency-Key": `bench-${i}` },
      body: JSON.stringify({
        author: `Bạn đọc ${i}`,
        body: `Ý kiến số ${i}: mong dự án đường ven sông sớm được triển khai, minh bạch và đúng tiến độ.`,
        parent_id: parent,
      }),
    });
    if (r.status !== 201) throw new Error(`seeding comment ${i}: HTTP ${r.status}`);
    const { comment } = await r.json();
    if (!parent) parents.push(comment.id);
  }
}
