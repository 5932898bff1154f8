//! `portfolio-sio`: the server, the demo, administration and backups, in one binary.

mod admin;
mod backup;
mod demo;
mod french;
mod generate;
mod options;
mod purge;

use anyhow::{Context, Result};
use clap::Parser;
use options::{Cli, Command, FrameworkCommand};
use std::process::ExitCode;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    restore_default_sigpipe();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => match french::parse_error(&e) {
            Some(line) => {
                eprintln!("portfolio-sio : erreur : {line}");
                return ExitCode::FAILURE;
            }
            // --help and --version.
            None => {
                let _ = e.print();
                return ExitCode::SUCCESS;
            }
        },
    };
    init_logging();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("portfolio-sio : erreur : démarrage du moteur asynchrone impossible : {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("portfolio-sio : erreur : {}", one_line(&e));
            ExitCode::FAILURE
        }
    }
}

/// `portfolio-sio … | head -1`: when the reader of our output goes away, end quietly as other
/// command-line tools do, instead of the panic Rust's `println!` gives on a closed pipe (Rust
/// ignores SIGPIPE by default).
fn restore_default_sigpipe() {
    #[cfg(unix)]
    // SAFETY: called first thing in main, before any other thread exists; SIG_DFL is a valid
    // disposition for SIGPIPE.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

/// Every context of the error chain on one line, outermost first, skipping a cause whose text
/// its parent already ends with (wrapped errors often repeat their source).
fn one_line(e: &anyhow::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    for cause in e.chain() {
        let text = cause.to_string().replace('\n', " ");
        if parts.last().is_some_and(|prev| prev.ends_with(&text)) {
            continue;
        }
        parts.push(text);
    }
    parts.join(" : ")
}

fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}

async fn run(cli: Cli) -> Result<()> {
    if cli.global.sqlite_synchronous == options::SqliteSynchronous::Normal {
        portfolio_store::sqlite::set_synchronous(portfolio_store::sqlite::Synchronous::Normal);
    }
    match cli.command {
        Command::Serve(serve) => {
            let url = cli.global.database_url()?;
            let store = options::open_store(&url, cli.global.database_pool).await?;
            let blobs = options::blob_store(&cli.global.files_dir())?;
            options::serve(store, blobs, &serve, None).await
        }
        Command::Demo(demo) => demo::run(&cli.global, &demo).await,
        Command::Generate(args) => generate::run(&cli.global, &args).await,
        Command::Framework {
            command: FrameworkCommand::Show { track, framework },
        } => {
            print!("{}", framework_text(&framework, track.as_deref())?);
            Ok(())
        }
        Command::User { command } => {
            let store =
                options::open_store(&cli.global.database_url()?, cli.global.database_pool).await?;
            admin::user(&store, command).await
        }
        Command::School { command } => {
            let store =
                options::open_store(&cli.global.database_url()?, cli.global.database_pool).await?;
            admin::school(&store, command).await
        }
        Command::Class { command } => {
            let store =
                options::open_store(&cli.global.database_url()?, cli.global.database_pool).await?;
            admin::class(&store, command).await
        }
        Command::Backup { output } => {
            // Never open_store: it would create and migrate a missing or empty source.
            let url = cli.global.database_url_as_is()?;
            let files = cli.global.files_dir();
            let out = output.clone();
            let report = tokio::task::spawn_blocking(move || backup::backup(&url, &files, &out))
                .await
                .context("sauvegarde interrompue")??;
            println!(
                "Sauvegarde cohérente écrite dans {} ({} octets : la base et {} fichier(s) déposé(s)).",
                output.display(),
                report.bytes,
                report.files
            );
            Ok(())
        }
        Command::Restore { archive, replace } => {
            let url = cli.global.database_url()?;
            let files = cli.global.files_dir();
            let from = archive.clone();
            let report =
                tokio::task::spawn_blocking(move || backup::restore(&from, &url, &files, replace))
                    .await
                    .context("restauration interrompue")??;
            println!(
                "Sauvegarde {} vérifiée et restaurée : la base et {} fichier(s).",
                archive.display(),
                report.files
            );
            if let Some(old) = report.kept_as {
                println!("L’ancienne base est gardée sous {}.", old.display());
            }
            Ok(())
        }
        Command::Check {
            repair,
            grace_minutes,
        } => {
            let store =
                options::open_store(&cli.global.database_url()?, cli.global.database_pool).await?;
            let report = backup::check(
                &store,
                &cli.global.files_dir(),
                repair,
                grace_minutes.saturating_mul(60),
            )
            .await;
            store.close().await;
            let report = report?;
            anyhow::ensure!(
                report.problems == 0,
                "contrôle des fichiers : {} problème(s), voir ci-dessus",
                report.problems
            );
            Ok(())
        }
        Command::Purge { dry_run } => {
            // The date is checked before connecting: a typo in PORTFOLIO_TODAY must not reach
            // the database.
            let today = purge::today_from(std::env::var_os(purge::TODAY_VAR))?;
            let store =
                options::open_store(&cli.global.database_url()?, cli.global.database_pool).await?;
            let result = purge::run(&store, dry_run, today, portfolio_web::session::now()).await;
            store.close().await;
            result
        }
    }
}

fn framework_text(id: &str, track: Option<&str>) -> Result<String> {
    let track = track
        .map(|t| {
            t.parse::<portfolio_framework::Track>()
                .map_err(|_| anyhow::anyhow!("option inconnue « {t} » : attendu sisr ou slam"))
        })
        .transpose()?;
    match portfolio_framework::by_id(id) {
        Some(portfolio_framework::AnyFramework::Sio2019(fw)) => {
            Ok(portfolio_framework::render_text(fw, track))
        }
        Some(portfolio_framework::AnyFramework::Sio2011(fw)) => {
            let mut out = format!("{} — {}\n", fw.title, fw.diploma);
            for p in &fw.processes {
                out.push_str(&format!("\n{}\n", p.heading));
                for d in &p.domains {
                    out.push_str(&format!("  {} {}\n", d.code, d.title));
                    for a in &d.activities {
                        out.push_str(&format!("    {} {}\n", a.code, a.label));
                        for c in &a.competencies {
                            out.push_str(&format!("      {} {}\n", c.code, c.label));
                        }
                    }
                }
            }
            Ok(out)
        }
        None => anyhow::bail!(
            "référentiel inconnu « {id} » : attendu {}",
            portfolio_framework::FRAMEWORK_IDS.join(" ou ")
        ),
    }
}
