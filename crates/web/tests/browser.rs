//! In a real browser (Debian's Chromium through chromedriver): sign in, add an organization, see
//! it in the list and in the audit trail, check the page at phone width, sign out.
//!
//! Ignored by plain `cargo test` because it needs `chromium` and `chromium-driver` installed;
//! `.ci/run` installs them and runs `cargo test -p metoda-web --test browser -- --ignored`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use common::TestApp;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

struct Driver {
    child: Child,
    port: u16,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

async fn start_driver() -> Driver {
    let path = std::env::var("METODA_CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
    let port = free_port();
    let child = Command::new(&path)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {path} (install chromium-driver): {e}"));
    // From here on the Driver owns the child and kills and waits for it when dropped.
    let driver = Driver { child, port };
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
            return driver;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("chromedriver did not start on port {port}");
}

async fn browser(driver: &Driver) -> Client {
    let profile = std::env::temp_dir().join(format!("metoda-chrome-{}-{}", std::process::id(), driver.port));
    let caps = json!({
        "goog:chromeOptions": {
            "binary": std::env::var("METODA_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()),
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync", "--window-size=1280,900",
                     format!("--user-data-dir={}", profile.display())]
        }
    });
    let caps = caps.as_object().unwrap().clone().into_iter().collect();
    // chromedriver speaks plain HTTP on loopback: no TLS stack needed.
    let http = hyper_util::client::legacy::connect::HttpConnector::new();
    ClientBuilder::new(http)
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{}", driver.port))
        .await
        .expect("a Chromium session")
}

/// Waits (up to 10 s) until the page's `main` shows `needle`; returns its text. Pages load after
/// a click asynchronously, so every check of a new page goes through here.
async fn wait_for(c: &Client, needle: &str) -> String {
    let mut last = String::new();
    for _ in 0..100 {
        if let Ok(e) = c.find(Locator::Css("main")).await
            && let Ok(t) = e.text().await
        {
            if t.contains(needle) {
                return t;
            }
            last = t;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the page never showed «{needle}»; it showed:\n{last}");
}

async fn wait_path(c: &Client, suffix: &str) {
    for _ in 0..100 {
        if c.current_url().await.unwrap().path().ends_with(suffix) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("never reached {suffix}: at {}", c.current_url().await.unwrap());
}

async fn fill(c: &Client, css: &str, value: &str) {
    let e = c.find(Locator::Css(css)).await.unwrap_or_else(|_| panic!("no {css}"));
    e.clear().await.unwrap();
    e.send_keys(value).await.unwrap();
}

/// Accepts the confirmation an irreversible act asks for (`data-confirm`) and returns its question;
/// fails when none is asked.
async fn confirm(c: &Client) -> String {
    for _ in 0..50 {
        if let Ok(text) = c.get_alert_text().await {
            c.accept_alert().await.unwrap();
            return text;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no confirmation was asked");
}

#[tokio::test]
#[ignore = "needs chromium and chromium-driver; run by .ci/run"]
async fn sign_in_add_an_organization_see_it_and_its_audit_entry_sign_out() {
    let app = TestApp::start().await;
    let driver = start_driver().await;
    let c = browser(&driver).await;

    // Sign in.
    c.goto(&app.url("/")).await.unwrap();
    wait_path(&c, "/login").await;
    fill(&c, "#login", "uo.specialist").await;
    fill(&c, "#password", common::PASSWORD).await;
    c.find(Locator::Css("form[action='/login'] button[type=submit]")).await.unwrap().click().await.unwrap();
    wait_for(&c, "Здравствуйте, Козлова Ирина Николаевна").await;

    // A form with a mistake first: the page says what is wrong, in Russian.
    c.goto(&app.url(&format!("/organizations/new?municipality_id={}", app.muni_a))).await.unwrap();
    fill(&c, "#full_name", "Муниципальное автономное общеобразовательное учреждение «Гимназия № 2»").await;
    fill(&c, "#short_name", "МАОУ «Гимназия № 2»").await;
    fill(&c, "#email", "не-почта").await;
    c.find(Locator::Css("form.stack button[type=submit]")).await.unwrap().click().await.unwrap();
    wait_for(&c, "Электронная почта: укажите адрес вида name@example.ru").await;
    // Fix it and save.
    fill(&c, "#email", "gymn2@example.ru").await;
    c.find(Locator::Css("form.stack button[type=submit]")).await.unwrap().click().await.unwrap();
    wait_for(&c, "Организация «МАОУ «Гимназия № 2»» добавлена").await;

    // It is in the list.
    c.find(Locator::LinkText("Организации")).await.unwrap().click().await.unwrap();
    wait_for(&c, "Найдено:").await;
    wait_for(&c, "МАОУ «Гимназия № 2»").await;

    // And in the audit trail, with the new values.
    c.find(Locator::LinkText("Журнал изменений")).await.unwrap().click().await.unwrap();
    let audit = wait_for(&c, "Добавлена организация «МАОУ «Гимназия № 2»»").await;
    assert!(audit.contains("электронная почта: — → gymn2@example.ru"), "{audit}");
    assert!(audit.contains("организация № ") && audit.contains("создание"), "{audit}");
    assert!(audit.contains("uo.specialist"));

    // At phone width nothing spills sideways, and every input has a label.
    c.set_window_size(375, 812).await.unwrap();
    c.goto(&app.url(&format!("/organizations/new?municipality_id={}", app.muni_a))).await.unwrap();
    let overflow = c.execute("return document.documentElement.scrollWidth - window.innerWidth;", vec![]).await.unwrap();
    assert!(overflow.as_i64().unwrap() <= 0, "the form is wider than a phone: {overflow}");
    let unlabelled = c
        .execute(
            "return [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
                .filter(e => !(e.id && document.querySelector('label[for=\"' + e.id + '\"]')) && !e.closest('label')).length;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(unlabelled.as_i64(), Some(0), "inputs without a label");
    if let Ok(dir) = std::env::var("METODA_SCREENSHOTS") {
        std::fs::write(format!("{dir}/organization-form-phone.png"), c.screenshot().await.unwrap()).unwrap();
    }
    c.set_window_size(1280, 900).await.unwrap();
    if let Ok(dir) = std::env::var("METODA_SCREENSHOTS") {
        c.goto(&app.url("/audit")).await.unwrap();
        std::fs::write(format!("{dir}/audit.png"), c.screenshot().await.unwrap()).unwrap();
    }

    // Sign out.
    c.find(Locator::Css("form[action='/logout'] button")).await.unwrap().click().await.unwrap();
    wait_path(&c, "/login").await;
    c.goto(&app.url("/organizations")).await.unwrap();
    assert!(c.current_url().await.unwrap().path().ends_with("/login"), "signed out for real");

    c.close().await.unwrap();
    drop(driver);
    app.stop().await;
}

#[tokio::test]
#[ignore = "needs chromium and chromium-driver; run by .ci/run"]
async fn an_order_creates_an_association_then_members_chart_and_missing_documents() {
    let app = TestApp::start().await;
    let driver = start_driver().await;
    let c = browser(&driver).await;
    sign_in(&c, &app, "uo.specialist").await;

    // Register the order: the form is a real form; dates and the multiple choice are set the way a
    // person's clicks would set them.
    c.goto(&app.url("/orders/new")).await.unwrap();
    wait_for(&c, "Регистрация приказа").await;
    c.find(Locator::Css("#kind")).await.unwrap().select_by_value("create_association").await.unwrap();
    fill(&c, "#number", "310-ОД").await;
    c.execute("document.getElementById('date').value = '2026-09-10';", vec![]).await.unwrap();
    fill(&c, "#name", "ММО учителей информатики").await;
    fill(&c, "#direction", "информатика").await;
    let head = app.a_free_teacher.to_string();
    c.find(Locator::Css(&format!("#head_teacher_id input[value='{head}']"))).await.unwrap().click().await.unwrap();
    // Two more members: the first two of the list that are not the head.
    let boxes = c.find_all(Locator::Css("#member_ids input[type=checkbox]")).await.unwrap();
    let mut n = 0;
    for b in boxes {
        if n < 2 && b.attr("value").await.unwrap().as_deref() != Some(head.as_str()) {
            b.click().await.unwrap();
            n += 1;
        }
    }
    c.find(Locator::Css("form.stack button[type=submit]")).await.unwrap().click().await.unwrap();
    assert!(confirm(&c).await.starts_with("Зарегистрировать приказ?"), "registering an order asks first");
    wait_for(&c, "Приказ № 310-ОД зарегистрирован и применён").await;

    // The association exists with its head.
    c.find(Locator::LinkText("ММО учителей информатики")).await.unwrap().click().await.unwrap();
    let page = wait_for(&c, "Должностные лица").await;
    assert!(page.contains("руководитель (председатель)"), "{page}");
    assert!(page.contains("Состав (3)"), "{page}");

    // Add a member through the form.
    c.find(Locator::Css("form[action$='/members'] button[type=submit]")).await.unwrap().click().await.unwrap();
    let page = wait_for(&c, "Педагог включён в состав").await;
    assert!(page.contains("Состав (4)"), "{page}");

    // The composition chart is drawn (bars for the four members) and the register shows what is missing.
    let bars = c
        .execute("return [...document.querySelectorAll('figure.chart rect')].filter(r => r.getAttribute('width') !== '0').length;", vec![])
        .await
        .unwrap();
    assert!(bars.as_i64().unwrap() >= 4, "bars drawn: {bars}");
    let page = wait_for(&c, "Обязательные документы").await;
    assert!(page.contains("протоколы заседаний"), "{page}");
    assert!(page.contains("нет за текущий учебный год"), "{page}");
    if let Ok(dir) = std::env::var("METODA_SCREENSHOTS") {
        std::fs::write(format!("{dir}/association.png"), c.screenshot().await.unwrap()).unwrap();
    }
    c.close().await.unwrap();
    drop(driver);
    app.stop().await;
}

async fn sign_in(c: &Client, app: &TestApp, login: &str) {
    c.goto(&app.url("/login")).await.unwrap();
    fill(c, "#login", login).await;
    fill(c, "#password", common::PASSWORD).await;
    c.find(Locator::Css("form[action='/login'] button[type=submit]")).await.unwrap().click().await.unwrap();
    wait_for(c, "Здравствуйте").await;
}

#[tokio::test]
#[ignore = "needs chromium and chromium-driver; run by .ci/run"]
async fn a_meeting_from_attendance_to_signed_minutes_and_its_word_document() {
    use std::io::Read;
    let app = TestApp::start().await;
    let driver = start_driver().await;
    let c = browser(&driver).await;
    sign_in(&c, &app, "mmo.secretary").await;

    // The secretary plans today's meeting from the association's page.
    c.goto(&app.url(&format!("/associations/{}", app.assoc_a))).await.unwrap();
    wait_for(&c, "Заседания").await;
    c.find(Locator::LinkText("Запланировать заседание")).await.unwrap().click().await.unwrap();
    wait_for(&c, "Запланировать заседание").await;
    let d = time::OffsetDateTime::now_utc().date();
    let today = format!("{:04}-{:02}-{:02}", d.year(), d.month() as u8, d.day());
    c.execute("document.getElementById('held_on').value = arguments[0];", vec![json!(today)]).await.unwrap();
    c.execute("document.getElementById('starts_at').value = '15:30';", vec![]).await.unwrap();
    fill(&c, "#place_note", "каб. 12").await;
    c.find(Locator::Css("form[action$='/meetings'] button[type=submit]")).await.unwrap().click().await.unwrap();
    wait_for(&c, "Заседание запланировано").await;

    // Attendance: everyone is offered as present; one is marked absent and the count follows live.
    let rows = c.find_all(Locator::Css("input[type=radio][value=absent]")).await.unwrap();
    let members = rows.len();
    assert!(members >= 5, "{members} members on the roster");
    let before = c.find(Locator::Css("#live-quorum")).await.unwrap().text().await.unwrap();
    assert!(before.contains(&format!("присутствуют {members} из {members}")), "{before}");
    rows[0].click().await.unwrap();
    let after = c.find(Locator::Css("#live-quorum")).await.unwrap().text().await.unwrap();
    assert!(after.contains(&format!("присутствуют {} из {members}", members - 1)), "{after}");
    c.find(Locator::Css("#save-attendance")).await.unwrap().click().await.unwrap();
    wait_for(&c, "Явка отмечена").await;

    // A decision with its vote.
    fill(&c, "#topic", "О проведении муниципального конкурса").await;
    fill(&c, "#speaker", "Орлова Е. П.").await;
    fill(&c, "#decision", "Провести конкурс в марте").await;
    fill(&c, "#votes_for", &(members - 2).to_string()).await;
    fill(&c, "#votes_against", "0").await;
    fill(&c, "#votes_abstained", "1").await;
    c.find(Locator::Css("#add-agenda")).await.unwrap().click().await.unwrap();
    let page = wait_for(&c, "Вопрос внесён в повестку").await;
    assert!(page.contains("решение принято"), "{page}");
    c.find(Locator::Css("#draft-minutes")).await.unwrap().click().await.unwrap();
    let page = wait_for(&c, "Составлен проект протокола").await;
    assert!(page.contains("ожидается подпись"), "{page}");
    assert!(c.find(Locator::Css("#sign-head")).await.is_err(), "the secretary is not offered the head's signature");
    let url = c.current_url().await.unwrap().path().to_owned();

    // The head signs: the minutes are locked.
    c.find(Locator::Css("form[action='/logout'] button")).await.unwrap().click().await.unwrap();
    wait_path(&c, "/login").await;
    sign_in(&c, &app, "mmo.head").await;
    c.goto(&app.url(&url)).await.unwrap();
    wait_for(&c, "Протокол №").await;
    c.find(Locator::Css("#sign-head")).await.unwrap().click().await.unwrap();
    assert!(confirm(&c).await.starts_with("Подписать протокол как руководитель?"), "signing asks first");
    let page = wait_for(&c, "подписан всеми и опубликован").await;
    assert!(page.contains("Протокол подписан: заседание, явка и решения больше не меняются"), "{page}");
    assert!(c.find(Locator::Css("#add-agenda")).await.is_err(), "no editing of signed minutes");
    if let Ok(dir) = std::env::var("METODA_ARTIFACTS") {
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(format!("{dir}/meeting.png"), c.screenshot().await.unwrap()).unwrap();
    }

    // The DOCX downloads in the browser's session and is the protocol.
    let href = c.find(Locator::Css("#minutes-docx")).await.unwrap().attr("href").await.unwrap().unwrap();
    let (status, ct, bytes) = fetch_in_browser(&c, &href).await;
    assert_eq!(status, 200);
    assert!(ct.contains("wordprocessingml"), "{ct}");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut xml = String::new();
    zip.by_name("word/document.xml").unwrap().read_to_string(&mut xml).unwrap();
    let text: String = xml.split('<').filter_map(|p| p.split_once('>').map(|(_, t)| t)).collect();
    assert!(text.contains("ПРОТОКОЛ №"), "{text}");
    assert!(text.contains("Провести конкурс в марте"));
    assert!(text.contains(&format!("«за» – {}, «против» – 0, «воздержались» – 1", members - 2)), "{text}");
    c.close().await.unwrap();
}

/// Fetches a file in the browser's session: (status, content type, bytes).
async fn fetch_in_browser(c: &Client, href: &str) -> (u64, String, Vec<u8>) {
    let got = c
        .execute_async(
            "const done = arguments[arguments.length - 1];
             fetch(arguments[0]).then(r => r.arrayBuffer().then(b => done([r.status, r.headers.get('content-type'), Array.from(new Uint8Array(b))])));",
            vec![json!(href)],
        )
        .await
        .unwrap();
    let bytes = got[2].as_array().unwrap().iter().map(|v| v.as_u64().unwrap() as u8).collect();
    (got[0].as_u64().unwrap(), got[1].as_str().unwrap_or("").to_owned(), bytes)
}

#[tokio::test]
#[ignore = "needs chromium and chromium-driver; run by .ci/run"]
async fn the_head_fills_and_submits_the_analysis_and_downloads_both_files() {
    use std::io::Read;
    let app = TestApp::start().await;
    let driver = start_driver().await;
    let c = browser(&driver).await;
    sign_in(&c, &app, "mmo.head").await;
    let last = metoda_domain::teachers::AcademicYear::containing(time::OffsetDateTime::now_utc().date()).0 - 1;
    c.goto(&app.url(&format!("/associations/{}", app.assoc_a))).await.unwrap();
    wait_for(&c, "Заседания").await;
    c.find(Locator::LinkText("Анализ деятельности за год")).await.unwrap().click().await.unwrap();
    wait_for(&c, "Приложение к анализу").await;
    c.goto(&app.url(&format!("/associations/{}/analysis?year={last}", app.assoc_a))).await.unwrap();
    let page = wait_for(&c, "Приложение к анализу").await;
    assert!(page.contains("не начат"), "{page}");
    // The appendix is folded; a number opens the records behind it.
    c.find(Locator::Css("#indicators > summary")).await.unwrap().click().await.unwrap();
    let summary = c.find(Locator::Css("#indicators details summary")).await.unwrap();
    summary.click().await.unwrap();
    let opened = c.find(Locator::Css("#indicators details[open] li")).await.unwrap().text().await.unwrap();
    assert!(!opened.is_empty());
    // The head writes the proposals and submits.
    // Text typed in two sections is saved by either section's button: nothing typed is lost. The
    // sections are folded: one opens from the contents, the other by its title.
    assert!(!c.find(Locator::Css("#text14")).await.unwrap().is_displayed().await.unwrap(), "sections start folded");
    c.find(Locator::Css("nav.toc a[href='#section-14']")).await.unwrap().click().await.unwrap();
    c.find(Locator::Css("#section-24 > summary")).await.unwrap().click().await.unwrap();
    fill(&c, "#text14", "Участие в муниципальных семинарах выросло").await;
    fill(&c, "#text24", "Провести выездной семинар в сельских школах").await;
    c.find(Locator::Css("#section-24 button[type=submit]")).await.unwrap().click().await.unwrap();
    wait_for(&c, "Сохранены разделы 14, 24").await;
    // The page comes back at the section whose button was pressed, opened; the other saved
    // section is folded, its text kept.
    c.wait().for_element(Locator::Css("#section-24[open]")).await.expect("the saved section is open");
    c.find(Locator::Css("nav.toc a[href='#section-14']")).await.unwrap().click().await.unwrap();
    let page = wait_for(&c, "Участие в муниципальных семинарах выросло").await;
    assert!(page.contains("Провести выездной семинар в сельских школах"), "{page}");
    c.find(Locator::Css("#submit-analysis")).await.unwrap().click().await.unwrap();
    assert!(confirm(&c).await.starts_with("Представить анализ"), "submitting asks first");
    let page = wait_for(&c, "Анализ представлен (версия 1)").await;
    assert!(page.contains("позже срока"), "the demo's past year was due by 30 May: {page}");
    assert!(c.find(Locator::Css("#text24")).await.is_err(), "a submitted analysis is not edited");

    // Both files download in the browser's session.
    let href = c.find(Locator::Css("#analysis-docx")).await.unwrap().attr("href").await.unwrap().unwrap();
    let (status, ct, bytes) = fetch_in_browser(&c, &href).await;
    assert_eq!(status, 200);
    assert!(ct.contains("wordprocessingml"), "{ct}");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut xml = String::new();
    zip.by_name("word/document.xml").unwrap().read_to_string(&mut xml).unwrap();
    let text: String = xml.split('<').filter_map(|p| p.split_once('>').map(|(_, t)| t)).collect();
    assert!(text.contains("Провести выездной семинар в сельских школах") && text.contains("Приложение к анализу"));
    let href = c.find(Locator::Css("#analysis-xlsx")).await.unwrap().attr("href").await.unwrap().unwrap();
    let (status, ct, bytes) = fetch_in_browser(&c, &href).await;
    assert_eq!(status, 200);
    assert!(ct.contains("spreadsheetml"), "{ct}");
    assert_eq!(&bytes[..2], b"PK");

    // The authority's overview: the report as submitted, and the charts drawn.
    c.find(Locator::Css("form[action='/logout'] button")).await.unwrap().click().await.unwrap();
    wait_path(&c, "/login").await;
    sign_in(&c, &app, "uo.specialist").await;
    c.goto(&app.url(&format!("/analysis?year={last}"))).await.unwrap();
    let page = wait_for(&c, "Диаграммы").await;
    assert!(page.contains("представлен, версия 1"), "{page}");
    let bars = c.find_all(Locator::Css("figure.chart rect.chart-bar")).await.unwrap();
    assert!(bars.len() >= 7, "categories, attendance of three associations, levels: {}", bars.len());
    if let Ok(dir) = std::env::var("METODA_SCREENSHOTS") {
        c.set_window_size(1280, 1400).await.unwrap();
        std::fs::write(format!("{dir}/analysis-overview.png"), c.screenshot().await.unwrap()).unwrap();
    }
    c.close().await.unwrap();
}

/// Sets the size of the page's viewport (the window less its frame, if any).
async fn viewport(c: &Client, width: u32, height: u32) {
    c.set_window_size(width, height).await.unwrap();
    let inner = c.execute("return [window.innerWidth, window.innerHeight];", vec![]).await.unwrap();
    let (w, h) = (inner[0].as_u64().unwrap() as u32, inner[1].as_u64().unwrap() as u32);
    if (w, h) != (width, height) {
        c.set_window_size(2 * width - w, 2 * height - h).await.unwrap();
    }
}

/// Whether the page stays within the viewport's width (does not scroll sideways).
async fn fits(c: &Client) -> bool {
    let over = c.execute("return document.documentElement.scrollWidth - window.innerWidth;", vec![]).await.unwrap();
    over.as_i64().unwrap() <= 0
}

#[tokio::test]
#[ignore = "needs chromium and chromium-driver; run by .ci/run"]
async fn on_a_phone_the_menu_folds_pages_fit_the_width_and_the_teacher_picker_filters() {
    let app = TestApp::start().await;
    let driver = start_driver().await;
    let c = browser(&driver).await;
    viewport(&c, 390, 844).await;
    assert_eq!(c.execute("return window.innerWidth;", vec![]).await.unwrap().as_i64(), Some(390));
    sign_in(&c, &app, "mmo.head").await;

    // The menu is folded behind «Меню» and opens on a click.
    assert!(fits(&c).await, "the home page fits a phone");
    let link = c.find(Locator::Css("header nav a[href='/associations']")).await.unwrap();
    assert!(!link.is_displayed().await.unwrap(), "the menu is folded on a phone");
    c.find(Locator::Css("label.menu-button")).await.unwrap().click().await.unwrap();
    assert!(link.is_displayed().await.unwrap(), "«Меню» opens the menu");
    link.click().await.unwrap();
    wait_path(&c, "/associations").await;
    assert!(
        !c.find(Locator::Css("header nav a[href='/associations']")).await.unwrap().is_displayed().await.unwrap(),
        "the next page starts with the menu folded"
    );

    // The association's page fits; each member has one «Действия» menu holding the removal.
    c.goto(&app.url(&format!("/associations/{}", app.assoc_a))).await.unwrap();
    wait_for(&c, "Состав (").await;
    assert!(fits(&c).await, "the association's page fits a phone");
    let rows = c.find_all(Locator::Css("table.members tbody tr")).await.unwrap().len();
    let menus = c.find_all(Locator::Css("table.members details.row-menu")).await.unwrap().len();
    assert!(rows >= 5 && menus == rows, "{rows} members, {menus} menus");
    let remove = c.find(Locator::Css("table.members form[action$='/remove'] button")).await.unwrap();
    assert!(!remove.is_displayed().await.unwrap(), "the removal waits in the folded menu");
    c.find(Locator::Css("table.members details.row-menu > summary")).await.unwrap().click().await.unwrap();
    assert!(remove.is_displayed().await.unwrap(), "«Действия» shows the removal");
    assert!(fits(&c).await, "the opened menu fits a phone");

    // The meeting's attendance: large marks whose words are clickable; the page fits.
    let head = app.login("mmo.head").await;
    let d = time::OffsetDateTime::now_utc().date();
    let today = format!("{:04}-{:02}-{:02}", d.year(), d.month() as u8, d.day());
    let r = head
        .post_json(
            &format!("/api/v1/associations/{}/meetings", app.assoc_a),
            json!({"held_on": today, "place_note": "каб. 1"}),
        )
        .await;
    let meeting = r.json::<serde_json::Value>().await.unwrap()["id"].as_i64().unwrap();
    c.goto(&app.url(&format!("/meetings/{meeting}"))).await.unwrap();
    wait_for(&c, "Явка").await;
    assert!(fits(&c).await, "the meeting's page fits a phone");
    let lowest = c
        .execute("return Math.min(...[...document.querySelectorAll('label.mark')].map(l => l.getBoundingClientRect().height));", vec![])
        .await
        .unwrap();
    assert!(lowest.as_f64().unwrap() >= 44.0, "attendance marks are at least 44 px tall: {lowest}");
    let absent = c.find(Locator::Css("label.mark:has(input[value=absent])")).await.unwrap();
    absent.click().await.unwrap();
    let checked = c.execute("return document.querySelector('input[value=absent]').checked;", vec![]).await.unwrap();
    assert_eq!(checked.as_bool(), Some(true), "a click on the words marks the member");

    // The order form's teachers: the filter hides who does not match, the chosen stay, the
    // choice is sent.
    c.delete_all_cookies().await.unwrap();
    sign_in(&c, &app, "uo.specialist").await;
    let mut db = app.t.db.conn().await.unwrap();
    let (member, last, first): (i64, String, String) = sqlx::query_as(
        "SELECT id, last_name, first_name FROM teachers WHERE municipality_id = $1 AND id <> $2 AND archived_at IS NULL
         ORDER BY last_name DESC, id LIMIT 1",
    )
    .bind(app.muni_a)
    .bind(app.a_free_teacher)
    .fetch_one(&mut *db)
    .await
    .unwrap();
    drop(db);
    c.goto(&app.url("/orders/new")).await.unwrap();
    wait_for(&c, "Регистрация приказа").await;
    assert!(fits(&c).await, "the order form fits a phone");
    let total = c.find_all(Locator::Css("#member_ids .picker-list label")).await.unwrap().len();
    fill(&c, "#member_ids-find", &format!("{last} {first}")).await;
    let shown = c
        .execute(
            "return [...document.querySelectorAll('#member_ids .picker-list label')].filter(l => !l.hidden).map(l => l.textContent);",
            vec![],
        )
        .await
        .unwrap();
    let shown: Vec<String> = shown.as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_owned()).collect();
    assert!(!shown.is_empty() && shown.len() < total, "{} of {total} shown", shown.len());
    assert!(shown.iter().all(|t| t.contains(&last)), "only matching names: {shown:?}");
    c.find(Locator::Css(&format!("#member_ids input[value='{member}']"))).await.unwrap().click().await.unwrap();
    let count = c.find(Locator::Css("#member_ids .picker-count")).await.unwrap().text().await.unwrap();
    assert_eq!(count, "выбрано: 1");
    // Another search: the chosen one stays in sight.
    fill(&c, "#member_ids-find", "Нет-такого-педагога").await;
    assert!(
        c.find(Locator::Css(&format!("#member_ids input[value='{member}']")))
            .await
            .unwrap()
            .is_displayed()
            .await
            .unwrap()
    );
    assert!(c.find(Locator::Css("#member_ids .picker-empty")).await.unwrap().is_displayed().await.unwrap());
    // The head through the single-choice picker, then register.
    let free = app.a_free_teacher;
    c.find(Locator::Css(&format!("#head_teacher_id input[value='{free}']"))).await.unwrap().click().await.unwrap();
    c.find(Locator::Css("#kind")).await.unwrap().select_by_value("create_association").await.unwrap();
    fill(&c, "#number", "311-ОД").await;
    fill(&c, "#name", "ММО учителей астрономии").await;
    fill(&c, "#direction", "астрономия").await;
    c.find(Locator::Css("form.stack button[type=submit]")).await.unwrap().click().await.unwrap();
    confirm(&c).await;
    wait_for(&c, "Приказ № 311-ОД зарегистрирован и применён").await;
    c.find(Locator::LinkText("ММО учителей астрономии")).await.unwrap().click().await.unwrap();
    let page = wait_for(&c, "Состав (2)").await;
    assert!(page.contains(&last), "the chosen member is in the association: {page}");
    c.close().await.unwrap();
    drop(driver);
    app.stop().await;
}

/// Signs the browser out (the session cookie dropped) and in as `login`.
async fn switch_to(c: &Client, app: &TestApp, login: &str) {
    c.delete_all_cookies().await.unwrap();
    sign_in(c, app, login).await;
}

/// Clicks the link whose text contains `text`.
async fn follow(c: &Client, text: &str) {
    c.find(Locator::XPath(&format!("//main//a[contains(normalize-space(.), '{text}')]")))
        .await
        .unwrap_or_else(|_| panic!("no link «{text}» on the page"))
        .click()
        .await
        .unwrap();
}

#[tokio::test]
#[ignore = "needs chromium and chromium-driver; run by .ci/run"]
async fn each_role_follows_an_item_of_its_work_list_to_where_it_acts() {
    let app = TestApp::start().await;
    // 3 December 2026 in Tomsk: the 2025/26 analysis is overdue.
    app.clock.set(time::OffsetDateTime::new_utc(time::macros::date!(2026 - 12 - 03), time::macros::time!(3:00)));
    let driver = start_driver().await;
    let c = browser(&driver).await;
    viewport(&c, 1366, 768).await;

    // The head: the overdue analysis on the home page, followed and submitted.
    sign_in(&c, &app, "mmo.head").await;
    let home = wait_for(&c, "Анализ за 2025/2026 учебный год").await;
    assert!(home.contains("не представлен, срок прошёл"), "{home}");
    follow(&c, "не представлен, срок прошёл").await;
    wait_for(&c, "2025/2026").await;
    c.find(Locator::Css("#submit-analysis")).await.unwrap().click().await.unwrap();
    confirm(&c).await;
    wait_for(&c, "Анализ представлен").await;

    // The authority's head: the submitted analysis waits for a decision; returned with a comment.
    switch_to(&c, &app, "uo.head").await;
    wait_for(&c, "ждёт вашего решения").await;
    follow(&c, "Анализ «ММО учителей математики» за 2025/2026 учебный год").await;
    fill(&c, "#comment", "Дополните раздел о наставничестве").await;
    c.find(Locator::Css("#return-analysis")).await.unwrap().click().await.unwrap();
    confirm(&c).await;
    wait_for(&c, "Анализ возвращён на доработку").await;
    // The control: from the home page, sorted by a column, the return shown.
    c.goto(&app.url("/")).await.unwrap();
    let home = wait_for(&c, "Контроль объединений").await;
    assert!(!home.contains("Анализ «ММО учителей математики»"), "decided: off the list: {home}");
    follow(&c, "Контроль объединений").await;
    wait_for(&c, "Заседания и план — 2026/2027 учебный год").await;
    follow(&c, "Анализ").await;
    let page = wait_for(&c, "Анализ ↑").await;
    assert!(page.contains("возвращён на доработку («Дополните раздел о наставничестве»)"), "{page}");
    if let Ok(dir) = std::env::var("METODA_SCREENSHOTS") {
        std::fs::write(format!("{dir}/control.png"), c.screenshot().await.unwrap()).unwrap();
    }

    // The head again: the comment on the home page, one click from the analysis.
    switch_to(&c, &app, "mmo.head").await;
    let home = wait_for(&c, "возвращён на доработку").await;
    assert!(home.contains("«Дополните раздел о наставничестве»"), "{home}");
    follow(&c, "возвращён на доработку").await;
    wait_for(&c, "Дополните раздел о наставничестве").await;

    // The region operator: the municipalities' reports, one of them followed to its control.
    switch_to(&c, &app, "operator").await;
    let home = wait_for(&c, "Отчёты муниципалитетов").await;
    assert!(home.contains("2025/2026 учебный год"), "the open period by default: {home}");
    follow(&c, "Томский район").await;
    wait_for(&c, "Контроль объединений — Томский район").await;

    // A teacher, on a phone: the card from the home page.
    viewport(&c, 390, 844).await;
    switch_to(&c, &app, "teacher").await;
    let home = wait_for(&c, "Моя карточка").await;
    assert!(home.contains("Мои заседания") && home.contains("Мои результаты"), "{home}");
    assert!(fits(&c).await, "the teacher's home is wider than a phone");
    follow(&c, "Моя карточка").await;
    wait_for(&c, "Васильев").await;
    assert!(fits(&c).await, "the teacher's card is wider than a phone");
    if let Ok(dir) = std::env::var("METODA_SCREENSHOTS") {
        std::fs::write(format!("{dir}/teacher-card-phone.png"), c.screenshot().await.unwrap()).unwrap();
    }

    c.close().await.unwrap();
    drop(driver);
    app.stop().await;
}

#[tokio::test]
#[ignore = "needs chromium and chromium-driver; run by .ci/run"]
async fn an_event_from_the_calendar_to_a_certificate_checked_at_its_qr_address() {
    let app = TestApp::start().await;
    let driver = start_driver().await;
    let c = browser(&driver).await;
    viewport(&c, 1366, 768).await;

    // The head creates a master class from the calendar and announces it.
    sign_in(&c, &app, "mmo.head").await;
    c.goto(&app.url("/events")).await.unwrap();
    wait_for(&c, "Мероприятия").await;
    c.find(Locator::LinkText("Новое мероприятие")).await.unwrap().click().await.unwrap();
    wait_for(&c, "Новое мероприятие").await;
    let d = time::OffsetDateTime::now_utc().date();
    let today = metoda_domain::values::iso_date(d);
    c.execute("document.getElementById('association_id').value = arguments[0];", vec![json!(app.assoc_a.to_string())])
        .await
        .unwrap();
    fill(&c, "#title", "Мастер-класс «Карточки обратной связи»").await;
    c.execute("document.getElementById('form').value = 'master_class';", vec![]).await.unwrap();
    c.execute("document.getElementById('reach').value = 'municipality';", vec![]).await.unwrap();
    c.execute("document.getElementById('starts_on').value = arguments[0];", vec![json!(today)]).await.unwrap();
    c.execute("document.getElementById('starts_at').value = '15:00';", vec![]).await.unwrap();
    fill(&c, "#place_note", "каб. 21").await;
    fill(&c, "#hours", "3").await;
    c.find(Locator::Css("input[name=registration_open]")).await.unwrap().click().await.unwrap();
    c.find(Locator::Css("form[action='/events'] button[type=submit]")).await.unwrap().click().await.unwrap();
    wait_for(&c, "Мероприятие создано как черновик").await;
    let event_path = c.current_url().await.unwrap().path().to_owned();
    c.find(Locator::XPath("//form[contains(@action, '/status')]//button[normalize-space(.)='Объявить']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert!(confirm(&c).await.starts_with("Объявить мероприятие?"), "announcing asks first");
    wait_for(&c, "Мероприятие объявлено").await;

    // The teacher sees it on the home page and registers from there.
    switch_to(&c, &app, "teacher").await;
    let home = wait_for(&c, "Открыта регистрация").await;
    assert!(home.contains("Карточки обратной связи"), "{home}");
    c.find(Locator::XPath(
        "//ul[@id='open-events']/li[contains(., 'Карточки обратной связи')]//button[normalize-space(.)='Зарегистрироваться']",
    ))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    wait_for(&c, "Вы зарегистрированы").await;

    // The head fills the sheet, marks it held, issues the certificates.
    switch_to(&c, &app, "mmo.head").await;
    c.goto(&app.url(&event_path)).await.unwrap();
    wait_for(&c, "Участники").await;
    c.find(Locator::Css("#sheet input[type=radio][value='1']")).await.unwrap().click().await.unwrap();
    c.find(Locator::XPath("//form[@id='sheet']//button[normalize-space(.)='Сохранить лист регистрации']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(&c, "Лист регистрации сохранён").await;
    c.find(Locator::XPath("//button[normalize-space(.)='Отметить проведённым']")).await.unwrap().click().await.unwrap();
    assert!(confirm(&c).await.starts_with("Отметить мероприятие проведённым?"));
    wait_for(&c, "отмечено проведённым").await;
    c.find(Locator::XPath("//button[starts-with(normalize-space(.), 'Выдать сертификаты участника')]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert!(confirm(&c).await.starts_with("Выдать сертификаты участника"));
    wait_for(&c, "Выдано 1 сертификат").await;

    // The teacher opens the certificate: a rendered page with its QR code, fitting a phone too.
    switch_to(&c, &app, "teacher").await;
    c.goto(&app.url(&event_path)).await.unwrap();
    wait_for(&c, "Моё участие").await;
    follow(&c, "сертификат участника №").await;
    let page = wait_for(&c, "СЕРТИФИКАТ УЧАСТНИКА").await;
    assert!(page.contains("Васильев Алексей Павлович") && page.contains("3 часа"), "{page}");
    let qr = c.find(Locator::Css(".certificate .qr svg")).await.unwrap();
    let (_, _, w, h) = qr.rectangle().await.unwrap();
    assert!(w >= 100.0 && h >= 100.0, "the QR code is drawn: {w}×{h}");
    if let Ok(dir) = std::env::var("METODA_ARTIFACTS") {
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(format!("{dir}/certificate.png"), c.screenshot().await.unwrap()).unwrap();
    }
    viewport(&c, 390, 844).await;
    assert!(fits(&c).await, "the certificate fits a phone's width");
    let verify = c.find(Locator::Css(".certificate-check a")).await.unwrap().attr("href").await.unwrap().unwrap();

    // Its address, opened by anyone without signing in, confirms it.
    c.delete_all_cookies().await.unwrap();
    let path = verify.split_once("/verify/").map(|(_, code)| format!("/verify/{code}")).unwrap();
    c.goto(&app.url(&path)).await.unwrap();
    let page = wait_for(&c, "Сертификат действителен").await;
    assert!(page.contains("Карточки обратной связи") && page.contains("Васильев Алексей Павлович"), "{page}");
    c.close().await.unwrap();
    drop(driver);
    app.stop().await;
}

#[tokio::test]
#[ignore = "needs chromium and chromium-driver; run by .ci/run"]
async fn the_authority_loads_a_past_meeting_from_a_file_and_sees_its_paper_minutes() {
    let app = TestApp::start().await;
    let a = app.assoc_a;
    let (day, names) = common::past_day_with_members(&app, a, 0).await;
    let dir = std::env::temp_dir().join(format!("metoda-history-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("явка-с-ошибкой.csv");
    std::fs::write(&bad, format!("Дата заседания;Учитель;Явка\n{day};{};может быть\n", names[0])).unwrap();
    let good = dir.join("явка.csv");
    let rows: Vec<String> = names.iter().map(|n| format!("{day};7;О плане на год;{n};присутствует")).collect();
    std::fs::write(&good, format!("Дата заседания;№ протокола;Вопрос повестки;Учитель;Явка\n{}\n", rows.join("\n")))
        .unwrap();
    let driver = start_driver().await;
    let c = browser(&driver).await;
    sign_in(&c, &app, "uo.specialist").await;

    // From the association's page to its history.
    c.goto(&app.url(&format!("/associations/{a}"))).await.unwrap();
    wait_for(&c, "Состав").await;
    c.find(Locator::Css("#history-link")).await.unwrap().click().await.unwrap();
    wait_for(&c, "Явка на прошедшие заседания").await;

    // A file with a bad row: nothing is loaded, the row is named.
    c.find(Locator::Css("#attendance-file")).await.unwrap().send_keys(&bad.display().to_string()).await.unwrap();
    c.find(Locator::Css("#load-attendance")).await.unwrap().click().await.unwrap();
    assert!(confirm(&c).await.contains("Внести заседания из файла?"));
    let page = wait_for(&c, "Ничего не загружено").await;
    assert!(page.contains("«может быть»"), "{page}");

    // The good file: the meeting is entered, held, with its paper minutes.
    c.find(Locator::Css("#attendance-file")).await.unwrap().send_keys(&good.display().to_string()).await.unwrap();
    c.find(Locator::Css("#load-attendance")).await.unwrap().click().await.unwrap();
    confirm(&c).await;
    wait_for(&c, "Внесено прошедших заседаний: 1").await;
    let mut db = app.t.db.conn().await.unwrap();
    let id: i64 = sqlx::query_scalar("SELECT id FROM meetings WHERE association_id = $1 AND held_on = $2")
        .bind(a)
        .bind(&day)
        .fetch_one(&mut *db)
        .await
        .unwrap();
    drop(db);
    c.goto(&app.url(&format!("/meetings/{id}"))).await.unwrap();
    let page = wait_for(&c, "подписан на бумаге").await;
    assert!(page.contains("Протокол № 7") && page.contains("О плане на год"), "{page}");
    viewport(&c, 390, 844).await;
    assert!(fits(&c).await, "the meeting page fits a phone's width");
    c.close().await.unwrap();
    drop(driver);
    app.stop().await;
    let _ = std::fs::remove_dir_all(&dir);
}
