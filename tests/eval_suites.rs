//! Suites loaded from promptfoo configs, planned through the session and
//! run on the one runner with the echo provider: every answer is the
//! prompt as promptfoo rendered it for the same config (the outputs
//! promptfoo 0.123.1 recorded in tests/fixtures/promptfoo/*/promptfoo.json).

mod support;

use pwb::eval::execute::Execution;
use pwb::eval::matrix::{Variant, plan};
use pwb::eval::suite::load;
use pwb::run::{CacheMode, CellStatus, Runner};
use pwb::session::Session;
use pwb::types::FinishReason;
use pwb::workspace::Workspace;
use std::path::Path;
use tokio_util::sync::CancellationToken;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn echo_answers_through_the_runner_are_what_promptfoo_rendered() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/promptfoo");
    let runner = Runner::new(
        tokio::runtime::Handle::current(),
        support::runs::test_config(),
    );
    for name in ["expansion", "csv", "files", "prompts"] {
        let suite = load(&fixtures.join(name), Path::new("/"))
            .expect("loads")
            .remove(0);
        let session = Session::new(Workspace {
            root: suite.root.clone(),
            ..Workspace::default()
        });
        let variants: Vec<Box<dyn Variant>> = suite
            .prompts
            .iter()
            .map(|p| p.variant(&session).expect("variant"))
            .collect();
        let picks: Vec<_> = suite
            .providers
            .iter()
            .map(|p| p.model_option().pick())
            .collect();
        let entries = plan(&session, &variants, &suite.cases, &picks, 1);
        let exec = Execution {
            runner: &runner,
            cache: CacheMode::Off,
            concurrency: 4,
            max_cost: None,
            catalog: &session.catalog,
            interrupt: CancellationToken::new(),
        };
        let done = exec.run(entries, |_, _| {}).await;
        // promptfoo's rows are in (case, prompt) order; the matrix's in
        // (prompt, case) order.
        let text = std::fs::read_to_string(fixtures.join(name).join("promptfoo.json")).unwrap();
        let rows: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
        let (np, nc) = (variants.len(), suite.cases.len());
        assert_eq!(done.results.cells.len(), np * nc, "{name}");
        assert_eq!(rows.len(), np * nc, "{name}");
        for (c, row_group) in rows.chunks(np).enumerate() {
            for (p, row) in row_group.iter().enumerate() {
                let cell = &done.results.cells[p * nc + c];
                assert_eq!(cell.status, CellStatus::Done, "{name} {row}");
                assert_eq!(cell.text, row["output"].as_str().unwrap(), "{name} {row}");
                assert_eq!(cell.finish_reason, Some(FinishReason::Stop));
                assert_eq!(
                    cell.usage.input_tokens.unwrap_or(0),
                    0,
                    "promptfoo's echo reports no tokens"
                );
            }
        }
    }
}
