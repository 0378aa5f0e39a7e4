//! What the `mobiplan` command line does to accounts and the database without the server:
//! adding a user (the first owner included), setting a password, backup and restore.

use std::path::Path;

use mobiplan_store::{NewOrganisation, NewUser, Role, Store, StoreConfig};

use crate::Config;
use crate::auth;

/// The organisation of a user being added.
#[derive(Clone, Debug)]
pub enum OrgChoice {
    /// An existing organisation, by id (shown in its page's address, `/orgs/ID`).
    Existing { id: String, role: Role },
    /// A new organisation, with the user as its owner (the first owner's setup when there is
    /// no user yet).
    New {
        name: String,
        oid: String,
        country: String,
        town: String,
    },
}

fn store_config(config: &Config) -> StoreConfig {
    match &config.database_url {
        Some(url) => StoreConfig::Postgres(url.clone()),
        None => StoreConfig::Sqlite(config.data_dir.clone()),
    }
}

async fn open(config: &Config) -> Result<Store, String> {
    Store::open(store_config(config))
        .await
        .map_err(|e| format!("cannot open the database: {e}"))
}

fn check_password(password: &str) -> Result<(), String> {
    if password.chars().count() < auth::MIN_PASSWORD_CHARS {
        return Err(format!(
            "password: at least {} characters are needed",
            auth::MIN_PASSWORD_CHARS
        ));
    }
    Ok(())
}

/// Adds a user; returns a sentence saying what was created.
pub async fn add_user(
    config: &Config,
    email: &str,
    name: &str,
    password: &str,
    org: &OrgChoice,
) -> Result<String, String> {
    if !email.contains('@') {
        return Err(format!("email: '{email}' is not an e-mail address"));
    }
    if name.trim().is_empty() {
        return Err("name: must not be empty".into());
    }
    check_password(password)?;
    let hash = auth::hash_password(password).map_err(|e| e.to_string())?;
    let user = NewUser {
        email,
        name,
        password_hash: &hash,
    };
    let store = open(config).await?;
    let result = match org {
        OrgChoice::Existing { id, role } => {
            let org = store
                .organisation(id)
                .await
                .map_err(|e| format!("org: no organisation {id} ({e})"))?;
            store
                .create_user_in(id, *role, &user)
                .await
                .map(|u| format!("added {} to {} as {}", u.email, org.name, role.as_str()))
        }
        OrgChoice::New {
            name: org_name,
            oid,
            country,
            town,
        } => {
            if !crate::handlers::accounts::valid_oid(oid) {
                return Err(format!(
                    "oid: '{oid}' is not an organisation ID (E and 8 digits)"
                ));
            }
            if mobiplan_core::Country::parse(country).is_err() {
                return Err(format!(
                    "country: '{country}' is not a two-letter country code"
                ));
            }
            let new_org = NewOrganisation {
                name: org_name,
                oid,
                country,
                town,
            };
            let first = store.count_users().await.map_err(|e| e.to_string())? == 0;
            let created = if first {
                store.create_first_owner(&new_org, &user).await
            } else {
                store.create_organisation_with_owner(&new_org, &user).await
            };
            created.map(|(o, u)| {
                format!(
                    "added {} as the owner of {} (organisation id {})",
                    u.email, o.name, o.id
                )
            })
        }
    };
    store.close().await;
    result.map_err(|e| e.to_string())
}

/// Sets a new password for the user and ends the user's sessions.
pub async fn set_password(config: &Config, email: &str, password: &str) -> Result<String, String> {
    check_password(password)?;
    let hash = auth::hash_password(password).map_err(|e| e.to_string())?;
    let store = open(config).await?;
    let result = match store.user_by_email(email).await {
        Ok(Some(u)) => store
            .set_password(&u.id, &hash)
            .await
            .map(|()| format!("new password set for {}; their sessions ended", u.email))
            .map_err(|e| e.to_string()),
        Ok(None) => Err(format!("email: nobody has the e-mail address {email}")),
        Err(e) => Err(e.to_string()),
    };
    store.close().await;
    result
}

/// A consistent snapshot of the (running) SQLite database into `file`.
pub async fn backup(config: &Config, file: &Path) -> Result<String, String> {
    let store = open(config).await?;
    let result = store.backup_to(file).await;
    let check = match &result {
        Ok(()) => mobiplan_store::verify_sqlite_backup(file).await,
        Err(_) => Ok(()),
    };
    store.close().await;
    result.map_err(|e| e.to_string())?;
    check.map_err(|e| format!("the backup was written but does not check: {e}"))?;
    Ok(format!(
        "backup written to {} (integrity check: ok)",
        file.display()
    ))
}

