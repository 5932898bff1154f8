//! The dashboard: one section per role the person holds.

use super::{block_summaries, layout, render};
use crate::AppState;
use crate::error::AppResult;
use crate::session::{Authenticated, MaybeAuthenticated};
use crate::templates::{DashboardPage, RoleSection};
use axum::extract::State;
use axum::response::{Html, Redirect};
use portfolio_domain::access::StudentFacts;
use portfolio_domain::role::Role;

pub async fn home(MaybeAuthenticated(ctx): MaybeAuthenticated) -> Redirect {
    if ctx.is_some() {
        Redirect::to("/dashboard")
    } else {
        Redirect::to("/login")
    }
}

pub async fn dashboard(
    State(state): State<AppState>,
    Authenticated(ctx): Authenticated,
) -> AppResult<Html<String>> {
    let actor = &ctx.actor;
    let store = &state.store;
    let roles = actor.roles();

    let mut page = DashboardPage {
        layout: layout(&ctx),
        first_name: ctx.user.first_name.clone(),
        roles: roles.iter().map(|r| RoleSection { role: *r }).collect(),
        student: None,
        student_blocks: Vec::new(),
        tutored: Vec::new(),
        teacher_classes: Vec::new(),
        commissions: Vec::new(),
        schools: Vec::new(),
        exam_sessions: Vec::new(),
        admin_counts: None,
    };

    if roles.contains(&Role::Student) {
        let facts = store
            .student_facts(actor.user_id())
            .await?
            .unwrap_or(StudentFacts {
                student_id: actor.user_id(),
                ..StudentFacts::default()
            });
        if let Some(cap) = actor.student(&facts) {
            let profile = store.student_profile(&cap).await?;
            page.student_blocks = block_summaries(profile.student.track);
            page.student = Some(profile);
        }
    }
    if roles.contains(&Role::Tutor) {
        let ids: Vec<i64> = actor.scopes(Role::Tutor).collect();
        page.tutored = store.students_by_ids(&ids).await?;
    }
    if roles.contains(&Role::Teacher) {
        let ids: Vec<i64> = actor.scopes(Role::Teacher).collect();
        page.teacher_classes = store.classes_by_ids(&ids).await?;
    }
    if roles.contains(&Role::CommissionMember) {
        for id in actor.scopes(Role::CommissionMember) {
            if let Some(facts) = store.commission_facts(id).await?
                && let Some(cap) = actor.commission(&facts)
            {
                page.commissions.push(store.commission(&cap).await?);
            }
        }
    }
    if roles.contains(&Role::HeadOfSchool) {
        for id in actor.scopes(Role::HeadOfSchool) {
            if let Some(cap) = actor.school(id) {
                page.schools.push(store.school(&cap).await?);
            }
        }
    }
    if roles.contains(&Role::JuryPresident) {
        for id in actor.scopes(Role::JuryPresident) {
            if let Some(cap) = actor.exam_session(id) {
                page.exam_sessions.push(store.exam_session(&cap).await?);
            }
        }
    }
    if actor.admin().is_some() {
        page.admin_counts = Some(store.counts().await?);
    }
    render(&page)
}
