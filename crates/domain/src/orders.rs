//! Orders (приказы) of the authority and what registering one does to an association
//! (000 §4.1–4.2, 001 §3.2, 002 §1.3, 003 §4.1, 004 §1.4, §2.1–2.2).

use serde::{Deserialize, Serialize};
use time::Date;

use crate::access::Role;
use crate::values::{self, Errors, FieldError};

/// What an order is about; each kind has its effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderKind {
    CreateAssociation,
    ReorganizeAssociation,
    LiquidateAssociation,
    AppointOfficer,
    ApproveComposition,
    ApprovePlan,
    Other,
}

impl OrderKind {
    pub const ALL: &'static [OrderKind] = &[
        Self::CreateAssociation,
        Self::AppointOfficer,
        Self::ApproveComposition,
        Self::ReorganizeAssociation,
        Self::LiquidateAssociation,
        Self::ApprovePlan,
        Self::Other,
    ];
    pub fn code(self) -> &'static str {
        match self {
            Self::CreateAssociation => "create_association",
            Self::ReorganizeAssociation => "reorganize_association",
            Self::LiquidateAssociation => "liquidate_association",
            Self::AppointOfficer => "appoint_officer",
            Self::ApproveComposition => "approve_composition",
            Self::ApprovePlan => "approve_plan",
            Self::Other => "other",
        }
    }
    pub fn label_ru(self) -> &'static str {
        match self {
            Self::CreateAssociation => "О создании методического объединения",
            Self::ReorganizeAssociation => "О реорганизации методического объединения",
            Self::LiquidateAssociation => "О ликвидации методического объединения",
            Self::AppointOfficer => "О назначении должностного лица объединения",
            Self::ApproveComposition => "Об утверждении состава объединения на учебный год",
            Self::ApprovePlan => "Об утверждении плана работы объединения",
            Self::Other => "Иной приказ",
        }
    }
    pub fn from_code(c: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|k| k.code() == c.trim())
    }
    /// Whether the order concerns an existing association (chosen in the form).
    pub fn needs_association(self) -> bool {
        !matches!(self, Self::CreateAssociation | Self::Other)
    }
}

/// An officer of an association.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OfficerRole {
    Head,
    Deputy,
    Secretary,
    Curator,
}

impl OfficerRole {
    pub const ALL: &'static [OfficerRole] = &[Self::Head, Self::Deputy, Self::Secretary, Self::Curator];
    pub fn code(self) -> &'static str {
        match self {
            Self::Head => "head",
            Self::Deputy => "deputy",
            Self::Secretary => "secretary",
            Self::Curator => "curator",
        }
    }
    pub fn label_ru(self) -> &'static str {
        match self {
            Self::Head => "руководитель (председатель)",
            Self::Deputy => "заместитель руководителя",
            Self::Secretary => "секретарь",
            Self::Curator => "куратор от органа управления образованием",
        }
    }
    pub fn from_code(c: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|k| k.code() == c.trim())
    }
    /// The post as an order appoints to it: «Назначить … заместителем руководителя».
    pub fn appointed_as(self) -> &'static str {
        match self {
            Self::Head => "руководителем (председателем)",
            Self::Deputy => "заместителем руководителя",
            Self::Secretary => "секретарём",
            Self::Curator => "куратором от органа управления образованием",
        }
    }
    /// The curator is a user of the authority; the others are teachers.
    pub fn is_teacher(self) -> bool {
        self != Self::Curator
    }
}

/// Who may be appointed an association's curator: a person of the authority of its municipality —
/// its head, a specialist or the head of the methodological cabinet (held as a grant of the
/// municipality, not of an association).
pub fn may_be_curator(role: Role) -> bool {
    matches!(role, Role::AuthorityHead | Role::AuthoritySpecialist | Role::CabinetHead)
}

/// What registering an order does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "effect", rename_all = "snake_case")]
pub enum Effect {
    CreateAssociation {
        name: String,
        direction: String,
        description: Option<String>,
        head_teacher_id: i64,
        member_ids: Vec<i64>,
    },
    ReorganizeAssociation {
        association_id: i64,
        name: String,
        direction: String,
    },
    LiquidateAssociation {
        association_id: i64,
    },
    AppointOfficer {
        association_id: i64,
        role: OfficerRole,
        teacher_id: Option<i64>,
        user_id: Option<i64>,
    },
    ApproveComposition {
        association_id: i64,
    },
    ApprovePlan {
        association_id: i64,
    },
    Other {
        association_id: Option<i64>,
    },
}

