//! The HTML form of a profile, described as data so the web layer can render it generically.
//!
//! [`ProfileSettings::form_fields`] lists one [`FormField`] per setting (field name = setting key,
//! plus a text input `"{key}__clause"` for its clause); [`from_form`] reads the submitted pairs
//! back. Checkbox groups come back as repeated pairs and are put into the `ALL` order of their
//! enum, so the order of plan steps is the natural order of the procedure.

use serde::Serialize;

use super::{
    AnalysisDeadline, ApprovalStep, Choice, CompositionRule, FieldError, MajorityRule, MonthDay, Officer, PlanPeriod,
    ProfileSettings, QuorumRule, RequiredDocument, Setting, Signatory, SubgroupKind, excerpt, keys, label_for, limits,
    number_message,
};

/// One input of the profile form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FormField {
    /// The input's name (the setting's key).
    pub key: &'static str,
    /// The Russian name of the setting.
    pub label: &'static str,
    pub kind: FieldKind,
    /// The clause, edited in the text input `"{key}__clause"`.
    pub clause: Option<String>,
}

impl FormField {
    /// The name of the clause input: `"{key}__clause"`.
    pub fn clause_key(&self) -> String {
        format!("{}{}", self.key, keys::CLAUSE_SUFFIX)
    }

    /// A Russian hint to show under the input, where one helps.
    pub fn hint(&self) -> Option<&'static str> {
        hint_for(self.key)
    }
}

/// The Russian hint for the input `key`, where one helps.
pub fn hint_for(key: &str) -> Option<&'static str> {
    match key {
        keys::BODY_NAME => Some("Краткое наименование, как в положении: ММО, МУМО, РМО (до 20 символов)."),
        keys::MIN_MEMBERS | keys::MIN_MEETINGS_PER_YEAR => {
            Some("Оставьте пустым, если положение этого не устанавливает.")
        }
        keys::PLAN_APPROVAL => Some("Отметьте шаги; они выполняются в том порядке, в каком перечислены."),
        keys::ANALYSIS_DEADLINES => Some(
            "Один срок на строку: получатель;период;ДД.ММ;форма (форму можно не указывать). \
             Получатель: authority — орган управления образованием, regional_association — РУМО. \
             Период: academic_year — учебный год, calendar_year — календарный год. \
             Например: authority;academic_year;30.05;приложение 1 к Положению",
        ),
        keys::ANALYSIS_SNAPSHOTS => Some("Даты через запятую в виде ДД.ММ, например: 01.01, 01.07"),
        _ => None,
    }
}

