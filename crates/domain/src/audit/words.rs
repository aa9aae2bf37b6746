//! The audit trail in words: the Russian names of the audited objects, actions and fields, and
//! every stored value as its reader says it (codes by their labels, dates and times local, yes
//! and no, names instead of lists of records). Bookkeeping fields (ids, hashes, versions,
//! timestamps of the row itself) are left out. The API keeps the stored codes.

use serde_json::{Map, Value};

use crate::from_stored;
use crate::time::LocalZone;
use crate::values::ru_date;

/// One changed field in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub label: String,
    pub old: String,
    pub new: String,
}

/// The Russian name of an audited object.
pub fn entity_label(code: &str) -> &str {
    match code {
        "region" => "регион",
        "municipality" => "муниципалитет",
        "organization" => "организация",
        "regulation_profile" => "профиль положения",
        "user" => "пользователь",
        "role_grant" => "роль",
        "api_token" => "API-токен",
        "session" => "вход в систему",
        "association" => "объединение",
        "association_member" => "состав объединения",
        "association_officer" => "должностное лицо объединения",
        "association_subgroup" => "подразделение объединения",
        "subgroup_member" => "состав подразделения",
        "teacher" => "педагог",
        "teacher_import" => "загрузка банка данных",
        "teacher_export" => "выгрузка банка данных",
        "teacher_year" => "тема самообразования",
        "teacher_course" => "курсы педагога",
        "teacher_difficulty" => "затруднения педагога",
        "teacher_position" => "место работы педагога",
        "order" => "приказ",
        "attachment" => "приложенный документ",
        "work_plan" => "план работы",
        "plan_item" => "мероприятие плана",
        "cyclogram_item" => "циклограмма",
        "meeting" => "заседание",
        "meeting_agenda" => "вопрос повестки",
        "meeting_guest" => "приглашённый",
        "minutes" => "протокол",
        "minutes_addendum" => "дополнение к протоколу",
        "action_item" => "поручение",
        "result" => "результат",
        "exam_threshold" => "пороги ЕГЭ",
        "non_objective_organization" => "ОО с признаками необъективных результатов",
        "analysis_report" => "анализ работы",
        "event" => "мероприятие",
        "event_registration" => "регистрация на мероприятие",
        "event_certificate" => "сертификат",
        "event_programme" => "программа мероприятия",
        "event_placement" => "победитель или призёр мероприятия",
        "event_staff" => "организаторы мероприятия",
        other => other,
    }
}

/// The Russian name of an audited action.
pub fn action_label(code: &str) -> &str {
    match code {
        "create" => "создание",
        "update" => "изменение",
        "delete" => "удаление",
        "archive" => "архивирование",
        "restore" => "восстановление",
        "assign_profile" => "назначение профиля",
        "set_password" => "смена пароля",
        "sign_in" => "вход",
        "sign_out" => "выход",
        "import" => "загрузка",
        "export" => "выгрузка",
        "link_account" => "привязка учётной записи",
        "unlink_account" => "отвязка учётной записи",
        other => other,
    }
}

/// Who made a change: a login, or what a command of the server's operator did (`cli:<what>`).
pub fn actor_label(actor: &str) -> String {
    let Some(what) = actor.strip_prefix("cli:") else {
        return match actor {
            "anonymous" => "посетитель без входа".into(),
            "participant" => "участник мероприятия (анонимно)".into(),
            login => login.into(),
        };
    };
    let task = match what.split_whitespace().next().unwrap_or("") {
        "demo-data" => "загрузка демонстрационных данных",
        "token" => "выпуск API-токена",
        "region" => "создание региона",
        "user" => "учётные записи",
        _ => "",
    };
    if task.is_empty() {
        "служебная команда сервера".into()
    } else {
        format!("служебная команда сервера: {task}")
    }
}

/// Bookkeeping: not shown in "было → стало".
fn hidden(field: &str) -> bool {
    field == "id"
        || field.ends_with("_id")
        || field.ends_with("_by")
        || matches!(
            field,
            "created_at"
                | "updated_at"
                | "version"
                | "search_text"
                | "sha256"
                | "checksum"
                | "payload"
                | "token_hash"
                | "csrf_token"
                | "user_agent"
                | "filters"
                | "update_count"
                | "seq"
        )
}

