//! The data directory's lock: `mobiplan serve` holds it for as long as it runs, and whatever
//! replaces the database (`mobiplan restore`) takes it first, so that a restore can never
//! swap the file under a running server (whose acknowledged saves would then be lost).
//!
//! The lock is the operating system's advisory lock on `mobiplan.lock` (`flock` on Unix,
//! `LockFileEx` on Windows): it ends with the process, however the process ends.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

use crate::error::{Result, StoreError};

/// The lock file inside the data directory.
pub const LOCK_FILE: &str = "mobiplan.lock";

/// An exclusive hold on a data directory, released when dropped.
#[derive(Debug)]
pub struct DataDirLock {
    _file: File,
    path: PathBuf,
}

impl DataDirLock {
    /// Takes the lock of `data_dir` (created if missing), or says who holds it.
    pub fn acquire(data_dir: &Path) -> Result<DataDirLock> {
        crate::config::create_private_dir(data_dir).map_err(io)?;
        let path = data_dir.join(LOCK_FILE);
        let mut file = private_options().open(&path).map_err(io)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                let holder = holder.trim();
                let who = if holder.is_empty() {
                    String::new()
                } else {
                    format!(" (process {holder})")
                };
                return Err(StoreError::Locked(format!(
                    "the data directory {} is in use by a running mobiplan{who}; stop the \
                     server first",
                    data_dir.display()
                )));
            }
            Err(TryLockError::Error(e)) => return Err(io(e)),
        }
        // The holder's process id, for the message another process gets.
        file.set_len(0).map_err(io)?;
        file.rewind().map_err(io)?;
        write!(file, "{}", std::process::id()).map_err(io)?;
        file.flush().map_err(io)?;
        Ok(DataDirLock { _file: file, path })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

fn private_options() -> OpenOptions {
    let mut o = OpenOptions::new();
    o.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o
}

fn io(e: std::io::Error) -> StoreError {
    StoreError::Database(sqlx::Error::Io(e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_hold_is_refused_until_the_first_ends() {
        let dir = tempfile::tempdir().unwrap();
        let first = DataDirLock::acquire(dir.path()).unwrap();
        let err = DataDirLock::acquire(dir.path()).unwrap_err();
        assert!(
            matches!(&err, StoreError::Locked(m) if m.contains("stop the server")
                && m.contains(&std::process::id().to_string())),
            "{err:?}"
        );
        drop(first);
        DataDirLock::acquire(dir.path()).expect("free again");
    }
}