/// What kind of input a setting is edited with, with its current value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FieldKind {
    /// A one-line text input.
    Text { value: String },
    /// A number input; empty means "not set".
    Number { value: Option<u32>, min: u32, max: u32 },
    /// A drop-down of (code, label).
    Select { options: Vec<(&'static str, &'static str)>, selected: &'static str },
    /// A group of checkboxes of (code, label); they come back in the order of `options`.
    Multi { options: Vec<(&'static str, &'static str)>, selected: Vec<&'static str> },
    /// One checkbox, submitted as "on" when checked.
    Bool { value: bool },
    /// Days of the year, "01.01, 01.07".
    MonthDays { value: String },
    /// One deadline per line: "authority;academic_year;30.05;приложение 1 к Положению".
    Deadlines { value: String },
    /// Free lines of text, one item per line.
    Lines { value: String },
}

fn options<T: Choice>() -> Vec<(&'static str, &'static str)> {
    T::ALL.iter().map(|v| (v.code(), v.label_ru())).collect()
}

fn select<T: Choice>(value: T) -> FieldKind {
    FieldKind::Select { options: options::<T>(), selected: value.code() }
}

fn multi<T: Choice>(values: &[T]) -> FieldKind {
    FieldKind::Multi { options: options::<T>(), selected: values.iter().map(|v| v.code()).collect() }
}

/// "01.01, 01.07".
pub fn month_days_to_text(days: &[MonthDay]) -> String {
    days.iter().map(MonthDay::to_string).collect::<Vec<_>>().join(", ")
}

/// One line per deadline: "authority;academic_year;30.05;приложение 1 к Положению".
pub fn deadlines_to_text(deadlines: &[AnalysisDeadline]) -> String {
    deadlines
        .iter()
        .map(|d| {
            let mut line = format!("{};{};{}", d.recipient.code(), d.period.code(), d.due);
            if let Some(form) = &d.form {
                line.push(';');
                line.push_str(form);
            }
            line
        })
        .collect::<Vec<_>>()
        .join("\n")
}

impl ProfileSettings {
    /// One input per setting, in struct order.
    pub fn form_fields(&self) -> Vec<FormField> {
        let field = |key: &'static str, kind: FieldKind, clause: &Option<String>| FormField {
            key,
            label: label_for(key),
            kind,
            clause: clause.clone(),
        };
        let (members_min, members_max) = limits::MIN_MEMBERS;
        let (meetings_min, meetings_max) = limits::MIN_MEETINGS;
        vec![
            field(keys::BODY_NAME, FieldKind::Text { value: self.body_name.value.clone() }, &self.body_name.clause),
            field(
                keys::MIN_MEMBERS,
                FieldKind::Number { value: self.min_members.value, min: members_min, max: members_max },
                &self.min_members.clause,
            ),
            field(
                keys::MIN_MEETINGS_PER_YEAR,
                FieldKind::Number { value: self.min_meetings_per_year.value, min: meetings_min, max: meetings_max },
                &self.min_meetings_per_year.clause,
            ),
            field(keys::PLAN_PERIOD, select(self.plan_period.value), &self.plan_period.clause),
            field(keys::PLAN_APPROVAL, multi(&self.plan_approval.value), &self.plan_approval.clause),
            field(keys::MINUTES_SIGNATORIES, multi(&self.minutes_signatories.value), &self.minutes_signatories.clause),
            field(keys::QUORUM, select(self.quorum.value), &self.quorum.clause),
            field(keys::MAJORITY, select(self.majority.value), &self.majority.clause),
            field(keys::OFFICERS, multi(&self.officers.value), &self.officers.clause),
            field(keys::COMPOSITION, select(self.composition.value), &self.composition.clause),
            field(
                keys::ANALYSIS_DEADLINES,
                FieldKind::Deadlines { value: deadlines_to_text(&self.analysis_deadlines.value) },
                &self.analysis_deadlines.clause,
            ),
            field(
                keys::ANALYSIS_SNAPSHOTS,
                FieldKind::MonthDays { value: month_days_to_text(&self.analysis_snapshots.value) },
                &self.analysis_snapshots.clause,
            ),
            field(
                keys::ANALYSIS_ON_REQUEST,
                FieldKind::Bool { value: self.analysis_on_request.value },
                &self.analysis_on_request.clause,
            ),
            field(keys::REQUIRED_DOCUMENTS, multi(&self.required_documents.value), &self.required_documents.clause),
            field(keys::SUBGROUPS, multi(&self.subgroups.value), &self.subgroups.clause),
            field(
                keys::INVITED_PARTICIPANTS,
                FieldKind::Bool { value: self.invited_participants.value },
                &self.invited_participants.clause,
            ),
            field(
                keys::EXTRA_NEED_KINDS,
                FieldKind::Lines { value: self.extra_need_kinds.value.join("\n") },
                &self.extra_need_kinds.clause,
            ),
        ]
    }

    /// Reads a submitted form back; see [`from_form`].
    pub fn from_form(pairs: &[(String, String)]) -> Result<ProfileSettings, Vec<FieldError>> {
        from_form(pairs)
    }
}

