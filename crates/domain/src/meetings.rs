//! Meetings, votes, minutes and the approval of a yearly plan, as the regulation profile says
//! (000 §4.4–4.5, 002 §3.2–3.3, 003 §3.2–3.3, 004 §4.2, §4.4). Pure rules over plain data; the
//! meeting and plan features apply them.

use serde::Serialize;
use time::{Date, Month};

use crate::access::{self, Action, Principal, Resource};
use crate::ids::UserId;
use crate::profile::{ApprovalStep, MajorityRule, PlanPeriod, QuorumRule, Signatory};
use crate::teachers::AcademicYear;
use crate::values::{self, Errors, FieldError};

/// Members counted on a date: joined on or before it, not left by it (a membership ends on its
/// `left` day). Someone who joined after the date does not count.
pub fn members_on(memberships: &[(Date, Option<Date>)], on: Date) -> usize {
    memberships.iter().filter(|(joined, left)| *joined <= on && left.is_none_or(|l| l > on)).count()
}

/// Whether a meeting could decide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Quorum {
    /// The profile sets no quorum: none is claimed either way.
    NotRequired,
    Reached {
        present: usize,
        members: usize,
    },
    /// `needed`: how many had to be present.
    NotReached {
        present: usize,
        members: usize,
        needed: usize,
    },
}

impl Quorum {
    /// Decisions of the meeting are valid (no rule, or the quorum was there).
    pub fn valid(self) -> bool {
        !matches!(self, Quorum::NotReached { .. })
    }
    pub fn label_ru(self) -> String {
        match self {
            Quorum::NotRequired => "кворум положением не установлен".to_owned(),
            Quorum::Reached { present, members } => format!("кворум есть: присутствуют {present} из {members}"),
            Quorum::NotReached { present, members, needed } => {
                format!("кворума нет: присутствуют {present} из {members}, нужно не менее {needed}")
            }
        }
    }
}

/// The quorum of a meeting by the profile's rule, counted against the members on its date.
/// "More than half" means strictly more: exactly half is not a quorum (004 §4.4).
pub fn quorum(rule: QuorumRule, members: usize, present: usize) -> Quorum {
    match rule {
        QuorumRule::None => Quorum::NotRequired,
        QuorumRule::MoreThanHalfOfMembers => {
            let needed = members / 2 + 1;
            if present >= needed {
                Quorum::Reached { present, members }
            } else {
                Quorum::NotReached { present, members, needed }
            }
        }
    }
}

/// Votes on a decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Votes {
    pub for_: usize,
    pub against: usize,
    pub abstained: usize,
}

/// The outcome of a vote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Adopted,
    NotAdopted,
    /// The meeting had no quorum: the decision is recorded but not valid.
    Invalid,
}

impl Outcome {
    pub fn label_ru(self) -> &'static str {
        match self {
            Outcome::Adopted => "решение принято",
            Outcome::NotAdopted => "решение не принято",
            Outcome::Invalid => "решение недействительно: нет кворума",
        }
    }
}

/// A vote that cannot have happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoteError(pub String);

/// Decides a vote by the profile's rule. Simple majority of those present (004 §4.4): more "for"
/// than half of the present; a tie is not adopted. With no rule in the profile, more "for" than
/// "against" adopts (and a tie does not).
pub fn decide(rule: MajorityRule, quorum: Quorum, present: usize, v: Votes) -> Result<Outcome, VoteError> {
    let cast = v.for_ + v.against + v.abstained;
    if cast > present {
        return Err(VoteError(format!(
            "Проголосовало {cast}, а присутствует {present}: голосов больше, чем участников"
        )));
    }
    if !quorum.valid() {
        return Ok(Outcome::Invalid);
    }
    let adopted = match rule {
        MajorityRule::SimpleMajorityOfPresent => v.for_ * 2 > present,
        MajorityRule::None => v.for_ > v.against,
    };
    Ok(if adopted { Outcome::Adopted } else { Outcome::NotAdopted })
}

