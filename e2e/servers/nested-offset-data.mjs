// Seed data for the nested-offset server, as flat records (the server nests them):
//   { post_id, reply_to, by: { display_name }, content_html, ts, state, liked_by? }
// (`liked_by`: the devices that like the post; the server counts them as `likes`.)
// Deterministic, so tests can compute what each page must show.

const NAMES = [
  "Nguyễn Thị Lan", "Trần Văn Hùng", "Lê Minh Tuấn", "Phạm Thu Hà", "Hoàng Đức Anh",
  "Vũ Thị Mai", "Đặng Quốc Bảo", "Bùi Thanh Tâm", "Đỗ Ngọc Ánh", "Hồ Văn Phúc",
  "Ngô Thị Hạnh", "Dương Minh Khôi", "Lý Thị Thu",
];
const SENTENCES = [
  "Mong con đường ven sông Mây sớm được khởi công.",
  "Trường Tiểu học Hà Phong xuống cấp lâu rồi, các cháu học rất vất vả.",
  "Đề nghị công khai phương án bồi thường cho các hộ bị ảnh hưởng.",
  "Tuyến đường phải chừa hành lang thoát lũ, đừng biến thành con đê.",
  "Đường đẹp thì nông sản dễ bán hơn, cam Hà Phong sẽ đi xa hơn.",
  "Mong có thêm đèn chiếu sáng và cây xanh dọc tuyến đường.",
  "Đề nghị HĐND huyện giám sát chặt chẽ việc thi công.",
  "Ngày xưa đi học phải đò ngang, nay con cháu sướng hơn nhiều rồi.",
];

/// 2024-01-18T03:00:00Z (10:00 in Vietnam), in Unix seconds.
const BASE_TS = 1705546800;

/// Posts of the seeded thread with formatting worth testing.
export const BOLD_POST_ID = 1044;
export const XSS_POST_ID = 1043;

/// Thread "demo": 45 top-level posts (ids 1001–1045, oldest first; the API lists
/// newest first, so pages of 20 are 1045–1026, 1025–1006, 1005–1001), 16 published
/// replies up to three levels deep (ids 2001–), some on every page, and two queued
/// posts the API must not list or count.
export function demoThread() {
  const posts = [];
  for (let i = 1; i <= 45; i++) {
    posts.push({
      post_id: 1000 + i,
      reply_to: null,
      by: { display_name: NAMES[i % NAMES.length] },
      content_html: `<p>${SENTENCES[i % SENTENCES.length]} (ý kiến số ${i})</p>`,
      // Fractional seconds: the adapter's timeFormat "unix" allows them.
      ts: BASE_TS + i * 600 + (i % 4) * 0.25,
      state: "published",
    });
  }
  const byId = (id) => posts.find((p) => p.post_id === id);
  byId(BOLD_POST_ID).content_html =
    "<p>Ủng hộ <b>mạnh mẽ</b> dự án, nhất là <strong>trường học</strong> cho các cháu.</p>";
  byId(XSS_POST_ID).content_html =
    '<p>Ảnh hiện trường:</p><img src="data:," onerror="window.__pwned = 1">' +
    "<script>window.__pwned = 2</script>" +
    '<p>Xem <a href="javascript:window.__pwned = 3">ở đây</a> hoặc ' +
    '<a href="https://yenha.example.vn/du-an">trang dự án</a>.</p>';

  // [id, parent, text]: replies at depth 1–3, later than their parents.
  const replies = [
    [2001, 1045, "Đồng ý, nhà tôi ở Yên Lạc, mùa mưa lội bùn."],
    [2002, 2001, "Thôn Bến Đá cũng vậy."],
    [2003, 2002, "Mong làm sớm và làm cho chắc."],
    [2004, 1045, "Cần <em>kè</em> chống sạt lở nữa."],
    [2005, 1040, "Theo tờ trình thì quý III/2024 khởi công."],
    [2006, 1040, "Vậy là cuối năm mới có mặt bằng."],
    [2007, 1033, "Chuẩn, cam mùa này bán giá thấp."],
    [2008, 1026, "Reply đúng ở cuối trang đầu."],
    [2009, 1025, "Reply ở đầu trang hai."],
    [2010, 2009, "Trả lời lồng nhau ở trang hai."],
    [2011, 1018, "Thư viện trường mới nên có góc đọc."],
    [2012, 2011, "Ý kiến hay!"],
    [2013, 2012, "Cảm ơn bác."],
    [2014, 1010, "Nên trồng thêm cây xanh."],
    [2015, 1003, "Reply ở trang cuối."],
    [2016, 1001, "Bài đầu tiên cũng có người trả lời."],
  ];
  for (const [id, parent, text] of replies) {
    const p = byId(parent);
    posts.push({
      post_id: id,
      reply_to: parent,
      by: { display_name: NAMES[id % NAMES.length] },
      content_html: `<p>${text}</p>`,
      ts: p.ts + 120 + (id % 7) * 30.5,
      state: "published",
    });
  }
  // A few likes, as a forum has them.
  byId(1045).liked_by = ["seed-device-0001", "seed-device-0002", "seed-device-0003"];
  byId(2001).liked_by = ["seed-device-0001"];
  // Awaiting moderation: never listed, never counted.
  posts.push({
    post_id: 3001, reply_to: null, by: { display_name: "Người chờ duyệt" },
    content_html: "<p>Bài đang chờ duyệt.</p>", ts: BASE_TS + 99_000, state: "queued",
  });
  posts.push({
    post_id: 3002, reply_to: 1045, by: { display_name: "Người chờ duyệt" },
    content_html: "<p>Trả lời đang chờ duyệt.</p>", ts: BASE_TS + 99_100, state: "queued",
  });
  return posts;
}

