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
    /// Login throttling: failures allowed without delay within `login_window_secs` for one
    /// account from one address (or from one known device) …
    pub login_free_failures_per_pair: i64,
    /// … for one account from anywhere (a login from a known device ignores this one) …
    pub login_free_failures_per_account: i64,
    /// … and from one client address, whatever the account (a login from a known device
    /// ignores this one too: a school's NAT or a proxy puts hundreds of users behind one).
    pub login_free_failures_per_client: i64,
    /// The delay after the first failure over the allowance; it doubles with each further
    /// failure, up to `login_delay_cap_secs`.
    pub login_delay_base_secs: i64,
    pub login_delay_cap_secs: i64,
    pub login_window_secs: i64,
    /// Peers whose `X-Forwarded-For` is believed (the reverse proxies in front of the server):
    /// the client address of a request is then the last address of that header that is not one
    /// of them. Empty: the peer's address is the client's, and the header is ignored.
    pub trusted_proxies: Vec<ipnet::IpNet>,
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
            login_free_failures_per_pair: 5,
            login_free_failures_per_account: 10,
            login_free_failures_per_client: 50,
            login_delay_base_secs: 30,
            login_delay_cap_secs: 15 * 60,
            login_window_secs: 3600,
            trusted_proxies: Vec::new(),
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

    /// The long-lived cookie that makes a browser a known device of the accounts that logged in
    /// from it.
    pub fn device_cookie_name(&self) -> &'static str {
        if self.secure_cookies {
            "__Host-sio_device"
        } else {
            "sio_device"
        }
    }

    /// The client address of a request whose TCP peer is `peer`, given its `X-Forwarded-For`
    /// header: walking the header from the right, the first address that is not a trusted
    /// proxy; the peer itself unless it is trusted. A malformed header stops the walk at the
    /// last trusted hop, so a client cannot choose its address by writing the header.
    pub fn client_address(
        &self,
        peer: std::net::IpAddr,
        forwarded_for: Option<&str>,
    ) -> std::net::IpAddr {
        let trusted = |ip: &std::net::IpAddr| self.trusted_proxies.iter().any(|n| n.contains(ip));
        if !trusted(&peer) {
            return peer;
        }
        let mut client = peer;
        for hop in forwarded_for.unwrap_or_default().rsplit(',') {
            match hop.trim().parse::<std::net::IpAddr>() {
                Ok(ip) => {
                    client = ip;
                    if !trusted(&ip) {
                        break;
                    }
                }
                Err(_) => break,
            }
        }
        client
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

/// `--trusted-proxies`: addresses or networks separated by commas or spaces
/// (`10.0.0.1, 192.168.0.0/16, ::1`); the error names the entry in French.
pub fn parse_trusted_proxies(text: &str) -> Result<Vec<ipnet::IpNet>, String> {
    text.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<ipnet::IpNet>()
                .or_else(|_| s.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                .map_err(|_| {
                    format!(
                        "mandataire de confiance « {s} » invalide : attendu une adresse IP ou un réseau (10.0.0.1, 192.168.0.0/16)"
                    )
                })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::WebConfig;
    use std::net::IpAddr;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("ip")
    }

    #[test]
    fn the_forwarded_address_is_believed_only_from_a_trusted_proxy() {
        let open = WebConfig::default();
        // No trusted proxy: the header is ignored, whatever it says.
        assert_eq!(
            open.client_address(ip("10.0.0.1"), Some("203.0.113.7")),
            ip("10.0.0.1")
        );

        let behind = WebConfig {
            trusted_proxies: vec![
                "10.0.0.0/8".parse().expect("net"),
                "::1/128".parse().expect("net"),
            ],
            ..WebConfig::default()
        };
        assert_eq!(
            behind.client_address(ip("10.0.0.1"), Some("203.0.113.7")),
            ip("203.0.113.7")
        );
        // A client that writes the header itself: its forged entries are left of the real one.
        assert_eq!(
            behind.client_address(ip("10.0.0.1"), Some("1.2.3.4, 203.0.113.7, 10.0.0.2")),
            ip("203.0.113.7")
        );
        // A peer outside the list is the client, header or not.
        assert_eq!(
            behind.client_address(ip("198.51.100.1"), Some("1.2.3.4")),
            ip("198.51.100.1")
        );
        // No header, or a malformed hop: the last trusted address answers for itself.
        assert_eq!(behind.client_address(ip("::1"), None), ip("::1"));
        assert_eq!(
            behind.client_address(ip("10.0.0.1"), Some("1.2.3.4, nonsense")),
            ip("10.0.0.1")
        );
    }
}
