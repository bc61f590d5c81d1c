//! Where documents' bytes live: files under `UPLOAD_DIR` named by their SHA-256
//! (`<UPLOAD_DIR>/<first two hex digits>/<sha256>`). No name a user chose ever reaches the file
//! system, and identical content is kept once however often it is uploaded.
//!
//! An upload is streamed into `<UPLOAD_DIR>/tmp/` while it is counted and hashed, and moved to
//! its final name only inside the transaction that records it (`Staged::persist`), under the
//! content lock that removal takes too (`db::documents::lock_content`): a file is never removed
//! while a row that names it is being written. A temporary file is deleted on every way out,
//! including a client that goes away mid-upload.

use std::io;
use std::path::{Path, PathBuf};

use actix_web::web::{Bytes, BytesMut};
use futures_util::{Stream, StreamExt};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use uuid::Uuid;

use crate::db::{DbConnection, documents};
use crate::error::AppError;

/// The sub-folder of uploads in progress; on the same file system as the stored files, so that
/// moving one into place is an atomic rename.
const TMP_DIR: &str = "tmp";

/// Size of the chunks a stored file is read back in.
const READ_CHUNK: usize = 64 * 1024;

/// The document files under one folder.
#[derive(Clone, Debug)]
pub struct DocumentStore {
    root: PathBuf,
}

/// A stored file, as the database records it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredFile {
    /// Lowercase hex SHA-256 of the bytes: the file's name.
    pub sha256: String,
    pub size: u64,
}

/// Why `receive` stopped.
#[derive(Debug)]
pub enum ReceiveError<E> {
    /// The stream passed the limit; nothing more was read.
    TooLarge,
    /// The first bytes were refused by the caller's check.
    Refused(E),
    /// The stream failed.
    Stream(E),
    Io(io::Error),
}

/// An upload received in full into a temporary file, not yet under its final name. Dropping it
/// deletes the temporary file.
#[derive(Debug)]
pub struct Received {
    pub file: StoredFile,
    temp: TempFile,
}

impl DocumentStore {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    /// Streams `chunks` into a temporary file, counting and hashing as they arrive, and stops as
    /// soon as more than `limit` bytes came (the rest is never read). `check_head` sees the first
    /// `head_len` bytes (fewer if the stream is shorter) before anything else is written, and may
    /// refuse the upload; what it returns comes back with the file.
    pub async fn receive<S, E, T>(
        &self,
        mut chunks: S,
        limit: u64,
        head_len: usize,
        check_head: impl FnOnce(&[u8]) -> Result<T, E>,
    ) -> Result<(Received, T), ReceiveError<E>>
    where
        S: Stream<Item = Result<Bytes, E>> + Unpin,
    {
        let dir = self.root.join(TMP_DIR);
        let mut folder = tokio::fs::DirBuilder::new();
        folder.recursive(true);
        #[cfg(unix)]
        folder.mode(crate::private_files::FOLDER_MODE);
        folder.create(&dir).await.map_err(ReceiveError::Io)?;
        let path = dir.join(format!("{}.part", Uuid::new_v4()));
        let mut options = tokio::fs::OpenOptions::new();
        options.write(true).create_new(true);
        // Moved into place as it is: stored files are the server's user's alone.
        #[cfg(unix)]
        options.mode(crate::private_files::FILE_MODE);
        let mut file = options.open(&path).await.map_err(ReceiveError::Io)?;
        let temp = TempFile(Some(path));

        let mut check_head = Some(check_head);
        let mut checked = None;
        let mut head = BytesMut::with_capacity(head_len);
        let mut hasher = Sha256::new();
        let mut size: u64 = 0;
        let outcome = async {
            while let Some(chunk) = chunks.next().await {
                let chunk = chunk.map_err(ReceiveError::Stream)?;
                size += chunk.len() as u64;
                if size > limit {
                    return Err(ReceiveError::TooLarge);
                }
                if checked.is_none() {
                    let wanted = head_len - head.len();
                    head.extend_from_slice(&chunk[..wanted.min(chunk.len())]);
                    if head.len() == head_len
                        && let Some(check) = check_head.take()
                    {
                        checked = Some(check(&head).map_err(ReceiveError::Refused)?);
                    }
                }
                hasher.update(&chunk);
                file.write_all(&chunk).await.map_err(ReceiveError::Io)?;
            }
            let checked = match (checked, check_head.take()) {
                (Some(value), _) => value,
                (None, Some(check)) => check(&head).map_err(ReceiveError::Refused)?,
                (None, None) => {
                    return Err(ReceiveError::Io(io::Error::other(
                        "the head was not checked",
                    )));
                }
            };
            // On disk before any row can name it.
            file.flush().await.map_err(ReceiveError::Io)?;
            file.sync_all().await.map_err(ReceiveError::Io)?;
            Ok(checked)
        }
        .await;
        drop(file);
        match outcome {
            Ok(checked) => Ok((
                Received {
                    file: StoredFile {
                        sha256: hex(&hasher.finalize()),
                        size,
                    },
                    temp,
                },
                checked,
            )),
            Err(error) => {
                // Gone before the caller answers, not some time after.
                temp.discard().await;
                Err(error)
            }
        }
    }

