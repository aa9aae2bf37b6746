//! Roles, scopes and the one access rule of Metoda.
//!
//! Every page and every API handler asks [`may`] before it reads or changes anything, so the
//! answer to "may this user do this to that" lives here and nowhere else. A user holds
//! [`Grant`]s: a role within a scope (the whole system, a region, a municipality, an association
//! or an organization). A grant carries the ids of every enclosing scope, resolved when the user's
//! grants are loaded, so the rule is a pure function over plain data.

use serde::{Deserialize, Serialize};

use crate::ids::{AssociationId, MunicipalityId, OrganizationId, RegionId, TeacherId, UserId};
use crate::profile::{ApprovalStep, Signatory};

/// What a scope is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScopeKind {
    System,
    Region,
    Municipality,
    Association,
    Organization,
}

impl ScopeKind {
    pub const ALL: &'static [ScopeKind] =
        &[Self::System, Self::Region, Self::Municipality, Self::Association, Self::Organization];
    pub fn code(self) -> &'static str {
        match self {
            Self::System => "system",
            Self::Region => "region",
            Self::Municipality => "municipality",
            Self::Association => "association",
            Self::Organization => "organization",
        }
    }
    pub fn label_ru(self) -> &'static str {
        match self {
            Self::System => "вся система",
            Self::Region => "регион",
            Self::Municipality => "муниципалитет",
            Self::Association => "методическое объединение",
            Self::Organization => "образовательная организация",
        }
    }
}

/// A role of DOMAIN.md §6.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Installs and runs the system; manages regions.
    Administrator,
    /// Region operator: manages the municipalities of a region, sums them up.
    RegionOperator,
    /// Head of the municipal education authority: signs orders, approves.
    AuthorityHead,
    /// Authority specialist, curator of associations.
    AuthoritySpecialist,
    /// Head of the methodological cabinet (service).
    CabinetHead,
    /// Head (chair) of an association.
    AssociationHead,
    /// Deputy of the association head.
    Deputy,
    /// Secretary of an association.
    Secretary,
    /// A member teacher of an association.
    MemberTeacher,
    /// Administrator of an educational organization (keeps its own staff records).
    OrgAdmin,
}

impl Role {
    pub const ALL: &'static [Role] = &[
        Role::Administrator,
        Role::RegionOperator,
        Role::AuthorityHead,
        Role::AuthoritySpecialist,
        Role::CabinetHead,
        Role::AssociationHead,
        Role::Deputy,
        Role::Secretary,
        Role::MemberTeacher,
        Role::OrgAdmin,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Administrator => "administrator",
            Self::RegionOperator => "region_operator",
            Self::AuthorityHead => "authority_head",
            Self::AuthoritySpecialist => "authority_specialist",
            Self::CabinetHead => "cabinet_head",
            Self::AssociationHead => "association_head",
            Self::Deputy => "deputy",
            Self::Secretary => "secretary",
            Self::MemberTeacher => "member_teacher",
            Self::OrgAdmin => "org_admin",
        }
    }

    pub fn from_code(code: &str) -> Option<Role> {
        let c = code.trim().replace('-', "_");
        Self::ALL.iter().copied().find(|r| r.code() == c)
    }

    pub fn label_ru(self) -> &'static str {
        match self {
            Self::Administrator => "Администратор системы",
            Self::RegionOperator => "Оператор региона",
            Self::AuthorityHead => "Руководитель органа управления образованием",
            Self::AuthoritySpecialist => "Специалист (куратор) органа управления образованием",
            Self::CabinetHead => "Заведующий методическим кабинетом",
            Self::AssociationHead => "Руководитель методического объединения",
            Self::Deputy => "Заместитель руководителя объединения",
            Self::Secretary => "Секретарь объединения",
            Self::MemberTeacher => "Педагог — член объединения",
            Self::OrgAdmin => "Администратор образовательной организации",
        }
    }

    /// The kind of scope the role is granted in.
    pub fn scope_kind(self) -> ScopeKind {
        match self {
            Self::Administrator => ScopeKind::System,
            Self::RegionOperator => ScopeKind::Region,
            Self::AuthorityHead | Self::AuthoritySpecialist | Self::CabinetHead => ScopeKind::Municipality,
            Self::AssociationHead | Self::Deputy | Self::Secretary | Self::MemberTeacher => ScopeKind::Association,
            Self::OrgAdmin => ScopeKind::Organization,
        }
    }

    /// Roles of the authority that manage its municipality (organizations, users, profile).
    fn manages_municipality(self) -> bool {
        matches!(self, Self::AuthorityHead | Self::AuthoritySpecialist)
    }
}

/// A role held within one scope, with the ids of every enclosing scope resolved.
/// An association or organization grant always knows its municipality and region.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    pub role: Role,
    pub region_id: Option<RegionId>,
    pub municipality_id: Option<MunicipalityId>,
    pub association_id: Option<AssociationId>,
    pub organization_id: Option<OrganizationId>,
}

/// Who is asking: a user and their grants.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Principal {
    pub user_id: UserId,
    pub grants: Vec<Grant>,
}

/// A place in the hierarchy: a region and, optionally, one of its municipalities.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    pub region_id: RegionId,
    pub municipality_id: Option<MunicipalityId>,
}

/// What is being done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// See a record (for a teacher: name, organization, position, category).
    View,
    /// See a teacher's personal data (birth date, contacts, education, courses) — 152-ФЗ.
    ViewPersonal,
    Create,
    Update,
    Archive,
}

/// What it is done to. Create actions name the place the new thing will belong to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    /// The list of regions, a region.
    Region { region_id: Option<RegionId> },
    /// A municipality (`municipality_id` None: a new one in the region).
    Municipality { region_id: RegionId, municipality_id: Option<MunicipalityId> },
    /// An educational organization of a municipality.
    Organization { region_id: RegionId, municipality_id: MunicipalityId, organization_id: Option<OrganizationId> },
    /// A regulation profile: a preset (`owner` None) or one owned by a municipality.
    Profile { owner: Option<Place> },
    /// The choice of a municipality's regulation profile.
    ProfileAssignment { region_id: RegionId, municipality_id: MunicipalityId },
    /// A user account whose home is `place` (None: a system-level user, the administrators).
    User { place: Option<Place> },
    /// Granting `role` within `place` (None: system-wide).
    Grant { role: Role, place: Option<Place> },
    /// The audit trail of a place (None: all of it).
    Audit { place: Option<Place> },
    /// An association of a municipality.
    Association { region_id: RegionId, municipality_id: MunicipalityId, association_id: Option<AssociationId> },
    /// A teacher of the data bank, working at `organization_id`; `association_id` is one of the
    /// associations the teacher is a member of (ask once per membership, or None); `own`: the
    /// record is the asking user's own.
    Teacher {
        region_id: RegionId,
        municipality_id: MunicipalityId,
        organization_id: Option<OrganizationId>,
        association_id: Option<AssociationId>,
        own: bool,
    },
    /// An order of the authority (orders are never changed: a correction is a new order).
    Order { region_id: RegionId, municipality_id: MunicipalityId },
    /// The work of an association: its yearly plan and cyclogram, its meetings, attendance,
    /// decisions and draft minutes. `Create`/`Update` edit it; `View` reads it.
    AssociationWork { region_id: RegionId, municipality_id: MunicipalityId, association_id: AssociationId },
    /// Taking one step of a plan's approval path (asked with `Create`).
    PlanStep { region_id: RegionId, municipality_id: MunicipalityId, association_id: AssociationId, step: ApprovalStep },
    /// The yearly analysis of an association: `View` reads it, `Update` writes its sections and
    /// submits it (the association's head or deputy: the head "writes the text" and submits).
    Analysis { region_id: RegionId, municipality_id: MunicipalityId, association_id: AssociationId },
    /// Accepting or returning the submitted analyses of a municipality (asked with `Update`): the
    /// authority's; `to_region`: a report the profile sends to the region's association (004 §2.3:
    /// the calendar year's, to РУМО), which the region operator decides on instead.
    AnalysisDecision { region_id: RegionId, municipality_id: MunicipalityId, to_region: bool },
    /// The region's roll-up of the analyses (asked with `View`): the region operator's.
    RegionSummary { region_id: RegionId },
    /// A result of teachers and their students (a student's result, an exam score, a teacher's own
    /// result), read or entered through `association_id` (one of the associations its teachers are
    /// members of; ask once per association). `own`: the asking user is one of the result's
    /// teachers. `View` reads it without students' names, `ViewPersonal` with them;
    /// `Create`/`Update`/`Archive` enter, edit and remove it (and attach its scan). `confirmed`:
    /// the curator has confirmed it; then only the association's head or deputy and the authority
    /// change or remove it (with a reason), never a teacher alone.
    Results {
        region_id: RegionId,
        municipality_id: MunicipalityId,
        association_id: Option<AssociationId>,
        own: bool,
        confirmed: bool,
    },
    /// A curator's decision on a result of the municipality: `View` lists the pending ones,
    /// `Update` confirms or rejects one. `own`: the asking user is one of its teachers (nobody
    /// confirms their own result).
    ResultDecision { region_id: RegionId, municipality_id: MunicipalityId, own: bool },
    /// An event of a municipality, organised by `association_id` (None: by the authority), whose
    /// announcement reaches `reach`. `View` reads it (and lets a teacher register themselves);
    /// `Create`/`Update` organise it: its fields, its announcement, its registrations and sheet.
    Event {
        region_id: RegionId,
        municipality_id: MunicipalityId,
        association_id: Option<AssociationId>,
        reach: crate::events::Reach,
    },
}

