//! Store errors, typed so that callers can act on them: retry a commit that may succeed later,
//! give up at once on one that cannot.

use std::fmt;
use std::path::PathBuf;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open store {path}: {reason}")]
    Open { path: PathBuf, reason: String },
    #[error("the store is busy: its queue stayed full for {waited_ms} ms")]
    Busy { waited_ms: u64 },
    #[error("the store failed to write ({kind}): {detail}")]
    Write { kind: WriteFailure, detail: String },
    /// The writer thread is gone (it panicked, or the node is stopping): nothing more will be
    /// written by this process, and a commit in flight may have been lost with it.
    #[error("the store is shut down")]
    Closed,
    #[error("store query failed: {0}")]
    Query(String),
    /// `store.max_disk_mib` is reached and what fills it is not forwarded yet
    /// (`store.on_full = "refuse"`): nothing new is taken until space returns.
    #[error("the store is full: store.max_disk_mib is reached with events not yet forwarded")]
    Full,
}

impl StoreError {
    /// A failed write, typed by SQLite's result code.
    pub fn write(e: &rusqlite::Error) -> StoreError {
        StoreError::Write {
            kind: WriteFailure::of(e),
            detail: e.to_string(),
        }
    }

    /// Whether the same commit may succeed if tried again later, with nothing of ours changed:
    /// a full queue, a full disk, an I/O error, a lock held by another process.
    pub fn retryable(&self) -> bool {
        match self {
            Self::Busy { .. } | Self::Full => true,
            Self::Write { kind, .. } => kind.retryable(),
            Self::Open { .. } | Self::Closed | Self::Query(_) => false,
        }
    }

    /// Whether no write can succeed in this process any more (the writer is gone, or the
    /// database is corrupt or was taken from under it): retrying is pointless, and senders
    /// should be told to keep their events.
    pub fn is_fatal(&self) -> bool {
        match self {
            Self::Closed => true,
            Self::Write { kind, .. } => kind.is_fatal(),
            Self::Open { .. } | Self::Busy { .. } | Self::Query(_) | Self::Full => false,
        }
    }
}

/// Why a write failed, from SQLite's primary result code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteFailure {
    /// `SQLITE_FULL`: the disk (or the database's page limit) is full; freeing space fixes it.
    DiskFull,
    /// `SQLITE_IOERR`: the OS failed a read, write or sync; the transaction was rolled back.
    Io,
    /// `SQLITE_BUSY`, `SQLITE_LOCKED`: another connection (a CLI, a renormalize) held the lock
    /// past the busy timeout.
    Locked,
    /// `SQLITE_NOMEM`.
    OutOfMemory,
    /// `SQLITE_READONLY`: the database turned read-only under the writer (moved or deleted, or
    /// opened read-only); SQLite keeps that state for the connection.
    ReadOnly,
    /// `SQLITE_CANTOPEN`, `SQLITE_PERM`, `SQLITE_AUTH`: a file of the database (WAL, shared
    /// memory) cannot be opened or accessed.
    NoAccess,
    /// `SQLITE_CORRUPT`, `SQLITE_NOTADB`.
    Corrupt,
    /// `SQLITE_CONSTRAINT`: these events cannot be inserted (an ID already stored); others can.
    Constraint,
    /// Anything else (misuse, schema changed, too big): a bug, not a condition of the disk.
    Other,
}

impl WriteFailure {
    pub fn of(e: &rusqlite::Error) -> WriteFailure {
        use rusqlite::ErrorCode as C;
        let Some(code) = e.sqlite_error_code() else {
            return WriteFailure::Other;
        };
        match code {
            C::DiskFull => WriteFailure::DiskFull,
            C::SystemIoFailure => WriteFailure::Io,
            C::DatabaseBusy | C::DatabaseLocked => WriteFailure::Locked,
            C::OutOfMemory => WriteFailure::OutOfMemory,
            C::ReadOnly => WriteFailure::ReadOnly,
            C::CannotOpen | C::PermissionDenied | C::AuthorizationForStatementDenied => WriteFailure::NoAccess,
            C::DatabaseCorrupt | C::NotADatabase => WriteFailure::Corrupt,
            C::ConstraintViolation => WriteFailure::Constraint,
            _ => WriteFailure::Other,
        }
    }

    /// Conditions that time or an operator clear while the node runs.
    pub fn retryable(self) -> bool {
        matches!(self, Self::DiskFull | Self::Io | Self::Locked | Self::OutOfMemory)
    }

    /// Conditions of the database itself that no retry in this process clears.
    pub fn is_fatal(self) -> bool {
        matches!(self, Self::ReadOnly | Self::NoAccess | Self::Corrupt)
    }
}

impl fmt::Display for WriteFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::DiskFull => "disk full",
            Self::Io => "I/O error",
            Self::Locked => "database locked",
            Self::OutOfMemory => "out of memory",
            Self::ReadOnly => "database read-only",
            Self::NoAccess => "database files not accessible",
            Self::Corrupt => "database corrupt",
            Self::Constraint => "constraint violated",
            Self::Other => "unexpected SQLite error",
        })
    }
}
