//! Events (мероприятия, DOMAIN.md §1 and §5): seminars, master classes, open lessons, contests and
//! olympiads that an association (or one of its subgroups, or the authority) organises — 000 §3.3,
//! 001 §4.3, §4.5, §6.1, 002 §4.3, 003 §3.4, 004 §4.3. What an event is (its form, audience,
//! level, format, hours), its life (draft → announced → held → archived, or cancelled) and its
//! registration (a cap, a deadline, a waiting list promoted in order) as rules without storage.

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

use crate::FieldError;
use crate::results::Level;
use crate::values::{self, Errors};

/// The form of an event, from the seeds' lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EventForm {
    Seminar,
    PracticalSeminar,
    StandingSeminar,
    MasterClass,
    OpenLesson,
    RoundTable,
    Conference,
    PedagogicalReadings,
    Webinar,
    AuthorSeminar,
    Workshop,
    BusinessGame,
    CreativeReport,
    MutualVisits,
    SubjectDecade,
    Festival,
    ProfessionalContest,
    StudentOlympiad,
    StudentContest,
    StudentConference,
    /// The municipal stage of the all-Russian olympiad (ВсОШ).
    VsoshMunicipalStage,
}

coded!(EventForm {
    Seminar => "seminar", "семинар";
    PracticalSeminar => "practical_seminar", "семинар-практикум";
    StandingSeminar => "standing_seminar", "постоянно действующий семинар";
    MasterClass => "master_class", "мастер-класс";
    OpenLesson => "open_lesson", "открытый урок (занятие, показ)";
    RoundTable => "round_table", "круглый стол";
    Conference => "conference", "научно-практическая конференция";
    PedagogicalReadings => "pedagogical_readings", "педагогические чтения";
    Webinar => "webinar", "вебинар";
    AuthorSeminar => "author_seminar", "авторский семинар";
    Workshop => "workshop", "педагогическая мастерская";
    BusinessGame => "business_game", "деловая игра";
    CreativeReport => "creative_report", "творческий отчёт";
    MutualVisits => "mutual_visits", "взаимопосещение уроков";
    SubjectDecade => "subject_decade", "предметная декада";
    Festival => "festival", "фестиваль";
    ProfessionalContest => "professional_contest", "конкурс профессионального мастерства";
    StudentOlympiad => "student_olympiad", "олимпиада для обучающихся";
    StudentContest => "student_contest", "конкурс для обучающихся";
    StudentConference => "student_conference", "конференция для обучающихся";
    VsoshMunicipalStage => "vsosh_municipal_stage", "муниципальный этап всероссийской олимпиады школьников";
});

impl EventForm {
    /// Who the form is for: the students' contests, olympiads and conferences are the students';
    /// everything else the teachers'.
    pub fn audience(self) -> Audience {
        match self {
            EventForm::StudentOlympiad
            | EventForm::StudentContest
            | EventForm::StudentConference
            | EventForm::VsoshMunicipalStage => Audience::Students,
            _ => Audience::Teachers,
        }
    }
    /// Forms with placements (winners and prize-winners) and diplomas.
    pub fn has_placements(self) -> bool {
        matches!(
            self,
            EventForm::ProfessionalContest
                | EventForm::StudentOlympiad
                | EventForm::StudentContest
                | EventForm::VsoshMunicipalStage
                | EventForm::Festival
        )
    }
    /// Forms held over several sessions (a standing seminar meets through the year; a decade lasts
    /// ten days; mutual visits go on for a period).
    pub fn has_sessions(self) -> bool {
        matches!(self, EventForm::StandingSeminar | EventForm::SubjectDecade | EventForm::MutualVisits)
    }
}

impl EventForm {
    /// The form a speaker's presentation result takes from the event (rows 21–23): conferences
    /// and readings by name, master classes, everything else as a seminar.
    pub fn presentation_form(self) -> crate::results::PresentationForm {
        use crate::results::PresentationForm as P;
        match self {
            EventForm::MasterClass => P::MasterClass,
            EventForm::Conference | EventForm::StudentConference => P::Conference,
            EventForm::PedagogicalReadings => P::PedagogicalReadings,
            _ => P::Seminar,
        }
    }
}