impl Resource {
    /// Any teacher record of a municipality, as no one in particular (not the asker's own, through
    /// no association): what the authority's rights over the municipality's records answer.
    pub fn teachers_of(region_id: RegionId, municipality_id: MunicipalityId) -> Resource {
        Resource::Teacher { region_id, municipality_id, organization_id: None, association_id: None, own: false }
    }
}

impl Grant {
    fn is_admin(&self) -> bool {
        self.role == Role::Administrator
    }
    fn in_region(&self, region_id: RegionId) -> bool {
        self.region_id == Some(region_id)
    }
    fn in_municipality(&self, municipality_id: MunicipalityId) -> bool {
        self.municipality_id == Some(municipality_id)
    }
    /// The grant covers the place: a region grant covers its municipalities.
    fn covers(&self, place: &Place) -> bool {
        match self.role.scope_kind() {
            ScopeKind::System => true,
            ScopeKind::Region => self.in_region(place.region_id),
            _ => place.municipality_id.is_some_and(|m| self.in_municipality(m)),
        }
    }
}

/// Which teachers a user may list: the SQL side of [`may`] for `Resource::Teacher` / `View`.
/// A teacher is visible when any part matches (kept in step with `may` by a test).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TeacherScope {
    /// Every teacher everywhere (the administrator).
    pub all: bool,
    pub municipalities: Vec<MunicipalityId>,
    pub organizations: Vec<OrganizationId>,
    /// Current members of these associations.
    pub associations: Vec<AssociationId>,
}

impl TeacherScope {
    pub fn is_empty(&self) -> bool {
        !self.all && self.municipalities.is_empty() && self.organizations.is_empty() && self.associations.is_empty()
    }
}

/// Whether every teacher the user may list is one whose personal data the user may also see
/// (so filters and counts by age, experience and education reveal nothing new). Members and
/// secretaries see colleagues' names and categories only.
pub fn sees_personal_data_of_all_listed(who: &Principal) -> bool {
    who.grants.iter().all(|g| !matches!(g.role, Role::Secretary | Role::MemberTeacher))
}

pub fn teacher_scope(who: &Principal) -> TeacherScope {
    let mut s = TeacherScope::default();
    for g in &who.grants {
        match g.role {
            Role::Administrator => s.all = true,
            Role::AuthorityHead | Role::AuthoritySpecialist | Role::CabinetHead => {
                s.municipalities.extend(g.municipality_id)
            }
            Role::OrgAdmin => s.organizations.extend(g.organization_id),
            Role::AssociationHead | Role::Deputy | Role::Secretary | Role::MemberTeacher => {
                s.associations.extend(g.association_id)
            }
            Role::RegionOperator => {}
        }
    }
    s
}

/// A result as the rules of results see it: its municipality, whether the asking user is one of
/// its teachers ([`is_own_result`]) and whether the curator has confirmed it. The caller loads the
/// ids; the rules below decide.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResultAt {
    pub region_id: RegionId,
    pub municipality_id: MunicipalityId,
    pub own: bool,
    pub confirmed: bool,
}

impl ResultAt {
    /// The result read or entered through `association_id` (None: through none of them).
    pub fn resource(self, association_id: Option<AssociationId>) -> Resource {
        Resource::Results {
            region_id: self.region_id,
            municipality_id: self.municipality_id,
            association_id,
            own: self.own,
            confirmed: self.confirmed,
        }
    }
}

/// The associations one teacher of a result was a member of on the result's date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MembershipsOn {
    pub teacher_id: TeacherId,
    pub associations: Vec<AssociationId>,
}

/// Whether the user whose teacher records are `my_teachers` is one of a result's `teachers`.
pub fn is_own_result(my_teachers: &[TeacherId], teachers: &[TeacherId]) -> bool {
    teachers.iter().any(|t| my_teachers.contains(t))
}

/// May `who` do `action` to a result, in its municipality or through any of `associations` (those
/// its teachers were members of on its date; for a new result's teachers, those they ever were
/// members of — the store checks the date again)?
pub fn may_result(who: &Principal, action: Action, result: ResultAt, associations: &[AssociationId]) -> bool {
    may(who, action, &result.resource(None))
        || associations.iter().any(|a| may(who, action, &result.resource(Some(*a))))
}

/// A result entered through an association names only its members on the result's date: every
/// teacher's memberships on that date include `association_id` (the association's list shows a
/// result by its teachers' membership on its date).
pub fn only_members_of(association_id: AssociationId, teachers: &[MembershipsOn]) -> bool {
    teachers.iter().all(|t| t.associations.contains(&association_id))
}

/// A rewritten result keeps the rule of [`only_members_of`]: all its (new) teachers are members, on
/// its (new) date, of one association where `who` may change results — so a member teacher names
/// as co-teachers only members of their own association, as the head and the deputy do. Whether a
/// confirmed result may be changed at all is another question ([`may_result`]); this one is asked
/// as of a pending result.
pub fn in_one_association(who: &Principal, result: ResultAt, teachers: &[MembershipsOn]) -> bool {
    let result = ResultAt { confirmed: false, ..result };
    let mut common: Option<Vec<AssociationId>> = None;
    for t in teachers {
        common = Some(match common {
            None => t.associations.clone(),
            Some(prev) => prev.into_iter().filter(|a| t.associations.contains(a)).collect(),
        });
    }
    let common = common.unwrap_or_default();
    let anywhere = may(who, Action::Update, &result.resource(None));
    (anywhere && !common.is_empty()) || common.iter().any(|a| may(who, Action::Update, &result.resource(Some(*a))))
}

#[cfg(test)]
mod results_rules_tests {
    use super::*;

    fn one(role: Role, association_id: Option<AssociationId>) -> Principal {
        Principal {
            user_id: UserId(1),
            grants: vec![Grant {
                role,
                region_id: Some(RegionId(1)),
                municipality_id: Some(MunicipalityId(10)),
                association_id,
                organization_id: None,
            }],
        }
    }

    fn at(own: bool, confirmed: bool) -> ResultAt {
        ResultAt { region_id: RegionId(1), municipality_id: MunicipalityId(10), own, confirmed }
    }

    fn on(teacher_id: TeacherId, associations: &[i64]) -> MembershipsOn {
        MembershipsOn { teacher_id, associations: associations.iter().copied().map(AssociationId).collect() }
    }

    #[test]
    fn a_result_is_ones_own_when_one_of_its_teachers_is_the_user() {
        assert!(is_own_result(&[TeacherId(3), TeacherId(7)], &[TeacherId(5), TeacherId(7)]));
        assert!(!is_own_result(&[TeacherId(3)], &[TeacherId(5), TeacherId(7)]));
        assert!(!is_own_result(&[], &[TeacherId(5)]), "a user without a teacher record owns no result");
    }

    #[test]
    fn a_result_is_reached_through_its_teachers_associations() {
        let head = one(Role::AssociationHead, Some(AssociationId(5)));
        assert!(may_result(&head, Action::Update, at(false, false), &[AssociationId(6), AssociationId(5)]));
        assert!(
            !may_result(&head, Action::Update, at(false, false), &[AssociationId(6)]),
            "not through another association"
        );
        assert!(!may_result(&head, Action::Update, at(false, false), &[]));
        let spec = one(Role::AuthoritySpecialist, None);
        assert!(may_result(&spec, Action::Archive, at(false, true), &[]), "the authority: in the whole municipality");
        let teacher = one(Role::MemberTeacher, Some(AssociationId(5)));
        assert!(may_result(&teacher, Action::Update, at(true, false), &[AssociationId(5)]));
        assert!(
            !may_result(&teacher, Action::Update, at(true, true), &[AssociationId(5)]),
            "a confirmed result is locked"
        );
        assert!(!may_result(&teacher, Action::Update, at(false, false), &[AssociationId(5)]), "a colleague's result");
        assert!(may_result(&teacher, Action::View, at(false, false), &[AssociationId(5)]));
    }

    #[test]
    fn a_result_entered_through_an_association_names_its_members_only() {
        assert!(only_members_of(AssociationId(5), &[on(TeacherId(1), &[5]), on(TeacherId(2), &[4, 5])]));
        assert!(
            !only_members_of(AssociationId(5), &[on(TeacherId(1), &[5]), on(TeacherId(2), &[4])]),
            "a teacher of another association"
        );
        assert!(!only_members_of(AssociationId(5), &[on(TeacherId(1), &[])]), "not a member on the result's date");
    }

