//! The matrix of an eval: every (prompt variant, case, model, repeat),
//! each planned through the session like any other run: the variant is
//! rendered with the case's vars, then `Session::plan` makes the cells.
//! A case a variant cannot render for becomes an error entry, not a call.

use crate::prompt::RenderedPrompt;
use crate::run::PlannedCell;
use crate::session::context::ContextCut;
use crate::session::{ModelPick, PromptInputs, Session};
use crate::types::{Message, ModelId};
use crate::workspace::TestCase;
use serde_json::{Map, Value};

/// A prompt variant of the matrix: a name and how it renders for a case.
pub trait Variant: Send + Sync {
    /// How reports name it (the prompt's name, promptfoo's label).
    fn label(&self) -> &str;
    /// The prompt rendered with a case's variables.
    fn render(
        &self,
        session: &Session,
        vars: &Map<String, Value>,
    ) -> Result<RenderedPrompt, String>;
}

/// A Dotprompt source: a workspace prompt, or a `.prompt` file of a
/// promptfoo config. Its own examples are not spliced in (a case is
/// rendered with its vars only, as `pwb run --var` renders).
pub struct DotpromptVariant {
    pub name: String,
    pub source: String,
}

impl Variant for DotpromptVariant {
    fn label(&self) -> &str {
        &self.name
    }
    fn render(
        &self,
        session: &Session,
        vars: &Map<String, Value>,
    ) -> Result<RenderedPrompt, String> {
        // A saved conversation's turns follow the rendered prompt.
        let (vars, turns) = crate::session::conversation::split_history_var(vars)?;
        let inputs = PromptInputs {
            vars,
            ..Default::default()
        };
        let mut rendered = session
            .render(&self.source, &inputs)
            .map_err(|e| format!("the prompt does not render: {e}"))?;
        rendered.messages.extend(turns);
        Ok(rendered)
    }
}

/// Where an entry sits in the matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CellKey {
    pub variant: usize,
    pub case: usize,
    pub model: usize,
    pub repeat: u32,
}

/// One planned call of the matrix, or why it cannot be made.
#[derive(Debug)]
pub struct Entry {
    pub key: CellKey,
    /// The model as the user names it, and its id.
    pub name: String,
    pub model: ModelId,
    /// The rendered request's messages (empty when it did not render).
    pub messages: Vec<Message>,
    pub planned: Result<PlannedCell, String>,
    /// What the `context:` policy cut from the request, if anything.
    pub cut: Option<ContextCut>,
}

/// Plans every entry: variants × cases × models × repeats, in that
/// order (so a case's answers from each model sit together).
pub fn plan(
    session: &Session,
    variants: &[Box<dyn Variant>],
    cases: &[TestCase],
    models: &[ModelPick],
    repeats: u32,
) -> Vec<Entry> {
    let repeats = repeats.max(1);
    let mut out = Vec::with_capacity(variants.len() * cases.len() * models.len());
    for (v, variant) in variants.iter().enumerate() {
        for (c, case) in cases.iter().enumerate() {
            let rendered = variant.render(session, &case.vars);
            let (cells, cuts) = match &rendered {
                Ok(r) => session.plan_fitted(r, models, repeats),
                Err(_) => (Vec::new(), Vec::new()),
            };
            let mut cells = cells.into_iter();
            for (m, pick) in models.iter().enumerate() {
                for repeat in 0..repeats {
                    let key = CellKey {
                        variant: v,
                        case: c,
                        model: m,
                        repeat,
                    };
                    let (messages, planned) = match (&rendered, cells.next()) {
                        (Ok(r), Some(cell)) => (r.messages.clone(), Ok(cell)),
                        (Err(e), _) => (Vec::new(), Err(e.clone())),
                        (Ok(_), None) => (Vec::new(), Err("no cell was planned".into())),
                    };
                    out.push(Entry {
                        key,
                        name: pick.model.name.clone(),
                        model: pick.model.id().clone(),
                        messages,
                        planned,
                        cut: cuts.get(m).cloned().flatten(),
                    });
                }
            }
        }
    }
    out
}
