//! Regulation profiles: the settings of one municipality's «Положение о ММО», kept as data.
//!
//! The five regulations in `seeds/` describe the same institution in five municipalities and
//! differ in a handful of settings (DOMAIN.md §3): the body's name, the minimum number of members
//! and of meetings, how the plan is approved, who signs the minutes, quorum and majority, the
//! officers, how the composition is formed, when and to whom the yearly analysis goes, which
//! documents must be kept, which subgroups exist, whether guests may take part.
//!
//! - [`ProfileSettings`] holds every setting as a [`Setting`]: the value plus the clause of the
//!   regulation it comes from ("002 §3.3"), so every rule the software enforces can be traced back.
//! - [`presets()`] are the five seeds, read-only; an authority copies one and edits the copy.
//! - [`ProfileSettings::validate`] checks a profile; [`ProfileSettings::describe_ru`] renders it
//!   as Russian rows for a page; [`ProfileSettings::form_fields`] and [`from_form`] are the two
//!   halves of a generic HTML form.
//!
//! A profile is stored as JSON (serde) in a TEXT column; every enum serialises as its
//! snake_case [`Choice::code`].

use std::collections::HashSet;
use std::fmt;
use std::hash::Hash;

use serde::{Deserialize, Serialize};

pub use crate::values::FieldError;

mod form;
mod presets;
#[cfg(test)]
mod tests;

pub use form::{FieldKind, FormField, from_form};
pub use presets::{Preset, preset, presets};

// ---------------------------------------------------------------------------------------------
// Enumerations
// ---------------------------------------------------------------------------------------------

/// What every enumeration of a profile offers: its variants in their natural order, a stable
/// code (the serde name) and a Russian label.
pub trait Choice: Copy + Eq + 'static {
    /// Every variant, in the order a form shows them (for plan steps: the order of the procedure).
    const ALL: &'static [Self];
    /// The snake_case serde name.
    fn code(&self) -> &'static str;
    /// The Russian label, as an authority would read it.
    fn label_ru(&self) -> &'static str;
    /// The variant whose code is `code`.
    fn from_code(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.code() == code)
    }
}

macro_rules! choice_enum {
    (
        $(#[$meta:meta])*
        $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident => ($code:literal, $label:literal) ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $( $(#[$vmeta])* $variant ),+
        }

        impl Choice for $name {
            const ALL: &'static [Self] = &[ $( Self::$variant ),+ ];
            fn code(&self) -> &'static str {
                match self { $( Self::$variant => $code ),+ }
            }
            fn label_ru(&self) -> &'static str {
                match self { $( Self::$variant => $label ),+ }
            }
        }

        impl $name {
            /// Every variant, in natural order.
            pub const ALL: &'static [Self] = <Self as Choice>::ALL;
            /// The snake_case serde name.
            pub fn code(&self) -> &'static str {
                <Self as Choice>::code(self)
            }
            /// The Russian label.
            pub fn label_ru(&self) -> &'static str {
                <Self as Choice>::label_ru(self)
            }
            /// The variant whose code is `code`.
            pub fn from_code(code: &str) -> Option<Self> {
                <Self as Choice>::from_code(code)
            }
        }

        impl $crate::Code for $name {
            fn all() -> &'static [Self] { Self::ALL }
            fn code(self) -> &'static str { <Self as Choice>::code(&self) }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.label_ru())
            }
        }
    };
}

choice_enum! {
    /// The period a work plan (or a report) covers.
    PlanPeriod {
        /// 1 September – 31 August.
        AcademicYear => ("academic_year", "учебный год"),
        /// 1 January – 31 December (seed 001 §5.1).
        CalendarYear => ("calendar_year", "календарный год"),
    }
}

choice_enum! {
    /// One step of the plan's approval procedure; `ALL` is the order of the procedure.
    ApprovalStep {
        /// 000 §4.4, 002 §6, 004 §4.2.
        DraftedByHead => ("drafted_by_head", "составляется руководителем объединения"),
        /// 000 §4.4.
        ConsideredAtMeeting => ("considered_at_meeting", "рассматривается на заседании объединения"),
        /// 004 §4.2.
        AdoptedAtMeeting => ("adopted_at_meeting", "принимается на заседании объединения"),
        /// 003 §3.2.
        AgreedWithCabinetHead => ("agreed_with_cabinet_head", "согласуется с заведующим методическим кабинетом"),
        /// 000 §4.4.
        ApprovedByAuthorityOrder => ("approved_by_authority_order", "утверждается приказом руководителя органа управления образованием"),
        /// 004 §4.2.
        ApprovedByAuthorityHead => ("approved_by_authority_head", "утверждается руководителем органа управления образованием"),
        /// 001 §5.1: "утверждённый план", the regulation does not say by whom.
        Approved => ("approved", "утверждается (кем — в положении не указано)"),
    }
}