    #[test]
    fn a_rewritten_result_stays_within_one_association_of_the_user() {
        let head = one(Role::AssociationHead, Some(AssociationId(5)));
        assert!(in_one_association(&head, at(false, false), &[on(TeacherId(1), &[5]), on(TeacherId(2), &[5, 6])]));
        assert!(
            !in_one_association(&head, at(false, false), &[on(TeacherId(1), &[5]), on(TeacherId(2), &[6])]),
            "no common association"
        );
        assert!(
            !in_one_association(&head, at(false, false), &[on(TeacherId(1), &[6]), on(TeacherId(2), &[6])]),
            "not the head's"
        );
        assert!(!in_one_association(&head, at(false, false), &[]));
        // The authority may change results anywhere in the municipality, still of one association.
        let spec = one(Role::AuthoritySpecialist, None);
        assert!(in_one_association(&spec, at(false, false), &[on(TeacherId(1), &[6]), on(TeacherId(2), &[6, 7])]));
        assert!(!in_one_association(&spec, at(false, false), &[on(TeacherId(1), &[6]), on(TeacherId(2), &[7])]));
        // A teacher: their own result, in their association; the lock of a confirmed result is not asked here.
        let teacher = one(Role::MemberTeacher, Some(AssociationId(5)));
        assert!(in_one_association(&teacher, at(true, true), &[on(TeacherId(1), &[5]), on(TeacherId(2), &[5])]));
        assert!(!in_one_association(&teacher, at(false, false), &[on(TeacherId(2), &[5])]), "a colleague's result");
    }
}

/// The access rule: may `who` do `action` to `what`?
pub fn may(who: &Principal, action: Action, what: &Resource) -> bool {
    who.grants.iter().any(|g| grant_allows(g, action, what))
}

fn grant_allows(g: &Grant, action: Action, what: &Resource) -> bool {
    use Action::*;
    if g.is_admin() {
        return true;
    }
    let role = g.role;
    let operator = role == Role::RegionOperator;
    match *what {
        Resource::Region { region_id } => action == View && region_id.is_some_and(|r| g.in_region(r)),
        Resource::Municipality { region_id, municipality_id } => match municipality_id {
            None => operator && g.in_region(region_id) && matches!(action, Create | View),
            Some(m) => {
                if operator {
                    g.in_region(region_id)
                } else {
                    action == View && g.in_municipality(m)
                }
            }
        },
        Resource::Organization { region_id, municipality_id, organization_id } => {
            if operator {
                return action == View && g.in_region(region_id);
            }
            if !g.in_municipality(municipality_id) {
                return false;
            }
            if role.manages_municipality() {
                return true;
            }
            match role {
                Role::OrgAdmin => {
                    action == View
                        || action == Update && organization_id.is_some() && organization_id == g.organization_id
                }
                // Everyone else of the municipality sees its organizations (the venues, schools).
                _ => action == View,
            }
        }
        Resource::Profile { owner } => match owner {
            // Presets are read-only for all and visible to every signed-in user.
            None => action == View,
            Some(place) => {
                if action == View {
                    g.covers(&place) || operator && g.in_region(place.region_id)
                } else {
                    role.manages_municipality() && g.covers(&place) && place.municipality_id.is_some()
                }
            }
        },
        Resource::ProfileAssignment { region_id, municipality_id } => {
            let place = Place { region_id, municipality_id: Some(municipality_id) };
            match action {
                View => g.covers(&place),
                _ => role.manages_municipality() && g.covers(&place),
            }
        }
        Resource::User { place } => match place {
            None => false,
            Some(place) => {
                let manager = operator || role.manages_municipality();
                match action {
                    View => (manager || role == Role::CabinetHead) && g.covers(&place),
                    _ => manager && g.covers(&place),
                }
            }
        },
        Resource::Grant { role: granted, place } => {
            let Some(place) = place else { return false };
            matches!(action, Create | Archive) && covers_role(g, granted, &place)
        }
        Resource::Audit { place } => {
            action == View && place.is_some_and(|p| (operator || role.manages_municipality()) && g.covers(&p))
        }
        Resource::Teacher { municipality_id, organization_id, association_id, own, .. } => {
            if !g.in_municipality(municipality_id) {
                return false;
            }
            // Everyone sees their own record in full (152-ФЗ: the subject's right of access).
            if own && matches!(action, View | ViewPersonal) {
                return true;
            }
            if role.manages_municipality() {
                return true;
            }
            let member_of_mine = association_id.is_some() && association_id == g.association_id;
            match role {
                Role::CabinetHead => matches!(action, View | ViewPersonal),
                Role::OrgAdmin => organization_id.is_some() && organization_id == g.organization_id,
                Role::AssociationHead | Role::Deputy => {
                    action == Create || member_of_mine && matches!(action, View | ViewPersonal | Update)
                }
                Role::Secretary | Role::MemberTeacher => member_of_mine && action == View,
                _ => false,
            }
        }
        Resource::Order { region_id, municipality_id } => match action {
            View => g.in_municipality(municipality_id) || operator && g.in_region(region_id),
            Create => role.manages_municipality() && g.in_municipality(municipality_id),
            _ => false,
        },
        Resource::AssociationWork { region_id, municipality_id, association_id } => {
            if operator {
                return action == View && g.in_region(region_id);
            }
            if !g.in_municipality(municipality_id) {
                return false;
            }
            if role.manages_municipality() {
                return true;
            }
            match role.scope_kind() {
                ScopeKind::Association => {
                    g.association_id == Some(association_id)
                        && (action == View
                            || matches!(action, Create | Update)
                                && matches!(role, Role::AssociationHead | Role::Deputy | Role::Secretary))
                }
                // The cabinet and the schools follow the associations of their municipality.
                _ => action == View,
            }
        }
        Resource::Analysis { region_id, municipality_id, association_id } => match action {
            View => grant_allows(g, View, &Resource::AssociationWork { region_id, municipality_id, association_id }),
            Update | Create => {
                g.in_municipality(municipality_id)
                    && g.association_id == Some(association_id)
                    && matches!(role, Role::AssociationHead | Role::Deputy)
            }
            _ => false,
        },
        Resource::RegionSummary { region_id } => action == View && operator && g.in_region(region_id),
        Resource::Event { region_id, municipality_id, association_id, reach } => {
            if operator {
                return action == View && g.in_region(region_id);
            }
            if !g.in_municipality(municipality_id) {
                return false;
            }
            let authority = matches!(role, Role::AuthorityHead | Role::AuthoritySpecialist | Role::CabinetHead);
            let officer = association_id.is_some()
                && g.association_id == association_id
                && matches!(role, Role::AssociationHead | Role::Deputy | Role::Secretary);
            match action {
                // The association's people, the authority; a municipal or public event everyone
                // of the municipality.
                View => {
                    authority
                        || officer
                        || association_id.is_some() && g.association_id == association_id
                        || reach != crate::events::Reach::Members
                }
                // The association's officers organise its events; the authority any.
                Create | Update => authority || officer,
                _ => false,
            }
        }
        Resource::AnalysisDecision { region_id, municipality_id, to_region } => {
            action == Update
                && if to_region {
                    operator && g.in_region(region_id)
                } else {
                    role.manages_municipality() && g.in_municipality(municipality_id)
                }
        }
        Resource::Results { region_id, municipality_id, association_id, own, confirmed } => {
            if operator {
                // The region sums results up: the records, never the students' names.
                return action == View && g.in_region(region_id);
            }
            if !g.in_municipality(municipality_id) {
                return false;
            }
            let here = association_id.is_some() && g.association_id == association_id;
            match role {
                Role::AuthorityHead | Role::AuthoritySpecialist => true,
                Role::CabinetHead => matches!(action, View | ViewPersonal),
                Role::AssociationHead | Role::Deputy => here,
                Role::Secretary | Role::MemberTeacher => {
                    here && (action == View || own && !(confirmed && matches!(action, Update | Archive)))
                }
                // The schools follow the associations of their municipality (no students' names).
                Role::OrgAdmin => action == View && association_id.is_some(),
                Role::Administrator | Role::RegionOperator => false,
            }
        }
        Resource::ResultDecision { municipality_id, own, .. } => {
            g.in_municipality(municipality_id)
                && matches!(role, Role::AuthorityHead | Role::AuthoritySpecialist | Role::CabinetHead)
                && (action == View || action == Update && !own)
        }
        Resource::PlanStep { municipality_id, association_id, step, .. } => {
            if action != Create || !g.in_municipality(municipality_id) {
                return false;
            }
            let officer = g.association_id == Some(association_id);
            match step {
                ApprovalStep::DraftedByHead => {
                    officer && matches!(role, Role::AssociationHead | Role::Deputy) || role.manages_municipality()
                }
                ApprovalStep::ConsideredAtMeeting | ApprovalStep::AdoptedAtMeeting => {
                    officer && matches!(role, Role::AssociationHead | Role::Deputy | Role::Secretary)
                        || role.manages_municipality()
                }
                ApprovalStep::AgreedWithCabinetHead => role == Role::CabinetHead,
                ApprovalStep::ApprovedByAuthorityHead => role == Role::AuthorityHead,
                ApprovalStep::ApprovedByAuthorityOrder | ApprovalStep::Approved => role.manages_municipality(),
            }
        }
        Resource::Association { region_id, municipality_id, association_id } => {
            if operator {
                return action == View && g.in_region(region_id);
            }
            if !g.in_municipality(municipality_id) {
                return false;
            }
            if role.manages_municipality() {
                return true;
            }
            match role.scope_kind() {
                ScopeKind::Association => {
                    action == View && (association_id.is_none() || association_id == g.association_id)
                        || matches!(role, Role::AssociationHead)
                            && action == Update
                            && association_id.is_some()
                            && association_id == g.association_id
                }
                _ => action == View,
            }
        }
    }
}

