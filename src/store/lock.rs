//! The per-store lock that keeps overlapping runs (a slow cron job and the next one) apart: an
//! advisory lock (`File::try_lock`, flock/LockFileEx) on `<database>.lock` beside the database,
//! held for the whole audit and released when the process ends, even by `kill -9`.

use super::StoreError;
use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How often a waiting run retries the lock.
const POLL: Duration = Duration::from_millis(100);

/// A held lock; released on drop.
#[derive(Debug)]
pub struct StoreLock {
    _file: File,
    path: PathBuf,
}

impl StoreLock {
    /// The lock file of the database at `db`.
    pub fn path_for(db: &Path) -> PathBuf {
        let mut name = db.file_name().unwrap_or_default().to_os_string();
        name.push(".lock");
        db.with_file_name(name)
    }

    /// Takes the lock of the database at `db`, waiting up to `timeout` for another run to
    /// release it.
    pub fn acquire(db: &Path, timeout: Duration) -> Result<StoreLock, StoreError> {
        let path = Self::path_for(db);
        let shown = || path.display().to_string();
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| StoreError::Dir {
                path: db.display().to_string(),
                source,
            })?;
        }
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|source| StoreError::Lock {
                lock: shown(),
                source,
            })?;
        let start = Instant::now();
        loop {
            match file.try_lock() {
                Ok(()) => {
                    return Ok(StoreLock {
                        _file: file,
                        path: path.clone(),
                    });
                }
                Err(TryLockError::WouldBlock) if start.elapsed() < timeout => {
                    std::thread::sleep(POLL.min(timeout.saturating_sub(start.elapsed())));
                }
                Err(TryLockError::WouldBlock) => {
                    return Err(StoreError::Locked {
                        lock: shown(),
                        waited: timeout.as_secs(),
                    });
                }
                Err(TryLockError::Error(source)) => {
                    return Err(StoreError::Lock {
                        lock: shown(),
                        source,
                    });
                }
            }
        }
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_waits_then_gives_up_naming_the_lock() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("history.sqlite3");
        let held = StoreLock::acquire(&db, Duration::ZERO).unwrap();
        assert_eq!(held.path(), dir.path().join("history.sqlite3.lock"));
        let start = Instant::now();
        let err = StoreLock::acquire(&db, Duration::from_millis(300)).unwrap_err();
        assert!(start.elapsed() >= Duration::from_millis(300));
        assert!(err.to_string().contains("history.sqlite3.lock"), "{err}");
        drop(held);
        StoreLock::acquire(&db, Duration::ZERO).unwrap();
    }
}
