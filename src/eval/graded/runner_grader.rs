//! The `Grader` on the one runner: a grader call is planned through the
//! session like any run (the grader's messages as a rendered prompt, the
//! grader as a model pick, so its request is built the one way) and joins
//! the eval's run in flight (`Runner::join`), sharing its limits,
//! retries, timeouts, cache and cancel. Embeddings go the same way as
//! cells of the embedding provider. Each answer comes back with its
//! tokens and cost, counted apart from the model under test.
//! `GraderRequest::json` does not turn on a JSON mode: promptfoo sends
//! none to a grader it is given, and pwb asks what promptfoo asks.

use super::grader_spec::{self, EmbeddingModel};
use crate::compare::Readout;
use crate::eval::grade::{Embedded, Grader, GraderAnswer, GraderRequest};
use crate::prompt::RenderedPrompt;
use crate::provider::{BoxFuture, ChatRequest, embed};
use crate::run::cache::{CacheSlot, cache_dir};
use crate::run::event::RunId;
use crate::run::plan::into_cells_with;
use crate::run::{CacheMode, Cell, CellOutcome, CellStatus, Runner};
use crate::session::{Collector, Session};
use crate::types::{GenParams, Message, ModelId};
use serde_json::{Value, json};
use tokio::sync::mpsc;

pub struct RunnerGrader<'a> {
    session: &'a Session,
    runner: &'a Runner,
    /// The eval's run, which grader calls join.
    run: RunId,
    cache: CacheMode,
    /// The suite's grader, for assertions that name none.
    default: Option<Value>,
}

impl<'a> RunnerGrader<'a> {
    /// A grader for run `run`; `default` is the suite's grader in
    /// promptfoo's shape (an id string, `{id, config}`, or `{text,
    /// embedding}`): see `check::default_grader`.
    pub fn new(
        session: &'a Session,
        runner: &'a Runner,
        run: RunId,
        cache: CacheMode,
        default: Option<Value>,
    ) -> RunnerGrader<'a> {
        RunnerGrader {
            session,
            runner,
            run,
            cache,
            default: default.filter(|d| !d.is_null()),
        }
    }

    /// Whether the default grader names a model pwb can call (checked
    /// before the eval starts, so a typo fails before any call).
    pub fn check_default(&self) -> Result<(), String> {
        match &self.default {
            Some(spec) => grader_spec::chat(self.session, spec).map(|_| ()),
            None => Ok(()),
        }
    }

    fn spec(&self, provider: Option<Value>) -> Result<Value, String> {
        provider
            .filter(|p| !p.is_null())
            .or_else(|| self.default.clone())
            .ok_or_else(|| {
                "no grader configured: set `[eval] grader` in pwb.toml, \
                 defaultTest.options.provider, or --grader"
                    .to_string()
            })
    }

    async fn ask(&self, request: GraderRequest) -> Result<GraderAnswer, String> {
        let pick = grader_spec::chat(self.session, &self.spec(request.provider)?)?;
        let id = pick.model.id().clone();
        // Graders judge at temperature 0 unless their entry or config says
        // otherwise (the layering puts those above the prompt's config).
        let rendered = RenderedPrompt {
            messages: request.messages.clone(),
            config: json!({"temperature": 0})
                .as_object()
                .cloned()
                .unwrap_or_default(),
            ..Default::default()
        };
        let mut planned = self.session.plan(&rendered, &[pick], 1);
        for cell in &mut planned {
            cell.slot.sample = request.sample;
            cell.slot.samples = request.sample + 1;
        }
        let outcome = self
            .settle(
                into_cells_with(planned.clone(), self.cache),
                Collector::new(self.run, &planned, None),
            )
            .await;
        let text = finished(&outcome, &id)?;
        Ok(GraderAnswer {
            model: id.to_string(),
            request: request.messages,
            text,
            usage: outcome.usage,
            cost: Readout::new(&outcome, self.session.catalog.lookup(&id.to_string())).cost(),
            steps: Vec::new(),
        })
    }

    async fn embed_texts(
        &self,
        texts: Vec<String>,
        provider: Option<Value>,
    ) -> Result<(Vec<Vec<f32>>, GraderAnswer), String> {
        let model: EmbeddingModel = grader_spec::embedding(self.session, &self.spec(provider)?)?;
        let id = ModelId::new(model.endpoint.id.provider(), model.model.clone());
        let provider = embed::build(&model.endpoint)?;
        let messages: Vec<Message> = texts.iter().map(|t| Message::text("user", t)).collect();
        let request = ChatRequest {
            model: model.model.clone(),
            messages: messages.clone(),
            params: GenParams::default(),
            json_schema: None,
            ..Default::default()
        };
        let cache = CacheSlot::for_cell(self.cache, &cache_dir(), &*provider, &request);
        let queued = CellOutcome::new(id.to_string(), id.clone(), GenParams::default());
        let cell = Cell {
            provider,
            request,
            cache,
        };
        let outcome = self
            .settle(
                vec![cell],
                Collector::of_outcomes(self.run, vec![queued], None),
            )
            .await;
        let vectors = embed::vectors_of(&finished(&outcome, &id)?)?;
        let answer = GraderAnswer {
            model: id.to_string(),
            request: messages,
            text: String::new(),
            usage: outcome.usage,
            cost: self.session.catalog.cost(&id.to_string(), &outcome.usage),
            steps: Vec::new(),
        };
        Ok((vectors, answer))
    }

    /// Sends one cell with the eval's run and folds its events.
    async fn settle(&self, cells: Vec<Cell>, mut collector: Collector) -> CellOutcome {
        let (tx, mut rx) = mpsc::unbounded_channel();
        self.runner.join(self.run, 0, cells, tx);
        while collector.is_running() {
            let Some(ev) = rx.recv().await else { break };
            collector.apply(ev);
        }
        collector.cells.swap_remove(0)
    }
}

/// The answer of a settled call, or why there is none.
fn finished(outcome: &CellOutcome, id: &ModelId) -> Result<String, String> {
    match &outcome.status {
        CellStatus::Done => Ok(outcome.text.clone()),
        CellStatus::Failed(e) => Err(format!("grader {id}: {e}")),
        CellStatus::Cancelled => Err(format!("grader {id}: cancelled")),
        _ => Err(format!("grader {id}: the call did not finish")),
    }
}

impl Grader for RunnerGrader<'_> {
    fn complete(&self, request: GraderRequest) -> BoxFuture<'_, Result<GraderAnswer, String>> {
        Box::pin(self.ask(request))
    }

    fn embed(
        &self,
        texts: Vec<String>,
        provider: Option<Value>,
    ) -> BoxFuture<'_, Result<Vec<Vec<f32>>, String>> {
        Box::pin(async move { Ok(self.embed_texts(texts, provider).await?.0) })
    }

    fn embed_answer(
        &self,
        texts: Vec<String>,
        provider: Option<Value>,
    ) -> BoxFuture<'_, Result<Embedded, String>> {
        Box::pin(async move {
            let (vectors, answer) = self.embed_texts(texts, provider).await?;
            Ok((vectors, Some(answer)))
        })
    }
}
