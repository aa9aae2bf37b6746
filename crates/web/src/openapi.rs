//! The OpenAPI document of `/api/v1`, served at `/api/openapi.json`.

use axum::Json;
use utoipa::OpenApi;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};

use crate::features::{
    analysis, associations, audit, calendar, cyclograms, events, meetings, municipalities, notifications, orders,
    organizations, plans, profiles, regions, results, session, teacher_years, teachers, users,
};

#[derive(OpenApi)]
#[openapi(
    info(title = "Metoda API", description = "JSON API of Metoda. Authenticate with a personal token (`Authorization: Bearer mt_…`, see `metoda token create`) or with the session cookie plus `X-CSRF-Token` on state-changing calls. Errors: `{\"error\": {\"code\", \"message\", \"fields\"}}`."),
    paths(
        session::api_sign_in, session::api_sign_out, session::api_me,
        regions::api_list, regions::api_create,
        municipalities::api_list, municipalities::api_create, municipalities::api_get, municipalities::api_update,
        municipalities::api_archive, municipalities::api_restore, municipalities::api_profile,
        organizations::api_list, organizations::api_create, organizations::api_get, organizations::api_update,
        organizations::api_archive, organizations::api_restore,
        profiles::api_list, profiles::api_get, profiles::api_copy, profiles::api_update,
        users::api_list, users::api_create, users::api_get, users::api_update, users::api_grant, users::api_revoke,
        users::api_link, users::api_unlink,
        audit::api_list,
        teachers::api_list, teachers::api_composition, teachers::api_create, teachers::api_get, teachers::api_update,
        teachers::api_archive, teachers::api_restore,
        teacher_years::api_years, teacher_years::api_topic, teacher_years::api_agree, teacher_years::api_course,
        teacher_years::api_difficulty, teacher_years::api_position,
        associations::api_list, associations::api_get, associations::api_update, associations::api_add, associations::api_remove, associations::api_subgroup, associations::api_subgroup_members, associations::api_subgroup_member, associations::api_subgroup_leave, associations::history::api_history_members, associations::history::api_history_attendance,
        orders::api_list, orders::api_create, orders::api_get,
        plans::api_list, plans::api_create, plans::api_get, plans::api_add_item, plans::api_update_item, plans::api_status,
        plans::api_step, plans::api_docx,
        cyclograms::api_list, cyclograms::api_add, cyclograms::api_update, cyclograms::api_remove,
        meetings::api_list, meetings::api_create, meetings::api_compliance, meetings::api_get, meetings::api_update,
        meetings::api_cancel, meetings::api_attendance, meetings::api_guest, meetings::api_guest_delete, meetings::api_agenda,
        meetings::api_agenda_update, meetings::api_agenda_delete, meetings::api_draft, meetings::api_sign, meetings::api_addendum,
        meetings::api_action, meetings::api_close, meetings::api_notifications, meetings::api_read, notifications::api_get, notifications::api_put, calendar::api_list, calendar::api_create, calendar::api_revoke, meetings::docx_api,
        analysis::report::api_get, analysis::report::api_text, analysis::report::api_submit,
        analysis::report::api_decision, analysis::files::api_docx, analysis::files::api_xlsx,
        analysis::overview::api_overview, analysis::region::api_region,
        results::api_list, results::api_add_student, results::api_add_exam, results::api_add_teacher, results::api_update,
        results::api_archive, results::api_scan, results::api_confirm, results::api_reject, results::api_pending,
        results::api_thresholds, results::api_set_threshold, results::api_non_objective, results::api_add_non_objective,
        results::api_remove_non_objective, results::api_import_exam,
        events::api_calendar, events::api_create, events::api_get, events::api_update, events::api_status,
        events::api_register, events::api_unregister, events::api_attendance, events::api_walk_in, events::api_issue,
        events::api_revoke, events::api_programme, events::api_programme_delete,
        events::api_placement, events::api_diplomas, events::api_speakers, events::api_material, events::api_material_delete, events::api_session, events::api_rate,
        events::api_staff, events::api_staff_delete, events::api_outcome, events::api_note_docx,
    ),
    modifiers(&Security, &ErrorResponses),
    security(("token" = []), ("session" = []))
)]
pub struct ApiDoc;

struct Security;

impl utoipa::Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(crate::auth::SESSION_COOKIE))),
        );
    }
}

/// The error answers every operation may give, added where the annotation does not name them
/// (an annotation's own description wins):
/// - 401 for every operation that needs a signed-in user (all but signing in),
/// - 403 for the same (the access rule, or a cookie session's missing CSRF token),
/// - 404 for an operation with `{…}` in its path (a missing or unparsable id) or an `…_id` query
///   parameter (a municipality, region … that does not exist),
/// - 400 for an operation with a body or query parameters (malformed JSON, a wrong
///   `Content-Type`, an unreadable query), 413 and 422 for one with a body (too large; field
///   errors), 422 for one with query parameters (a value out of range),
/// - 409 and 422 for every state-changing operation (a rule of the stored data says no).
struct ErrorResponses;

impl utoipa::Modify for ErrorResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::path::ParameterIn;
        use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
        let error = |description: &str| {
            ResponseBuilder::new()
                .description(description)
                .content(
                    "application/json",
                    ContentBuilder::new().schema(Some(Ref::from_schema_name("ErrorBody"))).build(),
                )
                .build()
        };
        for (path, item) in openapi.paths.paths.iter_mut() {
            let ops = [
                (false, item.get.as_mut()),
                (true, item.put.as_mut()),
                (true, item.post.as_mut()),
                (true, item.delete.as_mut()),
                (true, item.patch.as_mut()),
            ];
            for (writes, op) in ops {
                let Some(op) = op else { continue };
                let sign_in = path == "/api/v1/session" && op.operation_id.as_deref() == Some("api_sign_in");
                let has_body = op.request_body.is_some();
                let has_query = op
                    .parameters
                    .as_ref()
                    .is_some_and(|ps| ps.iter().any(|p| matches!(p.parameter_in, ParameterIn::Query)));
                let mut wanted: Vec<(&str, &str)> = vec![];
                if !sign_in {
                    wanted.push(("401", "Not signed in: no session and no valid API token"));
                    wanted.push(("403", "Access denied, or a cookie session without a valid X-CSRF-Token"));
                }
                let query_ids = op.parameters.as_ref().is_some_and(|ps| {
                    ps.iter().any(|p| matches!(p.parameter_in, ParameterIn::Query) && p.name.ends_with("_id"))
                });
                if path.contains('{') || query_ids {
                    wanted.push(("404", "Not found: the id in the path (or an `…_id` of the query) names nothing"));
                }
                if has_body || has_query {
                    wanted.push((
                        "400",
                        "Malformed request: broken JSON, a wrong Content-Type, unreadable query parameters",
                    ));
                }
                if has_body {
                    wanted.push(("413", "The request body is too large"));
                }
                if has_body || has_query || writes {
                    wanted.push(("422", "Field errors (`fields` names each); nothing was written"));
                }
                if writes && !sign_in {
                    wanted.push(("409", "The stored data does not allow it (a rule or a concurrent change)"));
                }
                for (status, description) in wanted {
                    op.responses.responses.entry(status.to_owned()).or_insert_with(|| error(description).into());
                }
            }
        }
    }
}

pub async fn spec() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
