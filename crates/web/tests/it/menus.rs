//! The main menu shows each role what its work uses: a teacher sees no register of orders, no
//! regulation profiles and no API tokens; the authority sees them all.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::TestApp;

/// The links of the page's main menu and user bar.
fn menu(page: &str) -> String {
    let start = page.find("<header").unwrap();
    let end = page.find("</header>").unwrap();
    page[start..end].to_owned()
}

#[tokio::test]
async fn each_role_s_menu_shows_what_its_work_uses() {
    let app = TestApp::start().await;
    for (login, sees, not) in [
        ("teacher", &["/associations", "/notifications"][..], &["/orders", "/profiles", "/tokens", "/analysis\""][..]),
        ("mmo.head", &["/associations", "/teachers"][..], &["/orders", "/profiles", "/tokens"][..]),
        ("uo.specialist", &["/orders", "/profiles", "/analysis", "/tokens", "/results/pending"][..], &[][..]),
        ("operator", &["/profiles", "/tokens"][..], &[][..]),
    ] {
        let s = app.login(login).await;
        let m = menu(&s.get("/").await.text().await.unwrap());
        for href in sees {
            assert!(m.contains(&format!("href=\"{href}")), "{login} should see {href}: {m}");
        }
        for href in not {
            assert!(!m.contains(&format!("href=\"{href}")), "{login} should not see {href}: {m}");
        }
    }
    // The tokens stay reachable for whoever needs them, from the notification settings.
    let t = app.login("teacher").await;
    assert!(t.get("/notifications/settings").await.text().await.unwrap().contains("href=\"/tokens\""));
    app.t.drop_db().await;
}
