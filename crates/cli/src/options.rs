//! Command line and environment: every option has a flag, an environment variable and a default.

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand};
use portfolio_store::DynStore;
use portfolio_web::AppState;
use portfolio_web::config::WebConfig;
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    name = "portfolio-sio",
    version,
    about = "Portfolio SIO : le dossier numérique du BTS SIO, de la réalisation professionnelle au jury"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Args)]
pub struct Global {
    /// Data directory: the SQLite database lives here unless --database-url says otherwise.
    #[arg(
        long,
        env = "PORTFOLIO_DATA_DIR",
        default_value = "data",
        global = true
    )]
    pub data_dir: PathBuf,
    /// Database URL: sqlite://PATH (default: DATA_DIR/portfolio.sqlite) or postgres://USER@HOST/DB.
    #[arg(long, env = "PORTFOLIO_DATABASE_URL", global = true)]
    pub database_url: Option<String>,
    /// Directory of the files students upload (default: DATA_DIR/files).
    #[arg(long, env = "PORTFOLIO_FILES_DIR", global = true)]
    pub files_dir: Option<PathBuf>,
    /// Connections to PostgreSQL (default: twice this machine's cores, 4 to 32).
    #[arg(long, env = "PORTFOLIO_DATABASE_POOL", global = true, value_parser = crate::french::pool_size)]
    pub database_pool: Option<u32>,
    /// SQLite: when a write is acknowledged. full (default): it survives a power cut.
    /// normal: faster, still consistent after a crash, but the last writes before a power cut
    /// can be lost.
    #[arg(
        long,
        env = "PORTFOLIO_SQLITE_SYNCHRONOUS",
        global = true,
        value_enum,
        default_value = "full"
    )]
    pub sqlite_synchronous: SqliteSynchronous,
}

#[derive(clap::ValueEnum, Clone, Copy, PartialEq, Eq)]
pub enum SqliteSynchronous {
    Full,
    Normal,
}

impl Global {
    /// The database URL; for the default SQLite file, checks that the data directory is usable.
    pub fn database_url(&self) -> Result<String> {
        match &self.database_url {
            Some(url) => Ok(url.clone()),
            None => self.sqlite_url("portfolio.sqlite"),
        }
    }

    /// The database URL without creating or probing the data directory: for `backup`, which
    /// must leave its source as it found it.
    pub fn database_url_as_is(&self) -> Result<String> {
        match &self.database_url {
            Some(url) => Ok(url.clone()),
            None => {
                let path = self.data_dir.join("portfolio.sqlite");
                let path = path
                    .to_str()
                    .with_context(|| format!("le chemin {} n’est pas en UTF-8", path.display()))?;
                Ok(format!("sqlite://{path}"))
            }
        }
    }

    pub fn files_dir(&self) -> PathBuf {
        self.files_dir
            .clone()
            .unwrap_or_else(|| self.data_dir.join("files"))
    }

    pub fn sqlite_url(&self, file: &str) -> Result<String> {
        ensure_writable_dir(&self.data_dir)?;
        let path = self.data_dir.join(file);
        let path = path
            .to_str()
            .with_context(|| format!("le chemin {} n’est pas en UTF-8", path.display()))?;
        Ok(format!("sqlite://{path}"))
    }
}

/// Creates the directory if needed and proves we can write in it, with one clear message if not.
pub fn ensure_writable_dir(dir: &std::path::Path) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| {
        format!(
            "le répertoire de données {} ne peut pas être créé (choisissez-en un autre avec --data-dir ou PORTFOLIO_DATA_DIR)",
            dir.display()
        )
    })?;
    let probe = dir.join(format!(".portfolio-sio-write-test-{}", std::process::id()));
    std::fs::write(&probe, b"")
        .and_then(|()| std::fs::remove_file(&probe))
        .with_context(|| {
            format!(
                "le répertoire de données {} n’est pas accessible en écriture (choisissez-en un autre avec --data-dir ou PORTFOLIO_DATA_DIR)",
                dir.display()
            )
        })
}