/// Whether the grant holds every right that `role` has within `place`, so that its holder may
/// give or take that role there and manage an account holding it ([decision 0009]).
///
/// - The region operator holds the rights of another region operator of its region and nothing
///   of a municipality's roles: they all read teachers' personal data, which the operator does not.
/// - The authority's head holds every power of its municipality: it appoints the association's
///   officers and the cabinet by order, and every office of the municipality acts on its behalf,
///   so it covers every municipal, association and organization role there.
/// - The authority's specialist covers the roles whose every right it holds: another specialist,
///   an organization's administrator, a member teacher. It does not cover the authority's head
///   (who approves plans), the cabinet head (who agrees them) or the association's head, deputy
///   and secretary (who sign minutes).
/// - Nobody else gives roles. The administrator alone manages administrators.
///
/// A unit test checks the specialist's and the operator's cover against [`may`] and
/// [`signatory_roles`] over every resource.
///
/// [decision 0009]: ../../../docs/decisions/0009-who-manages-accounts.md
fn covers_role(g: &Grant, role: Role, place: &Place) -> bool {
    if g.is_admin() {
        return true;
    }
    match role {
        Role::Administrator => false,
        Role::RegionOperator => g.role == Role::RegionOperator && g.in_region(place.region_id),
        _ => {
            let here = place.municipality_id.is_some_and(|m| g.in_municipality(m));
            here && match g.role {
                Role::AuthorityHead => true,
                Role::AuthoritySpecialist => {
                    matches!(role, Role::AuthoritySpecialist | Role::OrgAdmin | Role::MemberTeacher)
                }
                _ => false,
            }
        }
    }
}

/// The signatures an association's role may put under minutes: the head as head or chair, a
/// deputy as chair, the secretary as secretary.
pub fn signs_as(role: Role) -> &'static [Signatory] {
    match role {
        Role::AssociationHead => &[Signatory::Head, Signatory::Chair],
        Role::Deputy => &[Signatory::Chair],
        Role::Secretary => &[Signatory::Secretary],
        _ => &[],
    }
}

/// May `who` sign the minutes of an association's meeting as `role`? Only in a role the user holds
/// in that association ([`signatory_roles`]): signing is the user's own act.
pub fn may_sign_as(who: &Principal, association_id: AssociationId, role: Signatory) -> bool {
    signatory_roles(who, association_id).contains(&role)
}

/// A teacher's record as the rules of its per-year part see it (the self-education topic, courses,
/// difficulties and needs, further places of work): where it is, whose it is and the associations
/// the teacher is a current member of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TeacherRecord<'a> {
    pub region_id: RegionId,
    pub municipality_id: MunicipalityId,
    /// The main place of work.
    pub organization_id: OrganizationId,
    /// The user account linked to the record, if any.
    pub user_id: Option<UserId>,
    pub memberships: &'a [AssociationId],
}

impl TeacherRecord<'_> {
    /// The record is the asking user's own.
    pub fn is_own(&self, who: &Principal) -> bool {
        self.user_id == Some(who.user_id)
    }
}

/// May `who` do `action` to the teacher's record, through the record itself or through any of the
/// teacher's memberships ([`Resource::Teacher`] asked once per membership).
pub fn may_on_teacher(who: &Principal, action: Action, t: &TeacherRecord<'_>) -> bool {
    let own = t.is_own(who);
    let res = |association_id: Option<AssociationId>| Resource::Teacher {
        region_id: t.region_id,
        municipality_id: t.municipality_id,
        organization_id: Some(t.organization_id),
        association_id,
        own,
    };
    may(who, action, &res(None)) || t.memberships.iter().any(|a| may(who, action, &res(Some(*a))))
}

/// Who reads the per-year part: whoever sees the card's personal part.
pub fn may_read_teacher_year(who: &Principal, t: &TeacherRecord<'_>) -> bool {
    may_on_teacher(who, Action::View, t) && may_on_teacher(who, Action::ViewPersonal, t)
}

/// Who writes the per-year part (proposes the topic, records courses and difficulties): the
/// teacher (own record) and whoever may update the record.
pub fn may_write_teacher_year(who: &Principal, t: &TeacherRecord<'_>) -> bool {
    t.is_own(who) || may_on_teacher(who, Action::Update, t)
}

/// Who adds a further place of work: whoever may update the record (not the teacher alone).
pub fn may_add_teacher_position(who: &Principal, t: &TeacherRecord<'_>) -> bool {
    may_on_teacher(who, Action::Update, t)
}

/// Who agrees a self-education topic (002 §6): the head (or deputy) of an association the teacher
/// is a member of, or the authority of the teacher's municipality — never the teacher themself.
pub fn may_agree_topic(who: &Principal, t: &TeacherRecord<'_>) -> bool {
    !t.is_own(who)
        && who.grants.iter().any(|g| match g.role {
            Role::AssociationHead | Role::Deputy => g.association_id.is_some_and(|a| t.memberships.contains(&a)),
            Role::AuthorityHead | Role::AuthoritySpecialist | Role::CabinetHead => {
                g.municipality_id == Some(t.municipality_id)
            }
            Role::Administrator => true,
            _ => false,
        })
}

#[cfg(test)]
mod teacher_year_rules_tests {
    use super::*;

    const USER: i64 = 1;

    /// The user `USER` holding one role in region 1.
    fn who(
        role: Role,
        municipality_id: Option<MunicipalityId>,
        association_id: Option<AssociationId>,
        organization_id: Option<OrganizationId>,
    ) -> Principal {
        Principal {
            user_id: UserId(USER),
            grants: vec![Grant {
                role,
                region_id: Some(RegionId(1)),
                municipality_id,
                association_id,
                organization_id,
            }],
        }
    }

    /// A teacher of municipality 10 working at organization 7, a member of association 5.
    fn record(user_id: Option<UserId>) -> TeacherRecord<'static> {
        TeacherRecord {
            region_id: RegionId(1),
            municipality_id: MunicipalityId(10),
            organization_id: OrganizationId(7),
            user_id,
            memberships: &[AssociationId(5)],
        }
    }

    #[test]
    fn the_teacher_writes_their_own_year_but_never_agrees_their_topic() {
        let me = who(Role::MemberTeacher, Some(MunicipalityId(10)), Some(AssociationId(5)), None);
        let own = record(Some(UserId(USER)));
        assert!(may_read_teacher_year(&me, &own) && may_write_teacher_year(&me, &own));
        assert!(!may_add_teacher_position(&me, &own) && !may_agree_topic(&me, &own));
        let colleague = record(Some(UserId(2)));
        assert!(!may_read_teacher_year(&me, &colleague), "a member sees colleagues' names only");
        assert!(!may_write_teacher_year(&me, &colleague) && !may_agree_topic(&me, &colleague));
        // The head of the teacher's association agrees, except their own topic.
        let head = who(Role::AssociationHead, Some(MunicipalityId(10)), Some(AssociationId(5)), None);
        assert!(may_agree_topic(&head, &colleague) && may_write_teacher_year(&head, &colleague));
        let head_own = TeacherRecord { user_id: Some(UserId(USER)), ..colleague };
        assert!(!may_agree_topic(&head, &head_own));
        assert!(may_write_teacher_year(&head, &head_own), "the head writes their own year as a teacher");
    }

    #[test]
    fn heads_of_other_associations_and_other_municipalities_do_not_agree() {
        let t = record(None);
        let other_head = who(Role::Deputy, Some(MunicipalityId(10)), Some(AssociationId(6)), None);
        assert!(!may_agree_topic(&other_head, &t) && !may_write_teacher_year(&other_head, &t));
        let deputy = who(Role::Deputy, Some(MunicipalityId(10)), Some(AssociationId(5)), None);
        assert!(may_agree_topic(&deputy, &t));
        let secretary = who(Role::Secretary, Some(MunicipalityId(10)), Some(AssociationId(5)), None);
        assert!(!may_agree_topic(&secretary, &t) && !may_write_teacher_year(&secretary, &t));
        for role in [Role::AuthorityHead, Role::AuthoritySpecialist, Role::CabinetHead] {
            assert!(may_agree_topic(&who(role, Some(MunicipalityId(10)), None, None), &t), "{role:?}");
            assert!(
                !may_agree_topic(&who(role, Some(MunicipalityId(20)), None, None), &t),
                "{role:?} of another municipality"
            );
        }
        // The cabinet reads the year and agrees topics but does not keep the record.
        let cabinet = who(Role::CabinetHead, Some(MunicipalityId(10)), None, None);
        assert!(may_read_teacher_year(&cabinet, &t) && !may_write_teacher_year(&cabinet, &t));
        let specialist = who(Role::AuthoritySpecialist, Some(MunicipalityId(10)), None, None);
        assert!(may_write_teacher_year(&specialist, &t) && may_add_teacher_position(&specialist, &t));
        let school = who(Role::OrgAdmin, Some(MunicipalityId(10)), None, Some(OrganizationId(7)));
        assert!(may_add_teacher_position(&school, &t) && !may_agree_topic(&school, &t));
        let operator = who(Role::RegionOperator, None, None, None);
        assert!(!may_read_teacher_year(&operator, &t) && !may_agree_topic(&operator, &t));
        let admin = who(Role::Administrator, None, None, None);
        assert!(may_agree_topic(&admin, &t) && may_write_teacher_year(&admin, &t));
        assert!(!may_agree_topic(&admin, &record(Some(UserId(USER)))), "not even the administrator agrees their own");
    }
}

