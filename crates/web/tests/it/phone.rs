//! Pages made for a laptop and a phone, as their markup (the browser test looks at them at 390 px):
//! the menu folds behind «Меню» without scripts; the association's members are one row each with
//! one «Действия» menu; teachers are chosen in a checkbox list that sends what a multi-select sent.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use reqwest::StatusCode;

use crate::common::TestApp;

/// The tags `<input …>` of a page whose attributes contain every one of `has`.
fn inputs<'a>(page: &'a str, has: &[&str]) -> Vec<&'a str> {
    page.match_indices("<input ")
        .map(|(i, _)| &page[i..i + page[i..].find('>').unwrap()])
        .filter(|tag| has.iter().all(|h| tag.contains(h)))
        .collect()
}

#[tokio::test]
async fn teachers_are_chosen_in_a_checkbox_list_sent_like_a_multi_select() {
    let app = TestApp::start().await;
    let s = app.login("uo.specialist").await;
    let page = s.get("/orders/new").await.text().await.unwrap();
    assert!(page.contains("id=\"menu-toggle\"") && page.contains("<label for=\"menu-toggle\" class=\"menu-button\">"));
    assert!(!page.contains(" multiple"), "no Ctrl-click multi-select");
    let free = app.a_free_teacher.to_string();
    let value = format!("value=\"{free}\"");
    assert_eq!(inputs(&page, &["type=\"checkbox\"", "name=\"member_ids\"", &value]).len(), 1);
    assert_eq!(inputs(&page, &["type=\"radio\"", "name=\"head_teacher_id\"", &value]).len(), 1);
    assert_eq!(inputs(&page, &["type=\"radio\"", "name=\"officer_teacher_id\"", &value]).len(), 1);
    // The filter box has a label and sends nothing.
    let find = inputs(&page, &["id=\"member_ids-find\""]);
    assert!(find.len() == 1 && !find[0].contains("name="), "{find:?}");
    assert!(page.contains("<label class=\"visually-hidden\" for=\"member_ids-find\">"));

    // A refused form comes back with the chosen checked and listed first.
    let mut c = app.t.db.conn().await.unwrap();
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM teachers WHERE municipality_id = $1 AND archived_at IS NULL ORDER BY last_name DESC, id LIMIT 2",
    )
    .bind(app.muni_a)
    .fetch_all(&mut *c)
    .await
    .unwrap();
    drop(c);
    let (a, b) = (ids[0].to_string(), ids[1].to_string());
    let muni = app.muni_a.to_string();
    let form = [
        ("municipality_id", muni.as_str()),
        ("kind", "create_association"),
        ("number", "не номер, а слишком длинная строка для номера приказа"),
        ("date", "2026-09-05"),
        ("name", "ММО учителей черчения"),
        ("direction", "черчение"),
        ("head_teacher_id", free.as_str()),
        ("member_ids", a.as_str()),
        ("member_ids", b.as_str()),
    ];
    let r = s.form("/orders", &form).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.unwrap();
    let members = inputs(&page, &["name=\"member_ids\""]);
    assert!(members[0].contains(" checked") && members[1].contains(" checked"), "{:?}", &members[..3]);
    assert!(!members[2].contains(" checked"));
    let head = inputs(&page, &["name=\"head_teacher_id\"", " checked"]);
    assert!(head.len() == 1 && head[0].contains(&value), "{head:?}");

    // The association's page: the results' teachers are checkboxes too.
    let h = app.login("mmo.head").await;
    let page = h.get(&format!("/associations/{}/results", app.assoc_a)).await.text().await.unwrap();
    assert!(!page.contains(" multiple"));
    assert!(!inputs(&page, &["type=\"checkbox\"", "name=\"teacher_ids\""]).is_empty());
    app.stop().await;
}

#[tokio::test]
async fn each_member_is_one_row_with_one_menu_and_the_removal_in_it_works() {
    let app = TestApp::start().await;
    let h = app.login("mmo.head").await;
    let path = format!("/associations/{}", app.assoc_a);
    let page = h.get(&path).await.text().await.unwrap();
    let start = page.find("<table class=\"members").unwrap();
    let table = &page[start..start + page[start..].find("</table>").unwrap()];
    let rows = table.matches("<td class=\"name\">").count();
    assert!(rows >= 5, "{rows} members");
    assert_eq!(table.matches("<details class=\"row-menu\">").count(), rows, "one menu a member");
    assert_eq!(table.matches("/remove\"").count(), rows, "its removal inside");
    assert_eq!(page.matches("/remove\"").count(), rows, "no other removal forms");
    // The removal in the menu works as before.
    let i = table.find("/remove\"").unwrap();
    let action = &table[table[..i].rfind("action=\"").unwrap() + 8..i + 7];
    let r = h.form(action, &[("left_on", "")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = h.get(&path).await.text().await.unwrap();
    assert!(page.contains("Педагог выведен из состава"));
    assert_eq!(page.matches("<td class=\"name\">").count(), rows - 1);
    app.stop().await;
}