/// The Russian name of a field of an object; None for bookkeeping. A field no entry names keeps
/// its code (which the pages' test catches).
pub fn field_label(entity: &str, field: &str) -> Option<String> {
    if hidden(field) {
        return None;
    }
    Some(String::from(match (entity, field) {
        ("organization", "full_name") => "полное наименование",
        ("association_officer", "name") => "ФИО",
        ("association_officer", "role") => "должность",
        ("result", "form") => "форма представления опыта",
        ("event", "form") => "форма мероприятия",
        ("event", "outcome") => "итоги мероприятия",
        ("event", "reach") => "кому объявлено",
        ("event", "cap") => "число мест",
        ("event", "ends_on") => "дата окончания",
        ("event", "starts_on") => "дата начала",
        ("event", "registration_open") => "регистрация открыта",
        ("event", "registration_deadline") => "срок регистрации",
        ("event", "registered") => "зарегистрировано",
        ("event", "waiting") => "в листе ожидания",
        ("event", "venue_name") => "площадка",
        ("event", "association_name") => "организатор",
        ("event_staff", "name") => "педагог",
        ("event_staff", "role") => "роль",
        ("event_placement", "name") => "участник",
        ("event_placement", "organization") => "организация",
        ("event_placement", "teacher_name") => "подготовил(а)",
        ("event_placement", "grade") => "класс",
        ("event_programme", "topic") => "тема",
        ("event_programme", "kind") => "вид выступления",
        ("event_programme", "speaker") => "выступающий",
        ("event_programme", "organization") => "организация",
        ("event_programme", "position") => "порядок",
        ("event_registration", "name") => "ФИО",
        ("event_registration", "organization") => "организация",
        ("event_registration", "walk_in") => "пришёл без регистрации",
        ("event_registration", "attended") => "присутствовал",
        ("association", "direction") => "направление",
        ("meeting", "members") => "членов объединения",
        ("order", "year") => "год приказа",
        ("order", "body") => "текст приказа",
        ("minutes", "number") => "номер протокола",
        ("order", "number") => "номер приказа",
        (_, "name") => "название",
        (_, "full_name") => "ФИО",
        (_, "short_name") => "краткое наименование",
        (_, "code") => "код",
        (_, "kind") => "вид",
        (_, "address") => "адрес",
        (_, "head_name") => "руководитель",
        (_, "phone") => "телефон",
        (_, "email") => "электронная почта",
        (_, "email_mode") => "уведомления по электронной почте",
        (_, "website") => "сайт",
        (_, "social_url") => "страница в социальной сети",
        (_, "authority_name") => "орган управления образованием",
        (_, "profile_name") => "профиль положения",
        (_, "region_name") => "регион",
        (_, "municipality_name") => "муниципалитет",
        (_, "association_name") => "объединение",
        (_, "organization_name") => "образовательная организация",
        (_, "student_organization_name") => "ОО обучающегося",
        (_, "utc_offset_minutes") => "часовой пояс",
        (_, "archived_at") => "в архиве с",
        (_, "login") => "логин",
        (_, "password_hash") => "пароль",
        (_, "password_changed_at") => "пароль изменён",
        (_, "role") => "роль",
        (_, "scope_name") => "где действует",
        (_, "revoked_at") => "отозван",
        (_, "expires_at") => "действует до",
        (_, "last_used_at") => "последнее использование",
        (_, "last_seen_at") => "последнее обращение",
        (_, "last_name") => "фамилия",
        (_, "first_name") => "имя",
        (_, "middle_name") => "отчество",
        (_, "birth_date") => "дата рождения",
        (_, "position") => "должность",
        (_, "subjects") => "предметы",
        (_, "education") => "образование",
        (_, "edu_institution") => "учебное заведение",
        (_, "edu_specialty") => "специальность",
        (_, "edu_year") => "год окончания",
        (_, "category") => "квалификационная категория",
        (_, "category_assigned_on") => "категория присвоена",
        (_, "category_expires_on") => "категория действует до",
        (_, "experience_start") => "начало педагогического стажа",
        (_, "young_specialist") => "молодой специалист",
        (_, "consent_on") => "согласие на обработку персональных данных",
        (_, "body_name") => "вид объединения",
        (_, "direction") => "направление деятельности",
        (_, "description") => "описание",
        (_, "status") => "состояние",
        (_, "status_reason") => "причина",
        (_, "liquidated_at") => "ликвидировано",
        (_, "members") => "членов",
        (_, "members_total") => "всего членов",
        (_, "joined_on") => "в составе с",
        (_, "left_on") => "вышел из состава",
        (_, "from_on") => "с",
        (_, "to_on") => "по",
        (_, "order_number") => "приказ №",
        (_, "order_date") => "дата приказа",
        (_, "number") => "номер",
        (_, "title") => "название",
        (_, "body") => "текст",
        (_, "signed_by") => "подписал",
        (_, "year") => "год",
        (_, "owner") => "к чему приложен",
        (_, "file_name") => "имя файла",
        (_, "file") => "файл",
        (_, "content_type") => "формат файла",
        (_, "size") => "размер, байт",
        (_, "uploaded_at") => "загружен",
        (_, "period") => "период",
        (_, "steps") => "порядок утверждения",
        (_, "step") => "этап",
        (_, "approved_at") => "утверждён",
        (_, "submitted_at") => "представлен",
        (_, "decided_at") => "решение принято",
        (_, "decided_by_name") => "кто принял решение",
        (_, "decision") => "решение",
        (_, "decision_comment") => "комментарий к решению",
        (_, "comment") => "комментарий",
        (_, "reason") => "причина",
        (_, "note") => "примечание",
        (_, "planned_month") => "месяц по плану",
        (_, "month") => "месяц",
        (_, "planned_on") => "дата по плану",
        (_, "audience") => "участники",
        (_, "responsible") => "ответственный",
        (_, "expected_result") => "ожидаемый результат",
        (_, "form") => "форма работы",
        (_, "plan_item_title") => "мероприятие плана",
        (_, "held_on") => "дата заседания",
        (_, "starts_at") => "время начала",
        (_, "place_note") => "место проведения",
        (_, "online_url") => "ссылка на подключение",
        (_, "link") => "ссылка",
        (_, "url") => "ссылка",
        (_, "chair_name") => "председатель",
        (_, "secretary_name") => "секретарь",
        (_, "present") => "присутствовали",
        (_, "marks") => "отметки присутствия",
        (_, "cancel_reason") => "причина отмены",
        (_, "moved_to") => "перенесено на",
        (_, "quorum") => "кворум",
        (_, "topic") => "тема",
        (_, "speaker") => "докладчик",
        (_, "heard") => "слушали",
        (_, "spoke") => "выступили",
        (_, "votes") => "голосование",
        (_, "outcome") => "итог голосования",
        (_, "signatories") => "подписывают",
        (_, "drafted_at") => "протокол составлен",
        (_, "signed_at") => "подписан",
        (_, "text") => "текст",
        (_, "content") => "содержание",
        (_, "section") => "раздел",
        (_, "due_on") => "срок",
        (_, "closed_at") => "выполнено",
        (_, "owner_name") => "исполнитель",
        (_, "evidence") => "подтверждение",
        (_, "family") => "вид результата",
        (_, "result_on") => "дата результата",
        (_, "level") => "уровень",
        (_, "placement") => "итог участия",
        (_, "format") => "формат участия",
        (_, "score") => "балл",
        (_, "outlet") => "где опубликовано",
        (_, "students") => "обучающихся",
        (_, "student_name") => "обучающийся",
        (_, "student_code") => "код обучающегося",
        (_, "student_grade") => "класс",
        (_, "subject") => "предмет",
        (_, "teachers") => "педагоги",
        (_, "minimum") => "минимальный балл",
        (_, "high") => "высокий балл от",
        (_, "self_education") => "тема самообразования",
        (_, "topic_status") => "тема: состояние",
        (_, "topic_agreed_at") => "тема согласована",
        (_, "provider") => "организация, проводившая курсы",
        (_, "hours") => "часов",
        (_, "certificate") => "документ об обучении",
        (_, "start_on") => "начало",
        (_, "end_on") => "окончание",
        (_, "applied_at") => "применено",
        (_, "created") => "добавлено",
        (_, "updated") => "обновлено",
        (_, "rows") => "строк",
        (_, "personal") => "с персональными данными",
        (_, "is_preset") => "предустановленный",
        (_, "settings") => "настройки",
        _ => field,
    }))
}

