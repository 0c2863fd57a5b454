//! `pwb render PROMPT`: render one prompt with variables and few-shot
//! examples and print the result as Dotprompt JSON, without calling a model.

use crate::prompt::{
    Example, PromptError, PromptErrorKind, RenderData, RenderedPrompt, compile_check, lint,
    load_example_file, parse_document, yaml::parse_yaml,
};
use anyhow::{Context, bail};
use serde_json::{Map, Value};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Arguments of `pwb render`.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct RenderArgs {
    /// The `.prompt` file to render.
    pub prompt_file: PathBuf,
    /// Set a variable, `name=value`; the value is read as JSON when it is
    /// valid JSON (`n=3`, `ok=true`), else as text. Repeatable.
    #[arg(long = "var", value_name = "NAME=VALUE")]
    pub vars: Vec<String>,
    /// Read variables from a `.json` or `.yaml` file (`--var` wins).
    #[arg(long = "vars", value_name = "FILE")]
    pub vars_file: Option<PathBuf>,
    /// Few-shot examples from `examples/*.yaml`, by name (`a,b` or repeated).
    #[arg(long, value_delimiter = ',', value_name = "NAMES")]
    pub examples: Vec<String>,
    /// Exit with status 1 when the template reads a variable that is not set.
    #[arg(long)]
    pub strict: bool,
}

/// Runs `pwb render`. Prompt problems are printed as `path:line:col: ...`
/// with a hint and give exit status 1; I/O problems are returned.
pub fn run(args: RenderArgs) -> anyhow::Result<ExitCode> {
    let (rendered, shown) = match render_prompt(&args)? {
        Ok(r) => r,
        Err(code) => return Ok(code),
    };
    println!("{}", serde_json::to_string_pretty(&rendered)?);
    Ok(missing_vars_verdict(&rendered, &shown, args.strict))
}

/// Warns about unset variables; with `strict` they make the exit status 1.
pub fn missing_vars_verdict(rendered: &RenderedPrompt, shown: &Path, strict: bool) -> ExitCode {
    for var in &rendered.missing_vars {
        eprintln!("warning: variable '{var}' is not set ({})", shown.display());
    }
    if strict && !rendered.missing_vars.is_empty() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// Reads, checks and renders the prompt the arguments name (shared by
/// `pwb render` and `pwb run`). Problems in the prompt are printed as
/// `path:line:col: ...` with a hint and come back as the exit code;
/// I/O problems are returned as errors. On success also returns the
/// prompt's path as shown to the user.
pub fn render_prompt(
    args: &RenderArgs,
) -> anyhow::Result<Result<(RenderedPrompt, PathBuf), ExitCode>> {
    let root = workspace_root(&args.prompt_file);
    let shown = display_path(&args.prompt_file, &root);
    let source = std::fs::read_to_string(&args.prompt_file)
        .with_context(|| format!("cannot read {}", args.prompt_file.display()))?;

    let report = |e: PromptError| {
        let e = if e.file.is_none() {
            e.in_file(&shown)
        } else {
            e
        };
        eprintln!("{}", e.report());
        ExitCode::FAILURE
    };
    let parsed = match parse_document(&source).and_then(|p| compile_check(&p).map(|()| p)) {
        Ok(p) => p,
        Err(e) => return Ok(Err(report(e))),
    };
    for w in lint(&parsed) {
        eprintln!("warning: {}:{w}\nhint: {}", shown.display(), w.hint);
    }
    let (renderer, problems) = crate::prompt::partials::load_renderer(&root);
    for e in problems {
        eprintln!("warning: {}", e.report());
    }
    let data = RenderData {
        input: read_vars(args)?,
        examples: match pick_examples(&root, &args.examples) {
            Ok(examples) => examples,
            Err(message) => {
                eprintln!("{message}");
                return Ok(Err(ExitCode::FAILURE));
            }
        },
        ..RenderData::default()
    };
    match renderer.render(&parsed, &data, None) {
        Ok(r) => Ok(Ok((r, shown))),
        Err(e) => Ok(Err(report(e))),
    }
}

/// The folder holding `pwb.toml` above the prompt; failing that, the
/// parent of a `prompts/` folder the prompt is in (at any depth); failing
/// that, its folder.
pub fn workspace_root(prompt_file: &Path) -> PathBuf {
    let abs = std::path::absolute(prompt_file).unwrap_or_else(|_| prompt_file.to_path_buf());
    let dir = abs.parent().map(Path::to_path_buf).unwrap_or_default();
    if let Some(found) = dir.ancestors().find(|d| d.join("pwb.toml").is_file()) {
        return found.to_path_buf();
    }
    let prompts = dir
        .ancestors()
        .find(|d| d.file_name().is_some_and(|n| n == "prompts"));
    if let Some(parent) = prompts.and_then(Path::parent) {
        return parent.to_path_buf();
    }
    dir
}

/// The prompt's path relative to the workspace root when it is inside it.
fn display_path(prompt_file: &Path, root: &Path) -> PathBuf {
    let abs = std::path::absolute(prompt_file).unwrap_or_else(|_| prompt_file.to_path_buf());
    abs.strip_prefix(root)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| prompt_file.to_path_buf())
}

/// Variables from `--vars FILE`, then `--var k=v` over them.
fn read_vars(args: &RenderArgs) -> anyhow::Result<Map<String, Value>> {
    let mut vars = Map::new();
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
            Value::Object(m) => vars.extend(m),
            Value::Null => {}
            _ => bail!(
                "{}: variables must be a mapping of names to values",
                file.display()
            ),
        }
    }
    for item in &args.vars {
        let Some((name, raw)) = item.split_once('=') else {
            bail!("--var {item:?}: write it as name=value");
        };
        let value = serde_json::from_str(raw).unwrap_or_else(|_| Value::String(raw.to_string()));
        vars.insert(name.trim().to_string(), value);
    }
    Ok(vars)
}

/// The named examples, in the order asked for, from `examples/*.yaml`.
/// The error is the text to print.
fn pick_examples(root: &Path, names: &[String]) -> Result<Vec<Example>, String> {
    let names: Vec<&str> = names
        .iter()
        .map(|n| n.trim())
        .filter(|n| !n.is_empty())
        .collect();
    if names.is_empty() {
        return Ok(Vec::new());
    }
    let files = crate::prompt::example::example_files(&root.join("examples"));
    let mut all = Vec::new();
    for file in &files {
        let shown = file.strip_prefix(root).unwrap_or(file);
        all.extend(load_example_file(file).map_err(|e| e.in_file(shown).report())?);
    }
    names
        .iter()
        .map(|name| {
            all.iter()
                .find(|e| e.name == *name)
                .cloned()
                .ok_or_else(|| {
                    let known: Vec<&str> = all.iter().map(|e| e.name.as_str()).collect();
                    let hint = if known.is_empty() {
                        "add examples to examples/NAME.yaml as `- name: ...`".to_string()
                    } else {
                        format!("known examples: {}", known.join(", "))
                    };
                    format!("error: no example named `{name}` in examples/*.yaml\nhint: {hint}")
                })
        })
        .collect()
}
