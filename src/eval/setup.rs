//! Before an eval calls anything: a loaded suite gets its session, the
//! prompts and cases the caller keeps, its models, its grader (checked, so
//! a model-graded assertion with none fails before any call), the runner's
//! limits and the history writer. `pwb eval` and the TUI's Tests share it.

use crate::eval::engine::EvalRecording;
use crate::eval::graded::{self, grader_spec};
use crate::eval::matrix::Variant;
use crate::eval::suite::Suite;
use crate::run::RunnerConfig;
use crate::session::record::{Face, PromptText, Recorder, RunContext};
use crate::session::{ModelPick, Session};
use crate::store::{self, HistoryWriter};
use crate::workspace::{TestCase, Workspace};
use serde_json::Value;
use std::sync::Arc;

/// What the caller chose (`pwb eval`'s flags; nothing in the TUI).
#[derive(Debug, Clone, Default)]
pub struct SetupOptions {
    /// Only these prompts (a prompt's name or label); empty: all.
    pub prompts: Vec<String>,
    /// Models by `provider:model` or pwb.toml label; empty: a promptfoo
    /// config's providers, else pwb.toml's selected.
    pub models: Vec<String>,
    /// The grader of model-graded assertions, over the suite's own.
    pub grader: Option<String>,
    /// Calls in flight at most (`-j`).
    pub concurrency: Option<usize>,
    /// Open the workspace's history writer (`Prepared::history`).
    pub record: bool,
}

/// A suite ready to run.
pub struct Prepared {
    pub suite: Suite,
    pub session: Session,
    /// The cases the filters kept, in suite order (moved out of
    /// `suite.cases`, which is left empty).
    pub cases: Vec<TestCase>,
    pub models: Vec<ModelPick>,
    /// The default grader, in promptfoo's shape.
    pub grader: Option<Value>,
    pub runner: RunnerConfig,
    pub history: Option<Arc<HistoryWriter>>,
}

impl Prepared {
    /// The matrix's variants (checked when prepared).
    pub fn variants(&self) -> Vec<Box<dyn Variant>> {
        self.suite
            .prompts
            .iter()
            .filter_map(|p| p.variant(&self.session).ok())
            .collect()
    }

    /// How the eval's calls are recorded: per prompt, its text.
    pub fn recording(&self) -> Option<EvalRecording> {
        let recorder: Arc<dyn Recorder> = self.history.clone()?;
        let contexts = self
            .suite
            .prompts
            .iter()
            .map(|p| {
                let source = match p {
                    crate::eval::suite::SuitePrompt::Workspace { name } => self
                        .session
                        .ws
                        .prompt(name)
                        .map(|f| f.source.clone())
                        .unwrap_or_default(),
                    crate::eval::suite::SuitePrompt::Inline { text, .. }
                    | crate::eval::suite::SuitePrompt::File { text, .. } => text.clone(),
                };
                let text = PromptText::of(&self.session, p.label(), &source, true, Vec::new());
                RunContext {
                    face: Face::Eval,
                    workspace: self.session.ws.root.clone(),
                    prompt: Arc::new(text),
                }
            })
            .collect();
        Some(EvalRecording { recorder, contexts })
    }
}

/// Prepares `suite` as `opts` say, keeping the cases `filter` keeps;
/// `Ok(None)` when nothing of it is left to run; `Err` says what is wrong
/// (no call made).
pub fn prepare(
    mut suite: Suite,
    opts: &SetupOptions,
    filter: impl FnOnce(Vec<TestCase>) -> Result<Vec<TestCase>, String>,
) -> Result<Option<Prepared>, String> {
    let session = open_session(&suite)?;
    if !opts.prompts.is_empty() {
        suite
            .prompts
            .retain(|p| opts.prompts.iter().any(|n| n == p.label()));
        if suite.prompts.is_empty() {
            return Ok(None);
        }
    }
    for p in &suite.prompts {
        p.variant(&session)
            .map_err(|e| format!("{}: prompt `{}`: {e}", suite.path.display(), p.label()))?;
    }
    let cases = filter(std::mem::take(&mut suite.cases))?;
    if cases.is_empty() {
        return Ok(None);
    }
    let models = models(&suite, &session, opts)?;
    let grader = graded::default_grader(
        opts.grader.as_deref(),
        suite.default_grader.as_ref(),
        session.ws.config.eval.grader.as_deref(),
    );
    if let Some(m) = graded::missing_grader(&cases, grader.as_ref()) {
        return Err(format!(
            "{}:{}:{}: {m}\nhint: {}",
            suite.path.display(),
            m.line,
            m.col,
            m.hint()
        ));
    }
    if let Some(g) = &grader {
        grader_spec::chat(&session, g).map_err(|e| format!("the grader: {e}"))?;
    }
    let mut runner = RunnerConfig::from_settings(&session.ws.config.runner);
    if let Some(j) = opts.concurrency {
        runner.concurrency = j;
        runner.max_parallel = j;
    }
    let history = opts
        .record
        .then(|| store::writer_for(&session.ws.root, &session.ws.config.history).ok())
        .flatten();
    Ok(Some(Prepared {
        suite,
        session,
        cases,
        models,
        grader,
        runner,
        history,
    }))
}

/// A workspace suite's session is its workspace; a promptfoo config's is
/// its folder, with nothing else read.
pub fn open_session(suite: &Suite) -> Result<Session, String> {
    if suite.providers.is_empty() && suite.root.join("pwb.toml").is_file() {
        let (session, diags) = Session::open(&suite.root).map_err(|e| e.to_string())?;
        if let Some(first) = diags
            .iter()
            .find(|d| d.is_error() && d.path.ends_with("pwb.toml"))
        {
            return Err(format!(
                "{first}\npwb.toml has errors; fix them before running (pwb check lists them)"
            ));
        }
        // The suite holds its cases; the session plans without them.
        let mut session = session;
        session.ws.tests.clear();
        return Ok(session);
    }
    Ok(Session::new(Workspace {
        root: suite.root.clone(),
        ..Workspace::default()
    }))
}

/// `--model` if given, else a promptfoo config's providers, else the
/// workspace's selected models.
fn models(suite: &Suite, session: &Session, opts: &SetupOptions) -> Result<Vec<ModelPick>, String> {
    let options = if !opts.models.is_empty() {
        opts.models
            .iter()
            .map(|m| session.find_model(m).map_err(|e| format!("--model: {e}")))
            .collect::<Result<Vec<_>, _>>()?
    } else if !suite.providers.is_empty() {
        suite.providers.iter().map(|p| p.model_option()).collect()
    } else {
        session.default_models()
    };
    if options.is_empty() {
        return Err(format!(
            "no model to run {}\nhint: pass --model provider:model, or select models in pwb.toml",
            suite.path.display()
        ));
    }
    Ok(options.into_iter().map(|o| o.pick()).collect())
}
