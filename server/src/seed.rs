//! `--seed-demo`: a demo article and a threaded Vietnamese discussion
//! (thread `demo`) so the widget has something realistic to show.

use crate::api::now_ms;
use crate::db::{Article, NewComment, Status, Store};

const ARTICLE_BODY: &str = r#"<p>Sáng 18/1/2024, Ủy ban nhân dân quận tổ chức buổi tiếp xúc với người dân các phường ven sông để lấy ý kiến về hai dự án: tuyến đường bờ sông dài khoảng 2,4 km và một trường tiểu học mới ở phường Bình An.</p>
<p>Theo đại diện Ban quản lý dự án, con đường sẽ rộng 20 m, có vỉa hè trồng cây, làn xe đạp và một công viên nhỏ ở đoạn gần chợ. Khoảng 130 hộ dân nằm trong phạm vi giải phóng mặt bằng, trong đó phần lớn chỉ bị ảnh hưởng một phần diện tích.</p>
<figure><img src="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='640' height='240'%3E%3Crect width='640' height='240' fill='%23cfe3ef'/%3E%3Cpath d='M0 170 C160 140 320 200 640 160 L640 240 L0 240Z' fill='%236aa5c4'/%3E%3C/svg%3E" alt="Phối cảnh tuyến đường ven sông"><figcaption>Phối cảnh tuyến đường ven sông do Ban quản lý dự án trình bày tại buổi tiếp xúc (ảnh minh họa).</figcaption></figure>
<p>Nhiều người dân đồng tình với chủ trương nhưng đề nghị công khai bảng giá bồi thường, bố trí tái định cư tại chỗ và làm rõ thời gian thi công để các hộ kinh doanh chủ động sắp xếp. Một số ý kiến lo ngại đường mới sẽ khiến xe tải đi tắt qua khu dân cư.</p>
<p>Về trường tiểu học, quận dự kiến xây 30 phòng học trên khu đất của một kho cũ, đủ cho khoảng 1.000 học sinh, giảm sĩ số cho hai trường hiện đang quá tải. Phụ huynh đề nghị ưu tiên sân chơi, nhà đa năng và lối đưa đón học sinh tách khỏi mặt đường chính.</p>
<p>Lãnh đạo quận cho biết sẽ tổng hợp ý kiến, điều chỉnh hồ sơ trước khi trình thành phố trong quý II. Nếu được phê duyệt, trường học sẽ khởi công trước để kịp đón học sinh vào năm học 2025–2026.</p>"#;

