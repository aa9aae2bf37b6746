//! Results of an association's teachers and their students in an academic year (seed 002 §3.4 and
//! appendix 1; 001 §4.1, §6.1; 003 §5.3; 004 §2.3, §6; DOMAIN.md §4): the vocabularies every
//! result is described with. The yearly analysis counts them (`crate::analysis`).

use serde::{Deserialize, Serialize};

/// The level of an event (a ВсОШ stage is a level too: the final stage is all-Russian).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    School,
    Municipal,
    Regional,
    AllRussian,
    International,
}

coded!(Level {
    School => "school", "школьный";
    Municipal => "municipal", "муниципальный";
    Regional => "regional", "региональный";
    AllRussian => "all_russian", "всероссийский";
    International => "international", "международный";
});

/// Where a participant placed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Placement {
    Winner,
    PrizeWinner,
    /// Professional competitions: laureate (counted with finalists, row 19).
    Laureate,
    Finalist,
    Participant,
}

coded!(Placement {
    Winner => "winner", "победитель";
    PrizeWinner => "prize_winner", "призёр";
    Laureate => "laureate", "лауреат";
    Finalist => "finalist", "финалист";
    Participant => "participant", "участник";
});

/// In person or remote: rows 11–23 count in-person results only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    InPerson,
    Remote,
}

coded!(Format {
    InPerson => "in_person", "очно";
    Remote => "remote", "дистанционно";
});

/// What kind of event a student's result comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StudentEvent {
    /// Всероссийская олимпиада школьников, the ВсОШ (DOMAIN.md §1: the olympiad with its stages,
    /// [`OlympiadStage`]; rows 8–10 by stage). Stored as "vsosh"; a result stores its stage in the
    /// `level` column under the stage's [`Level`] code ([`OlympiadStage::level`]).
    Vsosh,
    Olympiad,
    Contest,
    Competition,
    Conference,
}

coded!(StudentEvent {
    Vsosh => "vsosh", "всероссийская олимпиада школьников";
    Olympiad => "olympiad", "олимпиада";
    Contest => "contest", "конкурс";
    Competition => "competition", "соревнование";
    Conference => "conference", "конференция";
});

/// A stage of the ВсОШ (DOMAIN.md §1 `OlympiadStage`: school, municipal, regional, final). A ВсОШ
/// result keeps its stage where other results keep their level: in the `level` column, under the
/// [`Level`] code of the stage ([`OlympiadStage::level`]; the final stage is all-Russian), so the
/// stored data and the API speak levels and the rules speak stages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OlympiadStage {
    School,
    Municipal,
    Regional,
    Final,
}

impl OlympiadStage {
    pub const ALL: &'static [OlympiadStage] = &[Self::School, Self::Municipal, Self::Regional, Self::Final];

    /// The level a stage is stored and sent as.
    pub fn level(self) -> Level {
        match self {
            Self::School => Level::School,
            Self::Municipal => Level::Municipal,
            Self::Regional => Level::Regional,
            Self::Final => Level::AllRussian,
        }
    }

    /// The stage a stored level stands for (an international level is no ВсОШ stage).
    pub fn of_level(level: Level) -> Option<Self> {
        Self::ALL.iter().copied().find(|s| s.level() == level)
    }

    /// The stage of a student's result: a ВсОШ result's level read as its stage; None for other events.
    pub fn of(event: StudentEvent, level: Level) -> Option<Self> {
        if event == StudentEvent::Vsosh { Self::of_level(level) } else { None }
    }

    /// The stored (level) code of the stage.
    pub fn code(self) -> &'static str {
        self.level().code()
    }

    /// The stage stored under a level code (or a level's label), if that level is a stage.
    pub fn from_code(s: &str) -> Option<Self> {
        Level::from_code(s).and_then(Self::of_level)
    }

    /// The stage as the olympiad names it («заключительный», not «всероссийский»).
    pub fn label_ru(self) -> &'static str {
        match self {
            Self::School => "школьный",
            Self::Municipal => "муниципальный",
            Self::Regional => "региональный",
            Self::Final => "заключительный",
        }
    }
}