/// A teacher's part in organising an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StaffRole {
    /// Organised the event (row 28 for a municipal event for students).
    Organiser,
    /// Wrote the olympiad's or contest's assessment set (row 27).
    AssessmentAuthor,
}

coded!(StaffRole {
    Organiser => "organiser", "организатор";
    AssessmentAuthor => "assessment_author", "разработчик заданий (КИМ)";
});

/// The kind of an item of an event's programme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProgrammeKind {
    Talk,
    MasterClass,
    OpenLesson,
    Practicum,
    Discussion,
}

coded!(ProgrammeKind {
    Talk => "talk", "выступление (доклад)";
    MasterClass => "master_class", "мастер-класс";
    OpenLesson => "open_lesson", "открытый урок (занятие)";
    Practicum => "practicum", "практикум";
    Discussion => "discussion", "обсуждение";
});

/// An item of an event's programme as typed: a time, a topic, a kind and a speaker — a teacher of
/// the bank, or a guest by name.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ProgrammeInput {
    /// The day, for an event of several days (ДД.ММ.ГГГГ or ГГГГ-ММ-ДД; empty: its first day).
    pub on: String,
    /// ЧЧ:ММ, optional.
    pub starts_at: String,
    pub topic: String,
    /// talk | master_class | open_lesson | practicum | discussion (default: talk).
    pub kind: String,
    /// The speaker, a teacher of the event's municipality (else `speaker_name`).
    pub speaker_teacher_id: Option<i64>,
    pub speaker_name: String,
    pub speaker_organization: String,
}

/// A programme item checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProgrammeData {
    /// The day (checked against the event's days by the store).
    pub on: Option<Date>,
    pub starts_at: Option<String>,
    pub topic: String,
    pub kind: ProgrammeKind,
    pub speaker_teacher_id: Option<i64>,
    pub speaker_name: Option<String>,
    pub speaker_organization: Option<String>,
}

impl ProgrammeInput {
    pub fn parse(&self) -> Result<ProgrammeData, Vec<FieldError>> {
        let mut e = Errors::new();
        let topic = e.take(values::required_text("topic", "Тема", &self.topic, 500));
        let kind = match self.kind.trim() {
            "" => Some(ProgrammeKind::Talk),
            raw => ProgrammeKind::from_code(raw),
        };
        if kind.is_none() {
            e.push(FieldError::new("kind", "Вид: выступление, мастер-класс, открытый урок, практикум или обсуждение"));
        }
        let starts_at = match self.starts_at.trim() {
            "" => None,
            t => {
                let c = clock(t);
                if c.is_none() {
                    e.push(FieldError::new("starts_at", "Время: в виде ЧЧ:ММ, например 15:30"));
                }
                c
            }
        };
        let on = match self.on.trim() {
            "" => None,
            raw => e.take(values::date("on", "День", raw)),
        };
        let teacher = self.speaker_teacher_id.filter(|t| *t > 0);
        let name = e.take(values::optional_text("speaker_name", "Выступающий", &self.speaker_name, 200)).flatten();
        let org = e
            .take(values::optional_text(
                "speaker_organization",
                "Организация выступающего",
                &self.speaker_organization,
                300,
            ))
            .flatten();
        if teacher.is_none() && name.is_none() {
            e.push(FieldError::new(
                "speaker_name",
                "Выступающий: выберите педагога или впишите фамилию, имя, отчество гостя",
            ));
        }
        e.finish(|| ProgrammeData {
            on,
            starts_at,
            topic: topic.unwrap_or_default(),
            kind: kind.unwrap_or(ProgrammeKind::Talk),
            speaker_teacher_id: teacher,
            speaker_name: if teacher.is_some() { None } else { name },
            speaker_organization: if teacher.is_some() { None } else { org },
        })
    }
}

/// Who an event is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    Teachers,
    Students,
}

coded!(Audience {
    Teachers => "teachers", "педагоги";
    Students => "students", "обучающиеся";
});

/// How an event is held.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EventFormat {
    InPerson,
    Remote,
    Mixed,
}

coded!(EventFormat {
    InPerson => "in_person", "очно";
    Remote => "remote", "дистанционно";
    Mixed => "mixed", "очно и дистанционно";
});

