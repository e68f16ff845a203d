//! The CA directory on disk, the one place that does file IO:
//!
//! | file         | holds                                   | mode |
//! |--------------|-----------------------------------------|------|
//! | `ca.pem`     | the CA certificate (give it to servers) | 0644 |
//! | `ca-key.pem` | the CA key, PKCS#8 Ed25519 (secret)     | 0600 |
//! | `crl.pem`    | the current revocation list             | 0644 |
//! | `state.json` | [`CaState`]: issued and revoked serials | 0600 |
//! | `.lock`      | held while a command runs               | 0600 |
//!
//! Every file is written to a temporary file in the same directory, synced, then renamed
//! over the old one, so a crash leaves the old file or the new one, never half of one.

use std::fs::{File, OpenOptions};
use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};

use rcgen::{KeyPair, PKCS_ED25519};
use zeroize::Zeroizing;

use crate::certificate_reading::{decode_single_pem, CaCertificate};
use crate::error::AdminError;
use crate::state::CaState;

/// The CA certificate's file name.
pub const CA_CERTIFICATE_FILE: &str = "ca.pem";
/// The CA key's file name.
pub const CA_KEY_FILE: &str = "ca-key.pem";
/// The revocation list's file name.
pub const REVOCATION_LIST_FILE: &str = "crl.pem";
/// The state's file name.
pub const STATE_FILE: &str = "state.json";
/// The lock file's name.
const LOCK_FILE: &str = ".lock";

/// The files that make a CA, in the order `ca create` checks for them.
const CA_FILES: [&str; 4] = [
    CA_KEY_FILE,
    CA_CERTIFICATE_FILE,
    REVOCATION_LIST_FILE,
    STATE_FILE,
];

/// Largest PEM file read (certificates, keys, requests): well above any this tool makes.
pub const MAX_PEM_BYTES: usize = 64 * 1024;
/// Largest state file read (about 200 bytes per issued certificate).
const MAX_STATE_BYTES: usize = 32 * 1024 * 1024;

/// Mode of files others may read (certificates, revocation lists, chains).
pub const PUBLIC_FILE_MODE: u32 = 0o644;
/// Mode of files only the owner may read (the key, the state with people's names).
pub const PRIVATE_FILE_MODE: u32 = 0o600;

/// An open CA directory, locked against other `conclave-admin` runs until dropped.
pub struct CaDir {
    path: PathBuf,
    /// Held for the lock; released when the file is closed.
    _lock: File,
}

impl CaDir {
    /// Makes (if needed) and locks the directory for a new CA. Refuses if any of a CA's
    /// files is already there.
    pub fn create(path: &Path) -> Result<CaDir, AdminError> {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(path).map_err(AdminError::io(path))?;
        let dir = CaDir::lock(path)?;
        for file in CA_FILES {
            if dir.file(file).symlink_metadata().is_ok() {
                return Err(AdminError::CaExists {
                    dir: path.to_owned(),
                    file,
                });
            }
        }
        Ok(dir)
    }

    /// Locks an existing CA directory. Refuses one without a CA certificate or state
    /// (the key is checked only when a command needs it: `list` runs without it).
    pub fn open(path: &Path) -> Result<CaDir, AdminError> {
        if !path.is_dir() {
            return Err(AdminError::NoCa {
                dir: path.to_owned(),
                file: CA_CERTIFICATE_FILE,
            });
        }
        for file in [CA_CERTIFICATE_FILE, STATE_FILE] {
            if !path.join(file).exists() {
                return Err(AdminError::NoCa {
                    dir: path.to_owned(),
                    file,
                });
            }
        }
        CaDir::lock(path)
    }

