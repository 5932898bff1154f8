//! Administration commands: the same store calls and the same checks as the admin pages.

use crate::options::{ClassCommand, SchoolCommand, UserCommand};
use anyhow::{Context, Result};
use portfolio_domain::input::{Email, Uai, required_text};
use portfolio_domain::role::{Grant, Role};
use portfolio_domain::route::Route;
use portfolio_framework::Track;
use portfolio_store::{AuditEvent, DynStore, Enrolment, NewClass, NewSchool, NewUser};
use portfolio_web::session::now;
use std::io::BufRead;

/// `role` or `role:scope_id`.
pub fn parse_grant(raw: &str) -> Result<Grant> {
    let (role, scope) = match raw.split_once(':') {
        Some((r, s)) => (
            r,
            Some(s.trim().parse::<i64>().with_context(|| {
                format!("rattachement « {s} » : un identifiant numérique est attendu")
            })?),
        ),
        None => (raw, None),
    };
    let role: Role = role.parse()?;
    Ok(Grant::new(role, scope)?)
}

fn read_password_stdin() -> Result<String> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("lecture du mot de passe sur l’entrée standard impossible")?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

async fn audit(store: &DynStore, action: &'static str, target: String) -> Result<()> {
    store
        .audit(&AuditEvent {
            at: now(),
            actor_user_id: None,
            action,
            target: Some(target),
            client_ip: None,
            details: Some("ligne de commande".into()),
        })
        .await?;
    Ok(())
}

/// A password from stdin (checked against the policy) or a generated temporary one.
async fn new_password(from_stdin: bool, personal: &[&str]) -> Result<(String, Option<String>)> {
    if from_stdin {
        let p = read_password_stdin()?;
        portfolio_domain::password::check(&p, personal)
            .map_err(|e| anyhow::anyhow!("mot de passe refusé : {e}"))?;
        Ok((portfolio_web::password::hash(p).await?, None))
    } else {
        let p = portfolio_web::password::temporary_password();
        Ok((portfolio_web::password::hash(p.clone()).await?, Some(p)))
    }
}

async fn user_id(store: &DynStore, email: &str) -> Result<i64> {
    let email = Email::parse("email", email)?;
    Ok(store
        .user_by_email(email.as_str())
        .await?
        .with_context(|| format!("aucun compte n’a l’adresse {email}"))?
        .id)
}

pub async fn user(store: &DynStore, command: UserCommand) -> Result<()> {
    match command {
        UserCommand::Add {
            email,
            first_name,
            last_name,
            roles,
            class,
            route,
            password_stdin,
        } => {
            let email = Email::parse("email", &email)?;
            let first_name = required_text("first_name", "Le prénom", &first_name, 100)?;
            let last_name = required_text("last_name", "Le nom", &last_name, 100)?;
            let grants = roles
                .iter()
                .map(|r| parse_grant(r))
                .collect::<Result<Vec<_>>>()?;
            let route: Route = route.parse()?;
            let (hash, shown) = new_password(
                password_stdin,
                &[email.local_part(), &first_name, &last_name],
            )
            .await?;
            let id = store
                .create_user(&NewUser {
                    email: email.as_str().to_string(),
                    first_name,
                    last_name,
                    password_hash: Some(hash),
                    created_at: now(),
                })
                .await?;
            for g in grants {
                store.add_grant(id, g, now()).await?;
            }
            if let Some(class_id) = class {
                store
                    .enroll_student(
                        id,
                        &Enrolment {
                            class_id,
                            route,
                            candidate_number: None,
                        },
                    )
                    .await?;
            }
            audit(store, "user.create", format!("user:{id}")).await?;
            println!("Compte n° {id} créé : {email}");
            if let Some(p) = shown {
                println!("Mot de passe provisoire : {p}");
            }
        }
        UserCommand::Grant { email, role } => {
            let id = user_id(store, &email).await?;
            let grant = parse_grant(&role)?;
            store.add_grant(id, grant, now()).await?;
            audit(store, "grant.add", format!("user:{id} {role}")).await?;
            println!("Rôle {} ajouté au compte n° {id}.", grant.role.label());
        }
        UserCommand::Disable { email } => {
            let id = user_id(store, &email).await?;
            store.set_disabled(id, true).await?;
            audit(store, "user.disable", format!("user:{id}")).await?;
            println!("Compte n° {id} désactivé ; ses sessions sont fermées.");
        }
        UserCommand::ResetPassword {
            email,
            password_stdin,
        } => {
            let id = user_id(store, &email).await?;
            let user = store.user(id).await?.context("compte disparu")?;
            let local = user.email.split('@').next().unwrap_or_default().to_string();
            let (hash, shown) =
                new_password(password_stdin, &[&local, &user.first_name, &user.last_name]).await?;
            store.set_password_hash(id, &hash, now()).await?;
            audit(store, "user.password_reset", format!("user:{id}")).await?;
            println!("Mot de passe du compte n° {id} changé ; ses sessions sont fermées.");
            if let Some(p) = shown {
                println!("Mot de passe provisoire : {p}");
            }
        }
        UserCommand::List { text } => {
            for u in store.search_users(&text, 10_000).await? {
                println!(
                    "{}\t{}\t{} {}{}",
                    u.id,
                    u.email,
                    u.first_name,
                    u.last_name,
                    if u.disabled { "\t(désactivé)" } else { "" }
                );
            }
        }
    }
    Ok(())
}

pub async fn school(store: &DynStore, command: SchoolCommand) -> Result<()> {
    match command {
        SchoolCommand::Add { name, city, uai } => {
            let school = NewSchool {
                name: required_text("name", "Le nom de l’établissement", &name, 200)?,
                city: required_text("city", "La ville", &city, 100)?,
                uai: uai
                    .as_deref()
                    .map(|u| Uai::parse("uai", u).map(|u| u.as_str().to_string()))
                    .transpose()?,
            };
            let id = store.create_school(&school, now()).await?;
            audit(store, "school.create", format!("school:{id}")).await?;
            println!("Établissement n° {id} créé : {}", school.name);
        }
        SchoolCommand::List => {
            for s in store.schools().await? {
                println!(
                    "{}\t{}\t{}\t{}",
                    s.id,
                    s.name,
                    s.city,
                    s.uai.unwrap_or_default()
                );
            }
        }
    }
    Ok(())
}

pub async fn class(store: &DynStore, command: ClassCommand) -> Result<()> {
    match command {
        ClassCommand::Add {
            school,
            name,
            track,
            year,
            session,
        } => {
            anyhow::ensure!(
                year == 1 || year == 2,
                "année de formation : 1 ou 2 attendu"
            );
            anyhow::ensure!(
                (2020..=2100).contains(&session),
                "session d’examen : une année entre 2020 et 2100 est attendue"
            );
            let class = NewClass {
                school_id: school,
                name: required_text("name", "Le nom de la classe", &name, 100)?,
                track: track.parse::<Track>().map_err(|_| {
                    anyhow::anyhow!("option inconnue « {track} » : attendu sisr ou slam")
                })?,
                year_of_training: year,
                session_year: session,
            };
            let id = store.create_class(&class, now()).await?;
            audit(store, "class.create", format!("class:{id}")).await?;
            println!("Classe n° {id} créée : {}", class.name);
        }
        ClassCommand::List => {
            for c in store.all_classes().await? {
                println!(
                    "{}\t{}\t{}\t{}\t{}e année\tsession {}\t{} étudiant(s)",
                    c.id,
                    c.school_name,
                    c.name,
                    c.track.code(),
                    c.year_of_training,
                    c.session_year,
                    c.student_count
                );
            }
        }
    }
    Ok(())
}