/// A stored code in words for the field `field` of `entity`; `family` is the result's family
/// (it tells what a result's `kind` is).
fn code_label(entity: &str, field: &str, code: &str, family: Option<&str>) -> Option<String> {
    use crate::access::Role;
    use crate::directory::AssociationStatus;
    use crate::files::{AttachmentKind, AttachmentOwner};
    use crate::meetings::{MeetingStatus, MinutesStatus};
    use crate::notify::EmailMode;
    use crate::orders::{OfficerRole, OrderKind};
    use crate::plans::{ActivityDirection, ItemStatus, PlanStatus, WorkForm};
    use crate::profile::{ApprovalStep, PlanPeriod, Signatory, SubgroupKind};
    use crate::reports::ReportStatus;
    use crate::results::{
        Confirmation, Format, Level, NonObjectiveSubject, Placement, PresentationForm, ResultFamily, ResultKind,
        StudentEvent, TeacherResultKind,
    };
    use crate::teachers::{Category, CourseKind, Education, TopicStatus};
    macro_rules! label {
        ($t:ty) => {
            from_stored::<$t>(code).map(|v| v.label_ru().to_string())
        };
    }
    match (entity, field) {
        ("organization", "kind") => Some(crate::directory::organization_kind_label(code)),
        ("attachment", "kind") => label!(AttachmentKind),
        ("association_subgroup", "kind") => label!(SubgroupKind),
        ("teacher_course", "kind") => label!(CourseKind),
        ("teacher_difficulty", "kind") => Some(crate::analysis::composition::difficulty_label(code)),
        ("order", "kind") => label!(OrderKind),
        ("result", "kind") => family
            .and_then(|f| ResultKind::from_stored(f, code))
            .map(|k| k.label_ru().to_owned())
            .or_else(|| label!(StudentEvent))
            .or_else(|| label!(TeacherResultKind))
            .or_else(|| (code == ResultKind::EGE).then(|| "ЕГЭ".to_owned())),
        ("result", "form") => label!(PresentationForm),
        ("event", "form") => label!(crate::events::EventForm),
        ("event", "status") => label!(crate::events::EventStatus),
        ("event", "format") => label!(crate::events::EventFormat),
        ("event", "reach") => label!(crate::events::Reach),
        ("event", "audience") => label!(crate::events::Audience),
        ("event_registration", "status") => label!(crate::events::RegistrationStatus),
        ("event_programme", "kind") => label!(crate::events::ProgrammeKind),
        ("event_staff", "role") => label!(crate::events::StaffRole),
        ("result", "status") => label!(Confirmation),
        ("result", "subject") => Some(crate::results::subject_label(code)),
        ("non_objective_organization", "subject") => label!(NonObjectiveSubject),
        ("association", "status") => label!(AssociationStatus),
        ("meeting", "status") => label!(MeetingStatus),
        ("minutes", "status") => label!(MinutesStatus),
        ("plan_item", "status") => label!(ItemStatus),
        ("work_plan", "status") => label!(PlanStatus),
        ("analysis_report", "status") => label!(ReportStatus),
        ("plan_item" | "cyclogram_item", "direction") => label!(ActivityDirection),
        ("plan_item" | "cyclogram_item", "form") => label!(WorkForm),
        ("association_officer", "role") => label!(OfficerRole),
        (_, "role") => label!(Role),
        (_, "family") => label!(ResultFamily),
        (_, "level") => label!(Level),
        (_, "placement") => label!(Placement),
        (_, "format") => label!(Format),
        (_, "category") => label!(Category),
        (_, "education") => label!(Education),
        (_, "topic_status") => label!(TopicStatus),
        (_, "email_mode") => label!(EmailMode),
        (_, "owner") => label!(AttachmentOwner),
        (_, "period") => label!(PlanPeriod),
        (_, "signatories") => label!(Signatory),
        (_, "steps" | "step") => label!(ApprovalStep),
        (_, "content_type") => Some(
            match code {
                "application/pdf" => "PDF",
                "image/jpeg" => "JPEG",
                "image/png" => "PNG",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => "DOCX",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => "XLSX",
                "application/vnd.oasis.opendocument.text" => "ODT",
                _ => "иной",
            }
            .to_owned(),
        ),
        _ => None,
    }
}