impl From<OlympiadStage> for Level {
    fn from(s: OlympiadStage) -> Level {
        s.level()
    }
}

impl TryFrom<Level> for OlympiadStage {
    type Error = Level;
    fn try_from(l: Level) -> Result<Self, Level> {
        Self::of_level(l).ok_or(l)
    }
}

/// A teacher's own result, other than a student's or an exam score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TeacherResultKind {
    /// A professional competition (rows 18–20).
    Competition,
    /// Experience presented at a seminar, master class, conference … (rows 21–23).
    Presentation,
    /// A publication of experience (rows 24–26).
    Publication,
    /// Assessment materials developed for a municipal event (row 27).
    AssessmentMaterials,
    /// A municipal event for students the teacher helped to organise (row 28).
    StudentEventOrganised,
    /// Teaching profile classes or groups in the year (row 5).
    ProfileTeaching,
}

coded!(TeacherResultKind {
    Competition => "competition", "профессиональный конкурс";
    Presentation => "presentation", "представление опыта";
    Publication => "publication", "публикация";
    AssessmentMaterials => "assessment_materials", "разработка контрольно-измерительных материалов";
    StudentEventOrganised => "student_event_organised", "организация муниципального мероприятия для обучающихся";
    ProfileTeaching => "profile_teaching", "преподавание в профильных классах (группах)";
});

/// Where experience was presented (row 23 also counts pedagogical readings and association meetings).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PresentationForm {
    Seminar,
    MasterClass,
    Conference,
    PedagogicalReadings,
    AssociationMeeting,
}

coded!(PresentationForm {
    Seminar => "seminar", "семинар";
    MasterClass => "master_class", "мастер-класс";
    Conference => "conference", "конференция";
    PedagogicalReadings => "pedagogical_readings", "педагогические чтения";
    AssociationMeeting => "association_meeting", "заседание методического объединения";
});

/// A curator's decision on a result's confirming document: only confirmed results are counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Confirmation {
    Pending,
    Confirmed,
    Rejected,
}

coded!(Confirmation {
    Pending => "pending", "ожидает подтверждения";
    Confirmed => "confirmed", "подтверждён";
    Rejected => "rejected", "отклонён";
});

/// The family of a result: a student's, an exam score, a teacher's own (the `family` column).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResultFamily {
    Student,
    Exam,
    Teacher,
}

coded!(ResultFamily {
    Student => "student", "результат обучающегося";
    Exam => "exam", "балл ЕГЭ";
    Teacher => "teacher", "результат педагога";
});

/// What a result is: its family with the kind within it. Stored as two codes, `family` and `kind`
/// (a [`StudentEvent`] code, `ege`, a [`TeacherResultKind`] code): a kind is read only against its
/// family's enumeration ([`ResultKind::from_stored`]), so "competition" is a student's competition
/// or a professional one by the family, never by guess. Serialized as those two fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ResultKind {
    Student(StudentEvent),
    /// An ЕГЭ score (the only exam kind: `ege`).
    Exam,
    Teacher(TeacherResultKind),
}

impl ResultKind {
    /// The `kind` code of an exam score.
    pub const EGE: &'static str = "ege";

    pub fn family(self) -> ResultFamily {
        match self {
            Self::Student(_) => ResultFamily::Student,
            Self::Exam => ResultFamily::Exam,
            Self::Teacher(_) => ResultFamily::Teacher,
        }
    }

    /// The stored `kind` code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Student(e) => e.code(),
            Self::Exam => Self::EGE,
            Self::Teacher(k) => k.code(),
        }
    }

    /// The kind in Russian.
    pub fn label_ru(self) -> &'static str {
        match self {
            Self::Student(e) => e.label_ru(),
            Self::Exam => "ЕГЭ",
            Self::Teacher(k) => k.label_ru(),
        }
    }

    /// The kind stored as exactly these codes (no labels: a stored value or a fault).
    pub fn from_stored(family: &str, kind: &str) -> Option<Self> {
        match crate::from_stored::<ResultFamily>(family)? {
            ResultFamily::Student => crate::from_stored(kind).map(Self::Student),
            ResultFamily::Exam => (kind == Self::EGE).then_some(Self::Exam),
            ResultFamily::Teacher => crate::from_stored(kind).map(Self::Teacher),
        }
    }
}

