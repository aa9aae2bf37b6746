//! The start page: each role sees its own work.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use metoda_domain::access::{Action, Resource, ScopeKind};
use metoda_domain::ids::MunicipalityId;
use metoda_store::municipalities::{self, Municipality};
use metoda_store::organizations;

use crate::AppState;
use crate::auth::Me;
use crate::error::PageResult;
use crate::pages::{Layout, is_admin, render};

pub fn routes() -> Router<AppState> {
    Router::new().route("/", get(home))
}

pub struct MuniCard {
    pub m: Municipality,
    pub organizations: usize,
    pub can_manage: bool,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    l: Layout,
    roles: Vec<String>,
    admin: bool,
    regions: usize,
    cards: Vec<MuniCard>,
    /// Municipalities of the operator's region without a regulation profile.
    without_profile: Vec<Municipality>,
    /// For region operators and the administrator: every visible municipality with its count of organizations.
    overview: Vec<(Municipality, usize)>,
    /// The user's open tasks from meetings, and unread notifications.
    tasks: Vec<metoda_store::meetings::ActionItem>,
    unread: i64,
    today: time::Date,
    /// For the administrator: whether e-mail is sent, and the outbox.
    mail: Option<(bool, metoda_store::notify::OutboxState)>,
}

async fn home(State(state): State<AppState>, Me(me, ctx): Me) -> PageResult {
    let mut c = state.db.conn().await?;
    let all = municipalities::list(&mut c, None, false).await?;
    let visible: Vec<Municipality> = all
        .into_iter()
        .filter(|m| {
            me.may(Action::View, &Resource::Municipality { region_id: m.region_id, municipality_id: Some(m.id) })
        })
        .collect();
    // Cards for the municipalities the user works in (not all of a region's).
    let own: Vec<MunicipalityId> = me.principal.grants.iter().filter_map(|g| g.municipality_id).collect();
    let mut cards = vec![];
    for m in visible.iter().filter(|m| own.contains(&m.id)) {
        let orgs =
            organizations::list(&mut c, &organizations::Filter { municipality_id: Some(m.id), ..Default::default() })
                .await?;
        let can_manage = me.may(
            Action::Create,
            &Resource::Organization { region_id: m.region_id, municipality_id: m.id, organization_id: None },
        );
        cards.push(MuniCard { m: m.clone(), organizations: orgs.len(), can_manage });
    }
    let regional = me.principal.grants.iter().any(|g| g.role.scope_kind() == ScopeKind::Region) || is_admin(&me);
    let without_profile =
        if regional { visible.iter().filter(|m| m.profile_id.is_none()).cloned().collect() } else { vec![] };
    let overview = if regional {
        // One query for all counts, not one per municipality.
        let orgs = organizations::list(&mut c, &organizations::Filter::default()).await?;
        visible.iter().map(|m| (m.clone(), orgs.iter().filter(|o| o.municipality_id == m.id).count())).collect()
    } else {
        vec![]
    };
    let regions = metoda_store::regions::list(&mut c, None).await?.len();
    let tasks = metoda_store::meetings::actions_of_user(&mut c, me.user.id)
        .await?
        .into_iter()
        .filter(|x| x.closed_at.is_none())
        .collect();
    let unread = metoda_store::notify::unread(&mut c, me.user.id).await?;
    let today = crate::features::user_today(&state, &mut c, &me).await?;
    let mail = if is_admin(&me) {
        Some((state.config.mail_enabled, metoda_store::notify::outbox_state(&mut c, state.clock.now()).await?))
    } else {
        None
    };
    render(&HomePage {
        mail,
        tasks,
        unread,
        today,
        l: Layout::new(&ctx, "Главная", "/"),
        roles: me.grants.iter().map(|g| format!("{} — {}", g.role_label(), g.scope_name)).collect(),
        admin: is_admin(&me),
        regions,
        cards,
        without_profile,
        overview,
    })
}
