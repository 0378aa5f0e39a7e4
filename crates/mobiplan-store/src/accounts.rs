//! Accounts: organisations, users, memberships, sessions, invitations, project shares, and the
//! questions authorization asks ("what may this user do with this project?").
//!
//! The store keeps secrets only as what the web layer gives it: password hashes (argon2id,
//! computed by the caller) and SHA-256 hashes of session and invitation tokens, so that a copy
//! of the database does not let anyone log in.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::error::{Result, StoreError};
use crate::store::{WriteTx, dispatch, new_id, now};
use crate::{ProjectSummary, RateProfileSummary, Store};

/// A member's role in an organisation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Reads the organisation's projects and profiles.
    Viewer,
    /// Also creates, edits and deletes them.
    Editor,
    /// Also invites members, changes roles and shares projects.
    Owner,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Owner, Role::Editor, Role::Viewer];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Editor => "editor",
            Role::Viewer => "viewer",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// What a share gives a user of another organisation on one project.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ShareAccess {
    Read,
    Edit,
}

impl ShareAccess {
    pub fn as_str(self) -> &'static str {
        match self {
            ShareAccess::Read => "read",
            ShareAccess::Edit => "edit",
        }
    }

    pub fn parse(s: &str) -> Option<ShareAccess> {
        match s {
            "read" => Some(ShareAccess::Read),
            "edit" => Some(ShareAccess::Edit),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Organisation {
    pub id: String,
    pub name: String,
    /// The Erasmus+ organisation ID (E1…).
    pub oid: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    pub town: String,
}

/// The fields of a new organisation.
#[derive(Clone, Debug)]
pub struct NewOrganisation<'a> {
    pub name: &'a str,
    pub oid: &'a str,
    pub country: &'a str,
    pub town: &'a str,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct User {
    pub id: String,
    pub email: String,
    pub name: String,
}

/// The fields of a new user; `password_hash` is a PHC string computed by the caller.
#[derive(Clone, Debug)]
pub struct NewUser<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub password_hash: &'a str,
}

/// A user with the password hash, for logging in.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Credentials {
    pub id: String,
    pub email: String,
    pub name: String,
    pub password_hash: String,
}

/// One organisation a user belongs to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Membership {
    pub org: Organisation,
    pub role: Role,
}

/// One member of an organisation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Member {
    pub user: User,
    pub role: Role,
}

/// A stored session (looked up by the hash of its token).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionRecord {
    pub user: User,
    pub csrf_token: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
}

/// An invitation (looked up by the hash of its token).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invitation {
    pub org: Organisation,
    pub role: Role,
    pub expires_at: DateTime<Utc>,
    pub used: bool,
}

/// One user a project is shared with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Share {
    pub user: User,
    pub access: ShareAccess,
}

/// What one user has on one project: the role in the project's organisation, a share, both
/// or neither. The web layer's authorization turns this into what may be done.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ProjectGrant {
    pub role: Option<Role>,
    pub share: Option<ShareAccess>,
}

/// One saved version in a project's history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HistoryEntry {
    /// The newest version of the entry: the state it shows.
    pub version: i64,
    /// The first version of the entry: smaller than `version` when autosaves of one person
    /// were folded into it (every version between is stored and readable too).
    pub first_version: i64,
    pub saved_at: DateTime<Utc>,
    /// Who saved it (`None`: before accounts, a command-line tool, or a deleted user).
    pub saved_by: Option<User>,
    pub rate_profile_id: Option<String>,
}

fn role_of(s: &str) -> Result<Role> {
    Role::parse(s).ok_or_else(|| StoreError::Invalid(format!("unknown role '{s}' in the database")))
}

fn is_unique_violation(e: &sqlx::Error) -> bool {
    e.as_database_error()
        .is_some_and(|d| d.is_unique_violation())
}

/// E-mail addresses are compared without case and surrounding space.
pub fn normalise_email(email: &str) -> String {
    email.trim().to_lowercase()
}

type OrgRow = (String, String, String, String, String);

