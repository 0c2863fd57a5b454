//! `pwb render PROMPT`: render one prompt (a `.prompt` file, or a prompt's
//! name in the workspace) with variables and few-shot examples, through
//! the session, and print the result as Dotprompt JSON without calling a
//! model.

use crate::prompt::{
    PromptError, PromptErrorKind, RenderedPrompt, inputs::InputProblemKind, yaml::parse_yaml,
};
use crate::session::locate::{Located, locate};
use crate::session::{PromptInputs, vars};
use anyhow::{Context, bail};
use serde_json::{Map, Value};
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `pwb render`.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct RenderArgs {
    /// The prompt: a `.prompt` file, or a prompt's name in the workspace
    /// around the current folder (`triage`, `sub/name`).
    #[arg(value_name = "PROMPT")]
    pub prompt: String,
    /// Set a variable, `name=value`; the value is read as JSON when it is
    /// valid JSON (`n=3`, `ok=true`) unless the prompt's input schema
    /// declares the variable a string, else as text. Repeatable.
    #[arg(long = "var", value_name = "NAME=VALUE")]
    pub vars: Vec<String>,
    /// Read variables from a `.json` or `.yaml` file (`--var` wins).
    #[arg(long = "vars", value_name = "FILE")]
    pub vars_file: Option<PathBuf>,
    /// Few-shot examples of this prompt (`examples/NAME.yaml`), by name
    /// (`a,b` or repeated), in send order.
    #[arg(long, value_delimiter = ',', value_name = "NAMES")]
    pub examples: Vec<String>,
    /// Exit with status 1 when the template reads a variable that is not
    /// set, a variable is not the prompt's, or its input schema refuses a
    /// value.
    #[arg(long)]
    pub strict: bool,
    /// Earlier turns of the conversation: a JSON or YAML list of
    /// `{role: user|model|assistant|system, content}`, placed where
    /// Dotprompt places history.
    #[arg(long, value_name = "FILE")]
    pub history: Option<PathBuf>,
}

/// A prompt rendered for a command, with its workspace session.
pub struct Rendered {
    pub located: Located,
    pub rendered: RenderedPrompt,
    /// The variables the user gave (`--vars`, `--var`), typed.
    pub given: Map<String, Value>,
}

/// `pwb render`'s arguments: the prompt and its inputs (shared with
/// `pwb run`), and what to print.
#[derive(Debug, Clone, clap::Args)]
pub struct RenderCmd {
    #[command(flatten)]
    pub args: RenderArgs,
    /// Print where the input tokens go (system prompt, each example, each
    /// variable, history) instead of the rendered JSON.
    #[arg(long)]
    pub tokens: bool,
}

/// Runs `pwb render`. Prompt problems are printed as `path:line:col: ...`
/// with a hint and give exit status 1; I/O problems are returned.
pub fn run(cmd: RenderCmd) -> anyhow::Result<ExitCode> {
    let args = cmd.args;
    let r = match render(&args)? {
        Ok(r) => r,
        Err(code) => return Ok(code),
    };
    context_notes(&r);
    if cmd.tokens {
        print!("{}", tokens_table(&r));
    } else {
        println!("{}", serde_json::to_string_pretty(&r.rendered)?);
    }
    Ok(inputs_verdict(&r, &args))
}

/// With a `context:` policy, what it would cut for each of the models
/// `pwb run` sends to by default (stderr); the printed prompt is as
/// Dotprompt renders it, whole.
fn context_notes(r: &Rendered) {
    let session = &r.located.session;
    let picks: Vec<_> = session
        .default_models()
        .into_iter()
        .map(|m| crate::session::ModelPick {
            model: m,
            overrides: Default::default(),
            sweep: Vec::new(),
        })
        .collect();
    let (_, cuts) = session.plan_fitted(&r.rendered, &picks, 1);
    for (pick, cut) in picks.iter().zip(cuts) {
        if let Some(cut) = cut {
            eprintln!(
                "note: {}: {} (pwb run sends it cut; printed here whole)",
                pick.model.name,
                cut.describe()
            );
        }
    }
}

/// `part  tokens  share  bar`, then the total.
fn tokens_table(r: &Rendered) -> String {
    // Defaults from the prompt's input schema count as variables too.
    let mut vars: Map<String, Value> = r
        .rendered
        .input
        .as_ref()
        .and_then(|i| i.get("default"))
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    vars.extend(r.given.clone());
    let parts = crate::session::tokens::breakdown(&r.rendered, &vars);
    let total: usize = parts.iter().map(|p| p.tokens).sum();
    let width = parts
        .iter()
        .map(|p| p.label.chars().count())
        .max()
        .unwrap_or(4)
        .max(4);
    let mut out = String::new();
    for p in &parts {
        let share = if total == 0 {
            0.0
        } else {
            p.tokens as f64 / total as f64
        };
        let bar = "█".repeat((share * 30.0).round() as usize);
        out.push_str(&format!(
            "{:<width$}  {:>6}  {:>5.1}%  {bar}\n",
            p.label,
            p.tokens,
            share * 100.0
        ));
    }
    out.push_str(&format!("{:<width$}  {total:>6}\n", "total"));
    out.push_str("(o200k_base, OpenAI's tokenizer: an estimate for other models)\n");
    out
}