impl Serialize for ResultKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut out = s.serialize_struct("ResultKind", 2)?;
        out.serialize_field("family", self.family().code())?;
        out.serialize_field("kind", self.code())?;
        out.end()
    }
}

/// The subjects of the non-objective results list (row 29).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NonObjectiveSubject {
    Mathematics,
    Russian,
}

coded!(NonObjectiveSubject {
    Mathematics => "mathematics", "математика";
    Russian => "russian", "русский язык";
});

/// The subjects of the non-objective results list, in the order the pages offer them.
pub const NON_OBJECTIVE_SUBJECTS: &[NonObjectiveSubject] = NonObjectiveSubject::ALL;

/// A state exam subject with its official minimum score (ЕГЭ; Рособрнадзор's minimums) and the
/// threshold from which a score is "high" (81 and above is the usual regional convention). The
/// authority may change both for its municipality.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ExamThreshold {
    pub subject: String,
    pub label: String,
    pub minimum: u32,
    pub high: u32,
}

/// The preset table of ЕГЭ subjects: minimum scores and the high-score threshold.
pub fn ege_thresholds() -> Vec<ExamThreshold> {
    [
        ("russian", "русский язык", 24),
        ("mathematics_profile", "математика (профильный уровень)", 27),
        ("physics", "физика", 36),
        ("chemistry", "химия", 36),
        ("informatics", "информатика", 40),
        ("biology", "биология", 36),
        ("history", "история", 32),
        ("geography", "география", 37),
        ("social_studies", "обществознание", 42),
        ("literature", "литература", 32),
        ("foreign_language", "иностранный язык", 22),
        ("chinese", "китайский язык", 17),
    ]
    .into_iter()
    .map(|(subject, label, minimum)| ExamThreshold { subject: subject.into(), label: label.into(), minimum, high: 81 })
    .collect()
}

/// An exam subject by its name («математика (профильный уровень)»); a code the preset table does
/// not know stays as stored.
pub fn subject_label(code: &str) -> String {
    ege_thresholds().into_iter().find(|t| t.subject == code).map_or_else(|| code.to_owned(), |t| t.label)
}

// ---------------------------------------------------------------------------------------------
// Input of results: what a form or the API sends, parsed once into checked data.
// ---------------------------------------------------------------------------------------------

/// A required date of a result: `ДД.ММ.ГГГГ` or `ГГГГ-ММ-ДД`, not later than `today`.
fn result_date(field: &str, label: &str, raw: &str, today: time::Date) -> Result<time::Date, crate::FieldError> {
    if raw.trim().is_empty() {
        return Err(crate::FieldError::new(field, format!("{label}: укажите дату")));
    }
    let d = crate::values::date(field, label, raw)?;
    if d > today {
        return Err(crate::FieldError::new(
            field,
            format!("{label}: дата ещё не наступила — запишите результат после события"),
        ));
    }
    Ok(d)
}

/// The teachers of a result: at least one, each once.
fn result_teachers(ids: &[i64]) -> Result<Vec<i64>, crate::FieldError> {
    let mut out: Vec<i64> = vec![];
    for id in ids {
        if out.contains(id) {
            return Err(crate::FieldError::new("teacher_ids", "Педагоги: каждый педагог указывается один раз"));
        }
        out.push(*id);
    }
    if out.is_empty() {
        return Err(crate::FieldError::new("teacher_ids", "Педагоги: укажите хотя бы одного педагога"));
    }
    Ok(out)
}

fn coded_field<T>(
    field: &str,
    raw: &str,
    parse: impl Fn(&str) -> Option<T>,
    required: &str,
    unknown: &str,
) -> Result<Option<T>, crate::FieldError> {
    if raw.trim().is_empty() {
        return if required.is_empty() { Ok(None) } else { Err(crate::FieldError::new(field, required)) };
    }
    parse(raw).map(Some).ok_or_else(|| crate::FieldError::new(field, unknown))
}