/// (key, parent key or "", author ("" for a guest), body, minutes before now).
const COMMENTS: &[(&str, &str, &str, &str, i64)] = &[
    ("c1", "", "Nguyễn Văn Hùng", "Đường ven sông thì tốt quá, nhưng mong quận công khai bảng giá bồi thường sớm để bà con yên tâm. Nhà tôi nằm trong diện ảnh hưởng một phần mà tới giờ vẫn chưa ai nói cụ thể là mất bao nhiêu mét.", 4310),
    ("c2", "c1", "Trần Thị Mai", "Nhà tôi cũng vậy anh ạ. Hôm họp tôi có hỏi, cán bộ nói tháng sau sẽ đo đạc lại từng hộ.", 4290),
    ("c3", "c2", "Nguyễn Văn Hùng", "Cảm ơn chị, vậy chắc phải chờ thêm.", 4270),
    ("c4", "c1", "Lê Minh Tuấn", "Quan trọng là giá bồi thường sát giá thị trường. Mấy dự án trước ở quận bên cạnh, người dân nhận tiền xong không mua nổi chỗ ở gần đó nữa.", 4200),
    ("c5", "", "Phạm Thu Hà", "Trường tiểu học mới là tin vui nhất với tôi. Con tôi học lớp 2, lớp có tới 52 cháu, cô giáo không thể kèm từng em được.", 4100),
    ("c6", "c5", "Đỗ Quang Vinh", "52 cháu một lớp thì quá tải thật. Hy vọng trường mới xong đúng hẹn.", 4050),
    ("c7", "c5", "Hoàng Lan Anh", "Lớp con em cũng gần 50. Mong có thêm giáo viên chứ xây trường mà thiếu thầy cô thì cũng khó.", 3980),
    ("c8", "c7", "Phạm Thu Hà", "Đúng rồi chị, giáo viên mới là chuyện lớn.", 3960),
    ("c9", "", "Bùi Đức Thắng", "Ủng hộ!", 3900),
    ("c10", "", "Vũ Ngọc Ánh", "Tôi bán hàng ở đầu chợ gần 15 năm. Nếu thi công kéo dài cả năm mà rào chắn hết lối vào thì các hộ kinh doanh như chúng tôi coi như mất thu nhập. Đề nghị quận chia giai đoạn, làm đoạn nào xong đoạn đó, và có phương án hỗ trợ cho người buôn bán nhỏ trong thời gian thi công. Chuyện này hôm họp nhiều người nói mà chưa thấy trả lời rõ.", 3800),
    ("c11", "c10", "Ngô Thanh Tâm", "Chia giai đoạn là hợp lý. Ở quận khác người ta làm ban đêm để giảm ảnh hưởng ban ngày.", 3750),
    ("c12", "c11", "Vũ Ngọc Ánh", "Làm ban đêm thì lại ồn, nhà tôi có người già. Khó vẹn cả đôi đường.", 3700),
    ("c13", "c12", "Ngô Thanh Tâm", "Thì cũng phải chọn cái ít hại hơn thôi chị.", 3690),
    ("c14", "", "Đặng Hữu Phước", "Lo nhất là xe tải. Đường rộng đẹp thì xe ben, xe container sẽ chạy tắt qua để né trạm thu phí. Cần cấm tải ngay từ đầu chứ đừng để có chuyện rồi mới cấm.", 3500),
    ("c15", "c14", "Lý Thị Hồng", "Đồng ý. Đường gần trường học thì càng phải hạn chế xe tải giờ đưa đón.", 3450),
    ("c16", "c14", "Trịnh Công Sơn", "Có biển cấm mà không ai xử lý thì cũng vậy. Nên gắn camera.", 3400),
    ("c17", "", "Mai Phương", "Làn xe đạp là điểm cộng. Sáng nào tôi cũng đạp xe dọc bờ sông mà phải len giữa xe máy, rất nguy hiểm.", 3300),
    ("c18", "c17", "", "Làn xe đạp ở mình vẽ ra rồi cũng thành chỗ đậu xe máy thôi bạn ơi 😅", 3250),
    ("c19", "c18", "Mai Phương", "Haha, cũng có thể. Nhưng có còn hơn không.", 3240),
    ("c20", "", "Cao Minh Đức", "Xin hỏi khu tái định cư tại chỗ là ở đâu? Bài viết không nói.", 3100),
    ("c21", "c20", "Trần Thị Mai", "Theo tôi nghe trong buổi họp thì là khu đất trống phía sau chợ, nhưng chưa chốt.", 3050),
    ("c22", "", "Phan Thị Kim Oanh", "Công viên nhỏ gần chợ nghe hay, nhưng xin đừng làm kiểu lát gạch hết rồi để nắng cháy. Cần cây to, ghế ngồi có bóng mát và nhà vệ sinh công cộng sạch sẽ. Người già khu này chiều nào cũng ra bờ sông hóng mát.", 2900),
    ("c23", "c22", "Lê Minh Tuấn", "Nhà vệ sinh công cộng là thứ hay bị quên nhất 👍", 2880),
    ("c24", "", "Tô Hoài Nam", "Năm học 2025–2026 mà giờ mới lấy ý kiến, rồi còn trình thành phố, đấu thầu... tôi thấy hơi khó kịp.", 2700),
    ("c25", "c24", "Đỗ Quang Vinh", "Trường 30 phòng thì một năm rưỡi là xây xong nếu không vướng mặt bằng. Khu kho cũ là đất công nên chắc nhanh.", 2650),
    ("c26", "c25", "Tô Hoài Nam", "Mong là anh nói đúng.", 2640),
    ("c27", "", "Huỳnh Bảo Ngọc", "Đề nghị làm lối đưa đón học sinh riêng như phụ huynh góp ý. Trường cũ của con tôi giờ tan học là kẹt cả con đường, xe máy leo lên vỉa hè.", 2400),
    ("c28", "", "Chu Văn Lực", "Hôm đó tôi có đi họp. Không khí khá cởi mở, cán bộ ghi chép đầy đủ. Hy vọng các ý kiến được tiếp thu thật.", 2200),
    ("c29", "c28", "Hoàng Lan Anh", "Cảm ơn anh đã chia sẻ, hôm đó tôi bận không đi được.", 2150),
    ("c30", "", "Lâm Gia Huy", "Bờ sông đoạn này mùa mưa hay ngập. Làm đường xong có tính cao độ chống ngập không hay lại đẩy nước vào trong hẻm?", 1900),
    ("c31", "c30", "Đặng Hữu Phước", "Câu hỏi rất đúng. Nhiều nơi nâng đường xong nhà dân thành cái trũng.", 1880),
    ("c32", "c31", "Lâm Gia Huy", "Vâng, nên cần công bố cả phương án thoát nước chứ không chỉ mỗi bản vẽ phối cảnh.", 1860),
    ("c33", "", "Nguyễn Thị Thanh Xuân", "Tuyệt!", 1500),
    ("c34", "", "Kiều Trọng Nghĩa", "Tôi là người thuê trọ ở khu này được năm năm. Những người thuê nhà như chúng tôi không có tên trong danh sách hộ bị ảnh hưởng, nhưng khi chủ nhà nhận bồi thường và dời đi thì chúng tôi cũng phải tìm chỗ mới, thường là xa hơn và đắt hơn. Mong quận có thông báo sớm trước vài tháng để người thuê kịp xoay xở, nhất là các gia đình có con nhỏ đang đi học gần đây. Chúng tôi không phản đối dự án, chỉ mong được đối xử công bằng.", 1200),
    ("c35", "c34", "Phan Thị Kim Oanh", "Ý kiến này rất thiết thực, ít ai nghĩ tới người thuê trọ.", 1150),
    ("c36", "", "Bùi Đức Thắng", "Cho hỏi có bản đồ tuyến đường chi tiết ở đâu không ạ?", 800),
    ("c37", "c36", "Cao Minh Đức", "Nghe nói niêm yết ở trụ sở phường, bạn ghé xem thử.", 760),
    ("c38", "", "", "Mong dự án không bị bỏ dở giữa chừng như con đường năm nào.", 400),
    ("c39", "c38", "Vũ Ngọc Ánh", "Lo nhất là chuyện đó.", 380),
    ("c40", "", "Hà Thị Quỳnh", "Con tôi năm sau vào lớp 1, cả nhà mong trường mới từng ngày 🙏", 90),
];