/// Whether a text looks like a stored code rather than words («in_person», «highest»).
fn looks_like_code(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// A value of a regulation profile's setting that is a code: the label of the first of the
/// profile's choices that knows it.
fn setting_label(code: &str) -> Option<String> {
    use crate::profile::{
        AnalysisRecipient, ApprovalStep, CompositionRule, MajorityRule, Officer, PlanPeriod, QuorumRule,
        RequiredDocument, Signatory, SubgroupKind,
    };
    macro_rules! first {
        ($($t:ty),*) => { None$(.or_else(|| from_stored::<$t>(code).map(|v| v.label_ru().to_string())))* };
    }
    first!(
        PlanPeriod,
        ApprovalStep,
        Signatory,
        QuorumRule,
        MajorityRule,
        Officer,
        CompositionRule,
        AnalysisRecipient,
        RequiredDocument,
        SubgroupKind
    )
}

/// A month of a plan, «сентябрь».
fn month(n: i64) -> Option<String> {
    u8::try_from(n).ok().map(crate::plans::month_label).filter(|m| !m.is_empty()).map(str::to_owned)
}

/// A value as its reader says it.
fn words(entity: &str, field: &str, v: &Value, family: Option<&str>, zone: LocalZone) -> String {
    match v {
        Value::Null => "—".into(),
        Value::Bool(true) => "да".into(),
        Value::Bool(false) => "нет".into(),
        Value::Number(n) => match (field, n.as_i64()) {
            ("utc_offset_minutes", Some(m)) => LocalZone::stored(m).label_ru(),
            ("month" | "planned_month", Some(m)) => month(m).unwrap_or_else(|| n.to_string()),
            _ => n.to_string(),
        },
        Value::String(s) => {
            if let Some(l) = code_label(entity, field, s, family) {
                return l;
            }
            // a list kept as JSON text (the minutes' signatories, the plan's steps)
            if s.starts_with('[')
                && let Ok(inner @ Value::Array(_)) = serde_json::from_str::<Value>(s)
            {
                return words(entity, field, &inner, family, zone);
            }
            if let Ok(d) = crate::values::stored_date(s).ok_or(()) {
                return ru_date(d);
            }
            if zone.local(s).is_some() {
                return zone.format(s);
            }
            if entity == "regulation_profile" && looks_like_code(s) {
                return setting_label(s).unwrap_or_else(|| s.clone());
            }
            s.clone()
        }
        Value::Array(items) => {
            // the teachers of a result: their names
            let names: Vec<&str> = items.iter().filter_map(|i| i.get("full_name").and_then(Value::as_str)).collect();
            if !names.is_empty() {
                return names.join(", ");
            }
            // the attendance marks of a meeting: how many of each
            if field == "marks" {
                let mut counts: Vec<(String, usize)> = vec![];
                for status in items.iter().filter_map(|i| i.get("status").and_then(Value::as_str)) {
                    let label = from_stored::<crate::meetings::Attendance>(status)
                        .map_or_else(|| status.to_owned(), |a| a.label_ru().to_owned());
                    match counts.iter_mut().find(|(l, _)| *l == label) {
                        Some((_, n)) => *n += 1,
                        None => counts.push((label, 1)),
                    }
                }
                return counts.iter().map(|(l, n)| format!("{l} — {n}")).collect::<Vec<_>>().join(", ");
            }
            if items.is_empty() {
                return "—".into();
            }
            items.iter().map(|i| words(entity, field, i, family, zone)).collect::<Vec<_>>().join(", ")
        }
        Value::Object(map) => {
            if field == "votes" {
                let n = |k: &str| map.get(k).and_then(Value::as_i64).unwrap_or(0);
                return format!("за — {}, против — {}, воздержались — {}", n("for_"), n("against"), n("abstained"));
            }
            map.iter()
                .filter_map(|(k, v)| {
                    let label = field_label(entity, k)?;
                    Some(format!("{label}: {}", words(entity, k, v, family, zone)))
                })
                .collect::<Vec<_>>()
                .join("; ")
        }
    }
}

/// The changes of an entry (`{field: [old, new]}`) in words, bookkeeping left out. `zone` is
/// where the times are read.
pub fn changes_in_words(entity: &str, changes: &Value, zone: LocalZone) -> Vec<Change> {
    let empty = Map::new();
    let map = changes.as_object().unwrap_or(&empty);
    let side = |i: usize| map.get("family").and_then(|p| p.get(i)).and_then(Value::as_str);
    map.iter()
        .filter_map(|(k, pair)| {
            let label = match k.strip_prefix("settings.") {
                Some(setting) => crate::profile::label_for(setting).to_owned(),
                None => field_label(entity, k)?,
            };
            let at = |i: usize| {
                let v = pair.get(i).unwrap_or(&Value::Null);
                if v.as_str() == Some("***") {
                    return "изменён".to_owned();
                }
                words(entity, k, v, side(i).or(side(1 - i)), zone)
            };
            Some(Change { label, old: at(0), new: at(1) })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn said(entity: &str, changes: Value) -> Vec<String> {
        changes_in_words(entity, &changes, LocalZone::UTC7)
            .into_iter()
            .map(|c| format!("{}: {} → {}", c.label, c.old, c.new))
            .collect()
    }

    #[test]
    fn a_result_reads_in_russian() {
        let r = json!({
            "id": [null, 56], "family": [null, "exam"], "kind": [null, "ege"], "subject": [null, "mathematics_profile"],
            "score": [null, 72], "status": ["pending", "confirmed"], "result_on": [null, "2026-06-20"],
            "decided_at": [null, "2026-06-21T05:00:00Z"], "decided_by": [null, 3], "format": [null, "in_person"],
            "teachers": [null, [{"full_name": "Орлова Елена Павловна", "teacher_id": 4}]],
        });
        assert_eq!(
            said("result", r),
            [
                "решение принято: — → 21.06.2026 12:00",
                "вид результата: — → балл ЕГЭ",
                "формат участия: — → очно",
                "вид: — → ЕГЭ",
                "дата результата: — → 20.06.2026",
                "балл: — → 72",
                "состояние: ожидает подтверждения → подтверждён",
                "предмет: — → математика (профильный уровень)",
                "педагоги: — → Орлова Елена Павловна",
            ]
        );
    }

    #[test]
    fn a_teacher_a_meeting_and_a_scan_read_in_russian() {
        let t = json!({"category": ["first", "highest"], "education": [null, "higher"], "young_specialist": [true, false],
                       "birth_date": [null, "1985-02-01"], "organization_id": [1, 2], "version": [1, 2]});
        assert_eq!(
            said("teacher", t),
            [
                "дата рождения: — → 01.02.1985",
                "квалификационная категория: первая → высшая",
                "образование: — → высшее",
                "молодой специалист: да → нет",
            ]
        );
        let m = json!({"marks": [null, [{"status": "present", "teacher_id": 1}, {"status": "absent", "teacher_id": 2},
                                        {"status": "present", "teacher_id": 3}]],
                       "votes": [null, {"for_": 10, "against": 0, "abstained": 1}], "status": ["planned", "held"]});
        assert_eq!(
            said("meeting", m),
            [
                "отметки присутствия: — → присутствует — 2, отсутствует — 1",
                "состояние: запланировано → проведено",
                "голосование: — → за — 10, против — 0, воздержались — 1",
            ]
        );
        let a = json!({"content_type": [null, "application/pdf"], "kind": [null, "scan"], "owner": [null, "result"],
                       "sha256": [null, "56c2ac"], "size": [null, 77]});
        assert_eq!(
            said("attachment", a),
            ["формат файла: — → PDF", "вид: — → скан", "к чему приложен: — → результат", "размер, байт: — → 77"]
        );
        let minutes = json!({"signatories": [null, "[\"chair\",\"secretary\"]"]});
        assert_eq!(said("minutes", minutes), ["подписывают: — → председатель, секретарь"]);
        assert_eq!(said("user", json!({"password_hash": ["***", "***"]})), ["пароль: изменён → изменён"]);
    }

    #[test]
    fn who_is_named_in_words() {
        assert_eq!(actor_label("uo.head"), "uo.head");
        assert_eq!(actor_label("cli:demo-data"), "служебная команда сервера: загрузка демонстрационных данных");
        assert_eq!(actor_label("cli:test"), "служебная команда сервера");
        assert_eq!(entity_label("result"), "результат");
        assert_eq!(action_label("delete"), "удаление");
    }
}
