//! The JSON of the meetings API: each store row as the API has always sent it (dates as
//! "YYYY-MM-DD", enumerations as their codes), built from the typed rows of `metoda_store::meetings`.
//! The schema names and shapes are the reviewed contract (`tests/snapshots/openapi.json`).

use metoda_domain::meetings::{Compliance, Quorum};
use metoda_domain::values::iso_date;
use metoda_store::meetings as store;
use serde::Serialize;

use super::Details;

#[derive(Serialize, utoipa::ToSchema)]
pub struct Meeting {
    pub id: i64,
    pub association_id: i64,
    pub year: i64,
    pub plan_item_id: Option<i64>,
    pub plan_item_title: Option<String>,
    pub held_on: String,
    pub starts_at: Option<String>,
    pub venue_organization_id: Option<i64>,
    pub venue_name: Option<String>,
    pub online_url: Option<String>,
    pub place_note: Option<String>,
    pub chair_teacher_id: Option<i64>,
    pub chair_name: Option<String>,
    pub secretary_teacher_id: Option<i64>,
    pub secretary_name: Option<String>,
    /// planned | held | cancelled
    pub status: String,
    pub cancel_reason: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub minutes_id: Option<i64>,
    pub minutes_number: Option<i64>,
    /// draft | signed (None: no minutes yet)
    pub minutes_status: Option<String>,
    /// The minutes were signed on paper before the association used Metoda and entered with its
    /// history (signed, with no signatures here).
    pub minutes_on_paper: bool,
    /// Raised by every change of the meeting's details and of its attendance sheet: send it back
    /// with either (an older one gets 409).
    pub version: i64,
}

impl From<&store::Meeting> for Meeting {
    fn from(m: &store::Meeting) -> Self {
        Meeting {
            id: m.id.get(),
            association_id: m.association_id.get(),
            year: m.year,
            plan_item_id: m.plan_item_id,
            plan_item_title: m.plan_item_title.clone(),
            held_on: iso_date(m.held_on),
            starts_at: m.starts_at.clone(),
            venue_organization_id: m.venue_organization_id.map(i64::from),
            venue_name: m.venue_name.clone(),
            online_url: m.online_url.clone(),
            place_note: m.place_note.clone(),
            chair_teacher_id: m.chair_teacher_id.map(i64::from),
            chair_name: m.chair_name.clone(),
            secretary_teacher_id: m.secretary_teacher_id.map(i64::from),
            secretary_name: m.secretary_name.clone(),
            status: m.status.code().to_owned(),
            cancel_reason: m.cancel_reason.clone(),
            created_at: m.created_at.clone(),
            updated_at: m.updated_at.clone(),
            minutes_id: m.minutes_id,
            minutes_number: m.minutes_number,
            minutes_status: m.minutes_status.map(|s| s.code().to_owned()),
            minutes_on_paper: m.minutes_on_paper(),
            version: m.version,
        }
    }
}

/// A member on the meeting's date with the attendance entered for them.
#[derive(Serialize, utoipa::ToSchema)]
pub struct RosterRow {
    pub teacher_id: i64,
    pub full_name: String,
    pub organization_name: String,
    pub user_id: Option<i64>,
    /// present | absent | excused (None: not entered)
    pub status: Option<String>,
}