choice_enum! {
    /// Who signs the minutes of a meeting.
    Signatory {
        Head => ("head", "руководитель"),
        Chair => ("chair", "председатель"),
        Secretary => ("secretary", "секретарь"),
    }
}

choice_enum! {
    /// When a meeting may decide.
    QuorumRule {
        /// The regulation sets no quorum.
        None => ("none", "не установлен"),
        /// 004 §4.4.
        MoreThanHalfOfMembers => ("more_than_half_of_members", "более половины состава объединения"),
    }
}

choice_enum! {
    /// How a meeting decides.
    MajorityRule {
        /// The regulation sets no rule.
        None => ("none", "не установлен"),
        /// 004 §4.4.
        SimpleMajorityOfPresent => ("simple_majority_of_present", "простым большинством голосов участвующих в заседании"),
    }
}

choice_enum! {
    /// An officer of the association.
    Officer {
        Head => ("head", "руководитель (председатель)"),
        Deputy => ("deputy", "заместитель председателя"),
        Secretary => ("secretary", "секретарь"),
        /// A specialist of the authority assigned to the association (001 §3.3).
        Curator => ("curator", "куратор — специалист органа управления образованием"),
    }
}

choice_enum! {
    /// How the association's composition is formed.
    CompositionRule {
        /// 000 §1.2, 002 §1.2.
        ByDirection => ("by_direction", "из педагогов определённого направления деятельности"),
        /// 001 §3.1.
        Voluntary => ("voluntary", "добровольно"),
        /// 003 §1.3.
        ChangesWithStaff => ("changes_with_staff", "меняется вместе с изменениями в педагогическом коллективе"),
        /// 004 §2.2.
        ApprovedYearlyByOrder => ("approved_yearly_by_order", "ежегодно утверждается приказом органа управления образованием"),
    }
}

choice_enum! {
    /// Who receives the yearly analysis.
    AnalysisRecipient {
        Authority => ("authority", "орган управления образованием"),
        RegionalAssociation => ("regional_association", "региональное учебно-методическое объединение (РУМО)"),
    }
}

impl AnalysisRecipient {
    /// "в орган управления образованием", "в РУМО".
    pub fn to_ru(&self) -> &'static str {
        match self {
            Self::Authority => "в орган управления образованием",
            Self::RegionalAssociation => "в РУМО",
        }
    }
}

choice_enum! {
    /// A document the association must keep.
    RequiredDocument {
        Regulation => ("regulation", "положение об объединении (нормативно-правовые документы)"),
        TeacherDataBank => ("teacher_data_bank", "банк данных о педагогических работниках"),
        WorkPlan => ("work_plan", "план работы"),
        Minutes => ("minutes", "протоколы заседаний"),
        AnnualAnalysis => ("annual_analysis", "анализ работы за год"),
        Cyclogram => ("cyclogram", "циклограмма методического сопровождения"),
        EventDocuments => ("event_documents", "документы мероприятий (программы, листы регистрации, выступления, решения, справки)"),
        CompositionOrder => ("composition_order", "приказ о составе на учебный год"),
        ProfessionalNeeds => ("professional_needs", "сведения о профессиональных потребностях педагогических кадров"),
        Materials => ("materials", "материалы объединения"),
        Other => ("other", "иная документация"),
    }
}

choice_enum! {
    /// A kind of unit inside an association.
    SubgroupKind {
        Rmo => ("rmo", "районное методическое объединение (РМО)"),
        Section => ("section", "секция"),
        CreativeGroup => ("creative_group", "творческая группа"),
        WorkingGroup => ("working_group", "рабочая группа"),
    }
}

// ---------------------------------------------------------------------------------------------
// Month-day
// ---------------------------------------------------------------------------------------------