/// A student's result as typed: an olympiad (ВсОШ with its stage as the level), a contest, a
/// competition or a conference.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct StudentResultInput {
    /// A [`StudentEvent`] code or label.
    pub event: String,
    /// The name of the olympiad, contest … (for ВсОШ the subject is enough).
    pub title: String,
    pub subject: String,
    /// A [`Level`]; for ВсОШ, the stage.
    pub level: String,
    /// winner | prize_winner | participant
    pub placement: String,
    /// in_person | remote
    pub format: String,
    /// The student's name (personal data of a minor: kept apart, shown only to those who need it).
    pub student_name: String,
    /// Or a code standing for the student.
    pub student_code: String,
    pub grade: String,
    pub student_organization_id: Option<i64>,
    /// The teachers who prepared the student.
    pub teacher_ids: Vec<i64>,
    pub on: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StudentResultData {
    pub event: StudentEvent,
    pub title: Option<String>,
    pub subject: Option<String>,
    pub level: Level,
    pub placement: Placement,
    pub format: Format,
    pub student_name: Option<String>,
    pub student_code: Option<String>,
    pub grade: Option<String>,
    pub student_organization_id: Option<i64>,
    pub teacher_ids: Vec<i64>,
    pub on: time::Date,
}

impl StudentResultData {
    /// The ВсОШ stage of the result (None for other events).
    pub fn stage(&self) -> Option<OlympiadStage> {
        OlympiadStage::of(self.event, self.level)
    }
}

impl StudentResultInput {
    pub fn parse(&self, today: time::Date) -> Result<StudentResultData, Vec<crate::FieldError>> {
        use crate::values::{Errors, optional_text};
        let mut e = Errors::new();
        let event = e
            .take(coded_field(
                "event",
                &self.event,
                StudentEvent::from_code,
                "Мероприятие: выберите вид (ВсОШ, олимпиада, конкурс, соревнование, конференция)",
                "Мероприятие: такого вида нет — ВсОШ, олимпиада, конкурс, соревнование или конференция",
            ))
            .flatten();
        let title = e.take(optional_text("title", "Название мероприятия", &self.title, 500)).flatten();
        let subject = e.take(optional_text("subject", "Предмет (направление)", &self.subject, 200)).flatten();
        if title.is_none() && event.is_some_and(|v| v != StudentEvent::Vsosh) {
            e.push(crate::FieldError::new("title", "Название мероприятия: поле обязательно для заполнения"));
        }
        if event == Some(StudentEvent::Vsosh) && subject.is_none() {
            e.push(crate::FieldError::new("subject", "Предмет: укажите предмет олимпиады"));
        }
        let level = e
            .take(coded_field(
                "level",
                &self.level,
                Level::from_code,
                "Уровень: выберите уровень (для ВсОШ — этап)",
                "Уровень: школьный, муниципальный, региональный, всероссийский или международный",
            ))
            .flatten();
        if event == Some(StudentEvent::Vsosh) && level.is_some_and(|l| OlympiadStage::of_level(l).is_none()) {
            e.push(crate::FieldError::new(
                "level",
                "Этап ВсОШ: школьный, муниципальный, региональный или заключительный (всероссийский)",
            ));
        }
        let placement = e
            .take(coded_field(
                "placement",
                &self.placement,
                Placement::from_code,
                "Результат: победитель, призёр или участник",
                "Результат: победитель, призёр или участник",
            ))
            .flatten();
        if placement.is_some_and(|p| matches!(p, Placement::Laureate | Placement::Finalist)) {
            e.push(crate::FieldError::new(
                "placement",
                "Результат обучающегося: победитель, призёр или участник (лауреат и финалист — только в профессиональных конкурсах педагогов)",
            ));
        }
        let format = e
            .take(coded_field(
                "format",
                &self.format,
                Format::from_code,
                "Форма участия: очно или дистанционно",
                "Форма участия: очно или дистанционно",
            ))
            .flatten();
        let student_name = e.take(optional_text("student_name", "ФИО обучающегося", &self.student_name, 200)).flatten();
        let student_code = e.take(optional_text("student_code", "Код обучающегося", &self.student_code, 50)).flatten();
        if student_name.is_none() && student_code.is_none() {
            e.push(crate::FieldError::new("student_name", "Обучающийся: укажите ФИО или код обучающегося"));
        }
        let grade = e.take(optional_text("grade", "Класс", &self.grade, 20)).flatten();
        let teacher_ids = e.take(result_teachers(&self.teacher_ids));
        let on = e.take(result_date("on", "Дата результата", &self.on, today));
        e.finish(|| StudentResultData {
            event: event.unwrap_or(StudentEvent::Olympiad),
            title,
            subject,
            level: level.unwrap_or(Level::School),
            placement: placement.unwrap_or(Placement::Participant),
            format: format.unwrap_or(Format::InPerson),
            student_name,
            student_code,
            grade,
            student_organization_id: self.student_organization_id,
            teacher_ids: teacher_ids.unwrap_or_default(),
            on: on.unwrap_or(today),
        })
    }
}