/// One role an account holds (or would hold) and where: the place of the grant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Held {
    pub role: Role,
    pub place: Option<Place>,
}

/// May `who` manage an account — edit it, block or restore it, reset its password, give or take
/// its roles — whose home is `home` and which holds `holds`? Only when `who` may update accounts
/// of that home and holds every right of every role the account holds, each in its scope
/// (`covers_role`); an account with no home or holding the administrator's role is managed by an
/// administrator alone. A role about to be given is checked as well: pass it in `holds`.
pub fn may_manage_account(who: &Principal, home: Option<Place>, holds: &[Held]) -> bool {
    if who.grants.iter().any(Grant::is_admin) {
        return true;
    }
    let Some(home) = home else { return false };
    may(who, Action::Update, &Resource::User { place: Some(home) })
        && holds.iter().all(|h| may(who, Action::Create, &Resource::Grant { role: h.role, place: h.place }))
}

/// May `who` take away a role given at `place`? The administrator's role only an administrator
/// takes away; any other by the right to archive that grant.
pub fn may_revoke_grant(who: &Principal, role: Role, place: Option<Place>) -> bool {
    if role == Role::Administrator {
        return who.grants.iter().any(Grant::is_admin);
    }
    may(who, Action::Archive, &Resource::Grant { role, place })
}

/// May `who` link an account whose home is `home` to teacher records at all? Only one who
/// `manages` the account and may update the teacher records of its municipality (the authority,
/// the administrator). Each record linked is checked as well, as a teacher record.
pub fn may_link_account(who: &Principal, home: Option<Place>, manages: bool) -> bool {
    match home {
        Some(Place { region_id, municipality_id: Some(municipality_id) }) => {
            manages && may(who, Action::Update, &Resource::teachers_of(region_id, municipality_id))
        }
        _ => false,
    }
}

#[cfg(test)]
mod account_rules_tests {
    use super::tests::administrator as admin;
    use super::*;

    fn holder(role: Role, region: i64, municipality: Option<i64>) -> Principal {
        super::tests::grant(role, region, municipality, None, None)
    }

    #[test]
    fn only_an_administrator_takes_the_administrators_role_away() {
        let head = holder(Role::AuthorityHead, 1, Some(10));
        let op = holder(Role::RegionOperator, 1, None);
        assert!(may_revoke_grant(&admin(), Role::Administrator, None));
        assert!(!may_revoke_grant(&head, Role::Administrator, None));
        assert!(!may_revoke_grant(&op, Role::Administrator, None));
        let here = Some(Place { region_id: RegionId(1), municipality_id: Some(MunicipalityId(10)) });
        let elsewhere = Some(Place { region_id: RegionId(1), municipality_id: Some(MunicipalityId(11)) });
        assert!(may_revoke_grant(&head, Role::MemberTeacher, here));
        assert!(!may_revoke_grant(&head, Role::MemberTeacher, elsewhere));
    }

    #[test]
    fn linking_an_account_needs_managing_it_and_the_teacher_records_of_its_municipality() {
        let head = holder(Role::AuthorityHead, 1, Some(10));
        let home = Some(Place { region_id: RegionId(1), municipality_id: Some(MunicipalityId(10)) });
        let other = Some(Place { region_id: RegionId(1), municipality_id: Some(MunicipalityId(11)) });
        assert!(may_link_account(&head, home, true));
        assert!(!may_link_account(&head, home, false), "not without managing the account");
        assert!(!may_link_account(&head, other, true), "not another municipality's records");
        assert!(!may_link_account(&admin(), Some(Place { region_id: RegionId(1), municipality_id: None }), true));
        assert!(!may_link_account(&admin(), None, true), "an account with no municipality has no records");
        assert!(may_link_account(&admin(), home, true));
    }
}