const MONTHS_GENITIVE: [&str; 12] = [
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
];

/// A day of the year without a year ("30 May"). 29 February is not allowed: a yearly deadline
/// must exist every year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct MonthDay {
    pub month: u8,
    pub day: u8,
}

/// Days in `month` (1..=12) of a non-leap year; 0 for an invalid month.
fn days_in_month(month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 => 28,
        _ => 0,
    }
}

impl MonthDay {
    /// A valid month-day, or `None`.
    pub fn new(month: u8, day: u8) -> Option<Self> {
        let md = Self { month, day };
        md.is_valid().then_some(md)
    }

    /// Month in 1..=12, day within the month, 29 February excluded.
    pub fn is_valid(&self) -> bool {
        self.day >= 1 && self.day <= days_in_month(self.month)
    }

    /// Parses "ДД.ММ" ("30.05", also "1.7"). The message is Russian and names no field.
    pub fn parse(input: &str) -> Result<Self, String> {
        let s = input.trim();
        let bad_format = || format!("«{}» — укажите день и месяц в виде ДД.ММ, например 30.05", excerpt(s));
        let (d, m) = s.split_once('.').ok_or_else(bad_format)?;
        let digits = |p: &str| !p.is_empty() && p.len() <= 2 && p.bytes().all(|b| b.is_ascii_digit());
        if !digits(d) || !digits(m) {
            return Err(bad_format());
        }
        let (Ok(day), Ok(month)) = (d.parse::<u8>(), m.parse::<u8>()) else {
            return Err(bad_format());
        };
        Self::new(month, day).ok_or_else(|| format!("«{s}» — такой даты нет (29 февраля не допускается)"))
    }

    /// "30 мая"; "?" parts for an invalid value.
    pub fn label_ru(&self) -> String {
        let month = usize::from(self.month).checked_sub(1).and_then(|i| MONTHS_GENITIVE.get(i)).copied().unwrap_or("?");
        format!("{} {}", self.day, month)
    }
}

impl fmt::Display for MonthDay {
    /// "30.05".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}.{:02}", self.day, self.month)
    }
}

impl std::str::FromStr for MonthDay {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

// ---------------------------------------------------------------------------------------------
// Settings
// ---------------------------------------------------------------------------------------------

/// A setting's value plus the regulation clause it comes from, e.g. "002 §3.3" (None when the
/// regulation is silent or a user edited it without giving a clause).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Setting<T> {
    pub value: T,
    pub clause: Option<String>,
}

impl<T> Setting<T> {
    /// A value taken from `clause` of the regulation.
    pub fn cited(value: T, clause: &str) -> Self {
        Self { value, clause: Some(clause.to_owned()) }
    }
    /// A value the regulation does not set (the neutral value).
    pub fn silent(value: T) -> Self {
        Self { value, clause: None }
    }
}

/// One deadline of the yearly analysis: to whom, for which period, by which day, on which form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnalysisDeadline {
    pub recipient: AnalysisRecipient,
    /// Which period the report covers.
    pub period: PlanPeriod,
    pub due: MonthDay,
    /// The prescribed form, e.g. "приложение 1 к Положению".
    pub form: Option<String>,
}

impl AnalysisDeadline {
    /// "в орган управления образованием до 30 мая (за учебный год, по форме: приложение 1 к Положению)".
    pub fn describe_ru(&self) -> String {
        let mut s = format!("{} до {} (за {}", self.recipient.to_ru(), self.due.label_ru(), self.period.label_ru());
        if let Some(form) = &self.form {
            s.push_str(", по форме: ");
            s.push_str(form);
        }
        s.push(')');
        s
    }
}

