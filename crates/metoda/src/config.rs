//! Configuration: defaults, then a TOML file, then `METODA_*` environment variables, then
//! command-line options. Secrets (the database password) are redacted when shown.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use metoda_web::{SecureCookies, WebConfig};
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub database_url: String,
    pub bind: String,
    /// auto | true | false (a TOML boolean works too)
    #[serde(deserialize_with = "string_or_bool")]
    pub secure_cookies: String,
    pub trust_proxy: bool,
    pub session_hours: i64,
    pub log: String,
    /// Answer each request with `X-Query-Count` (the SQL statements it ran): for the load
    /// benchmark; off by default.
    pub query_count_header: bool,
    /// The mail server for notifications (`smtp://host:25`, `smtp://user:password@host:587?tls=required`,
    /// `smtps://user:password@host:465`); without it no e-mail is sent.
    pub smtp_url: Option<String>,
    /// The sender of notification e-mail.
    pub mail_from: String,
    /// The address users open Metoda at, for the links in e-mail.
    pub public_url: String,
    /// How often the e-mail sender looks for due messages, in seconds.
    pub mail_interval_seconds: u64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            database_url: "sqlite://data/metoda.db".into(),
            bind: "127.0.0.1:8080".into(),
            secure_cookies: "auto".into(),
            trust_proxy: false,
            session_hours: 12,
            log: "info".into(),
            query_count_header: false,
            smtp_url: None,
            mail_from: "Метода <noreply@localhost>".into(),
            public_url: "http://127.0.0.1:8080".into(),
            mail_interval_seconds: 30,
        }
    }
}

impl Config {
    /// Loads the file (explicit path, `METODA_CONFIG`, or `./metoda.toml` when present) and the environment.
    pub fn load(file: Option<&Path>) -> Result<Config> {
        let explicit = file.map(Path::to_path_buf).or_else(|| std::env::var_os("METODA_CONFIG").map(PathBuf::from));
        let path = explicit.clone().or_else(|| Some(PathBuf::from("metoda.toml")).filter(|p| p.exists()));
        let mut c = match path {
            Some(p) => {
                let text = std::fs::read_to_string(&p)
                    .with_context(|| format!("cannot read the config file {}", p.display()))?;
                toml::from_str(&text).with_context(|| format!("bad config file {}", p.display()))?
            }
            None => Config::default(),
        };
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        if let Some(v) = var("METODA_DATABASE_URL") {
            c.database_url = v;
        }
        if let Some(v) = var("METODA_BIND") {
            c.bind = v;
        }
        if let Some(v) = var("METODA_SECURE_COOKIES") {
            c.secure_cookies = v;
        }
        if let Some(v) = var("METODA_TRUST_PROXY") {
            c.trust_proxy = parse_bool(&v).with_context(|| "METODA_TRUST_PROXY must be true or false")?;
        }
        if let Some(v) = var("METODA_SESSION_HOURS") {
            c.session_hours = v.parse().with_context(|| "METODA_SESSION_HOURS must be a whole number of hours")?;
        }
        if let Some(v) = var("METODA_QUERY_COUNT_HEADER") {
            c.query_count_header = parse_bool(&v).with_context(|| "METODA_QUERY_COUNT_HEADER must be true or false")?;
        }
        if let Some(v) = var("METODA_SMTP_URL") {
            c.smtp_url = Some(v);
        }
        if let Some(v) = var("METODA_MAIL_FROM") {
            c.mail_from = v;
        }
        if let Some(v) = var("METODA_PUBLIC_URL") {
            c.public_url = v;
        }
        if let Some(v) = var("METODA_MAIL_INTERVAL_SECONDS") {
            c.mail_interval_seconds =
                v.parse().with_context(|| "METODA_MAIL_INTERVAL_SECONDS must be a whole number")?;
        }
        if let Some(v) = var("METODA_LOG") {
            c.log = v;
        }
        c.web()?;
        c.mail()?;
        Ok(c)
    }

    pub fn web(&self) -> Result<WebConfig> {
        let secure_cookies = match self.secure_cookies.trim() {
            "auto" => SecureCookies::Auto,
            v if parse_bool(v) == Some(true) => SecureCookies::Always,
            v if parse_bool(v) == Some(false) => SecureCookies::Never,
            v => bail!("secure_cookies must be auto, true or false (got {v:?})"),
        };
        if !(1..=24 * 30).contains(&self.session_hours) {
            bail!("session_hours must be between 1 and 720");
        }
        Ok(WebConfig {
            secure_cookies,
            trust_proxy: self.trust_proxy,
            session_ttl: time::Duration::hours(self.session_hours),
            query_count_header: self.query_count_header,
            mail_enabled: self.smtp_url.is_some(),
            public_url: self.public_url.trim_end_matches('/').to_owned(),
        })
    }

    /// The e-mail sender, when a mail server is configured.
    pub fn mail(&self) -> Result<Option<metoda_web::mail::Mailer>> {
        let Some(url) = self.smtp_url.clone().filter(|u| !u.trim().is_empty()) else { return Ok(None) };
        if self.mail_interval_seconds == 0 {
            bail!("mail_interval_seconds must be at least 1");
        }
        let cfg = metoda_web::mail::MailConfig {
            smtp_url: url,
            from: self.mail_from.clone(),
            public_url: self.public_url.clone(),
            interval: std::time::Duration::from_secs(self.mail_interval_seconds),
        };
        metoda_web::mail::Mailer::new(&cfg).map(Some).map_err(anyhow::Error::msg)
    }
}

fn string_or_bool<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum V {
        S(String),
        B(bool),
    }
    Ok(match V::deserialize(d)? {
        V::S(s) => s,
        V::B(b) => b.to_string(),
    })
}

fn parse_bool(v: &str) -> Option<bool> {
    match v.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Some(true),
        "0" | "false" | "no" | "off" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_files() {
        let c: Config = toml::from_str("bind = \"0.0.0.0:9000\"\nsecure_cookies = \"true\"").unwrap();
        assert_eq!(c.bind, "0.0.0.0:9000");
        assert_eq!(c.database_url, "sqlite://data/metoda.db");
        assert_eq!(c.web().unwrap().secure_cookies, SecureCookies::Always);
        assert!(toml::from_str::<Config>("colour = \"red\"").is_err(), "unknown keys are refused");
        let c: Config = toml::from_str("secure_cookies = false").unwrap();
        assert_eq!(c.web().unwrap().secure_cookies, SecureCookies::Never);
        let bad = Config { secure_cookies: "maybe".into(), ..Config::default() };
        assert!(bad.web().is_err());
    }
}