/// Reads the pairs of a submitted profile form into settings, then validates them.
///
/// Field names are the setting keys; checkbox groups are repeated pairs; a checkbox is present
/// ("on") or absent; each clause is in `"{key}__clause"` (empty means none). Unknown names are
/// ignored. Every problem is reported at once, each naming its field; nothing panics.
pub fn from_form(pairs: &[(String, String)]) -> Result<ProfileSettings, Vec<FieldError>> {
    let mut r = Reader { pairs, errors: Vec::new() };

    let body_name = r.text(keys::BODY_NAME);
    let min_members = r.number(keys::MIN_MEMBERS, limits::MIN_MEMBERS);
    let min_meetings = r.number(keys::MIN_MEETINGS_PER_YEAR, limits::MIN_MEETINGS);
    let plan_period = r.select::<PlanPeriod>(keys::PLAN_PERIOD);
    let plan_approval = r.multi::<ApprovalStep>(keys::PLAN_APPROVAL);
    let minutes_signatories = r.multi::<Signatory>(keys::MINUTES_SIGNATORIES);
    let quorum = r.select::<QuorumRule>(keys::QUORUM);
    let majority = r.select::<MajorityRule>(keys::MAJORITY);
    let officers = r.multi::<Officer>(keys::OFFICERS);
    let composition = r.select::<CompositionRule>(keys::COMPOSITION);
    let deadlines = r.deadlines(keys::ANALYSIS_DEADLINES);
    let snapshots = r.month_days(keys::ANALYSIS_SNAPSHOTS);
    let on_request = r.bool(keys::ANALYSIS_ON_REQUEST);
    let required_documents = r.multi::<RequiredDocument>(keys::REQUIRED_DOCUMENTS);
    let subgroups = r.multi::<SubgroupKind>(keys::SUBGROUPS);
    let invited = r.bool(keys::INVITED_PARTICIPANTS);
    let extra_need_kinds: Vec<String> = pairs
        .iter()
        .find(|(k, _)| k == keys::EXTRA_NEED_KINDS)
        .map(|(_, v)| v.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect())
        .unwrap_or_default();

    let parse_errors = r.errors;
    // A field that failed to parse gets a placeholder; its validation errors are dropped below,
    // so the user sees one message per field.
    let settings = ProfileSettings {
        body_name: Setting { value: body_name, clause: clause(pairs, keys::BODY_NAME) },
        min_members: Setting { value: min_members.unwrap_or(None), clause: clause(pairs, keys::MIN_MEMBERS) },
        min_meetings_per_year: Setting {
            value: min_meetings.unwrap_or(None),
            clause: clause(pairs, keys::MIN_MEETINGS_PER_YEAR),
        },
        plan_period: Setting {
            value: plan_period.unwrap_or(PlanPeriod::AcademicYear),
            clause: clause(pairs, keys::PLAN_PERIOD),
        },
        plan_approval: Setting { value: plan_approval.unwrap_or_default(), clause: clause(pairs, keys::PLAN_APPROVAL) },
        minutes_signatories: Setting {
            value: minutes_signatories.unwrap_or_default(),
            clause: clause(pairs, keys::MINUTES_SIGNATORIES),
        },
        quorum: Setting { value: quorum.unwrap_or(QuorumRule::None), clause: clause(pairs, keys::QUORUM) },
        majority: Setting { value: majority.unwrap_or(MajorityRule::None), clause: clause(pairs, keys::MAJORITY) },
        officers: Setting { value: officers.unwrap_or_default(), clause: clause(pairs, keys::OFFICERS) },
        composition: Setting {
            value: composition.unwrap_or(CompositionRule::ByDirection),
            clause: clause(pairs, keys::COMPOSITION),
        },
        analysis_deadlines: Setting {
            value: deadlines.unwrap_or_default(),
            clause: clause(pairs, keys::ANALYSIS_DEADLINES),
        },
        analysis_snapshots: Setting {
            value: snapshots.unwrap_or_default(),
            clause: clause(pairs, keys::ANALYSIS_SNAPSHOTS),
        },
        analysis_on_request: Setting {
            value: on_request.unwrap_or(false),
            clause: clause(pairs, keys::ANALYSIS_ON_REQUEST),
        },
        required_documents: Setting {
            value: required_documents.unwrap_or_default(),
            clause: clause(pairs, keys::REQUIRED_DOCUMENTS),
        },
        subgroups: Setting { value: subgroups.unwrap_or_default(), clause: clause(pairs, keys::SUBGROUPS) },
        invited_participants: Setting {
            value: invited.unwrap_or(false),
            clause: clause(pairs, keys::INVITED_PARTICIPANTS),
        },
        extra_need_kinds: Setting { value: extra_need_kinds, clause: clause(pairs, keys::EXTRA_NEED_KINDS) },
    };

    let mut errors = parse_errors;
    if let Err(validation) = settings.validate() {
        let failed: Vec<String> = errors.iter().map(|e| e.field.clone()).collect();
        errors.extend(validation.into_iter().filter(|e| !failed.contains(&e.field)));
    }
    if errors.is_empty() { Ok(settings) } else { Err(errors) }
}

/// The clause of `key`: `"{key}__clause"`, trimmed, empty → None.
fn clause(pairs: &[(String, String)], key: &str) -> Option<String> {
    let name = format!("{key}{}", keys::CLAUSE_SUFFIX);
    let value = pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| v.trim())?;
    (!value.is_empty()).then(|| value.to_owned())
}

/// Reads typed values out of the pairs, collecting errors.
struct Reader<'a> {
    pairs: &'a [(String, String)],
    errors: Vec<FieldError>,
}