impl EventFormat {
    /// The format a speaker's presentation result takes from the event (rows 21–23 count in
    /// person and remote): a mixed event counts as in person.
    pub fn presentation_format(self) -> crate::results::Format {
        match self {
            EventFormat::Remote => crate::results::Format::Remote,
            EventFormat::InPerson | EventFormat::Mixed => crate::results::Format::InPerson,
        }
    }
}

/// Whom an announcement reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Reach {
    /// The organising association's members.
    Members,
    /// The municipality's teachers (of the association's direction).
    Municipality,
    /// Anyone: the event is on the public calendar.
    Public,
}

coded!(Reach {
    Members => "members", "члены объединения";
    Municipality => "municipality", "педагоги муниципалитета";
    Public => "public", "все (открытое мероприятие)";
});

/// Where an event stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EventStatus {
    Draft,
    Announced,
    Held,
    Cancelled,
    Archived,
}

coded!(EventStatus {
    Draft => "draft", "черновик";
    Announced => "announced", "объявлено";
    Held => "held", "проведено";
    Cancelled => "cancelled", "отменено";
    Archived => "archived", "в архиве";
});

/// What can be done to an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventAction {
    Announce,
    MarkHeld,
    Cancel,
    Archive,
}

/// The status after `action`, or why it cannot be taken (Russian).
pub fn transition(from: EventStatus, action: EventAction) -> Result<EventStatus, String> {
    use EventAction as A;
    use EventStatus as S;
    match (from, action) {
        (S::Draft, A::Announce) => Ok(S::Announced),
        (S::Announced, A::MarkHeld) => Ok(S::Held),
        (S::Draft | S::Announced, A::Cancel) => Ok(S::Cancelled),
        (S::Held | S::Cancelled, A::Archive) => Ok(S::Archived),
        (S::Draft, A::MarkHeld) => Err("Мероприятие ещё не объявлено: сначала объявите его".into()),
        (S::Held, A::Cancel) => Err("Проведённое мероприятие не отменяют".into()),
        (S::Cancelled, _) => Err("Мероприятие отменено".into()),
        (S::Archived, _) => Err("Мероприятие в архиве".into()),
        (_, A::Announce) => Err("Мероприятие уже объявлено".into()),
        (_, A::MarkHeld) => Err("Мероприятие уже отмечено проведённым".into()),
        (_, A::Archive) => Err("В архив переносят проведённое или отменённое мероприятие".into()),
    }
}

/// A registration's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RegistrationStatus {
    Registered,
    /// On the waiting list: promoted in order when a place frees up.
    Waitlisted,
    Cancelled,
}

coded!(RegistrationStatus {
    Registered => "registered", "зарегистрирован";
    Waitlisted => "waitlisted", "в листе ожидания";
    Cancelled => "cancelled", "регистрация отменена";
});

/// Registration rules of an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Registration {
    /// Open: the teachers the announcement reaches register themselves; closed: the organisers
    /// register people.
    pub open: bool,
    /// At most this many registered (None: no cap); the rest wait.
    pub cap: Option<u32>,
    /// The last day to register (inclusive), in the municipality's time.
    pub deadline: Option<Date>,
}

impl Registration {
    /// Why a person cannot register themselves on `today`, if they cannot (the organisers still
    /// may register people after the deadline).
    pub fn refuses_self(&self, status: EventStatus, today: Date) -> Option<&'static str> {
        if status != EventStatus::Announced {
            return Some("Регистрация открыта только на объявленное мероприятие");
        }
        if !self.open {
            return Some("Регистрация закрытая: записывают организаторы");
        }
        if self.deadline.is_some_and(|d| today > d) {
            return Some("Срок регистрации прошёл");
        }
        None
    }
    /// The state of a new registration when `registered` places are taken.
    pub fn admit(&self, registered: u32) -> RegistrationStatus {
        match self.cap {
            Some(cap) if registered >= cap => RegistrationStatus::Waitlisted,
            _ => RegistrationStatus::Registered,
        }
    }
    /// How many of the waiting list move up when `registered` places are taken.
    pub fn promotions(&self, registered: u32, waiting: u32) -> u32 {
        match self.cap {
            Some(cap) => cap.saturating_sub(registered).min(waiting),
            None => waiting,
        }
    }
}