/// Replaces the SQLite database with the backup `file`; the replaced one is kept.
pub async fn restore(config: &Config, file: &Path) -> Result<String, String> {
    if config.database_url.is_some() {
        return Err(
            "mobiplan restore replaces the embedded SQLite database; for PostgreSQL use \
             pg_restore (see docs/operations.md)"
                .into(),
        );
    }
    let kept = mobiplan_store::restore_sqlite(file, &config.data_dir)
        .await
        .map_err(|e| e.to_string())?;
    // Opening brings an older backup's schema up to date and proves it opens.
    let store = open(config).await?;
    let check = store.integrity_check().await;
    store.close().await;
    check.map_err(|e| e.to_string())?;
    Ok(match kept {
        Some(k) => format!(
            "restored {}; the database it replaced is kept as {}",
            file.display(),
            k.display()
        ),
        None => format!("restored {}", file.display()),
    })
}

/// Makes a user an instance administrator (`admin`) or ends it. Instance administrators load
/// corrected rulebook editions for every project of the instance; owning an organisation is
/// not enough on a shared instance.
pub async fn set_instance_admin(
    config: &Config,
    email: &str,
    admin: bool,
) -> Result<String, String> {
    let store = open(config).await?;
    let result = async {
        let user = store
            .user_by_email(email)
            .await
            .map_err(|e| e.to_string())?
            .ok_or_else(|| format!("email: nobody has the e-mail address {email}"))?;
        if admin {
            store
                .grant_instance_admin(&user.id)
                .await
                .map_err(|e| e.to_string())?;
            Ok(format!("{} is an instance administrator", user.email))
        } else {
            let was = store
                .revoke_instance_admin(&user.id)
                .await
                .map_err(|e| e.to_string())?;
            Ok(if was {
                format!("{} is no longer an instance administrator", user.email)
            } else {
                format!("{} was not an instance administrator", user.email)
            })
        }
    }
    .await;
    store.close().await;
    result
}

/// Loads a corrected rulebook edition (TOML text) as the active edition of its call year, by
/// the instance administrator `by` (an e-mail address). Validated like the embedded editions;
/// a running server applies it at its next start (the web upload applies at once).
pub async fn load_rulebook(
    config: &Config,
    text: &str,
    by: &str,
    note: &str,
) -> Result<String, String> {
    if note.trim().is_empty() {
        return Err("--note: say why the edition is loaded (kept in the history)".into());
    }
    let rb = mobiplan_core::Rulebook::from_toml(text).map_err(|e| e.to_string())?;
    let store = open(config).await?;
    let result = async {
        let user = store
            .user_by_email(by)
            .await
            .map_err(|e| e.to_string())?
            .ok_or_else(|| format!("--by: nobody has the e-mail address {by}"))?;
        if !store
            .is_instance_admin(&user.id)
            .await
            .map_err(|e| e.to_string())?
        {
            return Err(format!(
                "--by: {} is not an instance administrator (mobiplan user admin {})",
                user.email, user.email
            ));
        }
        let author = format!("{} <{}>", user.name, user.email);
        let saved = store
            .load_rulebook_edition(text, Some(&user.id), &author, note.trim())
            .await
            .map_err(|e| e.to_string())?;
        Ok(format!(
            "loaded rulebook edition {} for call {} (load {} of that year); it applies to every \
             project of call {} — a running server applies it at its next start",
            saved.edition,
            rb.call_year(),
            saved.seq,
            rb.call_year()
        ))
    }
    .await;
    store.close().await;
    result
}

/// The loaded editions, newest first, one per line.
pub async fn rulebook_history(config: &Config) -> Result<String, String> {
    let store = open(config).await?;
    let list = store.rulebook_editions(None).await;
    store.close().await;
    let list = list.map_err(|e| e.to_string())?;
    if list.is_empty() {
        return Ok("no edition loaded: the embedded editions apply\n".into());
    }
    let mut out = String::new();
    for e in list {
        out.push_str(&format!(
            "call {} load {}: edition {} by {} at {} — {}\n",
            e.call_year,
            e.seq,
            e.edition,
            e.author,
            e.loaded_at.format("%Y-%m-%d %H:%M UTC"),
            e.note
        ));
    }
    Ok(out)
}
