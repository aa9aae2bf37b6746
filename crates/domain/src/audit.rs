//! The "old → new" part of an audit entry.

use serde_json::{Map, Value};

use crate::access::{Action, Principal, Resource, Role, may};
use crate::ids::{MunicipalityId, RegionId};

pub mod words;

/// Field-by-field difference of two JSON objects: `{field: [old, new]}` for every field whose value
/// differs. A missing side (create, delete) is `null`. Fields named in `hidden` are reported as
/// changed without their values (password hashes, token hashes).
pub fn diff(old: Option<&Value>, new: Option<&Value>, hidden: &[&str]) -> Value {
    let empty = Map::new();
    let o = old.and_then(Value::as_object).unwrap_or(&empty);
    let n = new.and_then(Value::as_object).unwrap_or(&empty);
    let mut keys: Vec<&String> = o.keys().chain(n.keys()).collect();
    keys.sort();
    keys.dedup();
    let mut out = Map::new();
    for k in keys {
        let a = o.get(k).unwrap_or(&Value::Null);
        let b = n.get(k).unwrap_or(&Value::Null);
        if a != b {
            let pair = if hidden.contains(&k.as_str()) {
                Value::Array(vec![Value::from("***"), Value::from("***")])
            } else {
                Value::Array(vec![a.clone(), b.clone()])
            };
            out.insert(k.clone(), pair);
        }
    }
    Value::Object(out)
}

/// What stands in an audit entry for a value its reader may not see.
pub const HIDDEN: &str = "скрыто";

/// Fields of a teacher record that are personal data (decision 0005: what `ViewPersonal` adds to
/// `View`). The name, organization, position, subjects and category stay visible.
pub const TEACHER_PERSONAL_FIELDS: &[&str] = &[
    "birth_date",
    "education",
    "edu_institution",
    "edu_specialty",
    "edu_year",
    "category_assigned_on",
    "category_expires_on",
    "experience_start",
    "young_specialist",
    "phone",
    "email",
    "consent_on",
];

/// Entities that are wholly the per-year part of a teacher's card (topic, courses, difficulties,
/// further places of work): personal data in every value and in the summary.
pub const TEACHER_YEAR_ENTITIES: &[&str] =
    &["teacher_year", "teacher_course", "teacher_difficulty", "teacher_position"];

/// What the reader of an audit entry may see of the record it is about, as the record's own page
/// would show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sight {
    /// Teachers' personal data of the entry's municipality (`ViewPersonal` on its teachers).
    pub teachers_personal: bool,
    /// Students' names of the entry's municipality (`ViewPersonal` on its results), and with them
    /// the scans of results, whose titles and file names may carry a name.
    pub student_names: bool,
}

impl Sight {
    /// What `who` may see of the records of a place (as on the records themselves, decision
    /// 0005). Entries of a region or of the system name no teacher and no student: only the
    /// administrator sees them whole.
    pub fn of(who: &Principal, region_id: Option<RegionId>, municipality_id: Option<MunicipalityId>) -> Sight {
        match (region_id, municipality_id) {
            (Some(region_id), Some(municipality_id)) => Sight {
                teachers_personal: may(who, Action::ViewPersonal, &Resource::teachers_of(region_id, municipality_id)),
                student_names: may(
                    who,
                    Action::ViewPersonal,
                    &Resource::Results {
                        region_id,
                        municipality_id,
                        association_id: None,
                        own: false,
                        confirmed: false,
                    },
                ),
            },
            _ => {
                let admin = who.grants.iter().any(|g| g.role == Role::Administrator);
                Sight { teachers_personal: admin, student_names: admin }
            }
        }
    }
}

/// Whether an entry's summary is hidden from a reader with `sight`: the per-year part of a card,
/// or a result's scan.
pub fn summary_hidden(entity: &str, changes: &Value, sight: Sight) -> bool {
    TEACHER_YEAR_ENTITIES.contains(&entity) && !sight.teachers_personal
        || is_result_scan(entity, changes) && !sight.student_names
}

fn is_result_scan(entity: &str, changes: &Value) -> bool {
    entity == "attachment"
        && changes.get("owner").and_then(Value::as_array).is_some_and(|pair| pair.iter().any(|v| v == "result"))
}