    /// The stored file with this hash, opened for reading, and its size.
    pub async fn open(&self, sha256: &str) -> io::Result<(tokio::fs::File, u64)> {
        let file = tokio::fs::File::open(self.path_of(sha256)?).await?;
        let size = file.metadata().await?.len();
        Ok((file, size))
    }

    /// Removes the file with this hash unless a row still names it. Blocking; call inside the
    /// `write_transaction` that dropped the reference, so that the check and the removal happen
    /// under the content lock.
    pub fn remove_if_unreferenced(
        &self,
        conn: &mut DbConnection,
        sha256: &str,
    ) -> Result<bool, AppError> {
        documents::lock_content(conn, sha256)?;
        if documents::references(conn, sha256)? > 0 {
            return Ok(false);
        }
        let path = self
            .path_of(sha256)
            .map_err(|e| AppError::Internal(e.into()))?;
        match std::fs::remove_file(path) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(AppError::Internal(
                anyhow::Error::new(e).context("removing a stored document"),
            )),
        }
    }

    /// Where the file with this hash lives. Refuses anything but 64 lowercase hex digits, so
    /// that no value from anywhere can point outside the store.
    fn path_of(&self, sha256: &str) -> io::Result<PathBuf> {
        let valid = sha256.len() == 64
            && sha256
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if !valid {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "not a SHA-256 in lowercase hex",
            ));
        }
        Ok(self.root.join(&sha256[..2]).join(sha256))
    }
}

impl Received {
    /// What moving the file into place needs, for the blocking transaction that records it;
    /// this stays with the caller, to delete the temporary file if it is not moved.
    pub fn staged(&self) -> Staged {
        Staged {
            temp: self.temp.0.clone(),
            sha256: self.file.sha256.clone(),
        }
    }

    /// Deletes the temporary file now, if it is still there (not moved into place).
    pub async fn discard(self) {
        self.temp.discard().await;
    }
}

/// A received file's way to its content-addressed name.
#[derive(Clone, Debug)]
pub struct Staged {
    temp: Option<PathBuf>,
    sha256: String,
}

impl Staged {
    /// Moves the file to its content-addressed name (replacing an identical copy, if any).
    /// Blocking; call inside the `write_transaction` that records it, after
    /// `db::documents::lock_content`.
    pub fn persist(&self, store: &DocumentStore) -> io::Result<()> {
        let temp = self
            .temp
            .as_deref()
            .ok_or_else(|| io::Error::other("the upload was discarded"))?;
        let target = store.path_of(&self.sha256)?;
        if let Some(dir) = target.parent() {
            crate::private_files::create_folder(dir)?;
        }
        std::fs::rename(temp, target)
    }
}

/// A temporary file that is deleted when this is dropped. Dropping deletes it on the blocking
/// pool; `discard` deletes it before returning.
#[derive(Debug)]
struct TempFile(Option<PathBuf>);

impl TempFile {
    async fn discard(mut self) {
        if let Some(path) = self.0.take() {
            remove_quietly(tokio::fs::remove_file(&path).await, &path);
        }
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let Some(path) = self.0.take() else { return };
        let remove = move || remove_quietly(std::fs::remove_file(&path), &path);
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => drop(runtime.spawn_blocking(remove)),
            Err(_) => remove(),
        }
    }
}

/// A temporary file that is gone already (it was moved into place) is fine.
fn remove_quietly(result: io::Result<()>, path: &Path) {
    if let Err(e) = result
        && e.kind() != io::ErrorKind::NotFound
    {
        tracing::warn!(path = %path.display(), error = %e, "could not delete a temporary upload");
    }
}

