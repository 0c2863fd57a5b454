//! promptfoo 0.123.1's grading prompts, kept as data files in `prompts/`
//! exactly as its code builds them (MIT licence: `prompts/LICENSE-promptfoo`;
//! where each came from: `prompts/README.md`).

/// llm-rubric (`DEFAULT_GRADING_PROMPT`).
pub const LLM_RUBRIC: &str = include_str!("prompts/llm_rubric.json");
/// factuality (`PROMPTFOO_FACTUALITY_PROMPT`).
pub const FACTUALITY: &str = include_str!("prompts/factuality.json");
/// model-graded-closedqa (`OPENAI_CLOSED_QA_PROMPT`).
pub const CLOSED_QA: &str = include_str!("prompts/closedqa.json");
/// select-best (`SELECT_BEST_PROMPT`).
pub const SELECT_BEST: &str = include_str!("prompts/select_best.json");
/// g-eval's first call: evaluation steps from the criteria.
pub const GEVAL_STEPS: &str = include_str!("prompts/geval_steps.txt");
/// g-eval's second call: a 0-10 score by those steps.
pub const GEVAL_EVALUATE: &str = include_str!("prompts/geval_evaluate.txt");
/// answer-relevance: a question the answer answers (`ANSWER_RELEVANCY_GENERATE`).
pub const ANSWER_RELEVANCE: &str = include_str!("prompts/answer_relevance.txt");
/// context-recall: each sentence attributed to the context or not.
pub const CONTEXT_RECALL: &str = include_str!("prompts/context_recall.txt");
/// context-relevance: the context's sentences the query needs.
pub const CONTEXT_RELEVANCE: &str = include_str!("prompts/context_relevance.txt");
/// context-faithfulness, first call: statements from the answer.
pub const FAITHFULNESS_STATEMENTS: &str =
    include_str!("prompts/context_faithfulness_statements.txt");
/// context-faithfulness, second call: a verdict on each statement.
pub const FAITHFULNESS_VERDICTS: &str = include_str!("prompts/context_faithfulness_verdicts.txt");

/// The marker context-relevance's grader answers when nothing is relevant.
pub const INSUFFICIENT_INFORMATION: &str = "Insufficient Information";
/// context-recall's per-sentence tokens.
pub const ATTRIBUTED: &str = "[Attributed]";
pub const NOT_ATTRIBUTED: &str = "[Not Attributed]";
/// What precedes context-faithfulness's list of verdicts.
pub const FINAL_VERDICTS: &str = "Final verdict for each statement in order:";
