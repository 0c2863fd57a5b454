//! model-graded-closedqa (promptfoo's `matchesClosedQa`, after OpenAI's
//! evals): the grader reasons step by step whether the answer meets the
//! criterion and ends on `Y` or `N`. promptfoo ignores `not-` here, and so
//! does pwb.
//!
//! Where pwb differs: an answer ending on neither is an *error* of the
//! assertion; promptfoo counts it as a failure ("malformed response").

use super::{Inputs, Verdict, js, prompts, render};
use crate::eval::graded::calls::Calls;
use serde_json::Value;

pub async fn grade(inp: &Inputs<'_>, calls: &mut Calls<'_>) -> Verdict {
    let Some(Value::String(criteria)) = inp.spec.value.as_ref() else {
        return Verdict::Error(
            "model-graded-closedqa assertion type must have a string value".into(),
        );
    };
    let mut vars = inp.vars.clone();
    vars.insert("input".into(), Value::String(inp.prompt.clone()));
    vars.insert("criteria".into(), Value::String(criteria.clone()));
    vars.insert("completion".into(), js::try_parse(inp.output));
    let messages = match render::prompt_text(inp.rubric_prompt(), prompts::CLOSED_QA)
        .and_then(|t| render::render(&t, &vars))
    {
        Ok(m) => m,
        Err(e) => return Verdict::Error(e),
    };
    match calls.complete(messages, false, 0).await {
        Ok(t) if t.is_empty() => Verdict::Error("No output".into()),
        Ok(t) => read_answer(&t),
        Err(e) => Verdict::Error(e),
    }
}

/// `Y` or `N` at the end of the grader's answer.
pub fn read_answer(text: &str) -> Verdict {
    let end = text.trim_end_matches(js::is_space);
    if end.ends_with('Y') {
        Verdict::graded(
            true,
            1.0,
            format!("The submission meets the criterion:\n{text}"),
        )
    } else if end.ends_with('N') {
        Verdict::graded(
            false,
            0.0,
            format!("The submission does not meet the criterion:\n{text}"),
        )
    } else {
        Verdict::Error(format!(
            "Model grader produced a malformed response:\n{text}"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_letter_decides() {
        assert!(matches!(
            read_answer("reasons\nY\nY  \n"),
            Verdict::Graded { pass: true, .. }
        ));
        assert!(matches!(
            read_answer("reasons\nN"),
            Verdict::Graded { pass: false, .. }
        ));
        assert!(
            matches!(read_answer("WHY"), Verdict::Graded { pass: true, .. }),
            "as promptfoo: any text ending in Y"
        );
        assert!(matches!(read_answer("maybe"), Verdict::Error(_)));
    }
}