/// The entry as its reader may see it: every value of personal data the reader may not see on
/// the record itself becomes [`HIDDEN`], in `changes` (`{field: [old, new]}`) and in the summary.
pub fn redact(entity: &str, summary: &str, changes: &Value, sight: Sight) -> (String, Value) {
    let whole = summary_hidden(entity, changes, sight);
    let fields: &[&str] = match entity {
        "teacher" if !sight.teachers_personal => TEACHER_PERSONAL_FIELDS,
        "result" if !sight.student_names => &["student_name"],
        "attachment" if whole => &["title", "file_name"],
        _ => &[],
    };
    let mut out = changes.clone();
    if let Some(map) = out.as_object_mut() {
        for (k, pair) in map.iter_mut() {
            let hide = whole && !matches!(k.as_str(), "id" | "owner" | "owner_id" | "kind" | "year" | "archived_at")
                || fields.contains(&k.as_str());
            if let Some(items) = pair.as_array_mut().filter(|_| hide) {
                for v in items.iter_mut().filter(|v| !v.is_null()) {
                    *v = Value::from(HIDDEN);
                }
            }
        }
    }
    let summary = if whole { HIDDEN.to_owned() } else { summary.to_owned() };
    (summary, out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::UserId;
    use serde_json::json;

    const NOTHING: Sight = Sight { teachers_personal: false, student_names: false };
    const ALL: Sight = Sight { teachers_personal: true, student_names: true };

    fn holder(role: Role, municipality_id: Option<i64>) -> Principal {
        let region_id = (role != Role::Administrator).then_some(1);
        let grant = crate::access::Grant {
            role,
            region_id: region_id.map(RegionId),
            municipality_id: municipality_id.map(MunicipalityId),
            association_id: None,
            organization_id: None,
        };
        Principal { user_id: UserId(1), grants: vec![grant] }
    }

    #[test]
    fn a_reader_sees_of_a_place_what_the_records_there_show_them() {
        let head = holder(Role::AuthorityHead, Some(10));
        assert_eq!(Sight::of(&head, Some(RegionId(1)), Some(MunicipalityId(10))), ALL);
        assert_eq!(Sight::of(&head, Some(RegionId(1)), Some(MunicipalityId(11))), NOTHING, "another municipality");
        assert_eq!(Sight::of(&head, Some(RegionId(1)), None), NOTHING, "a region's entry");
        let operator = holder(Role::RegionOperator, None);
        assert!(
            !Sight::of(&operator, Some(RegionId(1)), Some(MunicipalityId(10))).teachers_personal,
            "the operator sees no personal data"
        );
        let admin = holder(Role::Administrator, None);
        assert_eq!(Sight::of(&admin, None, None), ALL);
        assert_eq!(Sight::of(&admin, Some(RegionId(1)), Some(MunicipalityId(10))), ALL);
    }

    #[test]
    fn personal_data_is_hidden_from_who_may_not_see_it_on_the_record() {
        let teacher = json!({"last_name": ["Иванова", "Петрова"], "birth_date": ["1980-01-02", "1981-03-04"],
                             "phone": [null, "+7 900"], "category": ["first", "highest"]});
        let (s, c) = redact("teacher", "Изменена запись педагога Петрова", &teacher, NOTHING);
        assert_eq!(s, "Изменена запись педагога Петрова");
        assert_eq!(
            c,
            json!({"last_name": ["Иванова", "Петрова"], "birth_date": ["скрыто", "скрыто"],
                   "phone": [null, "скрыто"], "category": ["first", "highest"]})
        );
        assert_eq!(redact("teacher", "x", &teacher, ALL).1, teacher);

        let topic = json!({"self_education": [null, "Формирующее оценивание"]});
        let (s, c) = redact("teacher_year", "Тема самообразования Петровой: «Формирующее оценивание»", &topic, NOTHING);
        assert_eq!(s, "скрыто");
        assert_eq!(c, json!({"self_education": [null, "скрыто"]}));

        let result = json!({"student_name": [null, "Сидоров Пётр"], "title": [null, "Олимпиада"]});
        let (_, c) =
            redact("result", "Записан результат", &result, Sight { teachers_personal: true, student_names: false });
        assert_eq!(c, json!({"student_name": [null, "скрыто"], "title": [null, "Олимпиада"]}));
        assert_eq!(redact("result", "x", &result, ALL).1, result);

        let scan =
            json!({"owner": [null, "result"], "title": [null, "Диплом Сидорова"], "file_name": [null, "sidorov.pdf"]});
        let (s, c) = redact("attachment", "Приложен документ «Диплом Сидорова»", &scan, NOTHING);
        assert_eq!(s, "скрыто");
        assert_eq!(c, json!({"owner": [null, "result"], "title": [null, "скрыто"], "file_name": [null, "скрыто"]}));
        let order_scan = json!({"owner": [null, "order"], "title": [null, "Приказ"]});
        assert_eq!(redact("attachment", "Приложен документ «Приказ»", &order_scan, NOTHING).1, order_scan);
    }

    #[test]
    fn reports_only_changed_fields() {
        let a = json!({"name": "Школа 1", "address": "ул. Ленина", "id": 3});
        let b = json!({"name": "Школа № 1", "address": "ул. Ленина", "id": 3});
        assert_eq!(diff(Some(&a), Some(&b), &[]), json!({"name": ["Школа 1", "Школа № 1"]}));
    }

    #[test]
    fn create_has_null_old_values_and_hidden_fields_are_masked() {
        let b = json!({"login": "ivanova", "password_hash": "$argon2id$..."});
        assert_eq!(
            diff(None, Some(&b), &["password_hash"]),
            json!({"login": [null, "ivanova"], "password_hash": ["***", "***"]})
        );
    }
}