/// Posts of thread "actions", for the reader-action tests (newest first: 5004 … 5001).
export const ACTION_POSTS = {
  liked: 5001,
  plain: 5002,
  spam: 5003,
  doomed: 5004,
};

/// Thread "actions": four top-level posts, one of them liked twice already, and a
/// reply; nothing flagged.
export function actionsThread() {
  const post = (post_id, i, name, text, extra = {}) => ({
    post_id,
    reply_to: null,
    by: { display_name: name },
    content_html: `<p>${text}</p>`,
    ts: BASE_TS + 200_000 + i * 600,
    state: "published",
    ...extra,
  });
  return [
    post(ACTION_POSTS.liked, 1, "Nguyễn Thị Lan", "Ý kiến đã có người thích", {
      liked_by: ["seed-device-0001", "seed-device-0002"],
    }),
    post(ACTION_POSTS.plain, 2, "Trần Văn Hùng", "Ý kiến chưa ai thích"),
    post(ACTION_POSTS.spam, 3, "Shop Giá Rẻ", "Mua hàng giá rẻ tại đây, inbox ngay"),
    post(ACTION_POSTS.doomed, 4, "Lê Minh Tuấn", "Bài sắp bị ban quản trị gỡ"),
    { ...post(5101, 5, "Phạm Thu Hà", "Trả lời ý kiến đã có người thích"), reply_to: ACTION_POSTS.liked },
  ];
}

/// A large thread for the widget benchmark: `count` posts, 60% top-level, the rest
/// replies (each third top-level post has a reply which has a reply of its own);
/// one body in five has inline markup.
export function generatedThread(count = 1000) {
  const posts = [];
  const top = Math.round(count * 0.6);
  let nextReplyId = 100_000;
  for (let i = 0; i < top && posts.length < count; i++) {
    const text = Array.from({ length: 1 + (i % 4) }, (_, k) => SENTENCES[(i + k) % SENTENCES.length]).join(" ");
    const id = 10_000 + i;
    const ts = BASE_TS + i * 60;
    posts.push({
      post_id: id,
      reply_to: null,
      by: { display_name: NAMES[i % NAMES.length] },
      content_html: i % 5 === 0 ? `<p>${text} <b>Rất đồng tình!</b></p>` : `<p>${text}</p>`,
      ts,
      state: "published",
    });
    if (i % 3 === 0) {
      let parent = id;
      for (let depth = 1; depth <= 2 && posts.length < count; depth++) {
        const rid = nextReplyId++;
        posts.push({
          post_id: rid,
          reply_to: parent,
          by: { display_name: NAMES[rid % NAMES.length] },
          content_html: `<p>${SENTENCES[rid % SENTENCES.length]}</p>`,
          ts: ts + depth * 10,
          state: "published",
        });
        parent = rid;
      }
    }
  }
  // Top up with top-level posts if the reply pattern fell short of `count`.
  for (let i = top; posts.length < count; i++) {
    posts.push({
      post_id: 10_000 + i, reply_to: null, by: { display_name: NAMES[i % NAMES.length] },
      content_html: `<p>${SENTENCES[i % SENTENCES.length]}</p>`, ts: BASE_TS + i * 60, state: "published",
    });
  }
  return posts;
}