/// The year minutes and plans are counted in: the academic year (1 Sep – 31 Aug) or the
/// calendar year, as the profile's plan period says. Named by the year it starts in.
pub fn year_of(period: PlanPeriod, date: Date) -> i32 {
    match period {
        PlanPeriod::AcademicYear => AcademicYear::containing(date).0,
        PlanPeriod::CalendarYear => date.year(),
    }
}

/// The first and last day of such a year.
pub fn year_bounds(period: PlanPeriod, year: i32) -> (Date, Date) {
    match period {
        PlanPeriod::AcademicYear => (AcademicYear(year).start(), AcademicYear(year).end()),
        PlanPeriod::CalendarYear => (
            Date::from_calendar_date(year, Month::January, 1).unwrap_or(Date::MIN),
            Date::from_calendar_date(year, Month::December, 31).unwrap_or(Date::MAX),
        ),
    }
}

/// The number of new minutes: one more than the highest number among the association's minutes
/// of the same plan year (`existing`: plan year and number of each; numbering starts at 1 each
/// year). The plan year of a meeting is fixed when it is planned (`year_of` by the profile).
pub fn next_minutes_number(existing: &[(i32, u32)], year: i32) -> u32 {
    existing.iter().filter(|(y, _)| *y == year).map(|(_, n)| *n).max().unwrap_or(0) + 1
}

/// Where a plan stands on its profile's approval path: the steps done, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanPath {
    pub steps: Vec<ApprovalStep>,
    pub done: Vec<ApprovalStep>,
}

/// What completes a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Evidence {
    /// The head (or whoever keeps the plan) marks the draft ready.
    Draft,
    /// A decision of a held meeting of the association.
    MeetingDecision,
    /// A registered order of the authority.
    Order,
    /// The explicit act of the cabinet head.
    CabinetHead,
    /// The explicit act of the authority's head.
    AuthorityHead,
    /// The explicit act of the authority (the regulation does not say who).
    Authority,
}

pub fn evidence(step: ApprovalStep) -> Evidence {
    match step {
        ApprovalStep::DraftedByHead => Evidence::Draft,
        ApprovalStep::ConsideredAtMeeting | ApprovalStep::AdoptedAtMeeting => Evidence::MeetingDecision,
        ApprovalStep::ApprovedByAuthorityOrder => Evidence::Order,
        ApprovalStep::AgreedWithCabinetHead => Evidence::CabinetHead,
        ApprovalStep::ApprovedByAuthorityHead => Evidence::AuthorityHead,
        ApprovalStep::Approved => Evidence::Authority,
    }
}

impl PlanPath {
    pub fn new(steps: &[ApprovalStep]) -> Self {
        PlanPath { steps: steps.to_vec(), done: vec![] }
    }
    /// The step to take next (None: approved).
    pub fn next(&self) -> Option<ApprovalStep> {
        self.steps.get(self.done.len()).copied()
    }
    pub fn approved(&self) -> bool {
        !self.steps.is_empty() && self.done.len() == self.steps.len()
    }
    /// Takes `step` with its evidence; steps go in the profile's order, each once.
    pub fn take(&mut self, step: ApprovalStep, with: Evidence) -> Result<(), String> {
        match self.next() {
            None => Err("План уже утверждён; изменить его можно только изменением с указанием причины".to_owned()),
            Some(expected) if expected != step => Err(format!("Сейчас по положению: «{}»", expected.label_ru())),
            Some(_) if evidence(step) != with => Err(format!("Шаг «{}» подтверждается иначе", step.label_ru())),
            Some(_) => {
                self.done.push(step);
                Ok(())
            }
        }
    }
}

/// Attendance of a member at a meeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Attendance {
    Present,
    Absent,
    /// Absent for a good reason.
    Excused,
}

coded!(Attendance {
    Present => "present", "присутствует";
    Absent => "absent", "отсутствует";
    Excused => "excused", "отсутствует по уважительной причине";
});