/// The signatures of minutes `who` may put for the association: the head (and the chair, whom
/// the head or the deputy is) by the association's head or deputy grant, the secretary by the
/// secretary's grant. Signing is the user's own act, so administrators and the authority do not
/// sign for them.
pub fn signatory_roles(who: &Principal, association_id: AssociationId) -> Vec<Signatory> {
    let mut out = Vec::new();
    for g in who.grants.iter().filter(|g| g.association_id == Some(association_id)) {
        for r in signs_as(g.role) {
            if !out.contains(r) {
                out.push(*r);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn grant(role: Role, region: i64, muni: Option<i64>, assoc: Option<i64>, org: Option<i64>) -> Principal {
        Principal {
            user_id: UserId(1),
            grants: vec![Grant {
                role,
                region_id: Some(RegionId(region)),
                municipality_id: muni.map(MunicipalityId),
                association_id: assoc.map(AssociationId),
                organization_id: org.map(OrganizationId),
            }],
        }
    }

    const A: i64 = 10; // municipality A in region 1
    const B: i64 = 20; // municipality B in region 1
    const C: i64 = 30; // municipality C in region 2

    #[test]
    fn an_association_organises_its_events_the_authority_any_and_members_only_events_stay_with_the_members() {
        use crate::events::Reach;
        let event = |m: i64, a: Option<i64>, reach: Reach| Resource::Event {
            region_id: RegionId(1),
            municipality_id: MunicipalityId(m),
            association_id: a.map(AssociationId),
            reach,
        };
        let head = grant(Role::AssociationHead, 1, Some(A), Some(5), None);
        let member = grant(Role::MemberTeacher, 1, Some(A), Some(5), None);
        let school = grant(Role::OrgAdmin, 1, Some(A), None, Some(7));
        let cabinet = grant(Role::CabinetHead, 1, Some(A), None, None);
        let operator = grant(Role::RegionOperator, 1, None, None, None);
        // The head organises the association's events, not another's nor the authority's.
        assert!(may(&head, Action::Create, &event(A, Some(5), Reach::Members)));
        assert!(!may(&head, Action::Update, &event(A, Some(6), Reach::Public)));
        assert!(!may(&head, Action::Create, &event(A, None, Reach::Municipality)));
        // A member reads its association's events and the municipality's open ones, organises none.
        assert!(may(&member, Action::View, &event(A, Some(5), Reach::Members)));
        assert!(!may(&member, Action::View, &event(A, Some(6), Reach::Members)));
        assert!(may(&member, Action::View, &event(A, Some(6), Reach::Municipality)));
        assert!(!may(&member, Action::Update, &event(A, Some(5), Reach::Members)));
        // A school's administrator reads the municipality's open events only.
        assert!(may(&school, Action::View, &event(A, None, Reach::Public)));
        assert!(!may(&school, Action::View, &event(A, Some(5), Reach::Members)));
        // The methodological cabinet organises any event of its municipality, none of B's.
        assert!(may(&cabinet, Action::Update, &event(A, Some(5), Reach::Members)));
        assert!(may(&cabinet, Action::Create, &event(A, None, Reach::Municipality)));
        assert!(!may(&cabinet, Action::View, &event(B, None, Reach::Public)));
        // The region operator reads, organises nothing.
        assert!(may(&operator, Action::View, &event(B, Some(5), Reach::Members)));
        assert!(!may(&operator, Action::Create, &event(B, None, Reach::Public)));
    }

    fn org(m: i64, id: Option<i64>) -> Resource {
        let region_id = if m == C { 2 } else { 1 };
        Resource::Organization {
            region_id: RegionId(region_id),
            municipality_id: MunicipalityId(m),
            organization_id: id.map(OrganizationId),
        }
    }

    #[test]
    fn the_authority_manages_only_its_own_municipality() {
        let spec = grant(Role::AuthoritySpecialist, 1, Some(A), None, None);
        for action in [Action::View, Action::Create, Action::Update, Action::Archive] {
            assert!(may(&spec, action, &org(A, Some(1))));
            assert!(!may(&spec, action, &org(B, Some(2))), "{action:?} on B");
        }
        let a_place = Place { region_id: RegionId(1), municipality_id: Some(MunicipalityId(A)) };
        let b_place = Place { region_id: RegionId(1), municipality_id: Some(MunicipalityId(B)) };
        assert!(may(&spec, Action::Create, &Resource::User { place: Some(a_place) }));
        assert!(!may(&spec, Action::View, &Resource::User { place: Some(b_place) }));
        assert!(may(&spec, Action::View, &Resource::Audit { place: Some(a_place) }));
        assert!(!may(&spec, Action::View, &Resource::Audit { place: Some(b_place) }));
        assert!(!may(&spec, Action::View, &Resource::Audit { place: None }));
    }

    #[test]
    fn the_region_operator_manages_municipalities_of_its_region_only() {
        let op = grant(Role::RegionOperator, 1, None, None, None);
        assert!(may(&op, Action::Create, &Resource::Municipality { region_id: RegionId(1), municipality_id: None }));
        assert!(may(
            &op,
            Action::Update,
            &Resource::Municipality { region_id: RegionId(1), municipality_id: Some(MunicipalityId(A)) }
        ));
        assert!(!may(
            &op,
            Action::Update,
            &Resource::Municipality { region_id: RegionId(2), municipality_id: Some(MunicipalityId(C)) }
        ));
        assert!(may(&op, Action::View, &org(B, Some(3))));
        assert!(!may(&op, Action::Update, &org(B, Some(3))), "organizations belong to the authority");
        assert!(!may(&op, Action::View, &org(C, Some(4))));
        // The operator reads no teacher's personal data, so it gives no role that does.
        for role in [Role::AuthorityHead, Role::AuthoritySpecialist, Role::CabinetHead, Role::OrgAdmin] {
            assert!(!may(
                &op,
                Action::Create,
                &Resource::Grant {
                    role,
                    place: Some(Place { region_id: RegionId(1), municipality_id: Some(MunicipalityId(B)) })
                }
            ));
        }
        assert!(may(
            &op,
            Action::Create,
            &Resource::Grant {
                role: Role::RegionOperator,
                place: Some(Place { region_id: RegionId(1), municipality_id: None })
            }
        ));
        assert!(!may(
            &op,
            Action::Create,
            &Resource::Grant {
                role: Role::RegionOperator,
                place: Some(Place { region_id: RegionId(2), municipality_id: None })
            }
        ));
        assert!(!may(&op, Action::Create, &Resource::Grant { role: Role::Administrator, place: None }));
    }

    /// Every resource of municipality A (region 1), association 5 and organization 7, and the
    /// same of municipality B, for the cover test below.
    fn every_resource() -> Vec<Resource> {
        let mut out =
            vec![Resource::Region { region_id: Some(RegionId(1)) }, Resource::RegionSummary { region_id: RegionId(1) }];
        for (m, assoc, orgid) in [(A, 5, 7), (B, 6, 8)] {
            let place = Place { region_id: RegionId(1), municipality_id: Some(MunicipalityId(m)) };
            out.extend([
                Resource::Municipality { region_id: RegionId(1), municipality_id: Some(MunicipalityId(m)) },
                Resource::Municipality { region_id: RegionId(1), municipality_id: None },
                org(m, None),
                org(m, Some(orgid)),
                org(m, Some(99)),
                Resource::Profile { owner: None },
                Resource::Profile { owner: Some(place) },
                Resource::ProfileAssignment { region_id: RegionId(1), municipality_id: MunicipalityId(m) },
                Resource::User { place: Some(place) },
                Resource::Audit { place: Some(place) },
                Resource::Order { region_id: RegionId(1), municipality_id: MunicipalityId(m) },
                Resource::ResultDecision { region_id: RegionId(1), municipality_id: MunicipalityId(m), own: false },
            ]);
            for association_id in [None, Some(assoc), Some(99)] {
                out.push(Resource::Association {
                    region_id: RegionId(1),
                    municipality_id: MunicipalityId(m),
                    association_id: association_id.map(AssociationId),
                });
                for confirmed in [false, true] {
                    out.push(Resource::Results {
                        region_id: RegionId(1),
                        municipality_id: MunicipalityId(m),
                        association_id: association_id.map(AssociationId),
                        own: false,
                        confirmed,
                    });
                }
                for organization_id in [None, Some(orgid), Some(99)] {
                    out.push(Resource::Teacher {
                        region_id: RegionId(1),
                        municipality_id: MunicipalityId(m),
                        organization_id: organization_id.map(OrganizationId),
                        association_id: association_id.map(AssociationId),
                        own: false,
                    });
                }
            }
            for association_id in [assoc, 99] {
                out.push(Resource::AssociationWork {
                    region_id: RegionId(1),
                    municipality_id: MunicipalityId(m),
                    association_id: AssociationId(association_id),
                });
                out.push(Resource::Analysis {
                    region_id: RegionId(1),
                    municipality_id: MunicipalityId(m),
                    association_id: AssociationId(association_id),
                });
                for step in ApprovalStep::ALL {
                    out.push(Resource::PlanStep {
                        region_id: RegionId(1),
                        municipality_id: MunicipalityId(m),
                        association_id: AssociationId(association_id),
                        step: *step,
                    });
                }
            }
            for association_id in [None, Some(assoc), Some(99)] {
                for reach in crate::events::Reach::ALL {
                    out.push(Resource::Event {
                        region_id: RegionId(1),
                        municipality_id: MunicipalityId(m),
                        association_id: association_id.map(AssociationId),
                        reach: *reach,
                    });
                }
            }
            for to_region in [false, true] {
                out.push(Resource::AnalysisDecision {
                    region_id: RegionId(1),
                    municipality_id: MunicipalityId(m),
                    to_region,
                });
            }
            for role in Role::ALL {
                out.push(Resource::Grant { role: *role, place: Some(place) });
            }
        }
        out.push(Resource::Grant {
            role: Role::RegionOperator,
            place: Some(Place { region_id: RegionId(1), municipality_id: None }),
        });
        out
    }

    /// The system's administrator (a grant without a place).
    pub(super) fn administrator() -> Principal {
        Principal {
            user_id: UserId(1),
            grants: vec![Grant {
                role: Role::Administrator,
                region_id: None,
                municipality_id: None,
                association_id: None,
                organization_id: None,
            }],
        }
    }

    /// A principal holding `role` in municipality A, association 5, organization 7.
    fn holder(role: Role) -> Principal {
        let (assoc, orgid) = match role.scope_kind() {
            ScopeKind::Association => (Some(5), None),
            ScopeKind::Organization => (None, Some(7)),
            _ => (None, None),
        };
        let muni = if role.scope_kind() == ScopeKind::Region { None } else { Some(A) };
        grant(role, 1, muni, assoc, orgid)
    }

    #[test]
    fn whoever_gives_a_role_holds_every_right_of_it() {
        let place_of = |r: Role| Place {
            region_id: RegionId(1),
            municipality_id: if r.scope_kind() == ScopeKind::Region { None } else { Some(MunicipalityId(A)) },
        };
        let actions = [Action::View, Action::ViewPersonal, Action::Create, Action::Update, Action::Archive];
        let resources = every_resource();
        for manager in Role::ALL.iter().copied().filter(|r| *r != Role::Administrator) {
            let m = holder(manager);
            for target in Role::ALL.iter().copied() {
                if !may(&m, Action::Create, &Resource::Grant { role: target, place: Some(place_of(target)) }) {
                    continue;
                }
                let t = holder(target);
                for what in &resources {
                    // The authority's head appoints to every office of its municipality (see
                    // `covers_role`): the acts of an office (the plan's steps, the head's writing of the
                    // analysis, the signatures) come with the appointment; every other right is
                    // still checked.
                    if manager == Role::AuthorityHead
                        && matches!(what, Resource::PlanStep { .. } | Resource::Analysis { .. })
                    {
                        continue;
                    }
                    for action in actions {
                        assert!(
                            !may(&t, action, what) || may(&m, action, what),
                            "{manager:?} gives {target:?}, which may {action:?} {what:?}, beyond the giver's rights"
                        );
                    }
                }
                if manager != Role::AuthorityHead {
                    let mine = signatory_roles(&m, AssociationId(5));
                    assert!(
                        signatory_roles(&t, AssociationId(5)).iter().all(|s| mine.contains(s)),
                        "{manager:?} gives {target:?}'s signature"
                    );
                }
            }
        }
    }

    #[test]
    fn an_account_is_managed_only_by_whoever_covers_all_its_roles() {
        let a = Place { region_id: RegionId(1), municipality_id: Some(MunicipalityId(A)) };
        let b = Place { region_id: RegionId(1), municipality_id: Some(MunicipalityId(B)) };
        let head = Held { role: Role::AuthorityHead, place: Some(a) };
        let teacher = Held { role: Role::MemberTeacher, place: Some(a) };
        let op = grant(Role::RegionOperator, 1, None, None, None);
        let spec = grant(Role::AuthoritySpecialist, 1, Some(A), None, None);
        let uo_head = grant(Role::AuthorityHead, 1, Some(A), None, None);
        // The operator can neither reset the authority head's password nor make itself the head.
        assert!(!may_manage_account(&op, Some(a), &[head]));
        assert!(!may_manage_account(&op, Some(a), &[teacher]));
        // The specialist manages a teacher, not the authority's head, and not a teacher who is also
        // the head somewhere.
        assert!(may_manage_account(&spec, Some(a), &[teacher]));
        assert!(!may_manage_account(&spec, Some(a), &[head]));
        assert!(!may_manage_account(&spec, Some(a), &[teacher, head]));
        assert!(!may_manage_account(&spec, Some(a), &[teacher, Held { role: Role::MemberTeacher, place: Some(b) }]));
        assert!(may_manage_account(&uo_head, Some(a), &[head, teacher]));
        assert!(!may_manage_account(&uo_head, Some(b), &[]));
        // Administrators by administrators only.
        assert!(!may_manage_account(&uo_head, None, &[]));
        assert!(!may_manage_account(&uo_head, Some(a), &[Held { role: Role::Administrator, place: None }]));
        let admin = administrator();
        assert!(may_manage_account(&admin, None, &[Held { role: Role::Administrator, place: None }]));
    }

    #[test]
    fn presets_are_read_only_and_profiles_belong_to_their_municipality() {
        let spec = grant(Role::AuthoritySpecialist, 1, Some(A), None, None);
        let teacher = grant(Role::MemberTeacher, 1, Some(A), Some(5), None);
        assert!(may(&teacher, Action::View, &Resource::Profile { owner: None }));
        assert!(!may(&spec, Action::Update, &Resource::Profile { owner: None }));
        let own = Resource::Profile {
            owner: Some(Place { region_id: RegionId(1), municipality_id: Some(MunicipalityId(A)) }),
        };
        let other = Resource::Profile {
            owner: Some(Place { region_id: RegionId(1), municipality_id: Some(MunicipalityId(B)) }),
        };
        assert!(may(&spec, Action::Update, &own));
        assert!(!may(&spec, Action::Update, &other));
        assert!(!may(&spec, Action::View, &other));
        assert!(may(&teacher, Action::View, &own));
        assert!(!may(&teacher, Action::Update, &own));
    }

    #[test]
    fn an_org_admin_edits_only_its_own_organization() {
        let adm = grant(Role::OrgAdmin, 1, Some(A), None, Some(7));
        assert!(may(&adm, Action::Update, &org(A, Some(7))));
        assert!(!may(&adm, Action::Update, &org(A, Some(8))));
        assert!(!may(&adm, Action::Create, &org(A, None)));
        assert!(!may(&adm, Action::Archive, &org(A, Some(7))));
        assert!(may(&adm, Action::View, &org(A, Some(8))), "the other organizations of the municipality are visible");
        assert!(!may(&adm, Action::View, &org(B, Some(9))));
    }

    #[test]
    fn teachers_see_but_do_not_manage() {
        let t = grant(Role::MemberTeacher, 1, Some(A), Some(5), None);
        assert!(may(&t, Action::View, &org(A, Some(1))));
        assert!(!may(&t, Action::Create, &org(A, None)));
        let place = Some(Place { region_id: RegionId(1), municipality_id: Some(MunicipalityId(A)) });
        assert!(!may(&t, Action::View, &Resource::User { place }));
        assert!(!may(&t, Action::View, &Resource::Audit { place }));
        assert!(may(
            &t,
            Action::View,
            &Resource::Association {
                region_id: RegionId(1),
                municipality_id: MunicipalityId(A),
                association_id: Some(AssociationId(5))
            }
        ));
        assert!(!may(
            &t,
            Action::View,
            &Resource::Association {
                region_id: RegionId(1),
                municipality_id: MunicipalityId(A),
                association_id: Some(AssociationId(6))
            }
        ));
    }

    #[test]
    fn nobody_without_grants_may_anything_and_the_administrator_may_all() {
        let nobody = Principal::default();
        assert!(!may(&nobody, Action::View, &Resource::Profile { owner: None }));
        let admin = administrator();
        assert!(may(&admin, Action::Archive, &org(C, Some(1))));
        assert!(may(&admin, Action::View, &Resource::Audit { place: None }));
    }

    #[test]
    fn personal_data_of_teachers_is_shown_only_to_those_who_need_it() {
        let t = |org: Option<i64>, assoc: Option<i64>| Resource::Teacher {
            region_id: RegionId(1),
            municipality_id: MunicipalityId(A),
            organization_id: org.map(OrganizationId),
            association_id: assoc.map(AssociationId),
            own: false,
        };
        let colleague = grant(Role::MemberTeacher, 1, Some(A), Some(5), None);
        assert!(may(&colleague, Action::View, &t(Some(1), Some(5))), "a member sees colleagues' names");
        assert!(!may(&colleague, Action::ViewPersonal, &t(Some(1), Some(5))), "but not their birth dates");
        assert!(!may(&colleague, Action::View, &t(Some(1), Some(6))), "nor teachers of other associations");
        let head = grant(Role::AssociationHead, 1, Some(A), Some(5), None);
        assert!(may(&head, Action::ViewPersonal, &t(Some(1), Some(5))));
        assert!(may(&head, Action::Update, &t(Some(1), Some(5))));
        assert!(!may(&head, Action::ViewPersonal, &t(Some(1), Some(6))));
        let org = grant(Role::OrgAdmin, 1, Some(A), None, Some(7));
        assert!(may(&org, Action::Update, &t(Some(7), None)));
        assert!(!may(&org, Action::View, &t(Some(8), None)));
        let spec = grant(Role::AuthoritySpecialist, 1, Some(A), None, None);
        assert!(may(&spec, Action::Archive, &t(Some(8), None)));
        let other = Resource::Teacher {
            region_id: RegionId(1),
            municipality_id: MunicipalityId(B),
            organization_id: Some(OrganizationId(9)),
            association_id: None,
            own: false,
        };
        assert!(!may(&spec, Action::View, &other));
        let op = grant(Role::RegionOperator, 1, None, None, None);
        assert!(!may(&op, Action::View, &t(Some(1), None)), "the region sums up, it does not read personal records");
        let me_myself = Resource::Teacher {
            region_id: RegionId(1),
            municipality_id: MunicipalityId(A),
            organization_id: Some(OrganizationId(1)),
            association_id: Some(AssociationId(5)),
            own: true,
        };
        assert!(may(&colleague, Action::ViewPersonal, &me_myself), "a teacher sees their own record in full");
        assert!(!may(&colleague, Action::Update, &me_myself), "but keeping it is the head's or the authority's job");
    }

    #[test]
    fn the_teacher_scope_matches_the_rule() {
        for role in Role::ALL {
            let p = match role.scope_kind() {
                ScopeKind::System => grant(*role, 1, None, None, None),
                ScopeKind::Region => grant(*role, 1, None, None, None),
                ScopeKind::Municipality => grant(*role, 1, Some(A), None, None),
                ScopeKind::Association => grant(*role, 1, Some(A), Some(5), None),
                ScopeKind::Organization => grant(*role, 1, Some(A), None, Some(7)),
            };
            let scope = teacher_scope(&p);
            for (org, assoc) in [(Some(7), None), (Some(8), Some(5)), (Some(8), Some(6)), (Some(8), None)] {
                let by_rule = may(
                    &p,
                    Action::View,
                    &Resource::Teacher {
                        region_id: RegionId(1),
                        municipality_id: MunicipalityId(A),
                        organization_id: org.map(OrganizationId),
                        association_id: assoc.map(AssociationId),
                        own: false,
                    },
                );
                let by_scope = scope.all
                    || scope.municipalities.contains(&MunicipalityId(A))
                    || org.is_some_and(|o| scope.organizations.contains(&OrganizationId(o)))
                    || assoc.is_some_and(|a| scope.associations.contains(&AssociationId(a)));
                assert_eq!(by_rule, by_scope, "{role:?} org {org:?} assoc {assoc:?}");
            }
        }
    }

    #[test]
    fn orders_are_registered_by_the_authority_and_read_in_the_municipality() {
        let spec = grant(Role::AuthoritySpecialist, 1, Some(A), None, None);
        let teacher = grant(Role::MemberTeacher, 1, Some(A), Some(5), None);
        let here = Resource::Order { region_id: RegionId(1), municipality_id: MunicipalityId(A) };
        assert!(may(&spec, Action::Create, &here));
        assert!(!may(&spec, Action::Update, &here), "orders are never changed");
        assert!(may(&teacher, Action::View, &here));
        assert!(!may(&teacher, Action::Create, &here));
        assert!(!may(
            &spec,
            Action::View,
            &Resource::Order { region_id: RegionId(1), municipality_id: MunicipalityId(B) }
        ));
    }

    #[test]
    fn association_work_is_edited_by_its_officers_and_read_by_the_municipality() {
        let work = |a| Resource::AssociationWork {
            region_id: RegionId(1),
            municipality_id: MunicipalityId(A),
            association_id: a,
        };
        for role in [Role::AssociationHead, Role::Deputy, Role::Secretary] {
            let g = grant(role, 1, Some(A), Some(5), None);
            assert!(may(&g, Action::Update, &work(AssociationId(5))), "{role:?}");
            assert!(!may(&g, Action::View, &work(AssociationId(6))), "{role:?} sees only its own association");
        }
        let member = grant(Role::MemberTeacher, 1, Some(A), Some(5), None);
        assert!(may(&member, Action::View, &work(AssociationId(5))));
        assert!(!may(&member, Action::Update, &work(AssociationId(5))));
        let cabinet = grant(Role::CabinetHead, 1, Some(A), None, None);
        assert!(
            may(&cabinet, Action::View, &work(AssociationId(6)))
                && !may(&cabinet, Action::Update, &work(AssociationId(6)))
        );
        let spec = grant(Role::AuthoritySpecialist, 1, Some(A), None, None);
        assert!(may(&spec, Action::Update, &work(AssociationId(6))));
        let operator = grant(Role::RegionOperator, 1, None, None, None);
        assert!(
            may(&operator, Action::View, &work(AssociationId(6)))
                && !may(&operator, Action::Update, &work(AssociationId(6)))
        );
    }

    #[test]
    fn each_approval_step_is_taken_by_whom_the_regulation_names() {
        let step = |s| Resource::PlanStep {
            region_id: RegionId(1),
            municipality_id: MunicipalityId(A),
            association_id: AssociationId(5),
            step: s,
        };
        let head = grant(Role::AssociationHead, 1, Some(A), Some(5), None);
        let other_head = grant(Role::AssociationHead, 1, Some(A), Some(6), None);
        let cabinet = grant(Role::CabinetHead, 1, Some(A), None, None);
        let spec = grant(Role::AuthoritySpecialist, 1, Some(A), None, None);
        let chief = grant(Role::AuthorityHead, 1, Some(A), None, None);
        assert!(may(&head, Action::Create, &step(ApprovalStep::ConsideredAtMeeting)));
        assert!(!may(&other_head, Action::Create, &step(ApprovalStep::ConsideredAtMeeting)));
        assert!(!may(&head, Action::Create, &step(ApprovalStep::ApprovedByAuthorityOrder)));
        assert!(may(&spec, Action::Create, &step(ApprovalStep::ApprovedByAuthorityOrder)));
        assert!(may(&cabinet, Action::Create, &step(ApprovalStep::AgreedWithCabinetHead)));
        assert!(!may(&spec, Action::Create, &step(ApprovalStep::AgreedWithCabinetHead)));
        assert!(may(&chief, Action::Create, &step(ApprovalStep::ApprovedByAuthorityHead)));
        assert!(!may(&spec, Action::Create, &step(ApprovalStep::ApprovedByAuthorityHead)));
    }

    #[test]
    fn the_head_writes_the_analysis_and_the_authority_decides() {
        let an =
            |a| Resource::Analysis { region_id: RegionId(1), municipality_id: MunicipalityId(A), association_id: a };
        let decide =
            Resource::AnalysisDecision { region_id: RegionId(1), municipality_id: MunicipalityId(A), to_region: false };
        let to_region =
            Resource::AnalysisDecision { region_id: RegionId(1), municipality_id: MunicipalityId(A), to_region: true };
        let head = grant(Role::AssociationHead, 1, Some(A), Some(5), None);
        let secretary = grant(Role::Secretary, 1, Some(A), Some(5), None);
        let spec = grant(Role::AuthoritySpecialist, 1, Some(A), None, None);
        let other = grant(Role::AuthoritySpecialist, 1, Some(B), None, None);
        assert!(
            may(&head, Action::Update, &an(AssociationId(5))) && !may(&head, Action::Update, &an(AssociationId(6)))
        );
        assert!(
            may(&secretary, Action::View, &an(AssociationId(5)))
                && !may(&secretary, Action::Update, &an(AssociationId(5)))
        );
        assert!(
            may(&spec, Action::View, &an(AssociationId(5))) && !may(&spec, Action::Update, &an(AssociationId(5))),
            "the authority reads, decides"
        );
        assert!(may(&spec, Action::Update, &decide) && !may(&head, Action::Update, &decide));
        assert!(!may(&other, Action::Update, &decide) && !may(&other, Action::View, &an(AssociationId(5))));
        let operator = grant(Role::RegionOperator, 1, None, None, None);
        assert!(may(&operator, Action::View, &Resource::RegionSummary { region_id: RegionId(1) }));
        assert!(!may(&operator, Action::View, &Resource::RegionSummary { region_id: RegionId(2) }));
        assert!(
            !may(&spec, Action::View, &Resource::RegionSummary { region_id: RegionId(1) }),
            "the roll-up is the region's"
        );
        assert!(!may(&operator, Action::Update, &decide), "the authority's report is the authority's");
        assert!(may(&operator, Action::Update, &to_region) && !may(&spec, Action::Update, &to_region), "004: to РУМО");
        let elsewhere = grant(Role::RegionOperator, 2, None, None, None);
        assert!(!may(&elsewhere, Action::Update, &to_region) && !may(&head, Action::Update, &to_region));
    }

    #[test]
    fn results_are_entered_by_their_teachers_and_officers_and_confirmed_by_curators() {
        let res = |a: Option<i64>, own: bool| Resource::Results {
            region_id: RegionId(1),
            municipality_id: MunicipalityId(A),
            association_id: a.map(AssociationId),
            own,
            confirmed: false,
        };
        let confirmed = |a: Option<i64>, own: bool| Resource::Results {
            region_id: RegionId(1),
            municipality_id: MunicipalityId(A),
            association_id: a.map(AssociationId),
            own,
            confirmed: true,
        };
        let teacher = grant(Role::MemberTeacher, 1, Some(A), Some(5), None);
        assert!(may(&teacher, Action::Create, &res(Some(5), true)), "a teacher enters their own result");
        assert!(!may(&teacher, Action::Create, &res(Some(5), false)), "but not a colleague's");
        assert!(may(&teacher, Action::View, &res(Some(5), false)));
        assert!(!may(&teacher, Action::ViewPersonal, &res(Some(5), false)), "no student names of colleagues");
        assert!(may(&teacher, Action::ViewPersonal, &res(Some(5), true)));
        assert!(!may(&teacher, Action::View, &res(Some(6), false)));
        for role in [Role::AssociationHead, Role::Deputy] {
            let g = grant(role, 1, Some(A), Some(5), None);
            assert!(
                may(&g, Action::Create, &res(Some(5), false)) && may(&g, Action::ViewPersonal, &res(Some(5), false))
            );
            assert!(!may(&g, Action::Update, &res(Some(6), false)), "{role:?} only in its own association");
        }
        // Once confirmed, the teacher's own result is locked for the teacher; the head, the deputy
        // and the authority change or remove it.
        assert!(may(&teacher, Action::Update, &res(Some(5), true)));
        for action in [Action::Update, Action::Archive] {
            assert!(!may(&teacher, action, &confirmed(Some(5), true)), "{action:?}");
            for g in [
                grant(Role::AssociationHead, 1, Some(A), Some(5), None),
                grant(Role::Deputy, 1, Some(A), Some(5), None),
                grant(Role::AuthoritySpecialist, 1, Some(A), None, None),
            ] {
                assert!(may(&g, action, &confirmed(Some(5), true)) && may(&g, action, &confirmed(Some(5), false)));
            }
        }
        assert!(may(&teacher, Action::View, &confirmed(Some(5), true)));
        let secretary = grant(Role::Secretary, 1, Some(A), Some(5), None);
        assert!(!may(&secretary, Action::Update, &res(Some(5), false)));
        let spec = grant(Role::AuthoritySpecialist, 1, Some(A), None, None);
        assert!(
            may(&spec, Action::Archive, &res(Some(6), false)) && may(&spec, Action::ViewPersonal, &res(None, false))
        );
        let cabinet = grant(Role::CabinetHead, 1, Some(A), None, None);
        assert!(
            may(&cabinet, Action::ViewPersonal, &res(Some(6), false))
                && !may(&cabinet, Action::Create, &res(Some(6), false))
        );
        let org = grant(Role::OrgAdmin, 1, Some(A), None, Some(7));
        assert!(
            may(&org, Action::View, &res(Some(5), false)) && !may(&org, Action::ViewPersonal, &res(Some(5), false))
        );
        let op = grant(Role::RegionOperator, 1, None, None, None);
        assert!(may(&op, Action::View, &res(Some(5), false)) && !may(&op, Action::ViewPersonal, &res(Some(5), false)));
        let other = grant(Role::AuthoritySpecialist, 1, Some(B), None, None);
        assert!(!may(&other, Action::View, &res(Some(5), false)));

        let decide = |own| Resource::ResultDecision { region_id: RegionId(1), municipality_id: MunicipalityId(A), own };
        for g in [&spec, &cabinet, &grant(Role::AuthorityHead, 1, Some(A), None, None)] {
            assert!(may(g, Action::Update, &decide(false)) && may(g, Action::View, &decide(false)));
            assert!(!may(g, Action::Update, &decide(true)), "nobody confirms their own result");
        }
        let head = grant(Role::AssociationHead, 1, Some(A), Some(5), None);
        assert!(!may(&head, Action::Update, &decide(false)) && !may(&head, Action::View, &decide(false)));
        assert!(!may(&other, Action::Update, &decide(false)) && !may(&op, Action::View, &decide(false)));
    }

    #[test]
    fn minutes_are_signed_by_the_officers_themselves() {
        let head = grant(Role::AssociationHead, 1, Some(A), Some(5), None);
        assert_eq!(signatory_roles(&head, AssociationId(5)), vec![Signatory::Head, Signatory::Chair]);
        assert!(signatory_roles(&head, AssociationId(6)).is_empty());
        let secretary = grant(Role::Secretary, 1, Some(A), Some(5), None);
        assert_eq!(signatory_roles(&secretary, AssociationId(5)), vec![Signatory::Secretary]);
        let spec = grant(Role::AuthoritySpecialist, 1, Some(A), None, None);
        assert!(signatory_roles(&spec, AssociationId(5)).is_empty(), "the authority does not sign for the association");
        assert!(
            may_sign_as(&head, AssociationId(5), Signatory::Chair)
                && !may_sign_as(&head, AssociationId(5), Signatory::Secretary)
        );
        assert!(!may_sign_as(&head, AssociationId(6), Signatory::Head), "another association's minutes");
        assert!(!may_sign_as(&spec, AssociationId(5), Signatory::Head));
    }

    #[test]
    fn role_codes_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::from_code(r.code()), Some(*r));
        }
        assert_eq!(Role::from_code("region-operator"), Some(Role::RegionOperator));
        assert_eq!(Role::from_code("king"), None);
    }
}