/// The settings of one municipality's regulation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileSettings {
    /// "ММО", "МУМО".
    pub body_name: Setting<String>,
    /// Minimum number of teachers to form an association (000: 10).
    pub min_members: Setting<Option<u32>>,
    /// Minimum number of meetings a year.
    pub min_meetings_per_year: Setting<Option<u32>>,
    /// The period of the work plan.
    pub plan_period: Setting<PlanPeriod>,
    /// The approval procedure, in order.
    pub plan_approval: Setting<Vec<ApprovalStep>>,
    /// Who signs the minutes (empty: the regulation is silent).
    pub minutes_signatories: Setting<Vec<Signatory>>,
    pub quorum: Setting<QuorumRule>,
    pub majority: Setting<MajorityRule>,
    pub officers: Setting<Vec<Officer>>,
    pub composition: Setting<CompositionRule>,
    pub analysis_deadlines: Setting<Vec<AnalysisDeadline>>,
    /// Dates the analysis is made as of (004: 1 January and 1 July).
    pub analysis_snapshots: Setting<Vec<MonthDay>>,
    /// The analysis (or other information) is also given on the authority's request.
    pub analysis_on_request: Setting<bool>,
    pub required_documents: Setting<Vec<RequiredDocument>>,
    pub subgroups: Setting<Vec<SubgroupKind>>,
    /// Invited representatives of local government, legal and natural persons may take part.
    pub invited_participants: Setting<bool>,
    /// Kinds of professional difficulties and needs the municipality adds to Metoda's own list
    /// (004 §6 «сведения о профессиональных потребностях»). Absent in documents written before it.
    #[serde(default = "no_extra_need_kinds")]
    pub extra_need_kinds: Setting<Vec<String>>,
}

fn no_extra_need_kinds() -> Setting<Vec<String>> {
    Setting { value: vec![], clause: None }
}

/// Field keys (serde names, form field names) and their Russian names, in struct order.
pub mod keys {
    pub const BODY_NAME: &str = "body_name";
    pub const MIN_MEMBERS: &str = "min_members";
    pub const MIN_MEETINGS_PER_YEAR: &str = "min_meetings_per_year";
    pub const PLAN_PERIOD: &str = "plan_period";
    pub const PLAN_APPROVAL: &str = "plan_approval";
    pub const MINUTES_SIGNATORIES: &str = "minutes_signatories";
    pub const QUORUM: &str = "quorum";
    pub const MAJORITY: &str = "majority";
    pub const OFFICERS: &str = "officers";
    pub const COMPOSITION: &str = "composition";
    pub const ANALYSIS_DEADLINES: &str = "analysis_deadlines";
    pub const ANALYSIS_SNAPSHOTS: &str = "analysis_snapshots";
    pub const ANALYSIS_ON_REQUEST: &str = "analysis_on_request";
    pub const REQUIRED_DOCUMENTS: &str = "required_documents";
    pub const SUBGROUPS: &str = "subgroups";
    pub const INVITED_PARTICIPANTS: &str = "invited_participants";
    pub const EXTRA_NEED_KINDS: &str = "extra_need_kinds";

    /// Suffix of the form field that carries a setting's clause: `"{key}__clause"`.
    pub const CLAUSE_SUFFIX: &str = "__clause";
}

/// Every setting as (key, Russian name), in struct order.
pub const FIELDS: &[(&str, &str)] = &[
    (keys::BODY_NAME, "Наименование объединения"),
    (keys::MIN_MEMBERS, "Минимальное число педагогов для создания объединения"),
    (keys::MIN_MEETINGS_PER_YEAR, "Минимальное число заседаний в год"),
    (keys::PLAN_PERIOD, "Период плана работы"),
    (keys::PLAN_APPROVAL, "Порядок утверждения плана работы"),
    (keys::MINUTES_SIGNATORIES, "Протокол заседания подписывают"),
    (keys::QUORUM, "Кворум заседания"),
    (keys::MAJORITY, "Порядок принятия решений"),
    (keys::OFFICERS, "Должностные лица объединения"),
    (keys::COMPOSITION, "Порядок формирования состава"),
    (keys::ANALYSIS_DEADLINES, "Сроки представления анализа (отчёта) о работе"),
    (keys::ANALYSIS_SNAPSHOTS, "Даты, по состоянию на которые составляется анализ"),
    (keys::ANALYSIS_ON_REQUEST, "Анализ (информация) представляется также по запросу"),
    (keys::REQUIRED_DOCUMENTS, "Обязательная документация"),
    (keys::SUBGROUPS, "Подразделения внутри объединения"),
    (keys::INVITED_PARTICIPANTS, "Допускается участие приглашённых лиц"),
    (keys::EXTRA_NEED_KINDS, "Дополнительные виды профессиональных затруднений и потребностей"),
];

/// The Russian name of the setting `key` (the key itself when unknown).
pub fn label_for(key: &str) -> &'static str {
    FIELDS.iter().find(|(k, _)| *k == key).map(|(_, l)| *l).unwrap_or("Настройка")
}