/// An event as typed.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct EventInput {
    pub title: String,
    /// An [`EventForm`] code.
    pub form: String,
    /// A level code: municipal (the default), or regional / all_russian / international for an
    /// event the members took part in.
    pub level: String,
    /// in_person | remote | mixed.
    pub format: String,
    /// members | municipality | public.
    pub reach: String,
    /// ДД.ММ.ГГГГ or ГГГГ-ММ-ДД.
    pub starts_on: String,
    /// ЧЧ:ММ, optional.
    pub starts_at: String,
    /// The last day, for an event of several days (optional).
    pub ends_on: String,
    pub venue_organization_id: Option<i64>,
    /// Room or address.
    pub place_note: String,
    pub online_url: String,
    /// Academic hours, for certificates (0–144).
    pub hours: String,
    pub description: String,
    /// "1": participants register themselves.
    pub registration_open: String,
    /// Places (empty: no cap).
    pub cap: String,
    /// The last day to register (optional).
    pub registration_deadline: String,
    pub plan_item_id: Option<i64>,
    pub subgroup_id: Option<i64>,
    /// Other associations of the municipality that co-organise the event (a change sends the whole
    /// list: an empty one removes them).
    pub coorganiser_ids: Vec<i64>,
    #[serde(deserialize_with = "crate::values::de_version")]
    pub version: Option<i64>,
}

/// An event checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EventData {
    pub title: String,
    pub form: EventForm,
    pub audience: Audience,
    pub level: Level,
    pub format: EventFormat,
    pub reach: Reach,
    pub starts_on: Date,
    pub starts_at: Option<String>,
    pub ends_on: Date,
    pub venue_organization_id: Option<i64>,
    pub place_note: Option<String>,
    pub online_url: Option<String>,
    pub hours: u32,
    pub description: Option<String>,
    pub registration: Registration,
    pub plan_item_id: Option<i64>,
    pub subgroup_id: Option<i64>,
    /// Co-organising associations, each once, in the order given.
    pub coorganisers: Vec<i64>,
}

/// "15:00" from "15:00", "15.00", "9:5" is refused.
fn clock(raw: &str) -> Option<String> {
    let (h, m) = raw.trim().split_once([':', '.'])?;
    if m.trim().len() != 2 {
        return None;
    }
    let (h, m): (u8, u8) = (h.trim().parse().ok()?, m.trim().parse().ok()?);
    (h < 24 && m < 60).then(|| format!("{h:02}:{m:02}"))
}

/// The longest event: a standing seminar meets through an academic year.
pub const MAX_DAYS: i64 = 366;

