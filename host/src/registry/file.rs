//! Editing `intakes.toml` on disk: read, edit with [`super::edit`], validate the whole result,
//! then replace the file atomically. Used by the `intakes` CLI and the admin API.

use super::edit::{self, EditError};
use super::keys::{generate_key, KeyError};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use toml_edit::DocumentMut;

/// Edits made by this process are serialised; edits by other processes are detected (the file
/// must still hold what was read) and refused.
static EDIT_LOCK: Mutex<()> = Mutex::new(());

/// Why the file was not edited. Never echoes a key.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("cannot {action} {}: {reason}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        reason: String,
    },
    #[error("{}: {source}", path.display())]
    Edit { path: PathBuf, source: EditError },
    #[error("{} changed while it was being edited; nothing written, try again", .0.display())]
    Changed(PathBuf),
    #[error(transparent)]
    Key(#[from] KeyError),
}

impl FileError {
    /// The edit refused, if that is why nothing was written.
    pub fn edit_error(&self) -> Option<&EditError> {
        match self {
            FileError::Edit { source, .. } => Some(source),
            _ => None,
        }
    }
}

fn io<'p>(action: &'static str, path: &'p Path) -> impl FnOnce(std::io::Error) -> FileError + 'p {
    move |e| FileError::Io {
        action,
        path: path.to_path_buf(),
        reason: e.to_string(),
    }
}

/// Reads `path`, applies `edit`, validates the whole result as the file at `path` and replaces
/// the file atomically. Nothing is written if any step fails.
pub fn edit_file<T>(path: &Path, edit: impl FnOnce(&mut DocumentMut) -> Result<T, EditError>) -> Result<T, FileError> {
    let _guard = EDIT_LOCK.lock().unwrap_or_else(|p| p.into_inner());
    let wrap = |source| FileError::Edit {
        path: path.to_path_buf(),
        source,
    };
    let text = std::fs::read_to_string(path).map_err(io("read", path))?;
    let mut doc = edit::parse(&text).map_err(wrap)?;
    let out = edit(&mut doc).map_err(wrap)?;
    edit::validate(&doc, path).map_err(wrap)?;
    // Write through a symbolic link rather than replacing it.
    let target = std::fs::canonicalize(path).map_err(io("resolve", path))?;
    write_atomic(&target, &doc.to_string(), &text)?;
    Ok(out)
}

/// Replaces `path` with `text`: a temporary file in the same directory with the file's
/// permissions (and owner, when allowed), fsynced, renamed over the file, then the directory
/// fsynced. Refuses if the file no longer holds `expected` (someone else edited it meanwhile).
pub fn write_atomic(path: &Path, text: &str, expected: &str) -> Result<(), FileError> {
    use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
    let no_dir = || FileError::Io {
        action: "find the directory of",
        path: path.to_path_buf(),
        reason: "no parent directory or file name".into(),
    };
    let dir = path.parent().ok_or_else(no_dir)?;
    let name = path.file_name().ok_or_else(no_dir)?;
    let meta = std::fs::metadata(path).map_err(io("stat", path))?;
    let tmp = dir.join(format!(".{}.{}.tmp", name.to_string_lossy(), &generate_key()?[..8]));
    let write = || -> Result<(), FileError> {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&tmp)
            .map_err(io("create", &tmp))?;
        file.write_all(text.as_bytes()).map_err(io("write", &tmp))?;
        let own = file.metadata().map_err(io("stat", &tmp))?;
        if (own.uid(), own.gid()) != (meta.uid(), meta.gid())
            && std::os::unix::fs::fchown(&file, Some(meta.uid()), Some(meta.gid())).is_err()
        {
            tracing::warn!(
                path = %path.display(),
                uid = own.uid(),
                gid = own.gid(),
                was_uid = meta.uid(),
                was_gid = meta.gid(),
                "The configuration file changed owner."
            );
        }
        file.set_permissions(meta.permissions()).map_err(io("chmod", &tmp))?;
        file.sync_all().map_err(io("sync", &tmp))?;
        let now = std::fs::read_to_string(path).map_err(io("read", path))?;
        if now != expected {
            return Err(FileError::Changed(path.to_path_buf()));
        }
        std::fs::rename(&tmp, path).map_err(io("replace", path))?;
        std::fs::File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(io("sync", dir))?;
        Ok(())
    };
    let result = write();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
