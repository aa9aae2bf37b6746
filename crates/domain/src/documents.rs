//! The required-documents register of an association (000 §6, 001 §6.1, 002 §5, 003 §5, 004 §6):
//! which documents its regulation profile requires, and which of them Metoda can show as present
//! for the current year from the data it holds.

use serde::Serialize;

use crate::profile::RequiredDocument;

/// What Metoda knows about an association in a year.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    /// The municipality runs under a regulation profile (the regulation itself).
    pub regulation: bool,
    /// The order fixing this year's composition, if registered (its number).
    pub composition_order: Option<String>,
    /// Members with a record in the teacher bank.
    pub members_in_bank: usize,
    /// Members whose professional difficulties/needs were recorded this year.
    pub needs_recorded: usize,
    /// Codes of the document kinds with an uploaded file or link this year.
    pub uploaded: Vec<String>,
    /// The status of this plan year's work plan (draft | approved), if there is one.
    pub plan_status: Option<crate::plans::PlanStatus>,
    /// Rows of the association's cyclogram.
    pub cyclogram_rows: usize,
    /// Minutes of the plan year signed by everyone, kept in Metoda.
    pub signed_minutes: usize,
    /// The latest yearly analysis submitted or accepted in Metoda: (its academic year, accepted).
    pub analysis: Option<(i32, bool)>,
    /// Events of the year held in Metoda: each has its programme, registration sheet and note.
    pub held_events: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocumentState {
    pub code: &'static str,
    pub label: &'static str,
    pub present: bool,
    /// A Russian note: where the document comes from, or what to do.
    pub note: String,
}