fn org_from(row: OrgRow) -> Organisation {
    Organisation {
        id: row.0,
        name: row.1,
        oid: row.2,
        country: row.3,
        town: row.4,
    }
}

impl Store {
    /// How many users there are (0: the first-run setup has not happened).
    pub async fn count_users(&self) -> Result<i64> {
        dispatch!(&self.backend, pool => {
            Ok(sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(pool).await?)
        })
    }

    /// The first-run setup: creates the organisation and its first owner — only while there is
    /// no user at all ([`StoreError::Exists`] otherwise, so two setups at once make one owner).
    /// Projects and rate profiles from before accounts (in no organisation) join it.
    pub async fn create_first_owner(
        &self,
        org: &NewOrganisation<'_>,
        user: &NewUser<'_>,
    ) -> Result<(Organisation, User)> {
        self.create_owner(org, user, true).await
    }

    /// A new organisation with a new user as its owner (a consultant's own organisation, a
    /// second school on the same server). [`StoreError::Exists`] if the e-mail is taken.
    pub async fn create_organisation_with_owner(
        &self,
        org: &NewOrganisation<'_>,
        user: &NewUser<'_>,
    ) -> Result<(Organisation, User)> {
        self.create_owner(org, user, false).await
    }

    async fn create_owner(
        &self,
        org: &NewOrganisation<'_>,
        user: &NewUser<'_>,
        first: bool,
    ) -> Result<(Organisation, User)> {
        let org_id = new_id()?;
        let user_id = new_id()?;
        let email = normalise_email(user.email);
        let at = now();
        dispatch!(&self.backend, pool => {
            let mut tx = pool.begin_write().await?;
            // SQLite's BEGIN IMMEDIATE already serialises writers; on PostgreSQL the lock makes
            // the COUNT below decide once when two setups run at the same moment.
            if let crate::store::Backend::Postgres(_) = self.backend {
                sqlx::query("LOCK TABLE users IN EXCLUSIVE MODE").execute(&mut *tx).await?;
            }
            let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(&mut *tx).await?;
            if first && users > 0 {
                return Err(StoreError::Exists("an owner has already been set up".into()));
            }
            insert_org(&mut tx, &org_id, org, at).await?;
            insert_user(&mut tx, &user_id, &email, user, at).await?;
            sqlx::query("INSERT INTO memberships (user_id, org_id, role) VALUES ($1, $2, 'owner')")
                .bind(&user_id).bind(&org_id).execute(&mut *tx).await?;
            if first {
                sqlx::query("UPDATE projects SET org_id = $1 WHERE org_id IS NULL")
                    .bind(&org_id).execute(&mut *tx).await?;
                sqlx::query("UPDATE rate_profiles SET org_id = $1 WHERE org_id IS NULL")
                    .bind(&org_id).execute(&mut *tx).await?;
            }
            tx.commit().await?;
        });
        Ok((
            Organisation {
                id: org_id,
                name: org.name.trim().to_owned(),
                oid: org.oid.trim().to_owned(),
                country: org.country.trim().to_owned(),
                town: org.town.trim().to_owned(),
            },
            User {
                id: user_id,
                email,
                name: user.name.trim().to_owned(),
            },
        ))
    }

    /// A new organisation with `owner` (an existing user) as its owner.
    pub async fn create_organisation(
        &self,
        org: &NewOrganisation<'_>,
        owner: &str,
    ) -> Result<Organisation> {
        let org_id = new_id()?;
        let at = now();
        dispatch!(&self.backend, pool => {
            let mut tx = pool.begin_write().await?;
            insert_org(&mut tx, &org_id, org, at).await?;
            sqlx::query("INSERT INTO memberships (user_id, org_id, role) VALUES ($1, $2, 'owner')")
                .bind(owner).bind(&org_id).execute(&mut *tx).await?;
            tx.commit().await?;
        });
        self.organisation(&org_id).await
    }

