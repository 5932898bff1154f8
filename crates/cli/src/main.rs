//! `portfolio-sio`: the server, the demo, administration and backups, in one binary.

mod admin;
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
            let store =
                options::open_store(&cli.global.database_url()?, cli.global.database_pool).await?;
            store
                .backup(&output)
                .await
                .with_context(|| format!("sauvegarde vers {} impossible", output.display()))?;
            let size = std::fs::metadata(&output).map(|m| m.len()).unwrap_or(0);
            println!(
                "Sauvegarde cohérente écrite dans {} ({} octets).",
                output.display(),
                size
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