impl Effect {
    pub fn association_id(&self) -> Option<i64> {
        match self {
            Effect::CreateAssociation { .. } => None,
            Effect::ReorganizeAssociation { association_id, .. }
            | Effect::LiquidateAssociation { association_id }
            | Effect::AppointOfficer { association_id, .. }
            | Effect::ApproveComposition { association_id }
            | Effect::ApprovePlan { association_id } => Some(*association_id),
            Effect::Other { association_id } => *association_id,
        }
    }
}

/// The last point of an order the head of the authority keeps under their own control.
pub const CONTROL_POINT: &str = "Контроль исполнения приказа оставляю за собой.";

/// The names the standard points of an order speak of, as of the order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Named {
    /// The association concerned («ММО учителей математики»).
    pub association: String,
    /// Who is appointed: the new head of an association, or an officer («Кузнецова Татьяна
    /// Игоревна»).
    pub person: Option<String>,
    /// The academic year of the order's date, «2025/2026».
    pub year: String,
}

/// The operative part («ПРИКАЗЫВАЮ:») of an order registered without its text: the points its
/// effect stands for, ending with [`CONTROL_POINT`]. An «other» order has no standard points: its
/// text is required ([`OrderInput::parse`]); one stored without text gives none.
pub fn standard_points(effect: &Effect, n: &Named) -> Vec<String> {
    let person = n.person.as_deref().unwrap_or("—");
    let assoc = &n.association;
    let mut points = match effect {
        Effect::CreateAssociation { name, direction, .. } => vec![
            format!("Создать {name} (направление деятельности — {direction})."),
            format!("Назначить руководителем (председателем) объединения: {person}."),
        ],
        Effect::ReorganizeAssociation { name, direction, .. } => vec![format!(
            "Реорганизовать объединение «{assoc}»: новое название — {name}, направление деятельности — {direction}."
        )],
        Effect::LiquidateAssociation { .. } => vec![
            format!("Ликвидировать объединение «{assoc}»."),
            "Прекратить полномочия должностных лиц объединения с даты приказа.".to_owned(),
        ],
        Effect::AppointOfficer { role, .. } => {
            vec![format!("Назначить {} объединения «{assoc}»: {person}.", role.appointed_as())]
        }
        Effect::ApproveComposition { .. } => {
            vec![format!("Утвердить состав объединения «{assoc}» на {} учебный год (приложение).", n.year)]
        }
        Effect::ApprovePlan { .. } => {
            vec![format!("Утвердить план работы объединения «{assoc}» на {} учебный год.", n.year)]
        }
        Effect::Other { .. } => return vec![],
    };
    points.push(CONTROL_POINT.to_owned());
    points
}

/// An order as typed (form or JSON).
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct OrderInput {
    /// The order's number as the authority writes it: "135", "149-ОД".
    pub number: String,
    /// ДД.ММ.ГГГГ or ГГГГ-ММ-ДД
    pub date: String,
    /// create_association, appoint_officer, approve_composition, reorganize_association,
    /// liquidate_association, approve_plan, other
    pub kind: String,
    pub title: String,
    /// The points after «ПРИКАЗЫВАЮ:», one per line.
    pub body: String,
    /// Who signed it (position and name).
    pub signed_by: String,
    /// The association concerned (all kinds but create_association).
    pub association_id: Option<i64>,
    /// create_association, reorganize_association: the association's name and direction.
    pub name: String,
    pub direction: String,
    pub description: String,
    /// create_association: the head and the members (teacher ids).
    pub head_teacher_id: Option<i64>,
    pub member_ids: Vec<i64>,
    /// appoint_officer: head | deputy | secretary | curator, and the teacher (or, for a curator, the user).
    pub officer_role: String,
    pub officer_teacher_id: Option<i64>,
    pub officer_user_id: Option<i64>,
}

/// A validated order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrderData {
    pub number: String,
    pub date: Date,
    pub kind: OrderKind,
    pub title: String,
    pub body: Option<String>,
    pub signed_by: Option<String>,
    pub effect: Effect,
}

