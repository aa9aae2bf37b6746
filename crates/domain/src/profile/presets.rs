//! The five seed regulations as read-only presets. Every value cites its clause; where a seed is
//! silent the neutral value is used with no clause.
//!
//! Multi-valued settings are listed in the `ALL` order of their enum: that is the order a form
//! gives them back in, so a preset survives a round trip through the form unchanged.

use serde::Serialize;

use super::{
    AnalysisDeadline, AnalysisRecipient, ApprovalStep, CompositionRule, MajorityRule, MonthDay, Officer, PlanPeriod,
    ProfileSettings, QuorumRule, RequiredDocument, Setting, Signatory, SubgroupKind,
};

/// A seed regulation shipped with Metoda, to be copied and edited by an authority.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Preset {
    /// "seed-000" … "seed-004".
    pub code: &'static str,
    /// A Russian title naming the municipality.
    pub name_ru: String,
    /// Which regulation the preset reproduces, one sentence.
    pub source_ru: String,
    pub settings: ProfileSettings,
}

/// The preset with `code`, if any.
pub fn preset(code: &str) -> Option<Preset> {
    presets().into_iter().find(|p| p.code == code)
}

fn c<T>(value: T, clause: &str) -> Setting<T> {
    Setting::cited(value, clause)
}

fn s<T>(value: T) -> Setting<T> {
    Setting::silent(value)
}

const fn md(day: u8, month: u8) -> MonthDay {
    MonthDay { month, day }
}

/// The five seeds, in order.
pub fn presets() -> Vec<Preset> {
    vec![seed_000(), seed_001(), seed_002(), seed_003(), seed_004()]
}

/// A Penza-region district (the regulation names the municipal district / city district and the
/// Penza regional development institute).
fn seed_000() -> Preset {
    use ApprovalStep as A;
    use RequiredDocument as D;
    Preset {
        code: "seed-000",
        name_ru: "Положение о ММО (муниципальный район Пензенской области)".to_owned(),
        source_ru: "Положение о муниципальном методическом объединении муниципального района \
                    (городского округа) Пензенской области: ММО по направлениям деятельности, \
                    не менее 10 педагогов."
            .to_owned(),
        settings: ProfileSettings {
            body_name: c("ММО".to_owned(), "000 §1.1"),
            min_members: c(Some(10), "000 §1.2"),
            min_meetings_per_year: c(Some(4), "000 §4.5"),
            plan_period: c(PlanPeriod::AcademicYear, "000 §4.4"),
            plan_approval: c(vec![A::DraftedByHead, A::ConsideredAtMeeting, A::ApprovedByAuthorityOrder], "000 §4.4"),
            minutes_signatories: c(vec![Signatory::Head], "000 §4.5"),
            quorum: s(QuorumRule::None),
            majority: s(MajorityRule::None),
            officers: c(vec![Officer::Head], "000 §4.2"),
            composition: c(CompositionRule::ByDirection, "000 §1.2"),
            analysis_deadlines: s(vec![]),
            analysis_snapshots: s(vec![]),
            analysis_on_request: s(false),
            required_documents: c(vec![D::Regulation, D::TeacherDataBank, D::WorkPlan, D::Minutes], "000 §6.1–6.4"),
            subgroups: s(vec![]),
            invited_participants: s(false),
            extra_need_kinds: s(vec![]),
        },
    }
}

