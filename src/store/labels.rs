//! Labels that ship. `pwb label PROMPT@VERSION NAME` writes, in the
//! workspace and outside `prompts/`, `labels/NAME/PROMPT.prompt` (the exact
//! labelled text) and `labels/NAME/PROMPT.label.toml` (the version id, the
//! partials it includes as they were, every move of the label), plus
//! `labels/NAME/PROMPT.examples.yaml` when examples were spliced in. A
//! fresh clone reads them without any database; moving a label back is a
//! rollback, recorded in the index file and in the database.

use super::error::{Result, StoreError};
use super::versions::PromptVersion;
use crate::prompt::Example;
use crate::workspace::save_atomic;
use rusqlite::{Connection, params};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The folder under the workspace root that holds labels.
pub const DIR: &str = "labels";

/// A label's index file for one prompt.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LabelIndex {
    pub prompt: String,
    pub label: String,
    /// The labelled version's id (SHA-256, hex).
    pub version: String,
    /// The partials the version includes, by name, as they were.
    #[serde(default)]
    pub partials: BTreeMap<String, String>,
    /// Every move of the label, oldest first.
    #[serde(default)]
    pub moves: Vec<LabelMove>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LabelMove {
    /// `2026-11-30 14:05` (UTC).
    pub at: String,
    pub by: String,
    pub version: String,
    /// Where the label pointed before (absent for its first move).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// The label went back to a version it named before.
    #[serde(default)]
    pub rollback: bool,
}

/// A labelled version as read from the workspace.
#[derive(Debug, Clone, PartialEq)]
pub struct Labelled {
    pub index: LabelIndex,
    /// The exact text of the `.prompt` file.
    pub source: String,
    pub examples: Vec<Example>,
}

impl Labelled {
    pub fn partials(&self) -> Vec<(String, String)> {
        self.index
            .partials
            .iter()
            .map(|(n, t)| (n.clone(), t.clone()))
            .collect()
    }
}

/// Whether `name` can be a label: letters, digits, `.`, `_`, `-`, and not
/// a word `PROMPT@...` already means.
pub fn check_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
        && !name.starts_with('.')
        && !["saved", "latest"].contains(&name);
    if ok {
        Ok(())
    } else {
        Err(StoreError::not_found(
            format!("`{name}` cannot be a label name"),
            "use letters, digits, `.`, `_` and `-` (not `saved` or `latest`), e.g. production",
        ))
    }
}

fn base(root: &Path, label: &str, prompt: &str) -> PathBuf {
    root.join(DIR).join(label).join(prompt)
}

fn with_ext(base: &Path, ext: &str) -> PathBuf {
    let mut s = base.as_os_str().to_os_string();
    s.push(ext);
    PathBuf::from(s)
}

/// The labelled text of `prompt` under `label`, when the workspace has it.
pub fn read(root: &Path, label: &str, prompt: &str) -> Result<Option<Labelled>> {
    let b = base(root, label, prompt);
    let text_path = with_ext(&b, ".prompt");
    let index_path = with_ext(&b, ".label.toml");
    if !text_path.is_file() {
        return Ok(None);
    }
    let io =
        |p: &Path, e: std::io::Error| StoreError::Io(format!("cannot read {}: {e}", p.display()));
    let source = std::fs::read_to_string(&text_path).map_err(|e| io(&text_path, e))?;
    let index = match std::fs::read_to_string(&index_path) {
        Ok(t) => toml::from_str(&t)
            .map_err(|e| StoreError::Io(format!("{}: {}", index_path.display(), e.message())))?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => LabelIndex {
            prompt: prompt.into(),
            label: label.into(),
            ..Default::default()
        },
        Err(e) => return Err(io(&index_path, e)),
    };
    let ex_path = with_ext(&b, ".examples.yaml");
    let examples = if ex_path.is_file() {
        let t = std::fs::read_to_string(&ex_path).map_err(|e| io(&ex_path, e))?;
        serde_norway::from_str(&t)
            .map_err(|e| StoreError::Io(format!("{}: {e}", ex_path.display())))?
    } else {
        Vec::new()
    };
    Ok(Some(Labelled {
        index,
        source,
        examples,
    }))
}

