//! The directory: regions, municipalities, organizations and user accounts as typed in a form or
//! a JSON body ("input", every field a string, missing = empty) and as validated ("data").
//! One `parse` per entity serves the page and the API alike.

use serde::{Deserialize, Serialize};

use crate::access::Role;
use crate::values::{self, Errors, FieldError};

/// The kind of an educational organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrganizationKind {
    School,
    Kindergarten,
    AdditionalEducation,
    Other,
}

impl OrganizationKind {
    pub const ALL: &'static [OrganizationKind] =
        &[Self::School, Self::Kindergarten, Self::AdditionalEducation, Self::Other];
    pub fn code(self) -> &'static str {
        match self {
            Self::School => "school",
            Self::Kindergarten => "kindergarten",
            Self::AdditionalEducation => "additional_education",
            Self::Other => "other",
        }
    }
    pub fn label_ru(self) -> &'static str {
        match self {
            Self::School => "Общеобразовательная организация (школа)",
            Self::Kindergarten => "Дошкольная образовательная организация (детский сад)",
            Self::AdditionalEducation => "Организация дополнительного образования",
            Self::Other => "Иная организация",
        }
    }
    pub fn from_code(c: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|k| k.code() == c.trim())
    }
}

/// Whether an association works or was liquidated by order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AssociationStatus {
    Active,
    Liquidated,
}

coded!(AssociationStatus {
    Active => "active", "действует";
    Liquidated => "liquidated", "ликвидировано";
});