/// Limits checked by [`ProfileSettings::validate`].
pub mod limits {
    pub const BODY_NAME_MAX_CHARS: usize = 20;
    pub const MIN_MEMBERS: (u32, u32) = (1, 1000);
    pub const MIN_MEETINGS: (u32, u32) = (1, 52);
    pub const CLAUSE_MAX_CHARS: usize = 100;
    pub const FORM_MAX_CHARS: usize = 200;
}

/// One row of a profile rendered for a page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SettingRow {
    pub key: &'static str,
    /// The Russian name of the setting.
    pub label: &'static str,
    /// The Russian rendering of the value.
    pub value: String,
    pub clause: Option<String>,
}

/// "a", "a и b", "a, b и c".
fn join_ru(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} и {}", init.join(", "), last),
    }
}

fn labels<T: Choice>(items: &[T]) -> Vec<String> {
    items.iter().map(|i| i.label_ru().to_owned()).collect()
}

fn or_unset(s: String, unset: &str) -> String {
    if s.is_empty() { unset.to_owned() } else { s }
}

fn yes_no(b: bool) -> String {
    if b { "да".to_owned() } else { "нет".to_owned() }
}

/// At most 40 characters of a user's input, for echoing in a message.
pub(crate) fn excerpt(s: &str) -> String {
    const MAX: usize = 40;
    if s.chars().count() > MAX {
        let mut t: String = s.chars().take(MAX).collect();
        t.push('…');
        t
    } else {
        s.to_owned()
    }
}

fn err(field: &str, message: String) -> FieldError {
    FieldError::new(field, message)
}

/// Pushes an error for each value met a second time (by `id`).
fn check_unique<T, K: Eq + Hash>(
    errors: &mut Vec<FieldError>,
    key: &'static str,
    items: &[T],
    id: impl Fn(&T) -> K,
    show: impl Fn(&T) -> String,
) {
    let mut seen = HashSet::new();
    let mut reported = HashSet::new();
    for item in items {
        let k = id(item);
        if seen.contains(&k) {
            let text = show(item);
            if reported.insert(text.clone()) {
                errors.push(err(key, format!("{}: «{}» указано более одного раза", label_for(key), text)));
            }
        } else {
            seen.insert(k);
        }
    }
}

fn check_unique_choices<T: Choice + Hash>(errors: &mut Vec<FieldError>, key: &'static str, items: &[T]) {
    check_unique(errors, key, items, |x| *x, |x| x.label_ru().to_owned());
}

