//! Issue 13: each role's home page is its work list. What waits on a person is listed there with a
//! link to where to act, and leaves the list once done; the authority's control of its
//! associations filters, sorts and exports what the home page counts.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::TestApp;
use reqwest::StatusCode;

/// 3 December 2026, 10:00 in Tomsk: the analysis whose work is still open is 2025/26's (due
/// 30 May 2026 under the demo's profile 002), the plan year 2026/27's.
fn december(app: &TestApp) {
    app.clock.set(time::OffsetDateTime::new_utc(time::macros::date!(2026 - 12 - 03), time::macros::time!(3:00)));
}

/// The first `href="…"` in `html` that starts with `prefix`.
fn link(html: &str, prefix: &str) -> String {
    let at = html.find(&format!("href=\"{prefix}")).unwrap_or_else(|| panic!("no link to {prefix}…: {html}"));
    let rest = &html[at + 6..];
    rest[..rest.find('"').unwrap()].replace("&amp;", "&")
}

#[tokio::test]
async fn the_analysis_goes_round_the_work_lists_of_the_head_and_the_authority() {
    let app = TestApp::start().await;
    december(&app);
    let head = app.login("mmo.head").await;
    let home = head.get("/").await.text().await.unwrap();
    // The head's card: the open period's analysis, overdue, linked to its page.
    assert!(home.contains("Анализ за 2025/2026 учебный год"), "{home}");
    assert!(home.contains("не представлен, срок прошёл") && home.contains("срок был 30.05.2026"), "{home}");
    let analysis = link(&home, &format!("/associations/{}/analysis?year=2025", app.assoc_a));
    assert_eq!(head.get(&analysis).await.status(), StatusCode::OK);
    // The analysis page defaults to the same open period.
    let page = head.get(&format!("/associations/{}/analysis", app.assoc_a)).await.text().await.unwrap();
    assert!(page.contains("2025/2026"), "{page}");
    // Nothing waits on the authority yet.
    let uo = app.login("uo.head").await;
    let home = uo.get("/").await.text().await.unwrap();
    assert!(home.contains("ждёт вашего решения") && !home.contains("представлен <span"), "{home}");

    // Submitted: on the authority's list, late, linked to the report; the head's says so.
    let r = head.form(&format!("/associations/{}/analysis/2025/submit", app.assoc_a), &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let home = uo.get("/").await.text().await.unwrap();
    assert!(home.contains("за 2025/2026 учебный год</a> — представлен"), "{home}");
    assert!(home.contains("с опозданием"), "{home}");
    let to_decide = link(&home, &format!("/associations/{}/analysis?year=2025", app.assoc_a));
    let page = uo.get(&to_decide).await.text().await.unwrap();
    assert!(page.contains("Вернуть") || page.contains("вернуть"), "the decision form: {page}");
    let home = head.get("/").await.text().await.unwrap();
    assert!(home.contains("ждёт решения"), "{home}");
    // The specialist sees it too; the cabinet head, who does not decide, does not.
    let spec = app.login("uo.specialist").await;
    assert!(spec.get("/").await.text().await.unwrap().contains("— представлен"));
    let cab = app.login("cabinet.head").await;
    assert!(!cab.get("/").await.text().await.unwrap().contains("— представлен"));

    // Returned with a comment: off the authority's list, on the head's with the comment.
    let r = uo
        .form(
            &format!("/associations/{}/analysis/2025/decision", app.assoc_a),
            &[("accept", "false"), ("comment", "Дополните раздел о наставничестве")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.text().await.unwrap());
    let home = uo.get("/").await.text().await.unwrap();
    assert!(!home.contains("— представлен"), "{home}");
    let home = head.get("/").await.text().await.unwrap();
    assert!(home.contains("возвращён на доработку") && home.contains("«Дополните раздел о наставничестве»"), "{home}");
}

#[tokio::test]
async fn the_control_lists_every_association_against_the_profile_filters_sorts_and_exports() {
    let app = TestApp::start().await;
    december(&app);
    let uo = app.login("uo.head").await;
    let home = uo.get("/").await.text().await.unwrap();
    let control = link(&home, "/control?municipality_id=");
    let page = uo.get(&control).await.text().await.unwrap();
    assert!(page.contains("Заседания и план — 2026/2027 учебный год; анализ — за 2025/2026 учебный год"), "{page}");
    assert!(page.contains("срок представления — 30.05.2026"), "{page}");
    // The demo's associations of A (not B's): each row links to where to act.
    let rows = page.matches("<tr class=\"behind\">").count() + page.matches("<tr>\n    <td>").count();
    assert!(rows >= 3, "{page}");
    assert!(page.contains(&format!("href=\"/associations/{}/meetings\"", app.assoc_a)), "{page}");
    assert!(page.contains(&format!("href=\"/associations/{}/analysis?year=2025\"", app.assoc_a)), "{page}");
    assert!(!page.contains(&format!("href=\"/associations/{}\"", app.assoc_b)), "B's association is not A's");
    // Nobody submitted 2025/26: every association is behind on the analysis, and the summary says
    // how many with the right plural.
    assert!(page.contains("не представлен, срок прошёл"), "{page}");
    assert!(page.contains("объединения из") || page.contains("объединений из"), "{page}");
    // Sorted by name, descending: «ММО учителей русского…» comes before «ММО учителей математики».
    let sorted = uo.get(&format!("{control}&sort=name&desc=1")).await.text().await.unwrap();
    let (ru, math) = (sorted.find("русского языка").unwrap(), sorted.find("ММО учителей математики").unwrap());
    assert!(ru < math, "descending by name");
    let sorted = uo.get(&format!("{control}&sort=name")).await.text().await.unwrap();
    assert!(sorted.find("ММО учителей математики").unwrap() < sorted.find("русского языка").unwrap());
    // Once A's association submits, the filter «только отстающие» still lists it only when
    // something else is behind; a year with nothing filed lists every association.
    let head = app.login("mmo.head").await;
    head.form(&format!("/associations/{}/analysis/2025/submit", app.assoc_a), &[]).await;
    let page = uo.get(&format!("{control}&behind=1")).await.text().await.unwrap();
    assert!(page.contains("Показать все"), "{page}");
    let page = uo.get(&control).await.text().await.unwrap();
    assert!(page.contains("ждёт решения, с опозданием"), "{page}");
    // A bad year is a clear message, not a crash.
    let r = uo.get(&format!("{control}&year=3000")).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("Год: от 1900 до 2100"));
    // The XLSX: the same rows, Russian headers.
    let r = uo.get(&format!("/control.xlsx?municipality_id={}", app.muni_a)).await;
    assert_eq!(r.status(), StatusCode::OK);
    let bytes = r.bytes().await.unwrap().to_vec();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut strings = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("xl/sharedStrings.xml").unwrap(), &mut strings).unwrap();
    for want in ["Объединение", "Заседаний с подписанным протоколом", "ММО учителей математики", "ждёт решения"]
    {
        assert!(strings.contains(want), "{want} in the XLSX: {strings}");
    }
    // An association's people do not see the control; another municipality's authority does not
    // see A's.
    let r = head.get(&format!("/control?municipality_id={}", app.muni_a)).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let b = app.login("b.head").await;
    assert_eq!(b.get(&format!("/control?municipality_id={}", app.muni_a)).await.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_teacher_and_the_region_operator_land_on_their_own_work() {
    let app = TestApp::start().await;
    december(&app);
    let t = app.login("teacher").await;
    let home = t.get("/").await.text().await.unwrap();
    assert!(home.contains("Моя карточка") && home.contains("Квалификационная категория"), "{home}");
    assert!(home.contains("Тема самообразования на 2026/2027 учебный год"), "{home}");
    assert!(home.contains("Мои результаты за 2026/2027 учебный год"), "{home}");
    assert!(!home.contains("ждёт вашего решения") && !home.contains("Отчёты муниципалитетов"), "{home}");

    // The operator: the open period by default (2025/26 in December, not the empty 2026/27), a
    // row per municipality and period, a year to choose.
    let op = app.login("operator").await;
    let home = op.get("/").await.text().await.unwrap();
    assert!(home.contains("Отчёты муниципалитетов") && home.contains("2025/2026 учебный год"), "{home}");
    assert!(!home.contains("2026/2027 учебный год</a>"), "{home}");
    let home = op.get("/?year=2024").await.text().await.unwrap();
    assert!(home.contains("2024/2025 учебный год</a>"), "{home}");
    // The region's roll-up defaults to the same period.
    let page = op.get("/analysis/region").await.text().await.unwrap();
    assert!(page.contains("2025/2026"), "{page}");
}

#[tokio::test]
async fn the_control_opens_only_for_who_oversees_that_municipality() {
    let app = TestApp::start().await;
    december(&app);
    // B's specialist who also administers a school of A: the control of B, never of A.
    let (user,): (i64,) = {
        let mut c = app.t.db.conn().await.unwrap();
        sqlx::query_as("SELECT id FROM users WHERE login = 'b.specialist'").fetch_one(&mut *c).await.unwrap()
    };
    {
        let mut c = app.t.db.conn().await.unwrap();
        sqlx::query(
            "INSERT INTO role_grants (user_id, role, region_id, municipality_id, organization_id, created_at)
             VALUES ($1, 'org_admin', $2, $3, $4, '2026-12-01T00:00:00Z')",
        )
        .bind(user)
        .bind(app.region)
        .bind(app.muni_a)
        .bind(app.org_a)
        .execute(&mut *c)
        .await
        .unwrap();
    }
    let s = app.login("b.specialist").await;
    assert_eq!(s.get(&format!("/control?municipality_id={}", app.muni_a)).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(s.get(&format!("/control.xlsx?municipality_id={}", app.muni_a)).await.status(), StatusCode::FORBIDDEN);
    let page = s.get("/control").await.text().await.unwrap();
    assert!(page.contains("Контроль объединений — ") && !page.contains("Томский район"), "B's, not A's: {page}");
    // A municipality that does not exist answers as another's does.
    assert_eq!(s.get("/control?municipality_id=999999").await.status(), StatusCode::FORBIDDEN);
}
