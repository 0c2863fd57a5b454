//! Test fixtures: settled calls as the session hands them to a recorder,
//! and a writer on a fresh database in a temporary folder.

use super::HistoryWriter;
use crate::provider::Completion;
use crate::run::{CellOutcome, CellStatus, RunEvent};
use crate::session::record::{Face, PromptText, RunContext, SettledCall};
use crate::types::{GenParams, Message, ModelId, Usage};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

pub fn prompt(name: &str, source: &str, saved: bool) -> Arc<PromptText> {
    Arc::new(PromptText {
        name: name.into(),
        source: source.into(),
        saved,
        partials: Vec::new(),
        examples: Vec::new(),
    })
}

/// A finished call of `model` that answered `answer` in `total_ms`.
pub fn answered(
    ws: &Path,
    p: &Arc<PromptText>,
    user: &str,
    model: &str,
    answer: &str,
    total_ms: u64,
) -> SettledCall {
    let mut o = CellOutcome::new(
        model.to_string(),
        ModelId::parse(model).expect("model id"),
        GenParams {
            temperature: Some(0.2),
            ..Default::default()
        },
    );
    o.apply(RunEvent::Started {
        run: 1,
        cell: 0,
        at: std::time::Instant::now(),
    });
    o.apply(RunEvent::Finished {
        run: 1,
        cell: 0,
        completion: Completion {
            text: answer.into(),
            usage: Usage {
                input_tokens: Some(10),
                output_tokens: Some(5),
                ..Default::default()
            },
            time_to_first_token: Some(Duration::from_millis(total_ms / 2)),
            total_time: Duration::from_millis(total_ms),
            ..Default::default()
        },
    });
    assert_eq!(o.status, CellStatus::Done);
    SettledCall {
        context: RunContext {
            face: Face::Run,
            workspace: ws.to_path_buf(),
            prompt: p.clone(),
        },
        messages: vec![
            Message::text("system", "Be brief."),
            Message::text("user", user),
        ],
        outcome: o,
        cost: Some(0.001),
    }
}

/// A call of `model` that failed with `error`.
pub fn failed(ws: &Path, p: &Arc<PromptText>, model: &str, error: &str) -> SettledCall {
    let mut c = answered(ws, p, "hi", model, "", 1);
    c.outcome.text.clear();
    c.outcome.status = CellStatus::Failed(error.into());
    c.cost = None;
    c
}

/// A writer on a new database `h.sqlite` in `dir`.
pub fn writer(dir: &Path) -> Arc<HistoryWriter> {
    HistoryWriter::start(dir.join("h.sqlite"))
}