/// One ЕГЭ score of a teacher's student.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ExamScoreInput {
    pub teacher_id: Option<i64>,
    /// An [`ExamThreshold::subject`] code or label.
    pub subject: String,
    #[serde(deserialize_with = "crate::values::number_as_text")]
    #[schema(value_type = Option<u32>, default = json!(null), minimum = 0)]
    pub score: String,
    /// A code standing for the student (optional; never the name).
    pub student_code: String,
    pub on: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExamScoreData {
    pub teacher_id: i64,
    pub subject: String,
    pub score: u32,
    pub student_code: Option<String>,
    pub on: time::Date,
}

impl ExamScoreInput {
    /// `subjects`: the municipality's effective table (the subject must be in it).
    pub fn parse(
        &self,
        today: time::Date,
        subjects: &[ExamThreshold],
    ) -> Result<ExamScoreData, Vec<crate::FieldError>> {
        let mut e = crate::values::Errors::new();
        if self.teacher_id.is_none() {
            e.push(crate::FieldError::new("teacher_id", "Педагог: выберите педагога"));
        }
        let s = self.subject.trim().to_lowercase();
        let subject =
            subjects.iter().find(|t| t.subject == s || t.label.to_lowercase() == s).map(|t| t.subject.clone());
        if subject.is_none() {
            e.push(crate::FieldError::new(
                "subject",
                if s.is_empty() {
                    "Предмет: выберите предмет ЕГЭ"
                } else {
                    "Предмет: такого предмета ЕГЭ нет в списке"
                },
            ));
        }
        let score = match self.score.trim().parse::<u32>() {
            Ok(v) if v <= 100 => Some(v),
            _ => {
                e.push(crate::FieldError::new("score", "Балл: целое число от 0 до 100"));
                None
            }
        };
        let student_code =
            e.take(crate::values::optional_text("student_code", "Код обучающегося", &self.student_code, 50)).flatten();
        let on = e.take(result_date("on", "Дата экзамена", &self.on, today));
        e.finish(|| ExamScoreData {
            teacher_id: self.teacher_id.unwrap_or_default(),
            subject: subject.unwrap_or_default(),
            score: score.unwrap_or_default(),
            student_code,
            on: on.unwrap_or(today),
        })
    }
}

/// A teacher's own result: a professional competition, a presentation of experience, a
/// publication, assessment materials, an organised municipal event for students, profile teaching.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct TeacherResultInput {
    /// A [`TeacherResultKind`] code or label.
    pub kind: String,
    /// The teachers (co-authors of a publication or an assessment set, organisers of an event).
    pub teacher_ids: Vec<i64>,
    /// The competition, the event, the publication, the assessment set, the organised event, or
    /// the profile class (group).
    pub title: String,
    pub level: String,
    /// Competitions only: winner | prize_winner | laureate | finalist | participant.
    pub placement: String,
    pub format: String,
    /// Presentations only: a [`PresentationForm`].
    pub form: String,
    /// Publications: where it was published, and a link.
    pub outlet: String,
    pub url: String,
    /// Organised events: the number of students who took part.
    #[serde(deserialize_with = "crate::values::number_as_text")]
    #[schema(value_type = Option<u32>, default = json!(null), minimum = 0)]
    pub students: String,
    pub on: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TeacherResultData {
    pub kind: TeacherResultKind,
    pub teacher_ids: Vec<i64>,
    pub title: String,
    pub level: Option<Level>,
    pub placement: Option<Placement>,
    pub format: Option<Format>,
    pub form: Option<PresentationForm>,
    pub outlet: Option<String>,
    pub url: Option<String>,
    pub students: Option<u32>,
    pub on: time::Date,
}