/// Where a meeting stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MeetingStatus {
    Planned,
    Held,
    Cancelled,
}

coded!(MeetingStatus {
    Planned => "planned", "запланировано";
    Held => "held", "проведено";
    Cancelled => "cancelled", "отменено";
});

/// Where the minutes of a meeting stand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MinutesStatus {
    /// Drafted, not yet signed by every signatory the profile names.
    Draft,
    /// Signed by every required signatory (and published to the members).
    Signed,
}

coded!(MinutesStatus {
    Draft => "draft", "не подписан";
    Signed => "signed", "подписан";
});

pub use crate::notify::NotificationKind;

impl Outcome {
    pub const ALL: &'static [Outcome] = &[Outcome::Adopted, Outcome::NotAdopted, Outcome::Invalid];
    pub fn code(self) -> &'static str {
        match self {
            Outcome::Adopted => "adopted",
            Outcome::NotAdopted => "not_adopted",
            Outcome::Invalid => "invalid",
        }
    }
    pub fn from_code(s: &str) -> Option<Outcome> {
        Self::ALL.iter().copied().find(|o| o.code() == s)
    }
}

/// A meeting as typed: when, where, who chairs and keeps the minutes.
#[derive(Debug, Clone, Default, Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct MeetingInput {
    /// ДД.ММ.ГГГГ or ГГГГ-ММ-ДД.
    pub held_on: String,
    /// ЧЧ:ММ, optional.
    pub starts_at: String,
    pub venue_organization_id: Option<i64>,
    pub online_url: String,
    /// Room, address or other details of the place.
    pub place_note: String,
    pub chair_teacher_id: Option<i64>,
    pub secretary_teacher_id: Option<i64>,
    /// The plan item the meeting carries out, if any.
    pub plan_item_id: Option<i64>,
    /// The version of the record the edit is based on; a save based on an older one is refused
    /// with 409. Left out: no check (and none for a new record).
    #[serde(deserialize_with = "crate::values::de_version")]
    pub version: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MeetingData {
    pub held_on: Date,
    pub starts_at: Option<String>,
    pub venue_organization_id: Option<i64>,
    pub online_url: Option<String>,
    pub place_note: Option<String>,
    pub chair_teacher_id: Option<i64>,
    pub secretary_teacher_id: Option<i64>,
    pub plan_item_id: Option<i64>,
}

fn clock(raw: &str) -> Option<String> {
    let (h, m) = raw.trim().split_once([':', '.'])?;
    let (h, m): (u8, u8) = (h.trim().parse().ok()?, m.trim().parse().ok()?);
    (h < 24 && m < 60).then(|| format!("{h:02}:{m:02}"))
}

impl MeetingInput {
    pub fn parse(&self) -> Result<MeetingData, Vec<FieldError>> {
        let mut e = Errors::new();
        let held_on = e.take(values::date("held_on", "Дата заседания", &self.held_on));
        let starts_at = match self.starts_at.trim() {
            "" => None,
            t => {
                let c = clock(t);
                if c.is_none() {
                    e.push(FieldError::new("starts_at", "Время: в виде ЧЧ:ММ, например 15:00"));
                }
                c
            }
        };
        let online_url =
            e.take(values::optional_url("online_url", "Ссылка на онлайн-заседание", &self.online_url)).flatten();
        let place_note =
            e.take(values::optional_text("place_note", "Место (кабинет, адрес)", &self.place_note, 300)).flatten();
        let venue = self.venue_organization_id.filter(|v| *v > 0);
        if venue.is_none() && online_url.is_none() && place_note.is_none() {
            e.push(FieldError::new("venue_organization_id", "Место: выберите организацию, укажите адрес или ссылку"));
        }
        e.finish(|| MeetingData {
            held_on: held_on.unwrap_or(Date::MIN),
            starts_at,
            venue_organization_id: venue,
            online_url,
            place_note,
            chair_teacher_id: self.chair_teacher_id.filter(|v| *v > 0),
            secretary_teacher_id: self.secretary_teacher_id.filter(|v| *v > 0),
            plan_item_id: self.plan_item_id.filter(|v| *v > 0),
        })
    }
}