impl<'a> Reader<'a> {
    fn first(&self, key: &str) -> Option<&'a str> {
        self.pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    fn all(&self, key: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.pairs.iter().filter(move |(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    fn fail<T>(&mut self, key: &str, message: String) -> Option<T> {
        self.errors.push(FieldError::new(key, message));
        None
    }

    fn text(&self, key: &str) -> String {
        self.first(key).map(|v| v.trim().to_owned()).unwrap_or_default()
    }

    /// `Some(None)` for an empty input, `None` after an error.
    fn number(&mut self, key: &str, (min, max): (u32, u32)) -> Option<Option<u32>> {
        let raw = self.first(key).map(str::trim).unwrap_or("");
        if raw.is_empty() {
            return Some(None);
        }
        match raw.parse::<u32>() {
            Ok(n) if (min..=max).contains(&n) => Some(Some(n)),
            _ => self.fail(key, number_message(key, min, max)),
        }
    }

    fn select<T: Choice>(&mut self, key: &str) -> Option<T> {
        let raw = self.first(key).map(str::trim).unwrap_or("");
        if raw.is_empty() {
            return self.fail(key, format!("{}: выберите значение из списка", label_for(key)));
        }
        match T::from_code(raw) {
            Some(v) => Some(v),
            None => self
                .fail(key, format!("{}: неизвестное значение «{}», выберите из списка", label_for(key), excerpt(raw))),
        }
    }

    /// The checked codes, in the `ALL` order of `T`.
    fn multi<T: Choice>(&mut self, key: &'a str) -> Option<Vec<T>> {
        let mut chosen = Vec::new();
        let mut unknown = Vec::new();
        for raw in self.all(key).map(str::trim).filter(|v| !v.is_empty()) {
            match T::from_code(raw) {
                Some(v) => chosen.push(v),
                None => unknown.push(excerpt(raw)),
            }
        }
        if let Some(first) = unknown.first() {
            return self.fail(
                key,
                format!("{}: неизвестное значение «{}», отметьте варианты из списка", label_for(key), first),
            );
        }
        Some(T::ALL.iter().copied().filter(|v| chosen.contains(v)).collect())
    }

    fn bool(&mut self, key: &'a str) -> Option<bool> {
        let mut value = false;
        for raw in self.all(key) {
            match raw.trim().to_lowercase().as_str() {
                "on" | "true" | "1" | "yes" | "да" => value = true,
                "" | "off" | "false" | "0" | "no" | "нет" => {}
                _ => {
                    return self.fail(key, format!("{}: отметьте флажок или снимите его", label_for(key)));
                }
            }
        }
        Some(value)
    }

    fn month_days(&mut self, key: &str) -> Option<Vec<MonthDay>> {
        let raw = self.first(key).unwrap_or("");
        let mut days = Vec::new();
        for part in raw.split([',', ';', ' ', '\t', '\n', '\r']).filter(|p| !p.is_empty()) {
            match MonthDay::parse(part) {
                Ok(md) => days.push(md),
                Err(message) => return self.fail(key, format!("{}: {}", label_for(key), message)),
            }
        }
        Some(days)
    }

    fn deadlines(&mut self, key: &str) -> Option<Vec<AnalysisDeadline>> {
        let raw = self.first(key).unwrap_or("");
        let label = label_for(key);
        let mut deadlines = Vec::new();
        let mut failed = false;
        for (i, line) in raw.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            match parse_deadline(line) {
                Ok(d) => deadlines.push(d),
                Err(message) => {
                    self.errors.push(FieldError::new(key, format!("{label}, строка {}: {message}", i + 1)));
                    failed = true;
                }
            }
        }
        (!failed).then_some(deadlines)
    }
}

/// "authority;academic_year;30.05;приложение 1 к Положению" (the form part may be omitted).
fn parse_deadline(line: &str) -> Result<AnalysisDeadline, String> {
    let mut parts = line.splitn(4, ';').map(str::trim);
    let recipient_raw = parts.next().unwrap_or("");
    let period_raw = parts.next().unwrap_or("");
    let due_raw = parts.next().unwrap_or("");
    let form = parts.next().filter(|f| !f.is_empty()).map(str::to_owned);
    if due_raw.is_empty() {
        return Err("укажите через «;» получателя, период и дату ДД.ММ, например \
                    authority;academic_year;30.05"
            .to_owned());
    }
    let recipient = choice_by_code_or_label(recipient_raw).ok_or_else(|| {
        format!(
            "неизвестный получатель «{}» (authority — орган управления образованием, \
             regional_association — РУМО)",
            excerpt(recipient_raw)
        )
    })?;
    let period = choice_by_code_or_label(period_raw).ok_or_else(|| {
        format!(
            "неизвестный период «{}» (academic_year — учебный год, calendar_year — календарный год)",
            excerpt(period_raw)
        )
    })?;
    let due = MonthDay::parse(due_raw)?;
    Ok(AnalysisDeadline { recipient, period, due, form })
}

/// A variant by its code or, ignoring case, by its Russian label.
fn choice_by_code_or_label<T: Choice>(raw: &str) -> Option<T> {
    let lower = raw.to_lowercase();
    T::from_code(raw).or_else(|| T::ALL.iter().copied().find(|v| v.label_ru().to_lowercase() == lower))
}
