//! Who is asking: passwords (argon2id), sessions (cookie token → stored session with idle and
//! absolute timeouts), CSRF tokens, login throttling and the clock they all read.
//!
//! Secrets are never stored as such: the session cookie and invitation links carry 256-bit
//! random tokens, the database keeps their SHA-256; passwords are kept as argon2id PHC strings.

use std::sync::{Arc, Mutex};

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use axum::http::{HeaderMap, header};
use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use mobiplan_store::{Membership, Role, Store, User};
use sha2::{Digest, Sha256};
use tokio::sync::Semaphore;

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

    /// A clock that reads `now` (another server's clock in tests of several instances).
    pub fn from_fn(now: impl Fn() -> DateTime<Utc> + Send + Sync + 'static) -> Clock {
        Clock(Arc::new(now))
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
    /// Failed logins for one e-mail address before further attempts are refused for
    /// `throttle_window`; each further failure after a refusal doubles the wait, up to
    /// `max_throttle_delay`. Counted in the database, so every instance shares it.
    pub max_failed_logins: u32,
    /// The same for one client address (IPv6: its /64). Higher, since a whole school can sit
    /// behind one address.
    pub max_failed_logins_per_address: u32,
    pub throttle_window: Duration,
    pub max_throttle_delay: Duration,
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
            max_failed_logins_per_address: 50,
            throttle_window: Duration::minutes(15),
            max_throttle_delay: Duration::hours(24),
            invitation_lifetime: Duration::days(7),
        }
    }
}

impl SecurityPolicy {
    pub fn account_rule(&self) -> mobiplan_store::ThrottleRule {
        mobiplan_store::ThrottleRule {
            limit: self.max_failed_logins,
            window: self.throttle_window,
            max_delay: self.max_throttle_delay,
        }
    }

    pub fn address_rule(&self) -> mobiplan_store::ThrottleRule {
        mobiplan_store::ThrottleRule {
            limit: self.max_failed_logins_per_address,
            ..self.account_rule()
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
    let Some((s, memberships)) = store.session_with_memberships(&hash).await? else {
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

/// The throttle key of an account: its normalised e-mail address. It is stored only in the
/// throttle table, which holds nothing else about the person.
pub fn account_key(email: &str) -> String {
    format!("email:{}", mobiplan_store::normalise_email(email))
}

/// A bounded pool for password hashing (argon2id: 19 MiB and a core for tens of
/// milliseconds each). At most `workers` hashes run at once, and at most `queue` more wait;
/// a request beyond that is refused at once with [`WebError::Busy`] — before any hashing and
/// before any memory is taken for it — so a burst of logins cannot exhaust memory.
#[derive(Clone)]
pub struct HashPool {
    workers: Arc<Semaphore>,
    admitted: Arc<Semaphore>,
}

impl HashPool {
    pub fn new(workers: usize, queue: usize) -> HashPool {
        let workers = workers.max(1);
        HashPool {
            workers: Arc::new(Semaphore::new(workers)),
            admitted: Arc::new(Semaphore::new(workers + queue)),
        }
    }

    /// Runs `work` on a blocking thread once a worker is free, or refuses at once when the
    /// queue is full.
    pub async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, HashRefused> {
        let _admitted = self
            .admitted
            .clone()
            .try_acquire_owned()
            .map_err(|_| HashRefused::Busy)?;
        let _worker = self
            .workers
            .acquire()
            .await
            .map_err(|_| HashRefused::Failed("the hashing pool is closed".into()))?;
        tokio::task::spawn_blocking(work)
            .await
            .map_err(|e| HashRefused::Failed(e.to_string()))
    }
}

/// Why [`HashPool::run`] did not run the work.
#[derive(Debug)]
pub enum HashRefused {
    /// Every worker is busy and the queue is full: try again in a moment.
    Busy,
    Failed(String),
}

/// How long a client refused by a full hashing pool should wait (`Retry-After`).
pub const BUSY_RETRY_SECONDS: u64 = 2;

impl HashRefused {
    pub fn into_web(self, lang: crate::i18n::Lang) -> WebError {
        match self {
            HashRefused::Busy => WebError::Busy {
                message: crate::i18n::t(lang, "web.busy-text"),
                retry_after: BUSY_RETRY_SECONDS,
            },
            HashRefused::Failed(e) => WebError::Internal(format!("password hashing: {e}")),
        }
    }
}

/// The login-form CSRF token of a pre-login session id: HMAC-SHA-256 with the server's key,
/// so that only tokens this server (or another instance on the same database) handed out
/// for that very session are accepted — not any token a forger pairs with a cookie.
pub fn login_csrf_token(key: &[u8], pre_session: &str) -> String {
    use hmac::Mac;
    let mut mac = match hmac::Hmac::<Sha256>::new_from_slice(key) {
        Ok(m) => m,
        // HMAC takes keys of any length; this cannot happen.
        Err(_) => return String::new(),
    };
    mac.update(b"mobiplan login csrf\0");
    mac.update(pre_session.as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
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
    fn login_csrf_tokens_belong_to_one_pre_login_session_and_key() {
        let a = login_csrf_token(b"key", "session-a");
        assert_eq!(a, login_csrf_token(b"key", "session-a"));
        assert_ne!(a, login_csrf_token(b"key", "session-b"));
        assert_ne!(a, login_csrf_token(b"other key", "session-a"));
        assert_eq!(a.len(), 43);
    }

    #[tokio::test]
    async fn the_hashing_pool_refuses_beyond_its_queue_before_running_anything() {
        let pool = HashPool::new(1, 1);
        let (release, wait) = tokio::sync::oneshot::channel::<()>();
        let busy = pool.clone();
        let first = tokio::spawn(async move {
            busy.run(move || {
                let _ = wait.blocking_recv();
                1
            })
            .await
        });
        // Let the first take the worker.
        while pool.workers.available_permits() > 0 {
            tokio::task::yield_now().await;
        }
        let queued = pool.clone();
        let second = tokio::spawn(async move { queued.run(|| 2).await });
        while pool.admitted.available_permits() > 0 {
            tokio::task::yield_now().await;
        }
        let ran = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = ran.clone();
        let third = pool
            .run(move || flag.store(true, std::sync::atomic::Ordering::SeqCst))
            .await;
        assert!(matches!(third, Err(HashRefused::Busy)));
        assert!(
            !ran.load(std::sync::atomic::Ordering::SeqCst),
            "refused work never runs"
        );
        release.send(()).unwrap();
        assert_eq!(first.await.unwrap().unwrap(), 1);
        assert_eq!(second.await.unwrap().unwrap(), 2);
    }
}
