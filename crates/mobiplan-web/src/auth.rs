//! Who is asking: passwords (argon2id), sessions (cookie token → stored session with idle and
//! absolute timeouts), CSRF tokens, login throttling and the clock they all read.
//!
//! Secrets are never stored as such: the session cookie and invitation links carry 256-bit
//! random tokens, the database keeps their SHA-256; passwords are kept as argon2id PHC strings.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use axum::http::{HeaderMap, header};
use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use mobiplan_store::{Membership, Role, Store, User};
use sha2::{Digest, Sha256};

use crate::error::WebError;

pub const SESSION_COOKIE: &str = "mobiplan_session";
/// The CSRF token of a visitor who is not logged in (login, first-run setup, invitations).
pub const CSRF_COOKIE: &str = "mobiplan_csrf";
pub const CSRF_HEADER: &str = "x-csrf-token";
pub const CSRF_FIELD: &str = "_csrf";
/// Shortest password accepted (NIST SP 800-63B's minimum for user-chosen secrets).
pub const MIN_PASSWORD_CHARS: usize = 8;

/// The time as the server sees it. Injected so that tests can move it (session expiry,
/// throttling windows, invitation expiry) without waiting.
#[derive(Clone)]
pub struct Clock(Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>);

impl Clock {
    pub fn system() -> Clock {
        Clock(Arc::new(Utc::now))
    }

    /// A clock that stands still at `start` until the returned handle moves it.
    pub fn manual(start: DateTime<Utc>) -> (Clock, ManualClock) {
        let now = Arc::new(Mutex::new(start));
        let read = now.clone();
        (
            Clock(Arc::new(move || {
                *read.lock().unwrap_or_else(|p| p.into_inner())
            })),
            ManualClock(now),
        )
    }

    pub fn now(&self) -> DateTime<Utc> {
        (self.0)()
    }
}

/// Moves a [`Clock::manual`].
#[derive(Clone)]
pub struct ManualClock(Arc<Mutex<DateTime<Utc>>>);

impl ManualClock {
    pub fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn advance(&self, by: Duration) {
        let mut now = self.0.lock().unwrap_or_else(|p| p.into_inner());
        *now += by;
    }
}

/// The limits of sessions, logins and invitations.
#[derive(Clone, Debug)]
pub struct SecurityPolicy {
    /// A session not used for this long ends.
    pub idle_timeout: Duration,
    /// A session ends this long after the login, however busy.
    pub absolute_timeout: Duration,
    /// Failed logins for one e-mail address within `throttle_window` before further attempts
    /// are refused until the window has passed.
    pub max_failed_logins: usize,
    pub throttle_window: Duration,
    /// How long an invitation link can be used.
    pub invitation_lifetime: Duration,
}

impl Default for SecurityPolicy {
    fn default() -> SecurityPolicy {
        SecurityPolicy {
            // A teacher planning in the evening keeps one session; an abandoned one dies soon.
            idle_timeout: Duration::hours(2),
            absolute_timeout: Duration::hours(12),
            max_failed_logins: 5,
            throttle_window: Duration::minutes(15),
            invitation_lifetime: Duration::days(7),
        }
    }
}

/// The argon2id hasher (RFC 9106's second recommended option: 19 MiB, 2 passes, 1 lane,
/// as OWASP recommends).
fn argon2() -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::default())
}

/// An argon2id PHC string of the password with a fresh salt.
pub fn hash_password(password: &str) -> Result<String, WebError> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| WebError::Internal(format!("no randomness: {e}")))?;
    let salt =
        SaltString::encode_b64(&salt).map_err(|e| WebError::Internal(format!("salt: {e}")))?;
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| WebError::Internal(format!("password hash: {e}")))
}

/// Whether the password matches the PHC string (a malformed hash never matches).
pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|h| argon2().verify_password(password.as_bytes(), &h).is_ok())
        .unwrap_or(false)
}

/// A hash to verify against when the e-mail is unknown, so that a login takes as long for an
/// unknown address as for a wrong password.
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password("mobiplan-no-such-user").unwrap_or_default())
}

/// 256 random bits, URL-safe base64.
pub fn new_token() -> Result<String, WebError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| WebError::Internal(format!("no randomness: {e}")))?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