/// Biysk (Altai Krai), the association of social pedagogues.
fn seed_001() -> Preset {
    use RequiredDocument as D;
    Preset {
        code: "seed-001",
        name_ru: "Положение о ММО социальных педагогов (г. Бийск, Алтайский край)".to_owned(),
        source_ru: "Положение о муниципальном методическом объединении социальных педагогов \
                    общеобразовательных учреждений города Бийска (МКУ «Управление образования \
                    Администрации города Бийска»)."
            .to_owned(),
        settings: ProfileSettings {
            body_name: c("ММО".to_owned(), "001 §1.2"),
            min_members: s(None),
            min_meetings_per_year: s(None),
            // §5.1 says the plan is for the calendar year, §6.1 lists a plan for the academic year.
            plan_period: c(PlanPeriod::CalendarYear, "001 §5.1 (календарный год); в §6.1 — план на учебный год"),
            plan_approval: c(vec![ApprovalStep::Approved], "001 §5.1"),
            minutes_signatories: s(vec![]),
            quorum: s(QuorumRule::None),
            majority: s(MajorityRule::None),
            officers: c(vec![Officer::Head, Officer::Curator], "001 §3.3"),
            composition: c(CompositionRule::Voluntary, "001 §3.1"),
            // §6.1 requires an analysis for the academic year but sets no date.
            analysis_deadlines: s(vec![]),
            analysis_snapshots: s(vec![]),
            analysis_on_request: s(false),
            required_documents: c(
                vec![D::Regulation, D::WorkPlan, D::AnnualAnalysis, D::Cyclogram, D::EventDocuments],
                "001 §6.1",
            ),
            subgroups: c(vec![SubgroupKind::CreativeGroup], "001 §4.5"),
            invited_participants: s(false),
            extra_need_kinds: s(vec![]),
        },
    }
}

/// Tomsk district, order No. 135 of 12.03.2021 with the annual-analysis form (appendix 1).
fn seed_002() -> Preset {
    use RequiredDocument as D;
    Preset {
        code: "seed-002",
        name_ru: "Положение о ММО педагогических работников Томского района (приказ УО № 135 \
                  от 12.03.2021)"
            .to_owned(),
        source_ru: "Положение о муниципальных методических объединениях педагогических работников \
                    образовательных организаций Томского района, утверждённое приказом Управления \
                    образования Администрации Томского района от 12.03.2021 № 135."
            .to_owned(),
        settings: ProfileSettings {
            body_name: c("ММО".to_owned(), "002 §1.1"),
            min_members: s(None),
            min_meetings_per_year: c(Some(4), "002 §3.3, §6"),
            plan_period: c(PlanPeriod::AcademicYear, "002 §3.2"),
            // §6: drawing up the plan is the head's duty; who approves it is not said.
            plan_approval: c(vec![ApprovalStep::DraftedByHead, ApprovalStep::Approved], "002 §3.2, §6"),
            minutes_signatories: c(vec![Signatory::Head], "002 §3.3"),
            quorum: s(QuorumRule::None),
            majority: s(MajorityRule::None),
            officers: c(vec![Officer::Head], "002 §3.1"),
            composition: c(CompositionRule::ByDirection, "002 §1.2"),
            analysis_deadlines: c(
                vec![AnalysisDeadline {
                    recipient: AnalysisRecipient::Authority,
                    period: PlanPeriod::AcademicYear,
                    due: md(30, 5),
                    form: Some("приложение 1 к Положению".to_owned()),
                }],
                "002 §3.4, прил. 1",
            ),
            analysis_snapshots: s(vec![]),
            analysis_on_request: c(true, "002 §3.4"),
            required_documents: c(
                vec![D::Regulation, D::TeacherDataBank, D::WorkPlan, D::Minutes, D::AnnualAnalysis, D::Other],
                "002 §5.1–5.6, прил. 1, 2",
            ),
            subgroups: s(vec![]),
            invited_participants: s(false),
            extra_need_kinds: s(vec![]),
        },
    }
}