impl TeacherResultInput {
    pub fn parse(&self, today: time::Date) -> Result<TeacherResultData, Vec<crate::FieldError>> {
        use crate::FieldError as F;
        use TeacherResultKind as K;
        let mut e = crate::values::Errors::new();
        let kind = e
            .take(coded_field(
                "kind",
                &self.kind,
                TeacherResultKind::from_code,
                "Вид результата: выберите вид",
                "Вид результата: такого вида нет",
            ))
            .flatten();
        let title_label = match kind {
            Some(K::Competition) => "Название конкурса",
            Some(K::Presentation) => "Мероприятие, на котором представлен опыт",
            Some(K::Publication) => "Название публикации",
            Some(K::AssessmentMaterials) => "Название комплекта КИМ",
            Some(K::StudentEventOrganised) => "Название мероприятия",
            Some(K::ProfileTeaching) => "Профильный класс (группа)",
            None => "Название",
        };
        let title = e.take(crate::values::required_text("title", title_label, &self.title, 500));
        let teacher_ids = e.take(result_teachers(&self.teacher_ids));
        // Level: required where rows go by level; assessment sets and organised events are municipal.
        let level_needed = matches!(kind, Some(K::Competition | K::Presentation | K::Publication));
        let mut level = e
            .take(coded_field(
                "level",
                &self.level,
                Level::from_code,
                if level_needed { "Уровень: выберите уровень" } else { "" },
                "Уровень: школьный, муниципальный, региональный, всероссийский или международный",
            ))
            .flatten();
        match kind {
            Some(K::AssessmentMaterials | K::StudentEventOrganised) => {
                if level.is_some_and(|l| l != Level::Municipal) {
                    e.push(F::new("level", "Уровень: учитываются только муниципальные мероприятия"));
                }
                level = Some(Level::Municipal);
            }
            Some(K::ProfileTeaching) if level.is_some() => {
                e.push(F::new("level", "Уровень: для профильного обучения не указывается"));
            }
            _ => {}
        }
        let placement = e
            .take(coded_field(
                "placement",
                &self.placement,
                Placement::from_code,
                if kind == Some(K::Competition) {
                    "Результат: победитель, лауреат, финалист или участник"
                } else {
                    ""
                },
                "Результат: победитель, призёр, лауреат, финалист или участник",
            ))
            .flatten();
        if placement.is_some() && kind.is_some_and(|k| k != K::Competition) {
            e.push(F::new("placement", "Результат (место) указывается только для профессиональных конкурсов"));
        }
        let format_needed = matches!(kind, Some(K::Competition | K::Presentation));
        let format = e
            .take(coded_field(
                "format",
                &self.format,
                Format::from_code,
                if format_needed { "Форма участия: очно или дистанционно" } else { "" },
                "Форма участия: очно или дистанционно",
            ))
            .flatten();
        let form = e
            .take(coded_field(
                "form",
                &self.form,
                PresentationForm::from_code,
                "",
                "Форма: семинар, мастер-класс, конференция, педагогические чтения или заседание методического объединения",
            ))
            .flatten();
        if form.is_some() && kind.is_some_and(|k| k != K::Presentation) {
            e.push(F::new("form", "Форма (семинар, мастер-класс …) указывается только для представления опыта"));
        }
        let outlet = e.take(crate::values::optional_text("outlet", "Издание (сайт)", &self.outlet, 300)).flatten();
        let url = e.take(crate::values::optional_url("url", "Ссылка на публикацию", &self.url)).flatten();
        if kind == Some(K::Publication) && outlet.is_none() {
            e.push(F::new("outlet", "Издание (сайт): укажите, где опубликовано"));
        }
        if kind.is_some_and(|k| k != K::Publication) && (outlet.is_some() || url.is_some()) {
            e.push(F::new("outlet", "Издание и ссылка указываются только для публикаций"));
        }
        let students = match (self.students.trim(), kind) {
            ("", Some(K::StudentEventOrganised)) => {
                e.push(F::new("students", "Число участников: укажите, сколько обучающихся приняли участие"));
                None
            }
            ("", _) => None,
            (_, k) if k.is_some_and(|k| k != K::StudentEventOrganised) => {
                e.push(F::new("students", "Число участников указывается только для организованных мероприятий"));
                None
            }
            (s, _) => match s.parse::<u32>() {
                Ok(v) if (1..=100_000).contains(&v) => Some(v),
                _ => {
                    e.push(F::new("students", "Число участников: целое число от 1 до 100000"));
                    None
                }
            },
        };
        let on = e.take(result_date("on", "Дата", &self.on, today));
        e.finish(|| TeacherResultData {
            kind: kind.unwrap_or(K::Competition),
            teacher_ids: teacher_ids.unwrap_or_default(),
            title: title.unwrap_or_default(),
            level,
            placement,
            format,
            form,
            outlet,
            url,
            students,
            on: on.unwrap_or(today),
        })
    }
}

