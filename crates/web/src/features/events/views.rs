//! The JSON of the events API: each store row as the API sends it (dates as "YYYY-MM-DD",
//! enumerations as their codes), built from the typed rows of `metoda_store::events`. The schema
//! names and shapes are the reviewed contract (`tests/snapshots/openapi.json`).

use metoda_domain::values::iso_date;
use metoda_store::events as store;
use serde::Serialize;

#[derive(Serialize, utoipa::ToSchema)]
pub struct Event {
    pub id: i64,
    pub municipality_id: i64,
    /// The organising association (None: the authority's event).
    pub association_id: Option<i64>,
    pub association_name: Option<String>,
    pub subgroup_id: Option<i64>,
    /// The plan item the event carries out.
    pub plan_item_id: Option<i64>,
    pub title: String,
    /// An event form code (seminar, master_class, open_lesson, …, vsosh_municipal_stage).
    pub form: String,
    /// teachers | students
    pub audience: String,
    /// municipal | regional | all_russian | international
    pub level: String,
    /// in_person | remote | mixed
    pub format: String,
    /// members | municipality | public
    pub reach: String,
    pub starts_on: String,
    pub starts_at: Option<String>,
    pub ends_on: String,
    pub venue_organization_id: Option<i64>,
    pub venue_name: Option<String>,
    pub place_note: Option<String>,
    pub online_url: Option<String>,
    /// Academic hours, printed on certificates.
    pub hours: i64,
    pub description: Option<String>,
    /// Participants register themselves (else the organisers register them).
    pub registration_open: bool,
    /// Places (None: no cap).
    pub cap: Option<i64>,
    pub registration_deadline: Option<String>,
    /// draft | announced | held | cancelled | archived
    pub status: String,
    pub cancel_reason: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    /// Raised by every change of the event: send it back with an edit (an older one gets 409).
    pub version: i64,
    /// Registrations holding a place.
    pub registered: i64,
    /// Registrations on the waiting list.
    pub waiting: i64,
    /// The first session of the series the event is a session of (None: not in a series).
    pub series_id: Option<i64>,
}

impl From<&store::Event> for Event {
    fn from(e: &store::Event) -> Self {
        Event {
            id: e.id.get(),
            municipality_id: e.municipality_id.get(),
            association_id: e.association_id.map(i64::from),
            association_name: e.association_name.clone(),
            subgroup_id: e.subgroup_id,
            plan_item_id: e.plan_item_id,
            title: e.title.clone(),
            form: e.form.code().to_owned(),
            audience: e.audience.code().to_owned(),
            level: e.level.code().to_owned(),
            format: e.format.code().to_owned(),
            reach: e.reach.code().to_owned(),
            starts_on: iso_date(e.starts_on),
            starts_at: e.starts_at.clone(),
            ends_on: iso_date(e.ends_on),
            venue_organization_id: e.venue_organization_id.map(i64::from),
            venue_name: e.venue_name.clone(),
            place_note: e.place_note.clone(),
            online_url: e.online_url.clone(),
            hours: e.hours,
            description: e.description.clone(),
            registration_open: e.registration_open,
            cap: e.cap,
            registration_deadline: e.registration_deadline.map(iso_date),
            status: e.status.code().to_owned(),
            cancel_reason: e.cancel_reason.clone(),
            created_at: e.created_at.clone(),
            updated_at: e.updated_at.clone(),
            version: e.version,
            registered: e.registered,
            waiting: e.waiting,
            series_id: e.series_id,
        }
    }
}

/// A page of the calendar.
#[derive(Serialize, utoipa::ToSchema)]
pub struct EventList {
    pub events: Vec<Event>,
    /// Events matching the query in all (on every page).
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

/// A registration: a teacher of the bank or a guest by name.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Registration {
    pub id: i64,
    pub event_id: i64,
    pub teacher_id: Option<i64>,
    pub name: String,
    pub organization: Option<String>,
    /// registered | waitlisted | cancelled
    pub status: String,
    /// Came without registering (added to the sheet on the day).
    pub walk_in: bool,
    /// The registration sheet: true present, false absent, None not marked yet.
    pub attended: Option<bool>,
    pub created_at: String,
}

