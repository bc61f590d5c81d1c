//! Files and folders that only the server's own user may read: what they hold is secret (the
//! database, `.eml` files with live sign-in links, applicants' documents, the generated signing
//! key). On Unix folders are made 0700 and files 0600, whatever the process's umask; elsewhere
//! the platform's defaults apply.
//!
//! The process umask is left alone: it is process-wide (every thread, every library), and
//! changing it needs `unsafe` FFI. Instead each folder and file is created with its mode, and
//! what another library creates is given its mode after: SQLite makes its `-wal` and `-shm`
//! files with the database file's mode, and lettre's `.eml` files are restricted once written,
//! inside a folder that is 0700 already.

use std::io;
use std::path::Path;

/// The mode of private folders.
#[cfg(unix)]
pub const FOLDER_MODE: u32 = 0o700;
/// The mode of private files.
#[cfg(unix)]
pub const FILE_MODE: u32 = 0o600;

/// Creates `path` and its missing parents as private folders; an existing folder is left as it
/// is (it may be a home folder or a shared one). For the folders that hold secrets themselves,
/// see `dedicated_folder`.
pub fn create_folder(path: &Path) -> io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(FOLDER_MODE);
    }
    builder.create(path)
}

/// A folder that holds secrets and nothing else (`MAIL_DIR`, `UPLOAD_DIR`): created private,
/// or made private when it exists with wider access, unless it is a shared sticky folder such
/// as `/tmp` (the operator's choice, which is logged).
pub fn dedicated_folder(path: &Path) -> io::Result<()> {
    create_folder(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)?.permissions().mode();
        if mode & 0o077 != 0 {
            if mode & 0o1000 != 0 {
                tracing::warn!(path = %path.display(), "a shared (sticky) folder holds secrets: give the server a folder of its own");
            } else {
                std::fs::set_permissions(path, std::fs::Permissions::from_mode(FOLDER_MODE))?;
                tracing::info!(path = %path.display(), "made the folder private (0700)");
            }
        }
    }
    Ok(())
}

/// Makes the file at `path`, if there is one, readable and writable by its owner only.
pub fn restrict_file(path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        match std::fs::set_permissions(path, std::fs::Permissions::from_mode(FILE_MODE)) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            other => return other,
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// Options that create a private file (0600 on Unix).
pub fn private_open_options() -> std::fs::OpenOptions {
    let mut options = std::fs::OpenOptions::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(FILE_MODE);
    }
    options
}

#[cfg(test)]
#[cfg(unix)]
pub(crate) mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    /// The permission bits of `path`.
    pub(crate) fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o7777
    }

    #[test]
    fn folders_are_created_private_and_dedicated_ones_made_private() {
        let dir = tempfile::tempdir().unwrap();
        let nested = dir.path().join("a/b");
        create_folder(&nested).unwrap();
        assert_eq!(mode(&dir.path().join("a")), 0o700);
        assert_eq!(mode(&nested), 0o700);

        let open = dir.path().join("open");
        std::fs::create_dir(&open).unwrap();
        std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o755)).unwrap();
        create_folder(&open).unwrap();
        assert_eq!(mode(&open), 0o755, "an existing parent is left alone");
        dedicated_folder(&open).unwrap();
        assert_eq!(mode(&open), 0o700);

        let shared = dir.path().join("shared");
        std::fs::create_dir(&shared).unwrap();
        std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o1777)).unwrap();
        dedicated_folder(&shared).unwrap();
        assert_eq!(
            mode(&shared),
            0o1777,
            "a sticky shared folder is not taken over"
        );
    }

    #[test]
    fn files_are_created_and_made_private() {
        let dir = tempfile::tempdir().unwrap();
        let made = dir.path().join("made");
        private_open_options()
            .write(true)
            .create_new(true)
            .open(&made)
            .unwrap();
        assert_eq!(mode(&made), 0o600);
        let loose = dir.path().join("loose");
        std::fs::write(&loose, "x").unwrap();
        std::fs::set_permissions(&loose, std::fs::Permissions::from_mode(0o644)).unwrap();
        restrict_file(&loose).unwrap();
        assert_eq!(mode(&loose), 0o600);
        restrict_file(&dir.path().join("absent")).unwrap();
    }
}