/// A municipality's change of an ЕГЭ subject's thresholds.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ThresholdInput {
    pub subject: String,
    #[serde(deserialize_with = "crate::values::number_as_text")]
    #[schema(value_type = Option<u32>, default = json!(null), minimum = 0, maximum = 100)]
    pub minimum: String,
    #[serde(deserialize_with = "crate::values::number_as_text")]
    #[schema(value_type = Option<u32>, default = json!(null), minimum = 0, maximum = 100)]
    pub high: String,
}

impl ThresholdInput {
    /// The subject must be one of [`ege_thresholds`]; 0 ≤ minimum < high ≤ 100.
    pub fn parse(&self) -> Result<ExamThreshold, Vec<crate::FieldError>> {
        let mut e = crate::values::Errors::new();
        let s = self.subject.trim().to_lowercase();
        let preset = ege_thresholds().into_iter().find(|t| t.subject == s || t.label.to_lowercase() == s);
        if preset.is_none() {
            e.push(crate::FieldError::new("subject", "Предмет: такого предмета ЕГЭ нет в списке"));
        }
        let mut num = |field: &str, label: &str, raw: &str| match raw.trim().parse::<u32>() {
            Ok(v) if v <= 100 => Some(v),
            _ => {
                e.push(crate::FieldError::new(field, format!("{label}: целое число от 0 до 100")));
                None
            }
        };
        let minimum = num("minimum", "Минимальный балл", &self.minimum);
        let high = num("high", "Высокий балл (от)", &self.high);
        if let (Some(m), Some(h)) = (minimum, high)
            && m >= h
        {
            e.push(crate::FieldError::new("high", "Высокий балл должен быть больше минимального"));
        }
        e.finish(|| ExamThreshold {
            subject: preset.as_ref().map(|p| p.subject.clone()).unwrap_or_default(),
            label: preset.as_ref().map(|p| p.label.clone()).unwrap_or_default(),
            minimum: minimum.unwrap_or_default(),
            high: high.unwrap_or_default(),
        })
    }
}

/// An organization on the list of those with signs of non-objective results.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct NonObjectiveInput {
    pub organization_id: Option<i64>,
    /// "2025/2026" or "2025".
    pub year: String,
    /// A [`NON_OBJECTIVE_SUBJECTS`] code or label.
    pub subject: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NonObjectiveData {
    pub organization_id: i64,
    pub year: crate::teachers::AcademicYear,
    pub subject: NonObjectiveSubject,
}