/// An agenda item with its decision, as typed.
#[derive(Debug, Clone, Default, Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct AgendaInput {
    pub topic: String,
    pub speaker: String,
    /// СЛУШАЛИ: the summary of the report.
    pub heard: String,
    /// ВЫСТУПИЛИ: one speech per line.
    pub spoke: String,
    /// РЕШИЛИ.
    pub decision: String,
    /// Votes «за», «против», «воздержались» (empty: no vote taken).
    pub votes_for: String,
    pub votes_against: String,
    pub votes_abstained: String,
    /// The version of the record the edit is based on; a save based on an older one is refused
    /// with 409. Left out: no check (and none for a new record).
    #[serde(deserialize_with = "crate::values::de_version")]
    pub version: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AgendaData {
    pub topic: String,
    pub speaker: Option<String>,
    pub heard: Option<String>,
    pub spoke: Option<String>,
    pub decision: Option<String>,
    pub votes: Option<Votes>,
}

impl AgendaInput {
    pub fn parse(&self) -> Result<AgendaData, Vec<FieldError>> {
        let mut e = Errors::new();
        let topic = e.take(values::required_text("topic", "Вопрос повестки", &self.topic, 500));
        let speaker = e.take(values::optional_text("speaker", "Докладчик", &self.speaker, 300)).flatten();
        let heard = e.take(values::optional_long_text("heard", "Слушали", &self.heard, 5000)).flatten();
        let spoke = e.take(values::optional_long_text("spoke", "Выступили", &self.spoke, 5000)).flatten();
        let decision = e.take(values::optional_long_text("decision", "Решили", &self.decision, 5000)).flatten();
        let mut count = |field: &str, label: &str, raw: &str| -> Option<usize> {
            match raw.trim() {
                "" => None,
                v => match v.parse::<usize>() {
                    Ok(n) if n <= 10_000 => Some(n),
                    _ => {
                        e.push(FieldError::new(field, format!("{label}: целое число от 0 до 10 000")));
                        None
                    }
                },
            }
        };
        let f = count("votes_for", "Голосов «за»", &self.votes_for);
        let a = count("votes_against", "Голосов «против»", &self.votes_against);
        let b = count("votes_abstained", "Воздержались", &self.votes_abstained);
        let any = [&self.votes_for, &self.votes_against, &self.votes_abstained].iter().any(|v| !v.trim().is_empty());
        let votes = any.then(|| Votes { for_: f.unwrap_or(0), against: a.unwrap_or(0), abstained: b.unwrap_or(0) });
        if votes.is_some() && decision.is_none() {
            e.push(FieldError::new("decision", "Решили: укажите решение, по которому голосовали"));
        }
        e.finish(|| AgendaData { topic: topic.unwrap_or_default(), speaker, heard, spoke, decision, votes })
    }
}

/// Whether minutes are signed by everyone the profile names; an empty list in the profile (the
/// regulation is silent) means the head signs.
pub fn required_signatories(profile: &[Signatory]) -> Vec<Signatory> {
    if profile.is_empty() { vec![Signatory::Head] } else { profile.to_vec() }
}

/// Minutes count for the profile's minimum when the meeting was held with someone present, the
/// minutes are signed and the meeting could decide (a meeting without quorum still has minutes,
/// but does not count).
pub fn counts_for_minimum(held: bool, signed: bool, present: usize, quorum: Quorum) -> bool {
    held && signed && present > 0 && quorum.valid()
}

/// The control of the authority over one association and year (seeds: minimum meetings a year).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Compliance {
    pub minimum: Option<u32>,
    /// Meetings held with signed, valid minutes.
    pub valid_meetings: u32,
    /// Meetings still planned in the rest of the year.
    pub planned_ahead: u32,
    /// Days left in the year (0 when it is over).
    pub days_left: i64,
    /// Meetings more than 14 days past without signed minutes (attendance not entered, minutes
    /// not drafted or not signed).
    pub overdue_minutes: u32,
}