/// Vesyegonsk municipal district (Tver region), class teachers.
fn seed_003() -> Preset {
    use RequiredDocument as D;
    Preset {
        code: "seed-003",
        name_ru: "Положение о ММО классных руководителей (Весьегонский муниципальный округ)".to_owned(),
        source_ru: "Положение о муниципальном методическом объединении классных руководителей \
                    Весьегонского муниципального округа при методическом кабинете Отдела образования."
            .to_owned(),
        settings: ProfileSettings {
            body_name: c("ММО".to_owned(), "003 §1.1"),
            min_members: s(None),
            min_meetings_per_year: c(Some(3), "003 §3.3"),
            // §5.1 says "план на год"; meetings are counted per academic year (§3.3).
            plan_period: c(PlanPeriod::AcademicYear, "003 §5.1 («на год»), §3.3 (учебный год)"),
            plan_approval: c(vec![ApprovalStep::AgreedWithCabinetHead], "003 §3.2"),
            minutes_signatories: s(vec![]),
            quorum: s(QuorumRule::None),
            majority: s(MajorityRule::None),
            officers: c(vec![Officer::Head], "003 §4.1"),
            composition: c(CompositionRule::ChangesWithStaff, "003 §1.3"),
            // §5.3 requires an analysis "за год" but sets no date.
            analysis_deadlines: s(vec![]),
            analysis_snapshots: s(vec![]),
            analysis_on_request: s(false),
            required_documents: c(vec![D::WorkPlan, D::Minutes, D::AnnualAnalysis, D::Materials], "003 §5.1–5.4"),
            subgroups: s(vec![]),
            invited_participants: s(false),
            extra_need_kinds: s(vec![]),
        },
    }
}

/// Maysky municipal district (Kabardino-Balkaria), "МУМО".
fn seed_004() -> Preset {
    use RequiredDocument as D;
    Preset {
        code: "seed-004",
        name_ru: "Положение о МУМО Майского муниципального района (КБР)".to_owned(),
        source_ru: "Положение о муниципальном учебно-методическом объединении Майского \
                    муниципального района, утверждённое приказом МУ «Управление образования \
                    местной администрации Майского муниципального района» от 01.06.2022 № 149-ОД."
            .to_owned(),
        settings: ProfileSettings {
            body_name: c("МУМО".to_owned(), "004 §1.1"),
            min_members: s(None),
            min_meetings_per_year: c(Some(2), "004 §4.4"),
            plan_period: c(PlanPeriod::AcademicYear, "004 §4.2"),
            plan_approval: c(
                vec![
                    ApprovalStep::DraftedByHead,
                    ApprovalStep::AdoptedAtMeeting,
                    ApprovalStep::ApprovedByAuthorityHead,
                ],
                "004 §4.2",
            ),
            minutes_signatories: c(vec![Signatory::Chair, Signatory::Secretary], "004 §4.4"),
            quorum: c(QuorumRule::MoreThanHalfOfMembers, "004 §4.4"),
            majority: c(MajorityRule::SimpleMajorityOfPresent, "004 §4.4"),
            officers: c(vec![Officer::Head, Officer::Deputy, Officer::Secretary], "004 §2.1"),
            composition: c(CompositionRule::ApprovedYearlyByOrder, "004 §2.2"),
            analysis_deadlines: c(
                vec![
                    AnalysisDeadline {
                        recipient: AnalysisRecipient::Authority,
                        period: PlanPeriod::AcademicYear,
                        due: md(1, 7),
                        form: None,
                    },
                    AnalysisDeadline {
                        recipient: AnalysisRecipient::RegionalAssociation,
                        period: PlanPeriod::CalendarYear,
                        due: md(1, 3),
                        form: None,
                    },
                ],
                "004 §2.3",
            ),
            analysis_snapshots: c(vec![md(1, 1), md(1, 7)], "004 §6"),
            analysis_on_request: c(true, "004 §2.3"),
            required_documents: c(
                vec![
                    D::Regulation,
                    D::WorkPlan,
                    D::Minutes,
                    D::AnnualAnalysis,
                    D::CompositionOrder,
                    D::ProfessionalNeeds,
                ],
                "004 §6",
            ),
            subgroups: c(vec![SubgroupKind::Rmo, SubgroupKind::Section, SubgroupKind::CreativeGroup], "004 §2.5"),
            invited_participants: c(true, "004 §2.7"),
            extra_need_kinds: s(vec![]),
        },
    }
}
