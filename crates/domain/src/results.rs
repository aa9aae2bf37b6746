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
    /// Всероссийская олимпиада школьников (rows 8–10 by stage).
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

/// The subjects of the non-objective results list (row 29).
pub const NON_OBJECTIVE_SUBJECTS: &[(&str, &str)] = &[("mathematics", "математика"), ("russian", "русский язык")];

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
    }
}
