//! `PROMPT@REF`, as `pwb diff`, `pwb label` and `pwb prompt get` read it:
//! `@saved` (the file on disk, the default), a label (`@production`, from
//! the workspace's `labels/` folder: no database needed), `@latest` (the
//! version last run) or a version id prefix (`@3f9a2c1e`), the last two
//! from the history.

use super::history_open::{self, Here};
use crate::session::Session;
use crate::store::{Store, StoreError, labels, versions, versions::PromptVersion};
use std::process::ExitCode;

/// A prompt named on the command line, in its workspace.
pub struct Target {
    pub here: Here,
    pub session: Session,
    /// The prompt's name (`triage`, `sub/name`).
    pub name: String,
    /// What follows `@`, if anything.
    pub reference: Option<String>,
}

impl Target {
    /// `triage@production` as the user wrote it, for headers.
    pub fn shown(&self, reference: &str) -> String {
        format!("{}@{reference}", self.name)
    }
}

/// Reads `PROMPT[@REF]` in the workspace around the current folder.
pub fn target(arg: &str) -> Result<Target, ExitCode> {
    let here = history_open::here().map_err(|e| {
        eprintln!("error: {e}");
        ExitCode::FAILURE
    })?;
    if !here.root.join("pwb.toml").is_file() {
        eprintln!(
            "error: no workspace here (no pwb.toml in {} or above)\nhint: run in a workspace folder",
            here.root.display()
        );
        return Err(ExitCode::FAILURE);
    }
    let (prompt, reference) = match arg.rsplit_once('@') {
        Some((p, r)) if !r.is_empty() => (p, Some(r.to_string())),
        Some((p, _)) => (p, None),
        None => (arg, None),
    };
    let session = match Session::open(&here.root) {
        Ok((s, _)) => s,
        Err(e) => {
            eprintln!("error: {e}\nhint: {}", e.hint());
            return Err(ExitCode::FAILURE);
        }
    };
    let name = name_of(&session, prompt);
    Ok(Target {
        here,
        session,
        name,
        reference,
    })
}

/// A prompt's name from a name or a path (`prompts/sub/x.prompt`).
fn name_of(session: &Session, arg: &str) -> String {
    let cwd = std::env::current_dir().unwrap_or_default();
    let abs = std::path::absolute(cwd.join(arg)).ok();
    if let Some(p) = session.ws.prompts.iter().find(|p| {
        abs.as_ref()
            .is_some_and(|a| std::path::absolute(&p.path).is_ok_and(|pp| &pp == a))
    }) {
        return p.name.clone();
    }
    let name = arg.strip_suffix(".prompt").unwrap_or(arg);
    name.strip_prefix("prompts/").unwrap_or(name).to_string()
}

/// Whether resolving `reference` needs the history database.
pub fn needs_store(t: &Target, reference: &str) -> bool {
    reference != "saved" && !t.here.root.join(labels::DIR).join(reference).is_dir()
}

/// The version `reference` names (`saved` when none). `store` is opened
/// only when the reference needs the history.
pub fn resolve(
    t: &Target,
    reference: &str,
    store: &mut Option<Store>,
) -> Result<PromptVersion, StoreError> {
    if reference == "saved" {
        let Some(p) = t.session.ws.prompt(&t.name) else {
            return Err(StoreError::not_found(
                format!("no prompt `{}` in prompts/", t.name),
                "name a prompt of this workspace, or a label (`PROMPT@production`)",
            ));
        };
        let all = crate::session::record::PromptText::of(
            &t.session,
            &t.name,
            &p.source,
            true,
            Vec::new(),
        );
        return Ok(versions::of_text(
            &t.name,
            &p.source,
            true,
            &all.partials,
            &[],
        ));
    }
    if labels::check_name(reference).is_ok()
        && let Some(l) = labels::read(&t.here.root, reference, &t.name)?
    {
        let partials = l.partials();
        let hash = versions::version_hash(&l.source, &partials, &l.examples);
        return Ok(PromptVersion {
            prompt: t.name.clone(),
            hash,
            source: l.source,
            partials,
            examples: l.examples,
            saved: false,
            first_used: 0,
            last_used: 0,
        });
    }
    if t.here.root.join(labels::DIR).join(reference).is_dir() {
        return Err(StoreError::not_found(
            format!("label `{reference}` has no version of `{}`", t.name),
            format!("`pwb label {}@VERSION {reference}` sets one", t.name),
        ));
    }
    if store.is_none() {
        *store = Some(Store::for_workspace(&t.here.root, &t.here.config.history)?);
    }
    let s = store.as_ref().expect("opened above");
    let Some(ws) = s.workspace(&t.here.root)? else {
        return Err(StoreError::not_found(
            format!(
                "`{}@{reference}`: nothing recorded in this workspace yet",
                t.name
            ),
            "run the prompt once (TUI, pwb run or pwb eval) to record a version",
        ));
    };
    versions::find(s.conn(), ws, &t.name, reference)
}