impl NonObjectiveInput {
    pub fn parse(&self) -> Result<NonObjectiveData, Vec<crate::FieldError>> {
        let mut e = crate::values::Errors::new();
        if self.organization_id.is_none() {
            e.push(crate::FieldError::new("organization_id", "Организация: выберите организацию"));
        }
        let year = crate::teachers::AcademicYear::parse(&self.year);
        if year.is_none() {
            e.push(crate::FieldError::new("year", "Учебный год: укажите в виде 2025/2026"));
        }
        let subject = NonObjectiveSubject::from_code(&self.subject);
        if subject.is_none() {
            e.push(crate::FieldError::new("subject", "Предмет: математика или русский язык"));
        }
        e.finish(|| NonObjectiveData {
            organization_id: self.organization_id.unwrap_or_default(),
            year: year.unwrap_or(crate::teachers::AcademicYear(2000)),
            subject: subject.unwrap_or(NonObjectiveSubject::Mathematics),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_labels_round_trip() {
        for l in Level::ALL {
            assert_eq!(Level::from_code(l.code()), Some(*l));
            assert_eq!(Level::from_code(l.label_ru()), Some(*l));
        }
        assert_eq!(Placement::from_code("Призёр"), Some(Placement::PrizeWinner));
        assert_eq!(Format::from_code("очно"), Some(Format::InPerson));
        assert!(ege_thresholds().iter().all(|t| t.minimum < t.high && t.high <= 100));
        assert_eq!(NonObjectiveSubject::from_code(" Русский язык"), Some(NonObjectiveSubject::Russian));
    }

    #[test]
    fn a_kind_is_read_against_its_family() {
        let all = StudentEvent::ALL
            .iter()
            .map(|e| ResultKind::Student(*e))
            .chain([ResultKind::Exam])
            .chain(TeacherResultKind::ALL.iter().map(|k| ResultKind::Teacher(*k)));
        for k in all {
            assert_eq!(ResultKind::from_stored(k.family().code(), k.code()), Some(k));
        }
        // "competition" is a code of both families: the family decides.
        assert_eq!(
            ResultKind::from_stored("student", "competition"),
            Some(ResultKind::Student(StudentEvent::Competition))
        );
        assert_eq!(
            ResultKind::from_stored("teacher", "competition"),
            Some(ResultKind::Teacher(TeacherResultKind::Competition))
        );
        assert_eq!(ResultKind::from_stored("student", "publication"), None, "a teacher's kind is no student event");
        assert_eq!(ResultKind::from_stored("exam", "oge"), None);
        assert_eq!(ResultKind::from_stored("olympiad", "vsosh"), None);
        assert_eq!(ResultKind::from_stored("student", "олимпиада"), None, "a label is not a stored code");
        assert_eq!(ResultKind::Exam.label_ru(), "ЕГЭ");
        assert_eq!(
            serde_json::to_value(ResultKind::Teacher(TeacherResultKind::Publication)).unwrap(),
            serde_json::json!({"family": "teacher", "kind": "publication"})
        );
    }

    #[test]
    fn olympiad_stages_are_stored_as_levels() {
        for s in OlympiadStage::ALL {
            assert_eq!(OlympiadStage::of_level(s.level()), Some(*s));
            assert_eq!(OlympiadStage::from_code(s.code()), Some(*s));
            assert_eq!(Level::from(*s), s.level());
        }
        assert_eq!(OlympiadStage::Final.code(), "all_russian");
        assert_eq!(OlympiadStage::Final.label_ru(), "заключительный");
        assert_eq!(OlympiadStage::try_from(Level::International), Err(Level::International));
        assert_eq!(OlympiadStage::of(StudentEvent::Vsosh, Level::Regional), Some(OlympiadStage::Regional));
        assert_eq!(OlympiadStage::of(StudentEvent::Olympiad, Level::Regional), None, "only the ВсОШ has stages");
        let d = StudentResultInput {
            event: "vsosh".into(),
            subject: "физика".into(),
            level: "all_russian".into(),
            placement: "winner".into(),
            format: "in_person".into(),
            student_code: "У-1".into(),
            teacher_ids: vec![1],
            on: "2026-04-20".into(),
            ..Default::default()
        };
        let today = time::macros::date!(2026 - 05 - 01);
        assert_eq!(d.parse(today).unwrap().stage(), Some(OlympiadStage::Final));
        let international = StudentResultInput { level: "international".into(), ..d };
        assert_eq!(international.parse(today).unwrap_err()[0].field, "level", "no international ВсОШ stage");
    }
}
