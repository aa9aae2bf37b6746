//! Calendar feeds: a user's own and an association's, at a secret address shown once, parsed
//! as iCalendar (RFC 5545) by an independent parser; revoking ends the feed; a feed shows what its
//! owner may see, nothing of another municipality.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use icalendar::{Calendar, CalendarComponent, Component, EventLike};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::{Session, TestApp};

/// A new feed through the API: its path on the test server.
async fn new_feed(s: &Session, association: Option<i64>) -> (i64, String) {
    let r = s.post_json("/api/v1/me/calendars", json!({ "association_id": association })).await;
    assert_eq!(r.status(), StatusCode::OK);
    let v: Value = r.json().await.unwrap();
    let url = v["url"].as_str().unwrap();
    let path = &url[url.find("/ical/").unwrap()..];
    (v["feed"]["id"].as_i64().unwrap(), path.to_owned())
}

fn events(text: &str) -> Vec<icalendar::Event> {
    let cal: Calendar = text.parse().unwrap_or_else(|e| panic!("not iCalendar: {e}\n{text}"));
    cal.components
        .into_iter()
        .filter_map(|c| match c {
            CalendarComponent::Event(e) => Some(e),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn a_calendar_feed_shows_the_owner_s_meetings_in_local_time_until_revoked() {
    let app = TestApp::start().await;
    let head = app.login("mmo.head").await;
    let held_on = (time::OffsetDateTime::now_utc() + time::Duration::days(10)).date();
    let r = head
        .post_json(
            &format!("/api/v1/associations/{}/meetings", app.assoc_a),
            json!({"held_on": metoda_domain::values::iso_date(held_on), "starts_at": "15:30", "place_note": "каб. 12, корпус 2"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    let meeting = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();

    let (id, path) = new_feed(&head, None).await;
    // The feed needs no session: the secret is the key.
    let anonymous = reqwest::Client::new();
    let r = anonymous.get(format!("{}{path}", app.base)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "text/calendar; charset=utf-8");
    let text = r.text().await.unwrap();
    assert!(text.contains("BEGIN:VTIMEZONE\r\nTZID:Asia/Krasnoyarsk\r\n"), "A is in UTC+7:\n{text}");
    let evs = events(&text);
    let e = evs.iter().find(|e| e.get_uid() == Some(&format!("meeting-{meeting}@metoda"))).expect("the new meeting");
    let day = metoda_domain::values::iso_date(held_on).replace('-', "");
    assert!(text.contains(&format!("DTSTART;TZID=Asia/Krasnoyarsk:{day}T153000\r\n")), "{text}");
    assert_eq!(e.get_location(), Some("каб. 12, корпус 2"));
    assert!(e.get_summary().unwrap().starts_with("Заседание: "));
    // The head's own feed has the analysis deadline of the association they lead.
    assert!(evs.iter().any(|e| e.get_summary().is_some_and(|s| s.starts_with("Срок сдачи анализа работы"))), "{text}");

    // An association's feed: of one's own association only.
    let (_, assoc_path) = new_feed(&head, Some(app.assoc_a)).await;
    let text = anonymous.get(format!("{}{assoc_path}", app.base)).send().await.unwrap().text().await.unwrap();
    assert!(events(&text).iter().any(|e| e.get_uid() == Some(&format!("meeting-{meeting}@metoda"))));
    let r = head.post_json("/api/v1/me/calendars", json!({ "association_id": app.assoc_b })).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "not B's association");

    // The page lists the feeds; revoking one ends it at once; another's cannot be revoked.
    let page = head.get("/calendar").await.text().await.unwrap();
    assert!(page.contains("Мой календарь") && page.contains("Объединение «"), "{page}");
    let other = app.login("b.head").await;
    let r = other.json(reqwest::Method::DELETE, &format!("/api/v1/me/calendars/{id}"), json!({})).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = head.json(reqwest::Method::DELETE, &format!("/api/v1/me/calendars/{id}"), json!({})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = anonymous.get(format!("{}{path}", app.base)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = anonymous.get(format!("{}/ical/cal_forged.ics", app.base)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    app.t.drop_db().await;
}