    fn lock(path: &Path) -> Result<CaDir, AdminError> {
        let lock_path = path.join(LOCK_FILE);
        let mut options = OpenOptions::new();
        options.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, PRIVATE_FILE_MODE);
        let lock = options
            .open(&lock_path)
            .map_err(AdminError::io(&lock_path))?;
        lock.try_lock().map_err(|error| match error {
            std::fs::TryLockError::WouldBlock => AdminError::Busy {
                dir: path.to_owned(),
            },
            std::fs::TryLockError::Error(source) => AdminError::Io {
                path: lock_path.clone(),
                source,
            },
        })?;
        Ok(CaDir {
            path: path.to_owned(),
            _lock: lock,
        })
    }

    /// The path of one of the CA's files.
    pub fn file(&self, name: &str) -> PathBuf {
        self.path.join(name)
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether `candidate` names one of this CA's own files (which an `--out` must not
    /// overwrite).
    pub fn is_own_file(&self, candidate: &Path) -> bool {
        let (Some(parent), Some(name)) = (candidate.parent(), candidate.file_name()) else {
            return false;
        };
        let parent = if parent.as_os_str().is_empty() {
            Path::new(".")
        } else {
            parent
        };
        let same_dir = match (parent.canonicalize(), self.path.canonicalize()) {
            (Ok(parent), Ok(dir)) => parent == dir,
            _ => false,
        };
        same_dir && (CA_FILES.iter().any(|file| name == *file) || name == LOCK_FILE)
    }

    /// Reads and parses `ca.pem`.
    pub fn read_ca_certificate(&self) -> Result<CaCertificate, AdminError> {
        let path = self.file(CA_CERTIFICATE_FILE);
        let text = read_limited(&path, MAX_PEM_BYTES)?;
        CaCertificate::from_pem(&path, &text)
    }

    /// Reads `ca-key.pem` through wiped buffers and checks it is the Ed25519 key of `ca`.
    /// Warns on standard error if others may read the file.
    pub fn read_ca_key(&self, ca: &CaCertificate) -> Result<Zeroizing<KeyPair>, AdminError> {
        let path = self.file(CA_KEY_FILE);
        if !path.exists() {
            return Err(AdminError::MissingKey { path });
        }
        warn_if_readable_by_others(&path);
        let text = read_limited(&path, MAX_PEM_BYTES)?;
        let der = Zeroizing::new(decode_single_pem(&path, &text, "PRIVATE KEY")?);
        let key = Zeroizing::new(
            KeyPair::try_from(der.as_slice())
                .map_err(|_| AdminError::malformed(&path, "not a PKCS#8 private key"))?,
        );
        if key.algorithm() != &PKCS_ED25519 {
            return Err(AdminError::UnsupportedAlgorithm { path });
        }
        if key.public_key_raw() != ca.public_key.as_slice() {
            return Err(AdminError::WrongCaKey {
                key: path,
                certificate: self.file(CA_CERTIFICATE_FILE),
            });
        }
        Ok(key)
    }

    /// Reads `state.json` and checks it belongs to `ca`.
    pub fn read_state(&self, ca: &CaCertificate) -> Result<CaState, AdminError> {
        let path = self.file(STATE_FILE);
        let text = read_limited(&path, MAX_STATE_BYTES)?;
        let state: CaState = serde_json::from_slice(&text).map_err(|error| AdminError::State {
            path: path.clone(),
            what: format!("not a CA state file: {error}"),
        })?;
        state.check().map_err(|what| AdminError::State {
            path: path.clone(),
            what,
        })?;
        if state.organisation != ca.organisation {
            return Err(AdminError::State {
                path,
                what: format!(
                    "the state is for \"{}\" but the CA certificate for \"{}\"",
                    state.organisation, ca.organisation
                ),
            });
        }
        Ok(state)
    }

    /// Writes `state.json` (atomically, owner only).
    pub fn write_state(&self, state: &CaState) -> Result<(), AdminError> {
        let path = self.file(STATE_FILE);
        let mut json = serde_json::to_vec_pretty(state).map_err(|error| AdminError::State {
            path: path.clone(),
            what: error.to_string(),
        })?;
        json.push(b'\n');
        write_atomically(&path, &json, PRIVATE_FILE_MODE)
    }

    /// Writes one of the CA's files (atomically, with `mode`).
    pub fn write_file(&self, name: &str, bytes: &[u8], mode: u32) -> Result<(), AdminError> {
        write_atomically(&self.file(name), bytes, mode)
    }
}

/// Reads a whole file of at most `max_bytes` into a buffer that is wiped when dropped
/// (allocated once at its full size so no copy is left in a freed one).
pub fn read_limited(path: &Path, max_bytes: usize) -> Result<Zeroizing<Vec<u8>>, AdminError> {
    let mut file = File::open(path).map_err(AdminError::io(path))?;
    let mut bytes = Zeroizing::new(vec![0u8; max_bytes + 1]);
    let mut filled = 0;
    while let Some(rest) = bytes.get_mut(filled..).filter(|rest| !rest.is_empty()) {
        match file.read(rest) {
            Ok(0) => break,
            Ok(count) => filled += count,
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
            Err(error) => return Err(AdminError::io(path)(error)),
        }
    }
    if filled > max_bytes {
        return Err(AdminError::malformed(
            path,
            format!("larger than {max_bytes} bytes; not a file this tool reads"),
        ));
    }
    bytes.truncate(filled);
    Ok(bytes)
}

/// Writes `bytes` to `path` through a new temporary file beside it (created with `mode`,
/// synced, renamed over `path`), so readers see the old file or the new one.
pub fn write_atomically(path: &Path, bytes: &[u8], mode: u32) -> Result<(), AdminError> {
    let name = path
        .file_name()
        .ok_or_else(|| AdminError::malformed(path, "not a file name"))?;
    let mut unique = [0u8; 8];
    getrandom::fill(&mut unique).map_err(|_| AdminError::Randomness)?;
    let suffix: String = unique.iter().map(|byte| format!("{byte:02x}")).collect();
    let temporary = path.with_file_name(format!(".{}.{suffix}.tmp", name.to_string_lossy()));
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, mode);
    #[cfg(not(unix))]
    let _ = mode;
    let written = options.open(&temporary).and_then(|mut file| {
        file.write_all(bytes)?;
        file.sync_all()
    });
    let renamed = written.and_then(|()| std::fs::rename(&temporary, path));
    if let Err(error) = renamed {
        // The temporary file is ours; leaving it would only confuse.
        let _ = std::fs::remove_file(&temporary);
        return Err(AdminError::io(path)(error));
    }
    // Make the rename itself durable; a failure here leaves a complete file either way.
    if let Some(parent) = path
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty())
    {
        if let Ok(dir) = File::open(parent) {
            let _ = dir.sync_all();
        }
    }
    Ok(())
}

/// Warns on standard error if the key file may be read by others than its owner.
fn warn_if_readable_by_others(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        if let Ok(metadata) = path.metadata() {
            let mode = metadata.permissions().mode() & 0o777;
            if mode & 0o077 != 0 {
                eprintln!(
                    "warning: {}: the CA key is readable by other users (mode {mode:03o}); `chmod 600` it",
                    path.display()
                );
            }
        }
    }
    #[cfg(not(unix))]
    let _ = path;
}