    /// A new user in organisation `org_id` with `role` ([`StoreError::Exists`] if the e-mail
    /// is taken).
    pub async fn create_user_in(
        &self,
        org_id: &str,
        role: Role,
        user: &NewUser<'_>,
    ) -> Result<User> {
        let user_id = new_id()?;
        let email = normalise_email(user.email);
        let at = now();
        dispatch!(&self.backend, pool => {
            let mut tx = pool.begin_write().await?;
            insert_user(&mut tx, &user_id, &email, user, at).await?;
            sqlx::query("INSERT INTO memberships (user_id, org_id, role) VALUES ($1, $2, $3)")
                .bind(&user_id).bind(org_id).bind(role.as_str()).execute(&mut *tx).await?;
            tx.commit().await?;
        });
        Ok(User {
            id: user_id,
            email,
            name: user.name.trim().to_owned(),
        })
    }

    pub async fn organisation(&self, org_id: &str) -> Result<Organisation> {
        let row: Option<OrgRow> = dispatch!(&self.backend, pool => {
            sqlx::query_as("SELECT id, name, oid, country, town FROM organisations WHERE id = $1")
                .bind(org_id).fetch_optional(pool).await?
        });
        row.map(org_from).ok_or(StoreError::NotFound)
    }

    /// Every organisation, by name.
    pub async fn list_organisations(&self) -> Result<Vec<Organisation>> {
        let rows: Vec<OrgRow> = dispatch!(&self.backend, pool => {
            sqlx::query_as("SELECT id, name, oid, country, town FROM organisations ORDER BY name, id")
                .fetch_all(pool).await?
        });
        Ok(rows.into_iter().map(org_from).collect())
    }

    /// The user with this e-mail and the password hash, to check a login.
    pub async fn credentials(&self, email: &str) -> Result<Option<Credentials>> {
        let email = normalise_email(email);
        dispatch!(&self.backend, pool => {
            Ok(sqlx::query_as("SELECT id, email, name, password_hash FROM users WHERE email = $1")
                .bind(&email).fetch_optional(pool).await?)
        })
    }

    pub async fn user_by_email(&self, email: &str) -> Result<Option<User>> {
        let email = normalise_email(email);
        dispatch!(&self.backend, pool => {
            Ok(sqlx::query_as("SELECT id, email, name FROM users WHERE email = $1")
                .bind(&email).fetch_optional(pool).await?)
        })
    }