/// A stored file as a stream of chunks, for a response body.
pub fn read_chunks(file: tokio::fs::File) -> impl Stream<Item = io::Result<Bytes>> {
    futures_util::stream::unfold(Some(file), |file| async move {
        let mut file = file?;
        let mut buf = BytesMut::with_capacity(READ_CHUNK);
        match file.read_buf(&mut buf).await {
            Ok(0) => None,
            Ok(_) => Some((Ok(buf.freeze()), Some(file))),
            // Stop after reporting the error.
            Err(e) => Some((Err(e), None)),
        }
    })
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(64), |mut out, b| {
        let _ = write!(out, "{b:02x}");
        out
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunks(parts: &[&[u8]]) -> impl Stream<Item = Result<Bytes, &'static str>> + Unpin {
        futures_util::stream::iter(
            parts
                .iter()
                .map(|p| Ok(Bytes::copy_from_slice(p)))
                .collect::<Vec<_>>(),
        )
    }

    fn files_under(dir: &Path) -> Vec<PathBuf> {
        let mut out = Vec::new();
        let mut pending = vec![dir.to_path_buf()];
        while let Some(dir) = pending.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    pending.push(path);
                } else {
                    out.push(path);
                }
            }
        }
        out
    }

    fn accept_all(head: &[u8]) -> Result<Vec<u8>, &'static str> {
        Ok(head.to_vec())
    }

    #[tokio::test]
    async fn a_received_file_is_hashed_and_moved_to_its_content_name() {
        let dir = tempfile::tempdir().unwrap();
        let store = DocumentStore::new(dir.path());
        // The head spans chunks shorter than itself.
        let (received, head) = store
            .receive(chunks(&[b"a", b"bc", b""]), 10, 2, accept_all)
            .await
            .unwrap();
        assert_eq!(head, b"ab");
        let sha = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        assert_eq!(
            received.file,
            StoredFile {
                sha256: sha.into(),
                size: 3
            }
        );
        received.staged().persist(&store).unwrap();
        drop(received);
        let stored = dir.path().join("ba").join(sha);
        assert_eq!(std::fs::read(&stored).unwrap(), b"abc");
        assert_eq!(files_under(dir.path()), [stored]);
    }

    #[tokio::test]
    async fn a_stream_past_the_limit_stops_and_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let store = DocumentStore::new(dir.path());
        let mut polled = 0;
        let endless = futures_util::stream::repeat_with(|| {
            polled += 1;
            Ok::<_, &str>(Bytes::from_static(b"0123456789"))
        });
        let result = store.receive(endless, 25, 2, accept_all).await;
        assert!(matches!(result, Err(ReceiveError::TooLarge)));
        assert_eq!(polled, 3, "stops at the chunk that passes the limit");
        assert!(files_under(dir.path()).is_empty());
        // Exactly the limit is fine.
        let (received, _) = store
            .receive(chunks(&[b"0123456789", b"abcdefghij"]), 20, 2, accept_all)
            .await
            .unwrap();
        assert_eq!(received.file.size, 20);
    }

    #[tokio::test]
    async fn a_refused_head_or_a_failed_stream_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let store = DocumentStore::new(dir.path());
        let refuse = |head: &[u8]| {
            if head == b"ok" {
                Ok(())
            } else {
                Err("refused")
            }
        };
        let result = store.receive(chunks(&[b"no", b"pe"]), 100, 2, refuse).await;
        assert!(matches!(result, Err(ReceiveError::Refused("refused"))));
        // A stream shorter than the head is checked at its end.
        let result = store.receive(chunks(&[b"n"]), 100, 2, refuse).await;
        assert!(matches!(result, Err(ReceiveError::Refused("refused"))));
        let failing = futures_util::stream::iter(vec![Ok(Bytes::from_static(b"ok")), Err("cut")]);
        let result = store.receive(failing, 100, 2, refuse).await;
        assert!(matches!(result, Err(ReceiveError::Stream("cut"))));
        assert!(files_under(dir.path()).is_empty());
    }

    #[tokio::test]
    async fn dropping_an_upload_deletes_its_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let store = DocumentStore::new(dir.path());
        let (received, _) = store
            .receive(chunks(&[b"abc"]), 10, 2, accept_all)
            .await
            .unwrap();
        assert_eq!(files_under(dir.path()).len(), 1);
        drop(received);
        // Deleted on the blocking pool.
        for _ in 0..100 {
            if files_under(dir.path()).is_empty() {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        panic!("the temporary file is still there");
    }

    #[tokio::test]
    async fn stored_files_read_back_in_chunks() {
        let dir = tempfile::tempdir().unwrap();
        let store = DocumentStore::new(dir.path());
        let content = vec![7u8; READ_CHUNK * 2 + 5];
        let (received, _) = store
            .receive(chunks(&[&content]), u64::MAX, 2, accept_all)
            .await
            .unwrap();
        received.staged().persist(&store).unwrap();
        let (file, size) = store.open(&received.file.sha256).await.unwrap();
        assert_eq!(size, content.len() as u64);
        let read: Vec<Bytes> = read_chunks(file)
            .map(|c| c.unwrap())
            .collect::<Vec<_>>()
            .await;
        assert_eq!(read.concat(), content);
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn stored_files_and_their_folders_are_private() {
        use crate::private_files::tests::mode;
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("uploads");
        let store = DocumentStore::new(&root);
        let (received, _) = store
            .receive(chunks(&[b"abc"]), 10, 2, accept_all)
            .await
            .unwrap();
        assert_eq!(mode(&root), 0o700);
        assert_eq!(mode(&root.join(TMP_DIR)), 0o700);
        received.staged().persist(&store).unwrap();
        let stored = store.path_of(&received.file.sha256).unwrap();
        assert_eq!(mode(&stored), 0o600);
        assert_eq!(mode(stored.parent().unwrap()), 0o700);
    }

    #[test]
    fn only_hashes_name_files() {
        let store = DocumentStore::new("/uploads");
        let sha = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        assert_eq!(
            store.path_of(sha).unwrap(),
            Path::new("/uploads/e3").join(sha)
        );
        for bad in [
            "",
            "../../etc/passwd",
            &sha.to_uppercase(),
            &sha[..63],
            &format!("{}/", &sha[..63]),
        ] {
            assert!(store.path_of(bad).is_err(), "{bad}");
        }
    }
}