#[derive(Subcommand)]
pub enum Command {
    /// Starts the server.
    Serve(ServeArgs),
    /// Creates (or reuses) a SQLite database with demo data in DATA_DIR/demo.sqlite (or, with
    /// --database-url, an empty PostgreSQL or SQLite database) and starts the server.
    Demo(DemoArgs),
    /// Shows a référentiel.
    Framework {
        #[command(subcommand)]
        command: FrameworkCommand,
    },
    /// Accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Schools (établissements).
    School {
        #[command(subcommand)]
        command: SchoolCommand,
    },
    /// Classes.
    Class {
        #[command(subcommand)]
        command: ClassCommand,
    },
    /// Writes one archive (tar) with a consistent copy of the SQLite database and every file
    /// its rows name, while the server runs (PostgreSQL: use pg_dump and copy the files
    /// directory).
    Backup {
        /// Archive to write; it must not exist yet.
        #[arg(long)]
        output: PathBuf,
    },
    /// Checks an archive written by `backup` (manifest hashes, database integrity, every file
    /// a row names present with its size), then puts it in place of the configured database
    /// and files directory. Nothing is replaced when a check fails.
    Restore {
        /// The archive written by `backup`.
        archive: PathBuf,
        /// Replace an existing database (stop the server first); the old one is kept beside,
        /// under a dated name.
        #[arg(long)]
        replace: bool,
    },
    /// Compares the uploaded files with the rows that name them: lists files no row names,
    /// temporary files, and rows whose file is missing. Exit code 1 when something is wrong.
    Check {
        /// Removes the files no row names and the temporary files (rows whose file is missing
        /// are listed, never deleted).
        #[arg(long)]
        repair: bool,
        /// With --repair, files written less than this many minutes ago are kept (an upload
        /// may be under way).
        #[arg(long, default_value_t = 60)]
        grace_minutes: u64,
    },
    /// Removes the evaluation documents (grids, fiches, history, registrations) of the exam
    /// sessions whose retention is over: after the next session of the académie and one year
    /// after the end of training. One line per session, an audit entry per purge.
    #[command(
        after_help = "Date du jour : la variable d’environnement PORTFOLIO_TODAY=AAAA-MM-JJ \
la remplace, pour les tests et les répétitions uniquement (sinon l’horloge du système, en UTC). \
L’heure enregistrée dans le journal d’audit reste l’heure réelle."
    )]
    Purge {
        /// Only reports what would be removed; nothing is deleted.
        #[arg(long)]
        dry_run: bool,
    },
    /// Fills an empty database with a national data set for benchmarks: académies, schools of
    /// 20 to 70 candidates, dossiers, internships, hand-ins, commissions and grids. The same
    /// seed gives the same names and counts.
    Generate(GenerateArgs),
}

#[derive(Args)]
pub struct GenerateArgs {
    /// Number of candidates (second-year students).
    #[arg(long)]
    pub candidates: usize,
    /// Seed of the draws: the same seed gives the same data set.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Database to fill, sqlite://PATH or postgres://USER@HOST/DB (default: the configured one,
    /// as for the other commands). It must be empty.
    #[arg(long)]
    pub database: Option<String>,
    /// Schools (then académies) written at the same time (default: 2 with SQLite, whose
    /// writes take turns; 8 with PostgreSQL).
    #[arg(long)]
    pub jobs: Option<usize>,
}

#[derive(Args, Clone)]
pub struct ServeArgs {
    /// Address and port to listen on.
    #[arg(long, env = "PORTFOLIO_LISTEN", default_value = "127.0.0.1:8080", value_parser = crate::french::listen)]
    pub listen: SocketAddr,
    /// Set when users reach the site over HTTPS (directly or through a proxy): cookies get
    /// the __Host- prefix and the Secure attribute, and HSTS is sent.
    #[arg(long, env = "PORTFOLIO_SECURE_COOKIES", default_value_t = false)]
    pub secure_cookies: bool,
    /// The address people use to reach the site (e.g. https://portfolio.lycee.fr), used in the
    /// links printed outside it (public portfolio links). Default: the host of each request.
    #[arg(long, env = "PORTFOLIO_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Minutes of inactivity after which a session ends.
    #[arg(long, env = "PORTFOLIO_IDLE_TIMEOUT_MINUTES", default_value_t = 30, value_parser = crate::french::positive)]
    pub idle_timeout_minutes: i64,
    /// Hours after login at which a session ends, used or not.
    #[arg(long, env = "PORTFOLIO_ABSOLUTE_TIMEOUT_HOURS", default_value_t = 12, value_parser = crate::french::positive)]
    pub absolute_timeout_hours: i64,
    /// Reverse proxies whose X-Forwarded-For header is believed, as addresses or networks
    /// separated by commas (e.g. 127.0.0.1,10.0.0.0/8): the client address used by the login
    /// throttle and the audit log is then the one the proxy saw. Empty (default): the header is
    /// ignored and the peer's address is the client's.
    #[arg(long, env = "PORTFOLIO_TRUSTED_PROXIES", default_value = "")]
    pub trusted_proxies: String,
}

#[derive(Args)]
pub struct DemoArgs {
    #[command(flatten)]
    pub serve: ServeArgs,
    /// Create the demo database and exit without starting the server.
    #[arg(long)]
    pub prepare_only: bool,
}

#[derive(Subcommand)]
pub enum FrameworkCommand {
    /// Prints the blocks, competencies, skills and performance indicators.
    Show {
        /// Only the blocks of one option: sisr or slam.
        #[arg(long)]
        track: Option<String>,
        /// bts-sio-2019 (default) or bts-sio-2011.
        #[arg(long, default_value = "bts-sio-2019")]
        framework: String,
    },
}