    /// Replaces the user's password hash and ends all the user's sessions.
    pub async fn set_password(&self, user_id: &str, password_hash: &str) -> Result<()> {
        dispatch!(&self.backend, pool => {
            let mut tx = pool.begin_write().await?;
            let n = sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
                .bind(password_hash).bind(user_id).execute(&mut *tx).await?.rows_affected();
            if n == 0 {
                return Err(StoreError::NotFound);
            }
            sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id).execute(&mut *tx).await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// The organisations the user belongs to, by name.
    pub async fn memberships(&self, user_id: &str) -> Result<Vec<Membership>> {
        let rows: Vec<(String, String, String, String, String, String)> = dispatch!(&self.backend, pool => {
            sqlx::query_as(
                "SELECT o.id, o.name, o.oid, o.country, o.town, m.role
                 FROM memberships m JOIN organisations o ON o.id = m.org_id
                 WHERE m.user_id = $1 ORDER BY o.name, o.id",
            )
            .bind(user_id).fetch_all(pool).await?
        });
        rows.into_iter()
            .map(|(id, name, oid, country, town, role)| {
                Ok(Membership {
                    org: org_from((id, name, oid, country, town)),
                    role: role_of(&role)?,
                })
            })
            .collect()
    }

    /// The user's role in the organisation, if a member.
    pub async fn role_in(&self, user_id: &str, org_id: &str) -> Result<Option<Role>> {
        let role: Option<String> = dispatch!(&self.backend, pool => {
            sqlx::query_scalar("SELECT role FROM memberships WHERE user_id = $1 AND org_id = $2")
                .bind(user_id).bind(org_id).fetch_optional(pool).await?
        });
        role.map(|r| role_of(&r)).transpose()
    }

    /// The organisation's members, by e-mail.
    pub async fn members(&self, org_id: &str) -> Result<Vec<Member>> {
        let rows: Vec<(String, String, String, String)> = dispatch!(&self.backend, pool => {
            sqlx::query_as(
                "SELECT u.id, u.email, u.name, m.role FROM memberships m JOIN users u ON u.id = m.user_id
                 WHERE m.org_id = $1 ORDER BY u.email",
            )
            .bind(org_id).fetch_all(pool).await?
        });
        rows.into_iter()
            .map(|(id, email, name, role)| {
                Ok(Member {
                    user: User { id, email, name },
                    role: role_of(&role)?,
                })
            })
            .collect()
    }

    /// Changes a member's role (`None`: removes the member). Refuses to leave the
    /// organisation without an owner ([`StoreError::Invalid`]); [`StoreError::NotFound`] if
    /// the user is not a member.
    pub async fn set_member_role(
        &self,
        org_id: &str,
        user_id: &str,
        role: Option<Role>,
    ) -> Result<()> {
        dispatch!(&self.backend, pool => {
            let mut tx = pool.begin_write().await?;
            let n = match role {
                Some(r) => sqlx::query("UPDATE memberships SET role = $1 WHERE org_id = $2 AND user_id = $3")
                    .bind(r.as_str()).bind(org_id).bind(user_id).execute(&mut *tx).await?,
                None => sqlx::query("DELETE FROM memberships WHERE org_id = $1 AND user_id = $2")
                    .bind(org_id).bind(user_id).execute(&mut *tx).await?,
            }.rows_affected();
            if n == 0 {
                return Err(StoreError::NotFound);
            }
            let owners: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM memberships WHERE org_id = $1 AND role = 'owner'")
                .bind(org_id).fetch_one(&mut *tx).await?;
            if owners == 0 {
                return Err(StoreError::Invalid("an organisation needs at least one owner".into()));
            }
            tx.commit().await?;
        });
        Ok(())
    }

    // --- sessions ---------------------------------------------------------------------------

    pub async fn create_session(
        &self,
        token_hash: &str,
        user_id: &str,
        csrf_token: &str,
        at: DateTime<Utc>,
    ) -> Result<()> {
        dispatch!(&self.backend, pool => {
            sqlx::query(
                "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at)
                 VALUES ($1, $2, $3, $4, $4)",
            )
            .bind(token_hash).bind(user_id).bind(csrf_token).bind(at).execute(pool).await?;
        });
        Ok(())
    }

    pub async fn session(&self, token_hash: &str) -> Result<Option<SessionRecord>> {
        type Row = (String, String, String, String, DateTime<Utc>, DateTime<Utc>);
        let row: Option<Row> = dispatch!(&self.backend, pool => {
            sqlx::query_as(
                "SELECT u.id, u.email, u.name, s.csrf_token, s.created_at, s.last_seen_at
                 FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1",
            )
            .bind(token_hash).fetch_optional(pool).await?
        });
        Ok(row.map(
            |(id, email, name, csrf_token, created_at, last_seen_at)| SessionRecord {
                user: User { id, email, name },
                csrf_token,
                created_at,
                last_seen_at,
            },
        ))
    }

    /// [`Store::session`] and the user's [`Store::memberships`] in one query: what every
    /// request of a signed-in person needs before anything else.
    pub async fn session_with_memberships(
        &self,
        token_hash: &str,
    ) -> Result<Option<(SessionRecord, Vec<Membership>)>> {
        type Row = (
            String,
            String,
            String,
            String,
            DateTime<Utc>,
            DateTime<Utc>,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
        );
        let rows: Vec<Row> = dispatch!(&self.backend, pool => {
            sqlx::query_as(
                "SELECT u.id, u.email, u.name, s.csrf_token, s.created_at, s.last_seen_at,
                        o.id, o.name, o.oid, o.country, o.town, m.role
                 FROM sessions s JOIN users u ON u.id = s.user_id
                 LEFT JOIN memberships m ON m.user_id = u.id
                 LEFT JOIN organisations o ON o.id = m.org_id
                 WHERE s.token_hash = $1
                 ORDER BY o.name, o.id",
            )
            .bind(token_hash).fetch_all(pool).await?
        });
        let Some(first) = rows.first() else {
            return Ok(None);
        };
        let session = SessionRecord {
            user: User {
                id: first.0.clone(),
                email: first.1.clone(),
                name: first.2.clone(),
            },
            csrf_token: first.3.clone(),
            created_at: first.4,
            last_seen_at: first.5,
        };
        let mut memberships = Vec::new();
        for row in rows {
            if let (Some(id), Some(name), Some(oid), Some(country), Some(town), Some(role)) =
                (row.6, row.7, row.8, row.9, row.10, row.11)
            {
                memberships.push(Membership {
                    org: org_from((id, name, oid, country, town)),
                    role: role_of(&role)?,
                });
            }
        }
        Ok(Some((session, memberships)))
    }

    pub async fn touch_session(&self, token_hash: &str, at: DateTime<Utc>) -> Result<()> {
        dispatch!(&self.backend, pool => {
            sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
                .bind(at).bind(token_hash).execute(pool).await?;
        });
        Ok(())
    }

    pub async fn delete_session(&self, token_hash: &str) -> Result<()> {
        dispatch!(&self.backend, pool => {
            sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(pool).await?;
        });
        Ok(())
    }

    /// Ends every session of the user ("log out everywhere").
    pub async fn delete_user_sessions(&self, user_id: &str) -> Result<()> {
        dispatch!(&self.backend, pool => {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id).execute(pool).await?;
        });
        Ok(())
    }

    // --- invitations ------------------------------------------------------------------------

    pub async fn create_invitation(
        &self,
        token_hash: &str,
        org_id: &str,
        role: Role,
        by: &str,
        expires_at: DateTime<Utc>,
    ) -> Result<()> {
        dispatch!(&self.backend, pool => {
            sqlx::query(
                "INSERT INTO invitations (token_hash, org_id, role, created_by, created_at, expires_at)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(token_hash).bind(org_id).bind(role.as_str()).bind(by).bind(now()).bind(expires_at)
            .execute(pool).await?;
        });
        Ok(())
    }

    pub async fn invitation(&self, token_hash: &str) -> Result<Option<Invitation>> {
        type Row = (
            String,
            String,
            String,
            String,
            String,
            String,
            DateTime<Utc>,
            Option<DateTime<Utc>>,
        );
        let row: Option<Row> = dispatch!(&self.backend, pool => {
            sqlx::query_as(
                "SELECT o.id, o.name, o.oid, o.country, o.town, i.role, i.expires_at, i.used_at
                 FROM invitations i JOIN organisations o ON o.id = i.org_id WHERE i.token_hash = $1",
            )
            .bind(token_hash).fetch_optional(pool).await?
        });
        row.map(
            |(id, name, oid, country, town, role, expires_at, used_at)| {
                Ok(Invitation {
                    org: org_from((id, name, oid, country, town)),
                    role: role_of(&role)?,
                    expires_at,
                    used: used_at.is_some(),
                })
            },
        )
        .transpose()
    }

    /// Uses the invitation — once: the user (new when `new_user` is given, else the existing
    /// `user_id`) joins its organisation with its role. [`StoreError::NotFound`] if the
    /// invitation does not exist, was used or has expired at `at`; nothing changes then.
    pub async fn accept_invitation(
        &self,
        token_hash: &str,
        existing_user: Option<&str>,
        new_user: Option<&NewUser<'_>>,
        at: DateTime<Utc>,
    ) -> Result<User> {
        let new_id = new_id()?;
        dispatch!(&self.backend, pool => {
            let mut tx = pool.begin_write().await?;
            let user = match (existing_user, new_user) {
                (_, Some(u)) => {
                    let email = normalise_email(u.email);
                    insert_user(&mut tx, &new_id, &email, u, at).await?;
                    User { id: new_id.clone(), email, name: u.name.trim().to_owned() }
                }
                (Some(id), None) => {
                    let u: Option<User> = sqlx::query_as("SELECT id, email, name FROM users WHERE id = $1")
                        .bind(id).fetch_optional(&mut *tx).await?;
                    u.ok_or(StoreError::NotFound)?
                }
                (None, None) => return Err(StoreError::Invalid("an invitation is accepted by a user".into())),
            };
            let claimed: Option<(String, String)> = sqlx::query_as(
                "UPDATE invitations SET used_at = $1, used_by = $2
                 WHERE token_hash = $3 AND used_at IS NULL AND expires_at > $1
                 RETURNING org_id, role",
            )
            .bind(at).bind(&user.id).bind(token_hash).fetch_optional(&mut *tx).await?;
            let Some((org_id, role)) = claimed else {
                return Err(StoreError::NotFound);
            };
            let role = role_of(&role)?;
            let current: Option<String> = sqlx::query_scalar("SELECT role FROM memberships WHERE user_id = $1 AND org_id = $2")
                .bind(&user.id).bind(&org_id).fetch_optional(&mut *tx).await?;
            match current.map(|r| role_of(&r)).transpose()? {
                // An invitation never lowers a role the member already has.
                Some(r) if r >= role => {}
                Some(_) => {
                    sqlx::query("UPDATE memberships SET role = $1 WHERE user_id = $2 AND org_id = $3")
                        .bind(role.as_str()).bind(&user.id).bind(&org_id).execute(&mut *tx).await?;
                }
                None => {
                    sqlx::query("INSERT INTO memberships (user_id, org_id, role) VALUES ($1, $2, $3)")
                        .bind(&user.id).bind(&org_id).bind(role.as_str()).execute(&mut *tx).await?;
                }
            }
            tx.commit().await?;
            Ok(user)
        })
    }

    // --- shares and access ------------------------------------------------------------------

    /// Shares the project with a user (replacing an earlier share). [`StoreError::NotFound`]
    /// if the project or the user does not exist.
    pub async fn share_project(
        &self,
        project_id: &str,
        user_id: &str,
        access: ShareAccess,
    ) -> Result<()> {
        dispatch!(&self.backend, pool => {
            let mut tx = pool.begin_write().await?;
            let both: i64 = sqlx::query_scalar(
                "SELECT (SELECT COUNT(*) FROM projects WHERE id = $1) + (SELECT COUNT(*) FROM users WHERE id = $2)",
            )
            .bind(project_id).bind(user_id).fetch_one(&mut *tx).await?;
            if both != 2 {
                return Err(StoreError::NotFound);
            }
            sqlx::query("DELETE FROM project_shares WHERE project_id = $1 AND user_id = $2")
                .bind(project_id).bind(user_id).execute(&mut *tx).await?;
            sqlx::query("INSERT INTO project_shares (project_id, user_id, access) VALUES ($1, $2, $3)")
                .bind(project_id).bind(user_id).bind(access.as_str()).execute(&mut *tx).await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// Ends a share. [`StoreError::NotFound`] if there was none.
    pub async fn unshare_project(&self, project_id: &str, user_id: &str) -> Result<()> {
        let n = dispatch!(&self.backend, pool => {
            sqlx::query("DELETE FROM project_shares WHERE project_id = $1 AND user_id = $2")
                .bind(project_id).bind(user_id).execute(pool).await?.rows_affected()
        });
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    pub async fn project_shares(&self, project_id: &str) -> Result<Vec<Share>> {
        let rows: Vec<(String, String, String, String)> = dispatch!(&self.backend, pool => {
            sqlx::query_as(
                "SELECT u.id, u.email, u.name, s.access FROM project_shares s JOIN users u ON u.id = s.user_id
                 WHERE s.project_id = $1 ORDER BY u.email",
            )
            .bind(project_id).fetch_all(pool).await?
        });
        rows.into_iter()
            .map(|(id, email, name, access)| {
                let access = ShareAccess::parse(&access).ok_or_else(|| {
                    StoreError::Invalid(format!("unknown share access '{access}'"))
                })?;
                Ok(Share {
                    user: User { id, email, name },
                    access,
                })
            })
            .collect()
    }

    /// What the user has on the project. [`StoreError::NotFound`] if the project does not
    /// exist.
    pub async fn project_grant(&self, user_id: &str, project_id: &str) -> Result<ProjectGrant> {
        let row: Option<(Option<String>, Option<String>)> = dispatch!(&self.backend, pool => {
            sqlx::query_as(
                "SELECT
                   (SELECT m.role FROM memberships m WHERE m.org_id = p.org_id AND m.user_id = $1),
                   (SELECT s.access FROM project_shares s WHERE s.project_id = p.id AND s.user_id = $1)
                 FROM projects p WHERE p.id = $2",
            )
            .bind(user_id).bind(project_id).fetch_optional(pool).await?
        });
        let (role, share) = row.ok_or(StoreError::NotFound)?;
        Ok(ProjectGrant {
            role: role.map(|r| role_of(&r)).transpose()?,
            share: share.as_deref().and_then(ShareAccess::parse),
        })
    }

    /// The organisation a project belongs to (`None`: from before accounts).
    pub async fn project_org(&self, project_id: &str) -> Result<Option<String>> {
        let row: Option<Option<String>> = dispatch!(&self.backend, pool => {
            sqlx::query_scalar("SELECT org_id FROM projects WHERE id = $1").bind(project_id).fetch_optional(pool).await?
        });
        row.ok_or(StoreError::NotFound)
    }

    /// The organisation a rate profile belongs to. [`StoreError::NotFound`] if none.
    pub async fn rate_profile_org(&self, profile_id: &str) -> Result<Option<String>> {
        let row: Option<Option<String>> = dispatch!(&self.backend, pool => {
            sqlx::query_scalar("SELECT org_id FROM rate_profiles WHERE id = $1").bind(profile_id).fetch_optional(pool).await?
        });
        row.ok_or(StoreError::NotFound)
    }

    /// The projects the user may read: those of the user's organisations and those shared
    /// with the user, the most recently saved first.
    pub async fn list_projects_for(&self, user_id: &str) -> Result<Vec<ProjectSummary>> {
        dispatch!(&self.backend, pool => {
            Ok(sqlx::query_as(
                "SELECT id, title, field, call_year, version, updated_at FROM projects p
                 WHERE p.org_id IN (SELECT org_id FROM memberships WHERE user_id = $1)
                    OR p.id IN (SELECT project_id FROM project_shares WHERE user_id = $1)
                 ORDER BY updated_at DESC, created_at DESC, id",
            )
            .bind(user_id).fetch_all(pool).await?)
        })
    }

    /// The organisation (id, name) of every project the user may read, by project id: the
    /// dashboard groups projects by it (a project shared from another organisation shows
    /// under that one).
    pub async fn project_orgs_for(
        &self,
        user_id: &str,
    ) -> Result<std::collections::HashMap<String, (String, String)>> {
        let rows: Vec<(String, String, String)> = dispatch!(&self.backend, pool => {
            sqlx::query_as(
                "SELECT p.id, o.id, o.name FROM projects p JOIN organisations o ON o.id = p.org_id
                 WHERE p.org_id IN (SELECT org_id FROM memberships WHERE user_id = $1)
                    OR p.id IN (SELECT project_id FROM project_shares WHERE user_id = $1)",
            )
            .bind(user_id).fetch_all(pool).await?
        });
        Ok(rows
            .into_iter()
            .map(|(p, o, name)| (p, (o, name)))
            .collect())
    }

    /// The rate profiles of the user's organisations, by name.
    pub async fn list_rate_profiles_for(&self, user_id: &str) -> Result<Vec<RateProfileSummary>> {
        dispatch!(&self.backend, pool => {
            Ok(sqlx::query_as(
                "SELECT id, name, version, updated_at FROM rate_profiles
                 WHERE org_id IN (SELECT org_id FROM memberships WHERE user_id = $1)
                 ORDER BY name, id",
            )
            .bind(user_id).fetch_all(pool).await?)
        })
    }

    /// The rate profiles a project may use: those of its organisation.
    pub async fn rate_profiles_for_project(
        &self,
        project_id: &str,
    ) -> Result<Vec<RateProfileSummary>> {
        dispatch!(&self.backend, pool => {
            Ok(sqlx::query_as(
                "SELECT id, name, version, updated_at FROM rate_profiles
                 WHERE org_id = (SELECT org_id FROM projects WHERE id = $1)
                 ORDER BY name, id",
            )
            .bind(project_id).fetch_all(pool).await?)
        })
    }

    /// The project's history entries with who saved them, the newest first: one per saved
    /// version, except that autosaves folded together (see [`crate::SaveKind::Autosave`]) are
    /// one entry, shown as its newest version. [`StoreError::NotFound`] if the project does not
    /// exist.
    pub async fn project_history(&self, project_id: &str) -> Result<Vec<HistoryEntry>> {
        type Row = (
            i64,
            i64,
            DateTime<Utc>,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
        );
        // A version ends its entry unless the next version folds into it (`burst` set).
        let rows: Vec<Row> = dispatch!(&self.backend, pool => {
            sqlx::query_as(
                "SELECT v.version, COALESCE(v.burst, v.version), v.saved_at, v.rate_profile_id,
                        u.id, u.email, u.name
                 FROM project_versions v LEFT JOIN users u ON u.id = v.saved_by
                 WHERE v.project_id = $1
                   AND NOT EXISTS (SELECT 1 FROM project_versions n
                                   WHERE n.project_id = v.project_id AND n.version = v.version + 1
                                     AND n.burst IS NOT NULL)
                 ORDER BY v.version DESC",
            )
            .bind(project_id).fetch_all(pool).await?
        });
        if rows.is_empty() {
            return Err(StoreError::NotFound);
        }
        Ok(rows
            .into_iter()
            .map(
                |(version, first_version, saved_at, rate_profile_id, uid, email, name)| {
                    HistoryEntry {
                        version,
                        first_version,
                        saved_at,
                        rate_profile_id,
                        saved_by: match (uid, email, name) {
                            (Some(id), Some(email), Some(name)) => Some(User { id, email, name }),
                            _ => None,
                        },
                    }
                },
            )
            .collect())
    }
}

async fn insert_org<'c, DB>(
    tx: &mut sqlx::Transaction<'c, DB>,
    id: &str,
    org: &NewOrganisation<'_>,
    at: DateTime<Utc>,
) -> Result<()>
where
    DB: sqlx::Database,
    for<'e> &'e mut DB::Connection: sqlx::Executor<'e, Database = DB>,
    for<'q> <DB as sqlx::Database>::Arguments<'q>: sqlx::IntoArguments<'q, DB>,
    for<'q> &'q str: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    for<'q> DateTime<Utc>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    sqlx::query(
        "INSERT INTO organisations (id, name, oid, country, town, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id)
    .bind(org.name.trim())
    .bind(org.oid.trim())
    .bind(org.country.trim())
    .bind(org.town.trim())
    .bind(at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn insert_user<'c, DB>(
    tx: &mut sqlx::Transaction<'c, DB>,
    id: &str,
    email: &str,
    user: &NewUser<'_>,
    at: DateTime<Utc>,
) -> Result<()>
where
    DB: sqlx::Database,
    for<'e> &'e mut DB::Connection: sqlx::Executor<'e, Database = DB>,
    for<'q> <DB as sqlx::Database>::Arguments<'q>: sqlx::IntoArguments<'q, DB>,
    for<'q> &'q str: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    for<'q> DateTime<Utc>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    sqlx::query("INSERT INTO users (id, email, name, password_hash, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(id)
        .bind(email)
        .bind(user.name.trim())
        .bind(user.password_hash)
        .bind(at)
        .execute(&mut **tx)
        .await
        .map_err(|e| {
            if is_unique_violation(&e) {
                StoreError::Exists(format!("a user with the e-mail {email} already exists"))
            } else {
                e.into()
            }
        })?;
    Ok(())
}