impl From<&store::RosterRow> for RosterRow {
    fn from(r: &store::RosterRow) -> Self {
        RosterRow {
            teacher_id: r.teacher_id.get(),
            full_name: r.full_name.clone(),
            organization_name: r.organization_name.clone(),
            user_id: r.user_id.map(i64::from),
            status: r.status.map(|s| s.code().to_owned()),
        }
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Guest {
    pub id: i64,
    pub name: String,
    pub position: Option<String>,
}

impl From<&store::Guest> for Guest {
    fn from(g: &store::Guest) -> Self {
        Guest { id: g.id, name: g.name.clone(), position: g.position.clone() }
    }
}

/// An agenda item with its decision; `outcome` is computed while the minutes are a draft.
#[derive(Serialize, utoipa::ToSchema)]
pub struct AgendaItem {
    pub id: i64,
    pub position: i64,
    pub topic: String,
    pub speaker: Option<String>,
    pub heard: Option<String>,
    pub spoke: Option<String>,
    pub decision: Option<String>,
    pub votes_for: Option<i64>,
    pub votes_against: Option<i64>,
    pub votes_abstained: Option<i64>,
    /// adopted | not_adopted | invalid (None: no vote)
    pub outcome: Option<String>,
    /// Raised by every save of the item: send it back with an edit (an older one gets 409).
    pub version: i64,
}

impl From<&store::AgendaItem> for AgendaItem {
    fn from(i: &store::AgendaItem) -> Self {
        AgendaItem {
            id: i.id,
            position: i.position,
            topic: i.topic.clone(),
            speaker: i.speaker.clone(),
            heard: i.heard.clone(),
            spoke: i.spoke.clone(),
            decision: i.decision.clone(),
            votes_for: i.votes_for,
            votes_against: i.votes_against,
            votes_abstained: i.votes_abstained,
            outcome: i.outcome.map(|o| o.code().to_owned()),
            version: i.version,
        }
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Minutes {
    pub id: i64,
    pub meeting_id: i64,
    pub association_id: i64,
    pub year: i64,
    pub number: i64,
    /// draft | signed
    pub status: String,
    /// JSON list of the signatory roles required.
    pub signatories: String,
    pub drafted_at: String,
    pub signed_at: Option<String>,
}

impl From<&store::Minutes> for Minutes {
    fn from(n: &store::Minutes) -> Self {
        Minutes {
            id: n.id,
            meeting_id: n.meeting_id.get(),
            association_id: n.association_id.get(),
            year: n.year,
            number: n.number,
            status: n.status.code().to_owned(),
            signatories: n.signatories.json(),
            drafted_at: n.drafted_at.clone(),
            signed_at: n.signed_at.clone(),
        }
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Signature {
    pub id: i64,
    pub role: String,
    pub user_id: i64,
    pub name: String,
    pub at: String,
}

impl From<&store::Signature> for Signature {
    fn from(s: &store::Signature) -> Self {
        Signature {
            id: s.id,
            role: s.role.code().to_owned(),
            user_id: s.user_id.get(),
            name: s.name.clone(),
            at: s.at.clone(),
        }
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Addendum {
    pub id: i64,
    pub text: String,
    pub author: Option<String>,
    pub at: String,
}

impl From<&store::Addendum> for Addendum {
    fn from(d: &store::Addendum) -> Self {
        Addendum { id: d.id, text: d.text.clone(), author: d.author.clone(), at: d.at.clone() }
    }
}

/// A task decided at a meeting.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ActionItem {
    pub id: i64,
    pub meeting_id: i64,
    pub association_id: i64,
    pub association_name: String,
    pub held_on: String,
    pub agenda_id: Option<i64>,
    pub title: String,
    pub owner_teacher_id: i64,
    pub owner_name: String,
    pub due_on: String,
    pub closed_at: Option<String>,
    pub closed_by_name: Option<String>,
}

impl From<&store::ActionItem> for ActionItem {
    fn from(x: &store::ActionItem) -> Self {
        ActionItem {
            id: x.id,
            meeting_id: x.meeting_id.get(),
            association_id: x.association_id.get(),
            association_name: x.association_name.clone(),
            held_on: iso_date(x.held_on),
            agenda_id: x.agenda_id,
            title: x.title.clone(),
            owner_teacher_id: x.owner_teacher_id.get(),
            owner_name: x.owner_name.clone(),
            due_on: iso_date(x.due_on),
            closed_at: x.closed_at.clone(),
            closed_by_name: x.closed_by_name.clone(),
        }
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Notification {
    pub id: i64,
    pub kind: String,
    pub title: String,
    pub link: Option<String>,
    pub created_at: String,
    pub read_at: Option<String>,
}

impl From<&metoda_store::notify::Notification> for Notification {
    fn from(n: &metoda_store::notify::Notification) -> Self {
        Notification {
            id: n.id,
            kind: n.kind.code().to_owned(),
            title: n.title.clone(),
            link: n.link.clone(),
            created_at: n.created_at.clone(),
            read_at: n.read_at.clone(),
        }
    }
}

/// Everything about a meeting, as the page and the API show it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct MeetingBody {
    pub meeting: Meeting,
    /// The members on the meeting's date with their attendance.
    pub roster: Vec<RosterRow>,
    pub members: usize,
    pub present: usize,
    #[schema(value_type = Object)]
    pub quorum: Quorum,
    pub quorum_label: String,
    pub guests: Vec<Guest>,
    pub agenda: Vec<AgendaItem>,
    pub minutes: Option<Minutes>,
    /// The signatory roles the profile requires (codes).
    pub required_signatures: Vec<String>,
    pub signatures: Vec<Signature>,
    pub addenda: Vec<Addendum>,
    pub actions: Vec<ActionItem>,
    /// Nothing of the meeting changes any more (the minutes carry a signature).
    pub locked: bool,
}

impl From<&Details> for MeetingBody {
    fn from(b: &Details) -> Self {
        MeetingBody {
            meeting: Meeting::from(&b.meeting),
            roster: crate::views::all(&b.roster),
            members: b.members,
            present: b.present,
            quorum: b.quorum,
            quorum_label: b.quorum_label.clone(),
            guests: crate::views::all(&b.guests),
            agenda: crate::views::all(&b.agenda),
            minutes: b.minutes.as_ref().map(Minutes::from),
            required_signatures: b.required_signatures.iter().map(|r| r.code().to_owned()).collect(),
            signatures: crate::views::all(&b.signatures),
            addenda: crate::views::all(&b.addenda),
            actions: crate::views::all(&b.actions),
            locked: b.locked,
        }
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct MeetingList {
    pub meetings: Vec<Meeting>,
    /// The current plan year against the profile's minimum (None: no profile).
    #[schema(value_type = Option<Object>)]
    pub compliance: Option<Compliance>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Inbox {
    pub notifications: Vec<Notification>,
    pub unread: i64,
    /// The caller's tasks from meetings, open first.
    pub actions: Vec<ActionItem>,
}