impl Compliance {
    /// How many more valid meetings are needed to reach the minimum.
    pub fn missing(&self) -> u32 {
        self.minimum.map_or(0, |m| m.saturating_sub(self.valid_meetings))
    }
    /// Behind: the minimum is not reached and the meetings still planned cannot reach it, or the
    /// year is over without it; or minutes wait for signatures too long.
    pub fn behind(&self) -> bool {
        let short = self.missing() > 0 && (self.days_left == 0 || self.planned_ahead < self.missing());
        short || self.overdue_minutes > 0
    }
    pub fn label_ru(&self) -> String {
        let mut s = match self.minimum {
            Some(m) => format!("заседаний с подписанным правомочным протоколом: {} из {m}", self.valid_meetings),
            None => format!(
                "заседаний с подписанным правомочным протоколом: {} (минимум положением не установлен)",
                self.valid_meetings
            ),
        };
        if self.missing() > 0 {
            if self.days_left > 0 {
                s.push_str(&format!(
                    "; до конца года {} дн., запланировано ещё {}",
                    self.days_left, self.planned_ahead
                ));
            } else {
                s.push_str("; год завершён, минимум не выполнен");
            }
        }
        if self.overdue_minutes > 0 {
            s.push_str(&format!("; заседаний старше 14 дней без подписанного протокола: {}", self.overdue_minutes));
        }
        s
    }
}

/// "Иванова Ирина Петровна" → "Иванова И. П." (how minutes and plans name people).
pub fn initials(full_name: &str) -> String {
    let mut parts = full_name.split_whitespace();
    let Some(last) = parts.next() else { return String::new() };
    let mut s = last.to_owned();
    for p in parts {
        if let Some(c) = p.chars().next() {
            s.push(' ');
            s.push(c);
            s.push('.');
        }
    }
    s
}

/// Minutes are overdue when unsigned 14 days after the meeting.
pub const MINUTES_SIGN_DAYS: i64 = 14;

/// The roles of the minutes a user may sign now, in the order the profile names them: required,
/// held by the user (`mine`, from [`crate::access::signatory_roles`]) and not signed yet.
pub fn roles_to_sign(required: &[Signatory], mine: &[Signatory], signed: &[Signatory]) -> Vec<Signatory> {
    required.iter().copied().filter(|r| mine.contains(r) && !signed.contains(r)).collect()
}