/// What the database keeps of a token.
pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Compares secrets in time independent of where they differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// A cookie's value from the request.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// Whether the request reached the proxy in front of mobiplan over TLS (then cookies are
/// `Secure`). mobiplan itself speaks plain HTTP; on a public address it runs behind one.
pub fn behind_tls(headers: &HeaderMap) -> bool {
    let forwarded_proto = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("https"));
    let forwarded = headers
        .get(header::FORWARDED)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().contains("proto=https"));
    forwarded_proto || forwarded
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Lax (links from mail keep the session; every
/// state-changing request also needs the CSRF token), Secure behind TLS.
pub fn set_cookie(name: &str, value: &str, max_age: Option<i64>, secure: bool) -> String {
    let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    if let Some(age) = max_age {
        c.push_str(&format!("; Max-Age={age}"));
    }
    if secure {
        c.push_str("; Secure");
    }
    c
}

/// The logged-in user of a request, with the organisations the user belongs to.
#[derive(Clone, Debug)]
pub struct Actor {
    pub user: User,
    pub memberships: Vec<Membership>,
    /// The hash of the session token (to log out this session).
    pub session: String,
}

impl Actor {
    pub fn role_in(&self, org_id: &str) -> Option<Role> {
        self.memberships
            .iter()
            .find(|m| m.org.id == org_id)
            .map(|m| m.role)
    }

    /// The organisations in which the user may create projects and profiles.
    pub fn writable_orgs(&self) -> Vec<&Membership> {
        self.memberships
            .iter()
            .filter(|m| m.role >= Role::Editor)
            .collect()
    }
}

/// Why a session was not accepted.
#[derive(Debug, PartialEq, Eq)]
pub enum SessionEnd {
    Unknown,
    Idle,
    Expired,
}

/// Loads the session of `token` and checks its timeouts at `now`; a timed-out session is
/// deleted. Refreshes `last_seen_at` (at most once a minute, to spare the database).
pub async fn load_session(
    store: &Store,
    policy: &SecurityPolicy,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Result<(Actor, String), SessionEnd>, WebError> {
    let hash = token_hash(token);
    let Some(s) = store.session(&hash).await? else {
        return Ok(Err(SessionEnd::Unknown));
    };
    let end = if now - s.created_at >= policy.absolute_timeout {
        Some(SessionEnd::Expired)
    } else if now - s.last_seen_at >= policy.idle_timeout {
        Some(SessionEnd::Idle)
    } else {
        None
    };
    if let Some(end) = end {
        store.delete_session(&hash).await?;
        return Ok(Err(end));
    }
    if now - s.last_seen_at >= Duration::minutes(1) {
        store.touch_session(&hash, now).await?;
    }
    let memberships = store.memberships(&s.user.id).await?;
    Ok(Ok((
        Actor {
            user: s.user,
            memberships,
            session: hash,
        },
        s.csrf_token,
    )))
}

/// Starts a session for the user; returns (cookie token, CSRF token).
pub async fn start_session(
    store: &Store,
    user_id: &str,
    now: DateTime<Utc>,
) -> Result<(String, String), WebError> {
    let token = new_token()?;
    let csrf = new_token()?;
    store
        .create_session(&token_hash(&token), user_id, &csrf, now)
        .await?;
    Ok((token, csrf))
}

/// Failed logins per e-mail address, in memory: a restart forgets them, which only gives an
/// attacker a fresh window as often as the operator restarts the server.
#[derive(Default)]
pub struct Throttle {
    failures: Mutex<HashMap<String, Vec<DateTime<Utc>>>>,
}

impl Throttle {
    fn key(email: &str) -> String {
        mobiplan_store::normalise_email(email)
    }

    /// Whether a login for `email` may be tried now; if not, when it may again.
    pub fn check(
        &self,
        policy: &SecurityPolicy,
        email: &str,
        now: DateTime<Utc>,
    ) -> Result<(), DateTime<Utc>> {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let list = map.entry(Self::key(email)).or_default();
        list.retain(|t| now - *t < policy.throttle_window);
        if list.len() >= policy.max_failed_logins {
            let oldest = list.iter().min().copied().unwrap_or(now);
            return Err(oldest + policy.throttle_window);
        }
        Ok(())
    }

    pub fn failed(&self, email: &str, now: DateTime<Utc>) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        map.entry(Self::key(email)).or_default().push(now);
    }

    pub fn succeeded(&self, email: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        map.remove(&Self::key(email));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_hashed_with_argon2id_and_salted() {
        let a = hash_password("correct horse battery").unwrap();
        let b = hash_password("correct horse battery").unwrap();
        assert!(a.starts_with("$argon2id$v=19$"), "{a}");
        assert_ne!(a, b, "each hash has its own salt");
        assert!(!a.contains("correct horse"));
        assert!(verify_password("correct horse battery", &a));
        assert!(!verify_password("correct horse batterY", &a));
        assert!(!verify_password("correct horse battery", "not a hash"));
    }

    #[test]
    fn tokens_are_random_and_stored_hashed() {
        let t = new_token().unwrap();
        assert_eq!(t.len(), 43, "32 bytes in unpadded base64");
        assert_ne!(t, new_token().unwrap());
        let h = token_hash(&t);
        assert_eq!(h.len(), 64);
        assert_ne!(h, t);
        assert_eq!(h, token_hash(&t));
    }

    #[test]
    fn secrets_compare_exactly() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("abc", "abcd"));
        assert!(!same_secret("", "a"));
    }

    #[test]
    fn throttle_refuses_after_the_limit_until_the_window_passes() {
        let policy = SecurityPolicy::default();
        let t = Throttle::default();
        let start = Utc::now();
        for i in 0..policy.max_failed_logins {
            assert!(t.check(&policy, "A@x.lv", start).is_ok(), "attempt {i}");
            t.failed("a@x.lv ", start);
        }
        let until = t.check(&policy, "a@x.lv", start).unwrap_err();
        assert_eq!(until, start + policy.throttle_window);
        assert!(t.check(&policy, "other@x.lv", start).is_ok());
        assert!(t.check(&policy, "a@x.lv", until).is_ok());
    }
}