impl ProfileSettings {
    /// Every setting's clause, keyed by the setting's key, in struct order.
    pub fn clauses(&self) -> [(&'static str, Option<&str>); 17] {
        [
            (keys::BODY_NAME, self.body_name.clause.as_deref()),
            (keys::MIN_MEMBERS, self.min_members.clause.as_deref()),
            (keys::MIN_MEETINGS_PER_YEAR, self.min_meetings_per_year.clause.as_deref()),
            (keys::PLAN_PERIOD, self.plan_period.clause.as_deref()),
            (keys::PLAN_APPROVAL, self.plan_approval.clause.as_deref()),
            (keys::MINUTES_SIGNATORIES, self.minutes_signatories.clause.as_deref()),
            (keys::QUORUM, self.quorum.clause.as_deref()),
            (keys::MAJORITY, self.majority.clause.as_deref()),
            (keys::OFFICERS, self.officers.clause.as_deref()),
            (keys::COMPOSITION, self.composition.clause.as_deref()),
            (keys::ANALYSIS_DEADLINES, self.analysis_deadlines.clause.as_deref()),
            (keys::ANALYSIS_SNAPSHOTS, self.analysis_snapshots.clause.as_deref()),
            (keys::ANALYSIS_ON_REQUEST, self.analysis_on_request.clause.as_deref()),
            (keys::REQUIRED_DOCUMENTS, self.required_documents.clause.as_deref()),
            (keys::SUBGROUPS, self.subgroups.clause.as_deref()),
            (keys::INVITED_PARTICIPANTS, self.invited_participants.clause.as_deref()),
            (keys::EXTRA_NEED_KINDS, self.extra_need_kinds.clause.as_deref()),
        ]
    }

    /// Checks every rule; all problems at once, each naming its form field
    /// (`"{key}"` for a value, `"{key}__clause"` for its clause).
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();

        let name = self.body_name.value.trim();
        if name.is_empty() {
            errors.push(err(
                keys::BODY_NAME,
                format!("{}: укажите краткое наименование, например «ММО»", label_for(keys::BODY_NAME)),
            ));
        } else if name.chars().count() > limits::BODY_NAME_MAX_CHARS {
            errors.push(err(
                keys::BODY_NAME,
                format!(
                    "{}: не длиннее {} символов (краткое наименование, например «МУМО»)",
                    label_for(keys::BODY_NAME),
                    limits::BODY_NAME_MAX_CHARS
                ),
            ));
        }

        for (key, value, (min, max)) in [
            (keys::MIN_MEMBERS, self.min_members.value, limits::MIN_MEMBERS),
            (keys::MIN_MEETINGS_PER_YEAR, self.min_meetings_per_year.value, limits::MIN_MEETINGS),
        ] {
            if let Some(n) = value
                && !(min..=max).contains(&n)
            {
                errors.push(err(key, number_message(key, min, max)));
            }
        }

        if self.plan_approval.value.is_empty() {
            errors.push(err(
                keys::PLAN_APPROVAL,
                format!("{}: отметьте хотя бы один шаг", label_for(keys::PLAN_APPROVAL)),
            ));
        }
        check_unique_choices(&mut errors, keys::PLAN_APPROVAL, &self.plan_approval.value);
        check_unique_choices(&mut errors, keys::MINUTES_SIGNATORIES, &self.minutes_signatories.value);
        check_unique_choices(&mut errors, keys::OFFICERS, &self.officers.value);
        check_unique_choices(&mut errors, keys::REQUIRED_DOCUMENTS, &self.required_documents.value);
        check_unique_choices(&mut errors, keys::SUBGROUPS, &self.subgroups.value);

        let deadlines = &self.analysis_deadlines.value;
        for d in deadlines {
            if !d.due.is_valid() {
                errors.push(err(
                    keys::ANALYSIS_DEADLINES,
                    format!("{}: даты «{}» не существует", label_for(keys::ANALYSIS_DEADLINES), d.due),
                ));
            }
            if let Some(form) = &d.form {
                if form.trim().is_empty() || form.contains(['\n', '\r', '\t']) {
                    errors.push(err(
                        keys::ANALYSIS_DEADLINES,
                        format!("{}: форма отчёта — одна непустая строка", label_for(keys::ANALYSIS_DEADLINES)),
                    ));
                } else if form.chars().count() > limits::FORM_MAX_CHARS {
                    errors.push(err(
                        keys::ANALYSIS_DEADLINES,
                        format!(
                            "{}: название формы отчёта не длиннее {} символов",
                            label_for(keys::ANALYSIS_DEADLINES),
                            limits::FORM_MAX_CHARS
                        ),
                    ));
                }
            }
        }
        check_unique(
            &mut errors,
            keys::ANALYSIS_DEADLINES,
            deadlines,
            |d| (d.recipient, d.period, d.due),
            |d| format!("{}, {}, {}", d.recipient.to_ru(), d.period.label_ru(), d.due),
        );

        let snapshots = &self.analysis_snapshots.value;
        for md in snapshots {
            if !md.is_valid() {
                errors.push(err(
                    keys::ANALYSIS_SNAPSHOTS,
                    format!("{}: даты «{}» не существует", label_for(keys::ANALYSIS_SNAPSHOTS), md),
                ));
            }
        }
        check_unique(&mut errors, keys::ANALYSIS_SNAPSHOTS, snapshots, |m| *m, |m| m.to_string());

        for (key, clause) in self.clauses() {
            if let Some(c) = clause
                && c.chars().count() > limits::CLAUSE_MAX_CHARS
            {
                errors.push(err(
                    &format!("{key}{}", keys::CLAUSE_SUFFIX),
                    format!(
                        "{}: ссылка на пункт положения не длиннее {} символов",
                        label_for(key),
                        limits::CLAUSE_MAX_CHARS
                    ),
                ));
            }
        }

        let extra = &self.extra_need_kinds.value;
        let mut seen: Vec<String> = vec![];
        for kind in extra {
            let k = kind.trim();
            let lower = k.to_lowercase();
            let label = label_for(keys::EXTRA_NEED_KINDS);
            if k.is_empty() || k.chars().count() > 100 {
                errors.push(err(keys::EXTRA_NEED_KINDS, format!("{label}: каждая строка — от 1 до 100 символов")));
            } else if seen.contains(&lower) {
                errors.push(err(keys::EXTRA_NEED_KINDS, format!("{label}: «{k}» указано дважды")));
            }
            seen.push(lower);
        }
        if extra.len() > 30 {
            errors.push(err(keys::EXTRA_NEED_KINDS, "Дополнительных видов затруднений — не более 30".to_owned()));
        }

        if errors.is_empty() { Ok(()) } else { Err(errors) }
    }