impl EventInput {
    pub fn parse(&self) -> Result<EventData, Vec<FieldError>> {
        let mut e = Errors::new();
        let title = e.take(values::required_text("title", "Название", &self.title, 300));
        let form = EventForm::from_code(&self.form);
        if form.is_none() {
            e.push(FieldError::new("form", "Форма мероприятия: выберите из списка"));
        }
        let level = match self.level.trim() {
            "" => Some(Level::Municipal),
            raw => Level::from_code(raw).filter(|l| *l != Level::School),
        };
        if level.is_none() {
            e.push(FieldError::new("level", "Уровень: муниципальный, региональный, всероссийский или международный"));
        }
        let format = match self.format.trim() {
            "" => Some(EventFormat::InPerson),
            raw => EventFormat::from_code(raw),
        };
        if format.is_none() {
            e.push(FieldError::new("format", "Формат: очно, дистанционно или очно и дистанционно"));
        }
        let reach = match self.reach.trim() {
            "" => Some(Reach::Members),
            raw => Reach::from_code(raw),
        };
        if reach.is_none() {
            e.push(FieldError::new("reach", "Кому объявить: выберите из списка"));
        }
        let starts_on = e.take(values::date("starts_on", "Дата начала", &self.starts_on));
        let starts_at = match self.starts_at.trim() {
            "" => None,
            t => {
                let c = clock(t);
                if c.is_none() {
                    e.push(FieldError::new("starts_at", "Время начала: в виде ЧЧ:ММ, например 15:00"));
                }
                c
            }
        };
        let ends_on = match self.ends_on.trim() {
            "" => starts_on,
            _ => e.take(values::date("ends_on", "Дата окончания", &self.ends_on)),
        };
        if let (Some(s), Some(f)) = (starts_on, ends_on) {
            if f < s {
                e.push(FieldError::new("ends_on", "Дата окончания раньше даты начала"));
            } else if (f - s).whole_days() > MAX_DAYS {
                e.push(FieldError::new("ends_on", "Мероприятие длится не больше года"));
            }
        }
        let online_url = e.take(values::optional_url("online_url", "Ссылка", &self.online_url)).flatten();
        let place_note =
            e.take(values::optional_text("place_note", "Место (кабинет, адрес)", &self.place_note, 300)).flatten();
        let venue = self.venue_organization_id.filter(|v| *v > 0);
        match format {
            Some(EventFormat::Remote) if online_url.is_none() => {
                e.push(FieldError::new("online_url", "Ссылка: для дистанционного мероприятия укажите её"));
            }
            Some(EventFormat::InPerson | EventFormat::Mixed) if venue.is_none() && place_note.is_none() => {
                e.push(FieldError::new("venue_organization_id", "Место: выберите площадку или укажите адрес"));
            }
            Some(EventFormat::Mixed) if online_url.is_none() => {
                e.push(FieldError::new("online_url", "Ссылка: для смешанного формата укажите её"));
            }
            _ => {}
        }
        let hours = match self.hours.trim() {
            "" => Some(0),
            raw => raw.parse::<u32>().ok().filter(|h| *h <= 144),
        };
        if hours.is_none() {
            e.push(FieldError::new("hours", "Часы: целое число от 0 до 144"));
        }
        let description =
            e.take(values::optional_long_text("description", "Описание", &self.description, 5000)).flatten();
        let cap = match self.cap.trim() {
            "" => Some(None),
            raw => raw.parse::<u32>().ok().filter(|c| (1..=10_000).contains(c)).map(Some),
        };
        if cap.is_none() {
            e.push(FieldError::new("cap", "Число мест: целое число от 1 до 10 000 или пусто"));
        }
        let deadline = match self.registration_deadline.trim() {
            "" => None,
            _ => e.take(values::date("registration_deadline", "Срок регистрации", &self.registration_deadline)),
        };
        if let (Some(d), Some(s)) = (deadline, ends_on)
            && d > s
        {
            e.push(FieldError::new("registration_deadline", "Срок регистрации позже окончания мероприятия"));
        }
        e.finish(|| {
            let form = form.unwrap_or(EventForm::Seminar);
            EventData {
                title: title.unwrap_or_default(),
                audience: form.audience(),
                form,
                level: level.unwrap_or(Level::Municipal),
                format: format.unwrap_or(EventFormat::InPerson),
                reach: reach.unwrap_or(Reach::Members),
                starts_on: starts_on.unwrap_or(Date::MIN),
                starts_at,
                ends_on: ends_on.unwrap_or(Date::MIN),
                venue_organization_id: venue,
                place_note,
                online_url,
                hours: hours.unwrap_or(0),
                description,
                registration: Registration {
                    open: matches!(self.registration_open.trim(), "1" | "true" | "on"),
                    cap: cap.flatten(),
                    deadline,
                },
                plan_item_id: self.plan_item_id.filter(|v| *v > 0),
                subgroup_id: self.subgroup_id.filter(|v| *v > 0),
                coorganisers: self.coorganiser_ids.iter().fold(vec![], |mut out, id| {
                    if *id > 0 && !out.contains(id) {
                        out.push(*id);
                    }
                    out
                }),
            }
        })
    }
}

/// The kind of a certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CertificateKind {
    /// Сертификат участника: for those marked present.
    Participant,
    /// Свидетельство выступающего: for the speakers of the programme.
    Speaker,
    /// Диплом победителя.
    Winner,
    /// Диплом призёра.
    Prizewinner,
}

coded!(CertificateKind {
    Participant => "participant", "сертификат участника";
    Speaker => "speaker", "свидетельство выступающего";
    Winner => "winner", "диплом победителя";
    Prizewinner => "prizewinner", "диплом призёра";
});

/// A certificate's number: the event's id and the certificate's sequence, «М-000123-0007».
pub fn certificate_number(event_id: i64, seq: i64) -> String {
    format!("М-{event_id:06}-{seq:04}")
}