impl From<&store::EventRegistration> for Registration {
    fn from(r: &store::EventRegistration) -> Self {
        Registration {
            id: r.id,
            event_id: r.event_id.get(),
            teacher_id: r.teacher_id.map(i64::from),
            name: r.name.clone(),
            organization: r.organization.clone(),
            status: r.status.code().to_owned(),
            walk_in: r.walk_in,
            attended: r.attended.map(|a| a != 0),
            created_at: r.created_at.clone(),
        }
    }
}

/// A certificate as its organisers and holder see it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Certificate {
    pub id: i64,
    pub event_id: i64,
    /// The registration certified (a participant's certificate, a diploma).
    pub registration_id: Option<i64>,
    /// The programme item certified (a speaker's certificate).
    pub programme_id: Option<i64>,
    /// participant | speaker | winner | prizewinner
    pub kind: String,
    /// Printed on the certificate: «М-000123-0007».
    pub number: String,
    pub name: String,
    pub issued_at: String,
    pub revoked_at: Option<String>,
    /// The public page that confirms the certificate (its QR code leads there).
    pub verify_url: String,
}

impl Certificate {
    pub fn of(c: &store::Certificate, public_url: &str) -> Certificate {
        Certificate {
            id: c.id,
            event_id: c.event_id.get(),
            registration_id: c.registration_id,
            programme_id: c.programme_id,
            kind: c.kind.code().to_owned(),
            number: c.number.clone(),
            name: c.name.clone(),
            issued_at: c.issued_at.clone(),
            revoked_at: c.revoked_at.clone(),
            verify_url: super::verify_url(public_url, &c.code),
        }
    }
}

/// An event with what the reader may see of its registrations: the organisers all of them, a
/// participant their own.
#[derive(Serialize, utoipa::ToSchema)]
pub struct EventBody {
    pub event: Event,
    pub registrations: Vec<Registration>,
    /// The reader's own live registration, if any.
    pub mine: Option<Registration>,
    /// The event's certificates (the organisers'), or the reader's own.
    pub certificates: Vec<Certificate>,
    /// The programme: times, topics, speakers.
    pub programme: Vec<ProgrammeItem>,
    /// The winners and prize-winners (contests and olympiads, once held).
    pub placements: Vec<Placement>,
    /// The organisers and the authors of the assessment set.
    pub staff: Vec<Staff>,
    /// The participants' ratings (the organisers'; None for others).
    pub ratings: Option<RatingSummary>,
    /// The associations that co-organise the event besides its organiser.
    pub coorganisers: Vec<Coorganiser>,
    /// The sessions of the series the event belongs to, by day (empty: not in a series).
    pub series: Vec<Event>,
    /// The materials and photographs of the event (talks, presentations, decisions).
    pub materials: Vec<crate::features::attachments::Attachment>,
    /// The reader organises the event (may change it, register people, fill the sheet).
    pub organiser: bool,
}

/// An item of the programme.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ProgrammeItem {
    pub id: i64,
    pub position: i64,
    /// The day (ГГГГ-ММ-ДД) of an item of an event of several days.
    pub on_date: Option<String>,
    pub starts_at: Option<String>,
    pub topic: String,
    /// talk | master_class | open_lesson | practicum | discussion
    pub kind: String,
    /// The speaker, a teacher of the bank (None: a guest).
    pub speaker_teacher_id: Option<i64>,
    pub speaker: String,
    pub organization: Option<String>,
    /// The speaker's presentation result the held event gave or linked (rows 21–23).
    pub result_id: Option<i64>,
}