    /// One Russian row per setting, in struct order.
    pub fn describe_ru(&self) -> Vec<SettingRow> {
        let number = |n: Option<u32>| n.map_or_else(|| "не установлено".to_owned(), |n| n.to_string());
        let rows: [(&'static str, String, &Option<String>); 17] = [
            (keys::BODY_NAME, self.body_name.value.trim().to_owned(), &self.body_name.clause),
            (keys::MIN_MEMBERS, number(self.min_members.value), &self.min_members.clause),
            (keys::MIN_MEETINGS_PER_YEAR, number(self.min_meetings_per_year.value), &self.min_meetings_per_year.clause),
            (keys::PLAN_PERIOD, self.plan_period.value.label_ru().to_owned(), &self.plan_period.clause),
            (
                keys::PLAN_APPROVAL,
                or_unset(labels(&self.plan_approval.value).join(" → "), "не установлен"),
                &self.plan_approval.clause,
            ),
            (
                keys::MINUTES_SIGNATORIES,
                or_unset(join_ru(&labels(&self.minutes_signatories.value)), "не установлено"),
                &self.minutes_signatories.clause,
            ),
            (keys::QUORUM, self.quorum.value.label_ru().to_owned(), &self.quorum.clause),
            (keys::MAJORITY, self.majority.value.label_ru().to_owned(), &self.majority.clause),
            (keys::OFFICERS, or_unset(join_ru(&labels(&self.officers.value)), "не установлены"), &self.officers.clause),
            (keys::COMPOSITION, self.composition.value.label_ru().to_owned(), &self.composition.clause),
            (
                keys::ANALYSIS_DEADLINES,
                or_unset(
                    self.analysis_deadlines
                        .value
                        .iter()
                        .map(AnalysisDeadline::describe_ru)
                        .collect::<Vec<_>>()
                        .join("; "),
                    "не установлены",
                ),
                &self.analysis_deadlines.clause,
            ),
            (
                keys::ANALYSIS_SNAPSHOTS,
                or_unset(
                    join_ru(
                        &self
                            .analysis_snapshots
                            .value
                            .iter()
                            .map(|m| format!("на {}", m.label_ru()))
                            .collect::<Vec<_>>(),
                    ),
                    "не установлены",
                ),
                &self.analysis_snapshots.clause,
            ),
            (keys::ANALYSIS_ON_REQUEST, yes_no(self.analysis_on_request.value), &self.analysis_on_request.clause),
            (
                keys::REQUIRED_DOCUMENTS,
                or_unset(labels(&self.required_documents.value).join("; "), "не установлена"),
                &self.required_documents.clause,
            ),
            (
                keys::SUBGROUPS,
                or_unset(labels(&self.subgroups.value).join(", "), "не предусмотрены"),
                &self.subgroups.clause,
            ),
            (keys::INVITED_PARTICIPANTS, yes_no(self.invited_participants.value), &self.invited_participants.clause),
            (
                keys::EXTRA_NEED_KINDS,
                or_unset(self.extra_need_kinds.value.join("; "), "не добавлены (используется общий перечень Методы)"),
                &self.extra_need_kinds.clause,
            ),
        ];
        rows.into_iter()
            .map(|(key, value, clause)| SettingRow { key, label: label_for(key), value, clause: clause.clone() })
            .collect()
    }
}

/// "Минимальное число заседаний в год: введите целое число от 1 до 52 или оставьте пустым".
pub(crate) fn number_message(key: &str, min: u32, max: u32) -> String {
    format!("{}: введите целое число от {min} до {max} или оставьте пустым", label_for(key))
}