/// Inserts the demo article (if missing) and, when the database has no
/// comments at all, the demo thread. Returns whether comments were seeded.
pub async fn seed_demo(store: &Store) -> Result<bool, sqlx::Error> {
    let now = now_ms();
    store
        .insert_article(&Article {
            id: "demo".into(),
            title: "Quận lấy ý kiến người dân về đường ven sông và trường tiểu học mới".into(),
            author: "Minh Khôi".into(),
            // 2024-01-18T10:30:00Z
            published_at: 1_705_573_800_000,
            body_html: ARTICLE_BODY.into(),
            thread: "demo".into(),
        })
        .await?;
    if store.comment_count().await? > 0 {
        return Ok(false);
    }
    let mut ids: Vec<(&str, String, String)> = Vec::with_capacity(COMMENTS.len());
    for (i, (key, parent_key, author, body, minutes_ago)) in COMMENTS.iter().enumerate() {
        let id = format!("demo{:04}", i + 1);
        let (parent_id, root_id) = match ids.iter().find(|(k, _, _)| k == parent_key) {
            Some((_, pid, root)) => (Some(pid.clone()), root.clone()),
            None => (None, id.clone()),
        };
        store
            .insert_comment(&NewComment {
                id: &id,
                thread: "demo",
                parent_id: parent_id.as_deref(),
                root_id: &root_id,
                author,
                body: &ykien_text::nfc(body),
                created_at: now - minutes_ago * 60_000,
                status: Status::Published,
                pending_token: None,
                idempotency_key: None,
            })
            .await?;
        ids.push((key, id, root_id));
    }
    tracing::info!(comments = COMMENTS.len(), "seeded demo thread");
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_data_is_consistent() {
        assert!(COMMENTS.len() >= 40);
        for (i, (key, parent, _, body, ago)) in COMMENTS.iter().enumerate() {
            let n = ykien_text::count_chars(body);
            assert!((1..=500).contains(&n), "{key} length {n}");
            if !parent.is_empty() {
                let (pi, p) = COMMENTS
                    .iter()
                    .enumerate()
                    .find(|(_, c)| c.0 == *parent)
                    .unwrap_or_else(|| panic!("{key}: unknown parent"));
                assert!(pi < i, "{key}: parent must come first");
                assert!(p.4 > *ago, "{key}: reply must be newer than parent");
            }
        }
    }
}
