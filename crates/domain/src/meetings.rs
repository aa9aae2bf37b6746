//! Meetings, votes, minutes and the approval of a yearly plan, as the regulation profile says
//! (000 §4.4–4.5, 002 §3.2–3.3, 003 §3.2–3.3, 004 §4.2, §4.4). Pure rules over plain data; the
//! meeting and plan features apply them.

use serde::Serialize;
use time::{Date, Month};

use crate::profile::{ApprovalStep, MajorityRule, PlanPeriod, QuorumRule};
use crate::teachers::AcademicYear;

/// Members counted on a date: joined on or before it, not left by it (a membership ends on its
/// `left` day). Someone who joined after the date does not count.
pub fn members_on(memberships: &[(Date, Option<Date>)], on: Date) -> usize {
    memberships.iter().filter(|(joined, left)| *joined <= on && left.is_none_or(|l| l > on)).count()
}

/// Whether a meeting could decide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
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
/// of the same year (numbering starts at 1 each year).
pub fn next_minutes_number(period: PlanPeriod, existing: &[(Date, u32)], date: Date) -> u32 {
    let year = year_of(period, date);
    existing.iter().filter(|(d, _)| year_of(period, *d) == year).map(|(_, n)| *n).max().unwrap_or(0) + 1
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

#[cfg(test)]
mod tests {
    use super::*;
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
        let existing = [(date!(2025 - 09 - 15), 1), (date!(2025 - 12 - 20), 2), (date!(2026 - 05 - 25), 3)];
        assert_eq!(next_minutes_number(ay, &existing, date!(2026 - 08 - 28)), 4);
        assert_eq!(next_minutes_number(ay, &existing, date!(2026 - 09 - 01)), 1, "a new academic year starts at 1");
        let cy = PlanPeriod::CalendarYear;
        assert_eq!(next_minutes_number(cy, &existing, date!(2025 - 12 - 30)), 3);
        assert_eq!(next_minutes_number(cy, &existing, date!(2026 - 01 - 10)), 4, "2026-05-25 was No. 3 of 2026");
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
}