/// The state of every document the profile requires.
pub fn register(required: &[RequiredDocument], f: &Facts) -> Vec<DocumentState> {
    required
        .iter()
        .map(|d| {
            let (present, note) = match d {
                RequiredDocument::Regulation => (
                    f.regulation,
                    if f.regulation {
                        "положение муниципалитета (профиль положения)".into()
                    } else {
                        "муниципалитету не назначен профиль положения".into()
                    },
                ),
                RequiredDocument::CompositionOrder => match &f.composition_order {
                    Some(n) => (true, format!("приказ № {n}")),
                    None => (false, "зарегистрируйте приказ об утверждении состава на этот учебный год".into()),
                },
                RequiredDocument::TeacherDataBank => (
                    f.members_in_bank > 0,
                    if f.members_in_bank > 0 {
                        format!("банк данных: {} педагогов", f.members_in_bank)
                    } else {
                        "в составе нет педагогов".into()
                    },
                ),
                RequiredDocument::ProfessionalNeeds => (
                    f.needs_recorded > 0,
                    if f.needs_recorded > 0 {
                        format!("потребности записаны у {} педагогов", f.needs_recorded)
                    } else {
                        "профессиональные потребности педагогов ещё не записаны".into()
                    },
                ),
                RequiredDocument::WorkPlan => match f.plan_status {
                    Some(crate::plans::PlanStatus::Approved) => (true, "план работы утверждён".into()),
                    Some(crate::plans::PlanStatus::Draft) => {
                        (false, "проект плана работы составлен, но не утверждён".into())
                    }
                    None => (false, "плана работы на этот год нет: составьте его на странице объединения".into()),
                },
                RequiredDocument::Cyclogram => (
                    f.cyclogram_rows > 0,
                    if f.cyclogram_rows > 0 {
                        format!("циклограмма: {} мероприятий", f.cyclogram_rows)
                    } else {
                        "циклограмма пуста: заполните её на странице объединения".into()
                    },
                ),
                RequiredDocument::Minutes => (
                    f.signed_minutes > 0,
                    if f.signed_minutes > 0 {
                        format!(
                            "{} в Методе",
                            crate::values::plural_ru(
                                i64::try_from(f.signed_minutes).unwrap_or(i64::MAX),
                                &format!("{} подписанный протокол", f.signed_minutes),
                                &format!("{} подписанных протокола", f.signed_minutes),
                                &format!("{} подписанных протоколов", f.signed_minutes),
                            )
                        )
                    } else {
                        "подписанных протоколов за этот год пока нет".into()
                    },
                ),
                RequiredDocument::AnnualAnalysis => match f.analysis {
                    Some((y, accepted)) => (
                        true,
                        format!(
                            "анализ за {y}/{} учебный год {} в Методе",
                            y + 1,
                            if accepted { "принят" } else { "представлен" }
                        ),
                    ),
                    None => (false, "анализ работы за год ещё не представлен".into()),
                },
                RequiredDocument::EventDocuments => (
                    f.held_events > 0,
                    if f.held_events > 0 {
                        let n = i64::try_from(f.held_events).unwrap_or(i64::MAX);
                        format!(
                            "{n} {} в Методе: программы, листы регистрации, справки",
                            crate::values::plural_ru(
                                n,
                                "проведённое мероприятие",
                                "проведённых мероприятия",
                                "проведённых мероприятий"
                            )
                        )
                    } else {
                        "проведённых мероприятий за этот год пока нет".into()
                    },
                ),
                RequiredDocument::Materials | RequiredDocument::Other => (false, "нет за текущий учебный год".into()),
            };
            let uploaded = f.uploaded.iter().any(|u| u == d.code());
            let (present, note) = match (present, uploaded) {
                (false, true) => (true, "загружен документ".to_owned()),
                (true, true) => (true, format!("{note}; загружен документ")),
                (p, false) => (p, note),
            };
            DocumentState { code: d.code(), label: d.label_ru(), present, note }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn present_and_missing_documents_follow_the_data() {
        let required = [
            RequiredDocument::Regulation,
            RequiredDocument::CompositionOrder,
            RequiredDocument::TeacherDataBank,
            RequiredDocument::Minutes,
        ];
        let none = register(&required, &Facts::default());
        assert!(none.iter().all(|d| !d.present));
        let facts = Facts {
            regulation: true,
            composition_order: Some("107-ОД".into()),
            members_in_bank: 13,
            needs_recorded: 0,
            uploaded: vec![],
            ..Default::default()
        };
        let got = register(&required, &facts);
        assert_eq!(got.iter().map(|d| d.present).collect::<Vec<_>>(), [true, true, true, false]);
        assert_eq!(got[1].note, "приказ № 107-ОД");
        let with_minutes = register(&required, &Facts { uploaded: vec!["minutes".into()], ..facts });
        assert!(with_minutes[3].present, "an uploaded file makes the minutes present");
        let signed = register(&required, &Facts { signed_minutes: 2, ..Default::default() });
        assert!(signed[3].present && signed[3].note == "2 подписанных протокола в Методе", "{:?}", signed[3]);
        let one = register(&[RequiredDocument::Minutes], &Facts { signed_minutes: 1, ..Default::default() });
        assert_eq!(one[0].note, "1 подписанный протокол в Методе");
        let analysis = register(
            &[RequiredDocument::AnnualAnalysis],
            &Facts { analysis: Some((2025, true)), ..Default::default() },
        );
        assert!(analysis[0].present && analysis[0].note == "анализ за 2025/2026 учебный год принят в Методе");
        let events = register(&[RequiredDocument::EventDocuments], &Facts { held_events: 3, ..Default::default() });
        assert!(events[0].present, "{:?}", events[0]);
        assert_eq!(events[0].note, "3 проведённых мероприятия в Методе: программы, листы регистрации, справки");
        let none = register(&[RequiredDocument::EventDocuments], &Facts::default());
        assert!(!none[0].present && none[0].note.contains("пока нет"));
    }

    #[test]
    fn an_approved_plan_and_a_filled_cyclogram_are_present() {
        let required = [RequiredDocument::WorkPlan, RequiredDocument::Cyclogram];
        let none = register(&required, &Facts::default());
        assert!(none.iter().all(|d| !d.present));
        assert!(none[0].note.contains("плана работы на этот год нет"));
        let draft =
            register(&required, &Facts { plan_status: Some(crate::plans::PlanStatus::Draft), ..Default::default() });
        assert!(!draft[0].present && draft[0].note.contains("не утверждён"));
        let done = register(
            &required,
            &Facts { plan_status: Some(crate::plans::PlanStatus::Approved), cyclogram_rows: 9, ..Default::default() },
        );
        assert!(done.iter().all(|d| d.present));
        assert_eq!(done[1].note, "циклограмма: 9 мероприятий");
    }
}
