//! Settings of the web layer (the CLI fills them from flags and environment variables).

#[derive(Debug, Clone)]
pub struct WebConfig {
    /// `true` when the site is served over TLS (directly or behind a proxy): cookies then get
    /// the `__Host-` prefix and the `Secure` attribute.
    pub secure_cookies: bool,
    /// A session unused for this long ends.
    pub idle_timeout_secs: i64,
    /// A session ends this long after login, used or not.
    pub absolute_timeout_secs: i64,
    /// Failed logins allowed for one e-mail address within `login_window_secs`.
    pub login_max_failures_per_account: i64,
    /// Failed logins allowed from one client address within `login_window_secs`.
    pub login_max_failures_per_client: i64,
    pub login_window_secs: i64,
    /// The address people use to reach the site (`https://portfolio.lycee.fr`), for the links
    /// printed outside it (the public portfolio link). `None`: taken from the request's host.
    pub public_url: Option<String>,
    /// File uploads and imports received at the same time; one more is answered 503 with
    /// `Retry-After` before its body is read. Each upload streams to the disk (a few hundred
    /// kilobytes of memory), but the imports are parsed in memory (up to 20 Mo, 210 Mo for a
    /// whole dossier): this bounds what they can take together.
    pub max_uploads_in_flight: usize,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            secure_cookies: false,
            idle_timeout_secs: 30 * 60,
            absolute_timeout_secs: 12 * 3600,
            login_max_failures_per_account: 5,
            login_max_failures_per_client: 50,
            login_window_secs: 15 * 60,
            public_url: None,
            max_uploads_in_flight: 16,
        }
    }
}

impl WebConfig {
    pub fn session_cookie_name(&self) -> &'static str {
        if self.secure_cookies {
            "__Host-sio_session"
        } else {
            "sio_session"
        }
    }

    pub fn login_cookie_name(&self) -> &'static str {
        if self.secure_cookies {
            "__Host-sio_login"
        } else {
            "sio_login"
        }
    }

    /// `Set-Cookie` value for `name=value`, with the attributes every cookie of ours carries.
    pub fn cookie(&self, name: &str, value: &str, max_age: Option<i64>) -> String {
        let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
        if self.secure_cookies {
            c.push_str("; Secure");
        }
        if let Some(age) = max_age {
            c.push_str(&format!("; Max-Age={age}"));
        }
        c
    }
}