/// Label of a kind code as stored (unknown codes are shown as they are).
pub fn organization_kind_label(code: &str) -> String {
    OrganizationKind::from_code(code).map_or_else(|| code.to_owned(), |k| k.label_ru().to_owned())
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct RegionInput {
    pub name: String,
    pub code: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegionData {
    pub name: String,
    pub code: Option<String>,
}

impl RegionInput {
    pub fn parse(&self) -> Result<RegionData, Vec<FieldError>> {
        let mut e = Errors::new();
        let name = e.take(values::required_text("name", "Название региона", &self.name, 200));
        let code = e.take(values::optional_text("code", "Код региона", &self.code, 10));
        e.finish(|| RegionData { name: name.unwrap_or_default(), code: code.flatten() })
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct MunicipalityInput {
    pub name: String,
    pub authority_name: String,
    /// The time zone as minutes east of UTC, one of the eleven Russian zones (120 … 720); on
    /// creation Moscow time (180) when absent, on update unchanged when absent.
    pub utc_offset_minutes: Option<i64>,
    /// The version of the record the edit is based on; a save based on an older one is refused
    /// with 409. Left out: no check.
    #[serde(deserialize_with = "crate::values::de_version")]
    pub version: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MunicipalityData {
    pub name: String,
    pub authority_name: Option<String>,
    pub zone: Option<crate::time::LocalZone>,
}

impl MunicipalityInput {
    pub fn parse(&self) -> Result<MunicipalityData, Vec<FieldError>> {
        let mut e = Errors::new();
        let name = e.take(values::required_text("name", "Название муниципалитета", &self.name, 200));
        let authority =
            e.take(values::optional_text("authority_name", "Орган управления образованием", &self.authority_name, 300));
        let zone = match self.utc_offset_minutes {
            None => None,
            Some(m) => match crate::time::LocalZone::russian(m) {
                Some(z) => Some(z),
                None => {
                    e.push(FieldError::new(
                        "utc_offset_minutes",
                        "Часовой пояс: выберите один из часовых поясов России (от UTC+2 до UTC+12)",
                    ));
                    None
                }
            },
        };
        e.finish(|| MunicipalityData { name: name.unwrap_or_default(), authority_name: authority.flatten(), zone })
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct OrganizationInput {
    pub full_name: String,
    pub short_name: String,
    /// school | kindergarten | additional_education | other
    pub kind: String,
    pub address: String,
    pub head_name: String,
    pub phone: String,
    pub email: String,
    pub website: String,
    /// The version of the record the edit is based on; a save based on an older one is refused
    /// with 409. Left out: no check.
    #[serde(deserialize_with = "crate::values::de_version")]
    pub version: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrganizationData {
    pub full_name: String,
    pub short_name: String,
    pub kind: OrganizationKind,
    pub address: Option<String>,
    pub head_name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
}

impl OrganizationInput {
    pub fn parse(&self) -> Result<OrganizationData, Vec<FieldError>> {
        let mut e = Errors::new();
        let full_name = e.take(values::required_text("full_name", "Полное наименование", &self.full_name, 500));
        let short_name = e.take(values::required_text("short_name", "Краткое наименование", &self.short_name, 150));
        let kind = OrganizationKind::from_code(&self.kind);
        if kind.is_none() {
            e.push(FieldError::new("kind", "Тип организации: выберите значение из списка"));
        }
        let address = e.take(values::optional_text("address", "Адрес", &self.address, 500));
        let head_name = e.take(values::optional_text("head_name", "Руководитель", &self.head_name, 200));
        let phone = e.take(values::optional_phone("phone", &self.phone));
        let email = e.take(values::optional_email("email", &self.email));
        let website = e.take(values::optional_url("website", "Сайт", &self.website));
        e.finish(|| OrganizationData {
            full_name: full_name.unwrap_or_default(),
            short_name: short_name.unwrap_or_default(),
            kind: kind.unwrap_or(OrganizationKind::Other),
            address: address.flatten(),
            head_name: head_name.flatten(),
            phone: phone.flatten(),
            email: email.flatten(),
            website: website.flatten(),
        })
    }
}

/// A new account, as typed by whoever creates it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct UserInput {
    pub login: String,
    pub full_name: String,
    pub email: String,
    /// The initial password; the user is asked to change it.
    pub password: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserData {
    pub login: String,
    pub full_name: String,
    pub email: Option<String>,
    pub password: Option<String>,
}

impl UserInput {
    /// `require_password`: a new account needs one; an edit keeps the old one when empty.
    pub fn parse(&self, require_password: bool) -> Result<UserData, Vec<FieldError>> {
        let mut e = Errors::new();
        let login = e.take(values::login("login", &self.login));
        let full_name = e.take(values::required_text("full_name", "ФИО", &self.full_name, 200));
        let email = e.take(values::optional_email("email", &self.email));
        let password = if self.password.is_empty() && !require_password {
            None
        } else {
            e.take(values::new_password("password", &self.password, login.as_deref().unwrap_or("")))
        };
        e.finish(|| UserData {
            login: login.unwrap_or_default(),
            full_name: full_name.unwrap_or_default(),
            email: email.flatten(),
            password,
        })
    }
}

/// A role to grant and the id of its scope, as typed.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct GrantInput {
    pub role: String,
    /// The id of the region, municipality, association or organization the role is held in
    /// (none for the administrator).
    pub scope_id: Option<i64>,
}

impl GrantInput {
    pub fn parse(&self) -> Result<(Role, Option<i64>), Vec<FieldError>> {
        let role = Role::from_code(&self.role)
            .ok_or_else(|| vec![FieldError::new("role", "Роль: выберите значение из списка")])?;
        match (role.scope_kind(), self.scope_id) {
            (crate::access::ScopeKind::System, _) => Ok((role, None)),
            (_, Some(id)) if id > 0 => Ok((role, Some(id))),
            (kind, _) => Err(vec![FieldError::new(
                "scope_id",
                format!("Для этой роли укажите, где она действует: {}", kind.label_ru()),
            )]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_organization_needs_names_and_a_known_kind() {
        let errs = OrganizationInput::default().parse().unwrap_err();
        let fields: Vec<_> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["full_name", "short_name", "kind"]);
        let ok = OrganizationInput {
            full_name: "Муниципальное бюджетное общеобразовательное учреждение «СОШ № 1»".into(),
            short_name: "МБОУ СОШ № 1".into(),
            kind: "school".into(),
            email: "sch1@example.ru".into(),
            ..Default::default()
        }
        .parse()
        .unwrap();
        assert_eq!(ok.kind, OrganizationKind::School);
        assert_eq!(ok.phone, None);
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let errs = OrganizationInput {
            full_name: "x".repeat(501),
            short_name: "Школа".into(),
            kind: "zoo".into(),
            phone: "звоните".into(),
            email: "no-at".into(),
            website: "ftp://x".into(),
            ..Default::default()
        }
        .parse()
        .unwrap_err();
        let fields: Vec<_> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["full_name", "kind", "phone", "email", "website"]);
    }

    #[test]
    fn grants_need_a_scope_unless_system_wide() {
        assert_eq!(
            GrantInput { role: "administrator".into(), scope_id: None }.parse().unwrap(),
            (Role::Administrator, None)
        );
        assert!(GrantInput { role: "authority_head".into(), scope_id: None }.parse().is_err());
        assert!(GrantInput { role: "pope".into(), scope_id: Some(1) }.parse().is_err());
        assert_eq!(
            GrantInput { role: "org_admin".into(), scope_id: Some(4) }.parse().unwrap(),
            (Role::OrgAdmin, Some(4))
        );
    }

    #[test]
    fn a_new_user_needs_a_strong_password() {
        let u = UserInput {
            login: "petrova".into(),
            full_name: "Петрова Анна Ивановна".into(),
            password: "123".into(),
            ..Default::default()
        };
        assert_eq!(u.parse(true).unwrap_err()[0].field, "password");
        let u = UserInput { password: String::new(), ..u };
        assert!(u.parse(false).is_ok());
    }
}