/// Says what is wrong with the variables: names the prompt does not know,
/// values its input schema refuses (`prompt::check_inputs`), variables not
/// set. Errors with `--strict` (exit status 1), else warnings.
pub fn inputs_verdict(r: &Rendered, args: &RenderArgs) -> ExitCode {
    let flagged: Vec<&str> = args
        .vars
        .iter()
        .filter_map(|v| Some(v.split_once('=')?.0.trim()))
        .collect();
    let level = if args.strict { "error" } else { "warning" };
    let problems = crate::prompt::check_inputs(&r.rendered, &r.given);
    for p in &problems {
        let unknown = p.kind == InputProblemKind::Unknown;
        match &args.vars_file {
            _ if unknown && flagged.contains(&p.var.as_str()) => {
                eprintln!("{level}: --var {}: {}", p.var, p.message)
            }
            Some(file) if unknown => eprintln!("{level}: {}: {p}", file.display()),
            _ => eprintln!("{level}: {p}"),
        }
        if !p.hint.is_empty() {
            eprintln!("hint: {}", p.hint);
        }
    }
    for var in &r.rendered.missing_vars {
        eprintln!(
            "warning: variable '{var}' is not set ({})",
            r.located.shown.display()
        );
    }
    let bad = !problems.is_empty() || !r.rendered.missing_vars.is_empty();
    if args.strict && bad {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// Finds, checks and renders the prompt the arguments name (shared by
/// `pwb render` and `pwb run`). Problems in the prompt are printed as
/// `path:line:col: ...` with a hint and come back as the exit code; I/O
/// problems are returned as errors.
pub fn render(args: &RenderArgs) -> anyhow::Result<Result<Rendered, ExitCode>> {
    let cwd = std::env::current_dir().context("cannot read the current folder")?;
    let located = match locate(&args.prompt, &cwd) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: {e}\nhint: {}", e.hint());
            return Ok(Err(ExitCode::FAILURE));
        }
    };
    let shown = located.shown.clone();
    let session = &located.session;
    let report = |e: PromptError| {
        let e = if e.file.is_none() {
            e.in_file(&shown)
        } else {
            e
        };
        eprintln!("{}", e.report());
        ExitCode::FAILURE
    };
    let parsed = match session.parse(&located.source) {
        Ok(p) => p,
        Err(e) => return Ok(Err(report(e))),
    };
    for w in session.lint(&parsed) {
        eprintln!("warning: {}:{w}\nhint: {}", shown.display(), w.hint);
    }
    for e in &session.partial_problems {
        eprintln!("warning: {}", e.report());
    }
    let examples = match session.pick_examples(&located.name, &args.examples) {
        Ok(examples) => examples,
        Err(e) => {
            eprintln!("error: {e}\nhint: {}", e.hint);
            return Ok(Err(ExitCode::FAILURE));
        }
    };
    let input = session.input_meta(&parsed);
    let given = read_vars(args, input.as_ref())?;
    let history = match &args.history {
        Some(file) => match crate::session::history::read_history(&cwd.join(file), file) {
            Ok(h) => h,
            Err(e) => {
                eprintln!(
                    "error: --history {e}\nhint: a list of turns: - {{role: user, content: \"...\"}}"
                );
                return Ok(Err(ExitCode::FAILURE));
            }
        },
        None => Vec::new(),
    };
    let inputs = PromptInputs {
        vars: given.clone(),
        examples,
        history,
    };
    let rendered = match session.render_parsed(&parsed, &inputs) {
        Ok(r) => r,
        Err(e) => return Ok(Err(report(e))),
    };
    Ok(Ok(Rendered {
        located,
        rendered,
        given,
    }))
}

/// Variables from `--vars FILE`, then `--var k=v` over them, typed by the
/// prompt's input schema.
pub(crate) fn read_vars(
    args: &RenderArgs,
    input: Option<&Value>,
) -> anyhow::Result<Map<String, Value>> {
    let mut out = Map::new();
    if let Some(file) = &args.vars_file {
        let text = std::fs::read_to_string(file)
            .with_context(|| format!("cannot read {}", file.display()))?;
        let is_json = file.extension().is_some_and(|e| e == "json");
        let value = if is_json {
            serde_json::from_str(&text)
                .with_context(|| format!("{}: invalid JSON", file.display()))?
        } else {
            parse_yaml(&text, 1, PromptErrorKind::Io)
                .map_err(|e| anyhow::anyhow!(e.in_file(file).report()))?
        };
        match value {
            Value::Object(m) => out.extend(m),
            Value::Null => {}
            _ => bail!(
                "{}: variables must be a mapping of names to values",
                file.display()
            ),
        }
    }
    let mut texts = Vec::new();
    for item in &args.vars {
        let Some((name, raw)) = item.split_once('=') else {
            bail!("--var {item:?}: write it as name=value");
        };
        texts.push((name.trim().to_string(), raw.to_string()));
    }
    out.extend(vars::typed(input, &texts));
    Ok(out)
}