impl OrderInput {
    pub fn parse(&self, today: Date) -> Result<OrderData, Vec<FieldError>> {
        let mut e = Errors::new();
        let number = self.number.trim().to_owned();
        let ok_number = !number.is_empty()
            && number.chars().count() <= 30
            && number.chars().all(|c| c.is_alphanumeric() || "-/.№ _".contains(c));
        if !ok_number {
            e.push(FieldError::new("number", "Номер приказа: до 30 символов — буквы, цифры, знаки - / . №"));
        }
        let date = e.take(values::date("date", "Дата приказа", &self.date));
        if date.is_some_and(|d| d > today) {
            e.push(FieldError::new("date", "Дата приказа не может быть в будущем"));
        }
        let kind = OrderKind::from_code(&self.kind);
        if kind.is_none() {
            e.push(FieldError::new("kind", "Вид приказа: выберите значение из списка"));
        }
        let body = e.take(values::optional_long_text("body", "Текст приказа", &self.body, 20_000)).flatten();
        // Every other kind has standard points (`standard_points`); an «other» order says its own.
        if kind == Some(OrderKind::Other) && self.body.trim().is_empty() {
            e.push(FieldError::new("body", "Текст приказа: впишите пункты, которые следуют за «ПРИКАЗЫВАЮ:»"));
        }
        let signed_by = e.take(values::optional_text("signed_by", "Подписал", &self.signed_by, 200)).flatten();
        let association = match self.association_id {
            Some(id) if id > 0 => Some(id),
            _ => None,
        };
        let need_assoc = |e: &mut Errors| -> i64 {
            association.unwrap_or_else(|| {
                e.push(FieldError::new(
                    "association_id",
                    "Объединение: выберите, к какому объединению относится приказ",
                ));
                0
            })
        };
        let effect = match kind {
            None => None,
            Some(OrderKind::CreateAssociation) => {
                let name = e.take(values::required_text("name", "Название объединения", &self.name, 200));
                let direction = e.take(values::required_text("direction", "Направление", &self.direction, 200));
                let description =
                    e.take(values::optional_long_text("description", "Описание", &self.description, 5000)).flatten();
                let head = self.head_teacher_id.filter(|id| *id > 0);
                if head.is_none() {
                    e.push(FieldError::new(
                        "head_teacher_id",
                        "Руководитель: выберите педагога, назначаемого руководителем",
                    ));
                }
                let mut members: Vec<i64> = self.member_ids.iter().copied().filter(|id| *id > 0).collect();
                if let Some(h) = head {
                    members.push(h);
                }
                members.sort_unstable();
                members.dedup();
                Some(Effect::CreateAssociation {
                    name: name.unwrap_or_default(),
                    direction: direction.unwrap_or_default(),
                    description,
                    head_teacher_id: head.unwrap_or_default(),
                    member_ids: members,
                })
            }
            Some(OrderKind::ReorganizeAssociation) => {
                let association_id = need_assoc(&mut e);
                let name = e.take(values::required_text("name", "Новое название объединения", &self.name, 200));
                let direction = e.take(values::required_text("direction", "Направление", &self.direction, 200));
                Some(Effect::ReorganizeAssociation {
                    association_id,
                    name: name.unwrap_or_default(),
                    direction: direction.unwrap_or_default(),
                })
            }
            Some(OrderKind::LiquidateAssociation) => {
                Some(Effect::LiquidateAssociation { association_id: need_assoc(&mut e) })
            }
            Some(OrderKind::AppointOfficer) => {
                let association_id = need_assoc(&mut e);
                let role = OfficerRole::from_code(&self.officer_role);
                let (teacher_id, user_id) =
                    (self.officer_teacher_id.filter(|id| *id > 0), self.officer_user_id.filter(|id| *id > 0));
                match role {
                    None => e.push(FieldError::new("officer_role", "Должность: выберите значение из списка")),
                    Some(r) if r.is_teacher() && teacher_id.is_none() => {
                        e.push(FieldError::new("officer_teacher_id", "Педагог: выберите, кто назначается"))
                    }
                    Some(r) if !r.is_teacher() && user_id.is_none() => e.push(FieldError::new(
                        "officer_user_id",
                        "Куратор: выберите специалиста органа управления образованием",
                    )),
                    _ => {}
                }
                role.map(|role| Effect::AppointOfficer {
                    association_id,
                    role,
                    teacher_id: if role.is_teacher() { teacher_id } else { None },
                    user_id: if role.is_teacher() { None } else { user_id },
                })
            }
            Some(OrderKind::ApproveComposition) => {
                Some(Effect::ApproveComposition { association_id: need_assoc(&mut e) })
            }
            Some(OrderKind::ApprovePlan) => Some(Effect::ApprovePlan { association_id: need_assoc(&mut e) }),
            Some(OrderKind::Other) => Some(Effect::Other { association_id: association }),
        };
        let title = match values::optional_text("title", "Заголовок", &self.title, 500) {
            Ok(Some(t)) => t,
            Ok(None) => kind.map(|k| k.label_ru().to_owned()).unwrap_or_default(),
            Err(err) => {
                e.push(err);
                String::new()
            }
        };
        e.finish(|| OrderData {
            number,
            date: date.unwrap_or(today),
            kind: kind.unwrap_or(OrderKind::Other),
            title,
            body,
            signed_by,
            effect: effect.unwrap_or(Effect::Other { association_id: None }),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 23);

    #[test]
    fn a_creation_order_names_the_head_among_the_members() {
        let o = OrderInput {
            number: "149-ОД".into(),
            date: "01.09.2026".into(),
            kind: "create_association".into(),
            name: "ММО учителей физики".into(),
            direction: "физика".into(),
            head_teacher_id: Some(7),
            member_ids: vec![3, 7, 5, 3],
            ..Default::default()
        }
        .parse(TODAY)
        .unwrap();
        assert_eq!(o.title, "О создании методического объединения");
        match o.effect {
            Effect::CreateAssociation { head_teacher_id, member_ids, .. } => {
                assert_eq!(head_teacher_id, 7);
                assert_eq!(member_ids, vec![3, 5, 7]);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn bad_orders_say_what_is_missing() {
        let errs = OrderInput {
            number: "№ 1; DROP".into(),
            date: "01.01.2030".into(),
            kind: "appoint_officer".into(),
            officer_role: "secretary".into(),
            ..Default::default()
        }
        .parse(TODAY)
        .unwrap_err();
        let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["number", "date", "association_id", "officer_teacher_id"]);
        let errs = OrderInput { number: "1".into(), date: "01.01.2026".into(), kind: "?".into(), ..Default::default() }
            .parse(TODAY)
            .unwrap_err();
        assert_eq!(errs[0].field, "kind");
    }

    #[test]
    fn every_kind_but_other_has_its_operative_points() {
        let n = Named {
            association: "ММО учителей математики".into(),
            person: Some("Кузнецова Татьяна Игоревна".into()),
            year: "2025/2026".into(),
        };
        let appoint =
            Effect::AppointOfficer { association_id: 1, role: OfficerRole::Deputy, teacher_id: Some(2), user_id: None };
        assert_eq!(
            standard_points(&appoint, &n),
            [
                "Назначить заместителем руководителя объединения «ММО учителей математики»: Кузнецова Татьяна Игоревна.",
                CONTROL_POINT
            ]
        );
        assert_eq!(
            standard_points(&Effect::ApproveComposition { association_id: 1 }, &n)[0],
            "Утвердить состав объединения «ММО учителей математики» на 2025/2026 учебный год (приложение)."
        );
        let effects = [
            Effect::CreateAssociation {
                name: "ММО учителей физики".into(),
                direction: "физика".into(),
                description: None,
                head_teacher_id: 1,
                member_ids: vec![1],
            },
            Effect::ReorganizeAssociation {
                association_id: 1, name: "ММО".into(), direction: "физика".into()
            },
            Effect::LiquidateAssociation { association_id: 1 },
            appoint,
            Effect::ApproveComposition { association_id: 1 },
            Effect::ApprovePlan { association_id: 1 },
        ];
        for e in &effects {
            let points = standard_points(e, &n);
            assert!(points.len() >= 2 && points.last().is_some_and(|p| p == CONTROL_POINT), "{e:?}: {points:?}");
        }
        assert!(standard_points(&Effect::Other { association_id: None }, &n).is_empty());
        // so an «other» order needs its text
        let other = |body: &str| {
            OrderInput {
                number: "1".into(),
                date: "01.09.2026".into(),
                kind: "other".into(),
                body: body.into(),
                ..Default::default()
            }
            .parse(TODAY)
        };
        assert_eq!(other(" ").unwrap_err()[0].field, "body");
        assert!(other("Провести семинар.").is_ok());
    }

    #[test]
    fn curators_come_from_the_authority() {
        let curators: Vec<Role> = Role::ALL.iter().copied().filter(|r| may_be_curator(*r)).collect();
        assert_eq!(curators, [Role::AuthorityHead, Role::AuthoritySpecialist, Role::CabinetHead]);
    }

    #[test]
    fn a_curator_is_a_user_not_a_teacher() {
        let o = OrderInput {
            number: "12".into(),
            date: "2026-09-02".into(),
            kind: "appoint_officer".into(),
            association_id: Some(4),
            officer_role: "curator".into(),
            officer_teacher_id: Some(9),
            officer_user_id: Some(2),
            ..Default::default()
        }
        .parse(TODAY)
        .unwrap();
        assert_eq!(
            o.effect,
            Effect::AppointOfficer {
                association_id: 4,
                role: OfficerRole::Curator,
                teacher_id: None,
                user_id: Some(2)
            }
        );
    }
}