/// Whether the event is over by `now` in its municipality (its last day has passed).
pub fn is_over(ends_on: Date, now: OffsetDateTime, zone: crate::time::LocalZone) -> bool {
    zone.today(now) > ends_on
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> EventInput {
        EventInput {
            title: "Формирующее оценивание на уроках математики".into(),
            form: "practical_seminar".into(),
            starts_on: "12.02.2027".into(),
            starts_at: "15:00".into(),
            place_note: "МБОУ «Богашёвская СОШ», каб. 12".into(),
            hours: "4".into(),
            cap: "25".into(),
            registration_open: "1".into(),
            registration_deadline: "10.02.2027".into(),
            ..Default::default()
        }
    }

    #[test]
    fn an_event_as_typed_is_checked_with_russian_messages() {
        let d = input().parse().unwrap();
        assert_eq!(
            (d.form, d.audience, d.level, d.format, d.reach),
            (EventForm::PracticalSeminar, Audience::Teachers, Level::Municipal, EventFormat::InPerson, Reach::Members)
        );
        assert_eq!(d.ends_on, d.starts_on, "one day unless told");
        assert_eq!(
            d.registration,
            Registration { open: true, cap: Some(25), deadline: Some(time::macros::date!(2027 - 02 - 10)) }
        );
        let bad = EventInput {
            form: "party".into(),
            ends_on: "01.02.2027".into(),
            hours: "200".into(),
            cap: "0".into(),
            format: "remote".into(),
            starts_at: "25:00".into(),
            ..input()
        };
        let errors = bad.parse().unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        for f in ["form", "ends_on", "hours", "cap", "online_url", "starts_at"] {
            assert!(fields.contains(&f), "{f} in {errors:?}");
        }
        assert!(errors.iter().all(|e| e.message.chars().any(|c| ('а'..='я').contains(&c))));
        let late = EventInput { registration_deadline: "13.02.2027".into(), ..input() };
        assert_eq!(late.parse().unwrap_err()[0].field, "registration_deadline");
        let olympiad = EventInput { form: "vsosh_municipal_stage".into(), ..input() }.parse().unwrap();
        assert_eq!(olympiad.audience, Audience::Students);
        assert!(olympiad.form.has_placements());
    }

    #[test]
    fn the_life_of_an_event() {
        use EventAction as A;
        use EventStatus as S;
        assert_eq!(transition(S::Draft, A::Announce), Ok(S::Announced));
        assert_eq!(transition(S::Announced, A::MarkHeld), Ok(S::Held));
        assert_eq!(transition(S::Held, A::Archive), Ok(S::Archived));
        assert_eq!(transition(S::Announced, A::Cancel), Ok(S::Cancelled));
        assert!(transition(S::Draft, A::MarkHeld).is_err());
        assert!(transition(S::Held, A::Cancel).is_err());
        assert!(transition(S::Cancelled, A::Announce).is_err());
        assert!(transition(S::Announced, A::Archive).is_err());
    }

    #[test]
    fn registration_fills_the_places_then_the_waiting_list_moves_up_in_order() {
        let r = Registration { open: true, cap: Some(2), deadline: Some(time::macros::date!(2027 - 02 - 10)) };
        assert_eq!(r.admit(0), RegistrationStatus::Registered);
        assert_eq!(r.admit(1), RegistrationStatus::Registered);
        assert_eq!(r.admit(2), RegistrationStatus::Waitlisted);
        assert_eq!(r.promotions(1, 3), 1, "one place freed: the first waiting moves up");
        assert_eq!(r.promotions(2, 3), 0);
        assert_eq!(Registration { cap: None, ..r }.promotions(5, 3), 3);
        let on = |d| r.refuses_self(EventStatus::Announced, d);
        assert_eq!(on(time::macros::date!(2027 - 02 - 10)), None, "the deadline day itself");
        assert!(on(time::macros::date!(2027 - 02 - 11)).is_some());
        assert!(r.refuses_self(EventStatus::Draft, time::macros::date!(2027 - 01 - 10)).is_some());
        assert!(
            Registration { open: false, ..r }
                .refuses_self(EventStatus::Announced, time::macros::date!(2027 - 01 - 10))
                .is_some()
        );
    }

    #[test]
    fn certificates_are_numbered_by_event_and_sequence() {
        assert_eq!(certificate_number(123, 7), "М-000123-0007");
        assert_eq!(CertificateKind::from_code("диплом призёра"), Some(CertificateKind::Prizewinner));
    }
}