/// May the user close a task decided at a meeting? Its owner (the user linked to the teacher the
/// task is given to) closes it; so does whoever edits the association's work (`work`: its
/// `Resource::AssociationWork`).
pub fn may_close_action(who: &Principal, owner_user_id: Option<UserId>, work: &Resource) -> bool {
    owner_user_id == Some(who.user_id) || access::may(who, Action::Update, work)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{AssociationId, MunicipalityId, RegionId};
    use crate::profile::presets;
    use time::macros::date;

    #[test]
    fn members_are_counted_on_the_meeting_date() {
        let m = [
            (date!(2025 - 09 - 01), None),
            (date!(2025 - 09 - 01), Some(date!(2025 - 12 - 01))),
            (date!(2026 - 01 - 10), None),
        ];
        assert_eq!(members_on(&m, date!(2025 - 11 - 30)), 2);
        assert_eq!(members_on(&m, date!(2025 - 12 - 01)), 1, "left that day");
        assert_eq!(members_on(&m, date!(2026 - 01 - 09)), 1, "joined later: not counted");
        assert_eq!(members_on(&m, date!(2026 - 01 - 10)), 2);
    }

    #[test]
    fn exactly_half_is_not_a_quorum() {
        let q = QuorumRule::MoreThanHalfOfMembers;
        assert!(!quorum(q, 10, 5).valid());
        assert!(quorum(q, 10, 6).valid());
        assert!(!quorum(q, 9, 4).valid());
        assert!(quorum(q, 9, 5).valid());
        assert_eq!(quorum(q, 10, 5), Quorum::NotReached { present: 5, members: 10, needed: 6 });
        assert_eq!(quorum(QuorumRule::None, 10, 1), Quorum::NotRequired);
        assert!(quorum(QuorumRule::None, 10, 1).valid(), "no rule: no quorum is claimed either way");
    }

    #[test]
    fn simple_majority_of_those_present_and_ties() {
        let rule = MajorityRule::SimpleMajorityOfPresent;
        let q = quorum(QuorumRule::MoreThanHalfOfMembers, 10, 8);
        let v = |f, a, ab| Votes { for_: f, against: a, abstained: ab };
        assert_eq!(decide(rule, q, 8, v(5, 3, 0)), Ok(Outcome::Adopted));
        assert_eq!(decide(rule, q, 8, v(4, 4, 0)), Ok(Outcome::NotAdopted), "a tie is not adopted");
        assert_eq!(decide(rule, q, 8, v(4, 1, 3)), Ok(Outcome::NotAdopted), "half of the present is not a majority");
        assert!(decide(rule, q, 8, v(6, 3, 0)).is_err(), "more votes than people");
        let no_quorum = quorum(QuorumRule::MoreThanHalfOfMembers, 10, 5);
        assert_eq!(decide(rule, no_quorum, 5, v(5, 0, 0)), Ok(Outcome::Invalid));
        assert_eq!(decide(MajorityRule::None, Quorum::NotRequired, 6, v(2, 1, 3)), Ok(Outcome::Adopted));
        assert_eq!(decide(MajorityRule::None, Quorum::NotRequired, 6, v(2, 2, 2)), Ok(Outcome::NotAdopted));
    }

    #[test]
    fn minutes_are_numbered_within_the_year() {
        let ay = PlanPeriod::AcademicYear;
        let dates = [(date!(2025 - 09 - 15), 1), (date!(2025 - 12 - 20), 2), (date!(2026 - 05 - 25), 3)];
        let of = |p: PlanPeriod| dates.iter().map(|(d, n)| (year_of(p, *d), *n)).collect::<Vec<_>>();
        let next = |p: PlanPeriod, d: Date| next_minutes_number(&of(p), year_of(p, d));
        assert_eq!(next(ay, date!(2026 - 08 - 28)), 4);
        assert_eq!(next(ay, date!(2026 - 09 - 01)), 1, "a new academic year starts at 1");
        let cy = PlanPeriod::CalendarYear;
        // under a calendar-year profile the same dates fall in 2025 (No. 1, 2) and 2026 (No. 3)
        assert_eq!(next_minutes_number(&[(2025, 1), (2025, 2), (2026, 1)], year_of(cy, date!(2025 - 12 - 30))), 3);
        assert_eq!(next_minutes_number(&[(2025, 1), (2025, 2), (2026, 1)], year_of(cy, date!(2026 - 01 - 10))), 2);
        assert_eq!(next(cy, date!(2027 - 01 - 10)), 1);
        assert_eq!(year_bounds(cy, 2026), (date!(2026 - 01 - 01), date!(2026 - 12 - 31)));
        assert_eq!(year_bounds(ay, 2025), (date!(2025 - 09 - 01), date!(2026 - 08 - 31)));
    }

    #[test]
    fn every_profile_has_an_approval_path_that_ends_approved() {
        for p in presets() {
            let mut path = PlanPath::new(&p.settings.plan_approval.value);
            assert!(!path.approved(), "{}", p.code);
            while let Some(step) = path.next() {
                path.take(step, evidence(step)).unwrap_or_else(|e| panic!("{}: {e}", p.code));
            }
            assert!(path.approved(), "{}", p.code);
            assert!(
                path.take(ApprovalStep::Approved, Evidence::Authority).is_err(),
                "approved plans change only by amendment"
            );
        }
    }

    #[test]
    fn steps_go_in_order_with_their_evidence() {
        let s004 = presets().into_iter().find(|p| p.code == "seed-004").unwrap().settings.plan_approval.value;
        let mut path = PlanPath::new(&s004);
        assert!(
            path.take(ApprovalStep::ApprovedByAuthorityHead, Evidence::AuthorityHead).is_err(),
            "not before the meeting"
        );
        path.take(ApprovalStep::DraftedByHead, Evidence::Draft).unwrap();
        assert!(
            path.take(ApprovalStep::AdoptedAtMeeting, Evidence::Order).is_err(),
            "adopted at a meeting, not by order"
        );
        path.take(ApprovalStep::AdoptedAtMeeting, Evidence::MeetingDecision).unwrap();
        path.take(ApprovalStep::ApprovedByAuthorityHead, Evidence::AuthorityHead).unwrap();
        assert!(path.approved());
        let s003 = presets().into_iter().find(|p| p.code == "seed-003").unwrap().settings.plan_approval.value;
        assert_eq!(PlanPath::new(&s003).next(), Some(ApprovalStep::AgreedWithCabinetHead));
        let s000 = presets().into_iter().find(|p| p.code == "seed-000").unwrap().settings.plan_approval.value;
        assert_eq!(
            s000.iter().map(|s| evidence(*s)).collect::<Vec<_>>(),
            [Evidence::Draft, Evidence::MeetingDecision, Evidence::Order]
        );
    }

    #[test]
    fn a_meeting_needs_a_date_and_a_place() {
        let e = MeetingInput::default().parse().unwrap_err();
        let fields: Vec<_> = e.iter().map(|f| f.field.as_str()).collect();
        assert!(fields.contains(&"held_on") && fields.contains(&"venue_organization_id"), "{fields:?}");
        let m = MeetingInput {
            held_on: "15.10.2026".into(),
            starts_at: "15.00".into(),
            online_url: "https://meet.example.ru/mmo".into(),
            ..Default::default()
        }
        .parse()
        .unwrap();
        assert_eq!(m.starts_at.as_deref(), Some("15:00"));
        assert_eq!(m.held_on, date!(2026 - 10 - 15));
        let bad = MeetingInput {
            held_on: "2026-10-15".into(),
            starts_at: "25:00".into(),
            place_note: "каб. 5".into(),
            ..Default::default()
        };
        assert_eq!(bad.parse().unwrap_err()[0].field, "starts_at");
    }

    #[test]
    fn a_vote_needs_a_decision_and_counts() {
        let a = AgendaInput { topic: "О плане".into(), votes_for: "7".into(), ..Default::default() };
        assert_eq!(a.parse().unwrap_err()[0].field, "decision");
        let a = AgendaInput {
            topic: "О плане".into(),
            decision: "Утвердить".into(),
            votes_for: "7".into(),
            votes_against: "-1".into(),
            ..Default::default()
        };
        assert_eq!(a.parse().unwrap_err()[0].field, "votes_against");
        let a = AgendaInput {
            topic: "О плане".into(),
            decision: "Утвердить".into(),
            votes_for: "7".into(),
            votes_abstained: "1".into(),
            ..Default::default()
        };
        assert_eq!(a.parse().unwrap().votes, Some(Votes { for_: 7, against: 0, abstained: 1 }));
        let no_vote = AgendaInput { topic: "Информация".into(), ..Default::default() };
        assert_eq!(no_vote.parse().unwrap().votes, None);
    }

    #[test]
    fn a_user_signs_in_the_required_roles_held_and_not_yet_signed() {
        use Signatory::*;
        assert_eq!(roles_to_sign(&[Chair, Secretary], &[Head, Chair], &[]), vec![Chair]);
        assert_eq!(roles_to_sign(&[Chair, Secretary], &[Head, Chair], &[Chair]), vec![]);
        assert_eq!(roles_to_sign(&[Head], &[Secretary], &[]), vec![], "not a signatory of these minutes");
        assert_eq!(roles_to_sign(&[Secretary, Chair], &[Chair, Secretary], &[]), vec![Secretary, Chair]);
    }

    #[test]
    fn a_task_is_closed_by_its_owner_or_by_whoever_edits_the_work() {
        use crate::access::{Grant, Role};
        let work = Resource::AssociationWork {
            region_id: RegionId(1),
            municipality_id: MunicipalityId(10),
            association_id: AssociationId(5),
        };
        let member = Principal {
            user_id: UserId(7),
            grants: vec![Grant {
                role: Role::MemberTeacher,
                region_id: Some(RegionId(1)),
                municipality_id: Some(MunicipalityId(10)),
                association_id: Some(AssociationId(5)),
                organization_id: None,
            }],
        };
        assert!(may_close_action(&member, Some(UserId(7)), &work), "the owner");
        assert!(!may_close_action(&member, Some(UserId(8)), &work), "a colleague's task");
        assert!(!may_close_action(&member, None, &work), "a task of a teacher without an account");
        let head = Principal {
            user_id: UserId(9),
            grants: vec![Grant { role: Role::AssociationHead, ..member.grants[0].clone() }],
        };
        assert!(may_close_action(&head, Some(UserId(7)), &work), "the head edits the association's work");
        let elsewhere = Resource::AssociationWork {
            region_id: RegionId(1),
            municipality_id: MunicipalityId(10),
            association_id: AssociationId(6),
        };
        assert!(!may_close_action(&head, Some(UserId(7)), &elsewhere));
    }

    #[test]
    fn stored_codes_of_minutes_and_notifications() {
        for s in MinutesStatus::ALL {
            assert_eq!(serde_json::to_value(s).unwrap(), s.code());
        }
        for k in NotificationKind::ALL {
            assert_eq!(serde_json::to_value(k).unwrap(), k.code());
        }
        assert_eq!(MinutesStatus::from_code("signed"), Some(MinutesStatus::Signed));
    }

    #[test]
    fn names_are_shortened_to_initials() {
        assert_eq!(initials("Иванова Ирина Петровна"), "Иванова И. П.");
        assert_eq!(initials("Ким Ли"), "Ким Л.");
        assert_eq!(initials(""), "");
    }

    #[test]
    fn the_head_signs_where_the_regulation_is_silent() {
        assert_eq!(required_signatories(&[]), vec![Signatory::Head]);
        assert_eq!(
            required_signatories(&[Signatory::Chair, Signatory::Secretary]),
            vec![Signatory::Chair, Signatory::Secretary]
        );
    }

    #[test]
    fn only_held_signed_quorate_meetings_count_and_the_year_end_makes_a_shortfall_final() {
        let ok = Quorum::Reached { present: 6, members: 10 };
        let no = Quorum::NotReached { present: 5, members: 10, needed: 6 };
        assert!(counts_for_minimum(true, true, 6, ok));
        assert!(counts_for_minimum(true, true, 3, Quorum::NotRequired));
        assert!(!counts_for_minimum(true, true, 0, Quorum::NotRequired), "nobody came");
        assert!(!counts_for_minimum(true, false, 6, ok), "unsigned minutes do not count");
        assert!(!counts_for_minimum(true, true, 5, no), "without quorum the meeting does not count");
        let c =
            Compliance { minimum: Some(4), valid_meetings: 2, planned_ahead: 2, days_left: 100, overdue_minutes: 0 };
        assert_eq!(c.missing(), 2);
        assert!(!c.behind(), "two more are planned");
        assert!(Compliance { planned_ahead: 1, ..c.clone() }.behind());
        assert!(Compliance { days_left: 0, ..c.clone() }.behind());
        assert!(Compliance { overdue_minutes: 1, valid_meetings: 4, ..c.clone() }.behind());
        assert!(!Compliance { minimum: None, valid_meetings: 0, ..c.clone() }.behind());
        assert!(c.label_ru().contains("2 из 4"));
    }
}