impl From<&store::ProgrammeItem> for ProgrammeItem {
    fn from(p: &store::ProgrammeItem) -> Self {
        ProgrammeItem {
            id: p.id,
            position: p.position,
            on_date: p.on_date.map(iso_date),
            starts_at: p.starts_at.clone(),
            topic: p.topic.clone(),
            kind: p.kind.code().to_owned(),
            speaker_teacher_id: p.speaker_teacher_id.map(i64::from),
            speaker: p.speaker.clone(),
            organization: p.organization.clone(),
            result_id: p.result_id,
        }
    }
}

/// A winner or prize-winner of a held contest or olympiad.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Placement {
    pub id: i64,
    pub registration_id: i64,
    pub name: String,
    pub organization: Option<String>,
    /// winner | prize_winner
    pub placement: String,
    pub subject: Option<String>,
    pub grade: Option<String>,
    /// Who prepared the student (students' events).
    pub teacher_id: Option<i64>,
    pub teacher_name: Option<String>,
    /// The result the placement became (waiting for a curator's confirmation).
    pub result_id: Option<i64>,
}

impl From<&store::Placed> for Placement {
    fn from(p: &store::Placed) -> Self {
        Placement {
            id: p.id,
            registration_id: p.registration_id,
            name: p.name.clone(),
            organization: p.organization.clone(),
            placement: p.placement.code().to_owned(),
            subject: p.subject.clone(),
            grade: p.grade.clone(),
            teacher_id: p.teacher_id.map(i64::from),
            teacher_name: p.teacher_name.clone(),
            result_id: p.result_id,
        }
    }
}

/// What the participants said of a held event (its organisers see it).
#[derive(Serialize, utoipa::ToSchema)]
pub struct RatingSummary {
    /// How many rated it.
    pub count: i64,
    /// The mean score, 1–5 (None: nobody rated it yet).
    pub average: Option<f64>,
    /// How many gave 1, 2, 3, 4 and 5.
    pub scores: Vec<i64>,
    pub comments: Vec<RatingComment>,
}

/// A participant's comment; `name` is None when they rated anonymously.
#[derive(Serialize, utoipa::ToSchema)]
pub struct RatingComment {
    pub score: i64,
    pub comment: String,
    pub name: Option<String>,
}

impl RatingSummary {
    pub fn of(list: &[store::Rating]) -> RatingSummary {
        let count = list.len() as i64;
        let sum: i64 = list.iter().map(|r| r.score).sum();
        RatingSummary {
            count,
            average: (count > 0).then(|| sum as f64 / count as f64),
            scores: (1..=5).map(|s| list.iter().filter(|r| r.score == s).count() as i64).collect(),
            comments: list
                .iter()
                .filter_map(|r| {
                    r.comment.clone().map(|comment| RatingComment { score: r.score, comment, name: r.name.clone() })
                })
                .collect(),
        }
    }
    /// «4,5 из 5 — 12 оценок»
    pub fn words(&self) -> String {
        match self.average {
            Some(a) => format!(
                "{} из 5 — {} {}",
                format!("{a:.1}").replace('.', ","),
                self.count,
                metoda_domain::values::plural_ru(self.count, "оценка", "оценки", "оценок")
            ),
            None => "оценок пока нет".into(),
        }
    }
}

/// A teacher's part in organising the event.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Staff {
    pub id: i64,
    pub teacher_id: i64,
    pub name: String,
    /// organiser | assessment_author
    pub role: String,
    /// The result the role's teachers share once a municipal event for students is held (rows 27, 28).
    pub result_id: Option<i64>,
}

impl From<&store::Staff> for Staff {
    fn from(s: &store::Staff) -> Self {
        Staff {
            id: s.id,
            teacher_id: s.teacher_id.get(),
            name: s.name.clone(),
            role: s.role.code().to_owned(),
            result_id: s.result_id,
        }
    }
}

/// An association that co-organises an event.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Coorganiser {
    pub association_id: i64,
    pub name: String,
}