/// The labels of `prompt` in the workspace, (label, version id), by name.
pub fn of_prompt(root: &Path, prompt: &str) -> Vec<(String, String)> {
    let Ok(entries) = std::fs::read_dir(root.join(DIR)) else {
        return Vec::new();
    };
    let mut out: Vec<(String, String)> = entries
        .flatten()
        .filter_map(|e| {
            let label = e.file_name().to_string_lossy().into_owned();
            let l = read(root, &label, prompt).ok()??;
            Some((label, l.index.version))
        })
        .collect();
    out.sort();
    out
}

/// What a move did.
#[derive(Debug, Clone, PartialEq)]
pub struct Moved {
    pub from: Option<String>,
    pub rollback: bool,
    /// The label already named this version: nothing changed.
    pub unchanged: bool,
}

/// Points `label` of `v.prompt` at version `v`: writes its files (each
/// atomically) and returns what the move was.
pub fn write(root: &Path, label: &str, v: &PromptVersion, at: &str, by: &str) -> Result<Moved> {
    check_name(label)?;
    let old = read(root, label, &v.prompt)?;
    let mut index = old.as_ref().map(|o| o.index.clone()).unwrap_or_default();
    let from = old
        .as_ref()
        .map(|o| o.index.version.clone())
        .filter(|h| !h.is_empty());
    if from.as_deref() == Some(v.hash.as_str()) {
        return Ok(Moved {
            from,
            rollback: false,
            unchanged: true,
        });
    }
    let rollback = index.moves.iter().any(|m| m.version == v.hash);
    index.prompt = v.prompt.clone();
    index.label = label.to_string();
    index.version = v.hash.clone();
    index.partials = v.partials.iter().cloned().collect();
    index.moves.push(LabelMove {
        at: at.to_string(),
        by: by.to_string(),
        version: v.hash.clone(),
        from: from.clone(),
        rollback,
    });
    let b = base(root, label, &v.prompt);
    let save = |p: PathBuf, text: &str| {
        let made = match p.parent() {
            Some(dir) => std::fs::create_dir_all(dir),
            None => Ok(()),
        };
        made.and_then(|()| save_atomic(&p, text))
            .map_err(|e| StoreError::Io(format!("cannot write {}: {e}", p.display())))
    };
    let toml = toml::to_string_pretty(&index).map_err(|e| StoreError::Io(e.to_string()))?;
    let header = format!(
        "# Label `{label}` of prompt `{}`: written by `pwb label`, read by `pwb prompt get {}@{label}`.\n",
        v.prompt, v.prompt
    );
    save(with_ext(&b, ".prompt"), &v.source)?;
    save(with_ext(&b, ".label.toml"), &(header + &toml))?;
    let ex = with_ext(&b, ".examples.yaml");
    if v.examples.is_empty() {
        if ex.is_file() {
            std::fs::remove_file(&ex)
                .map_err(|e| StoreError::Io(format!("cannot remove {}: {e}", ex.display())))?;
        }
    } else {
        save(
            ex,
            &serde_norway::to_string(&v.examples).unwrap_or_default(),
        )?;
    }
    Ok(Moved {
        from,
        rollback,
        unchanged: false,
    })
}

/// Records a move in the database.
pub fn record_move(
    conn: &Connection,
    ws: i64,
    prompt: &str,
    label: &str,
    hash: &str,
    m: &Moved,
    by: &str,
) -> Result<()> {
    conn.execute(
        "INSERT INTO label_moves (workspace_id, moved_at, rollback, prompt, label, hash, previous_hash, moved_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![ws, super::ids::now_ms(), m.rollback, prompt, label, hash, m.from, by],
    )?;
    Ok(())
}

/// Who moves a label: `$USER`, else `unknown`.
pub fn who() -> String {
    std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_else(|_| "unknown".into())
}

#[cfg(test)]
#[path = "labels_tests.rs"]
mod tests;