#[derive(Subcommand)]
pub enum UserCommand {
    /// Creates an account and prints a temporary password (unless --password-stdin).
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        first_name: String,
        #[arg(long)]
        last_name: String,
        /// A role, with its scope id after a colon: admin, teacher:CLASS, tutor:STUDENT_USER,
        /// commission_member:COMMISSION, head_of_school:SCHOOL, jury_president:EXAM_SESSION.
        /// Repeatable.
        #[arg(long = "role")]
        roles: Vec<String>,
        /// Enrols the account as a student of this class.
        #[arg(long)]
        class: Option<i64>,
        /// Route of study of a student: school, apprenticeship, continuing_education,
        /// professional_experience, distance.
        #[arg(long, default_value = "school")]
        route: String,
        /// Reads the password from standard input instead of generating one.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Gives a role to an existing account (same syntax as `user add --role`).
    Grant {
        #[arg(long)]
        email: String,
        #[arg(long)]
        role: String,
    },
    /// Disables an account and ends its sessions.
    Disable {
        #[arg(long)]
        email: String,
    },
    /// Sets a new temporary password (printed) and ends the account's sessions.
    ResetPassword {
        #[arg(long)]
        email: String,
        /// Reads the new password from standard input instead of generating one.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Lists accounts whose name or e-mail contains TEXT.
    List {
        #[arg(default_value = "")]
        text: String,
    },
}

#[derive(Subcommand)]
pub enum SchoolCommand {
    /// Adds a school and prints its id.
    Add {
        #[arg(long)]
        name: String,
        #[arg(long)]
        city: String,
        /// UAI number (7 digits and a check letter).
        #[arg(long)]
        uai: Option<String>,
    },
    /// Lists the schools.
    List,
}

#[derive(Subcommand)]
pub enum ClassCommand {
    /// Adds a class and prints its id.
    Add {
        /// Id of the school (see `school list`).
        #[arg(long)]
        school: i64,
        #[arg(long)]
        name: String,
        /// sisr or slam.
        #[arg(long)]
        track: String,
        /// 1 or 2.
        #[arg(long, default_value_t = 2)]
        year: i64,
        /// Year of the exam session, e.g. 2027.
        #[arg(long)]
        session: i64,
    },
    /// Lists the classes.
    List,
}

pub async fn open_store(url: &str, pool: Option<u32>) -> Result<DynStore> {
    portfolio_store::connect_with_pool(url, pool).await
}

impl ServeArgs {
    pub fn web_config(&self) -> Result<WebConfig> {
        anyhow::ensure!(
            self.idle_timeout_minutes > 0 && self.absolute_timeout_hours > 0,
            "les durées de session doivent être positives (--idle-timeout-minutes, --absolute-timeout-hours)"
        );
        Ok(WebConfig {
            secure_cookies: self.secure_cookies,
            idle_timeout_secs: self.idle_timeout_minutes * 60,
            absolute_timeout_secs: self.absolute_timeout_hours * 3600,
            trusted_proxies: portfolio_web::config::parse_trusted_proxies(&self.trusted_proxies)
                .map_err(|e| {
                    anyhow::anyhow!("{e} (--trusted-proxies ou PORTFOLIO_TRUSTED_PROXIES)")
                })?,
            public_url: match &self.public_url {
                Some(u) if !(u.starts_with("https://") || u.starts_with("http://")) => {
                    anyhow::bail!(
                        "adresse publique « {u} » invalide : attendu https://NOM-DU-SITE (--public-url ou PORTFOLIO_PUBLIC_URL)"
                    )
                }
                other => other.clone(),
            },
            ..WebConfig::default()
        })
    }
}

/// Binds, prints the address (and `banner`), serves until Ctrl-C or SIGTERM.
/// The directory of uploaded files: `DATA_DIR/files` (or `files_dir` when given).
pub fn blob_store(dir: &std::path::Path) -> Result<portfolio_store::blobs::DynBlobStore> {
    ensure_writable_dir(dir)?;
    let blobs = portfolio_store::blobs::LocalBlobStore::new(dir).with_context(|| {
        format!(
            "répertoire des fichiers déposés {} inutilisable",
            dir.display()
        )
    })?;
    // Before any request: a temporary file here is a write that a kill or a full disk
    // interrupted, and it would keep its space for ever.
    match blobs.remove_temporary_files() {
        Ok(0) => {}
        Ok(n) => {
            tracing::info!("{n} fichier(s) temporaire(s) d’écritures interrompues supprimé(s)")
        }
        Err(e) => tracing::warn!(error = %e, "nettoyage des fichiers temporaires impossible"),
    }
    Ok(std::sync::Arc::new(blobs))
}

pub async fn serve(
    store: DynStore,
    blobs: portfolio_store::blobs::DynBlobStore,
    args: &ServeArgs,
    banner: Option<String>,
) -> Result<()> {
    let config = args.web_config()?;
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| {
            format!(
                "impossible d’écouter sur {} (adresse déjà utilisée ou non autorisée : choisissez-en une autre avec --listen ou PORTFOLIO_LISTEN)",
                args.listen
            )
        })?;
    let addr = listener.local_addr().context("adresse d’écoute inconnue")?;
    tokio::task::spawn_blocking(portfolio_web::password::warm_up);
    println!(
        "Portfolio SIO écoute sur http://{addr}/ (base : {})",
        store.backend()
    );
    if let Some(b) = banner {
        println!("{b}");
    }
    let state = AppState::new(store.clone(), blobs, config);
    portfolio_web::serve(listener, state, shutdown_signal())
        .await
        .context("arrêt du serveur sur une erreur")?;
    store.close().await;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
