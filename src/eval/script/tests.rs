//! The workers against the real `node` and `python3` (both ship with the
//! machine image; a missing one fails these tests with the error pwb shows).

use super::*;
use serde_json::json;

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("{e}"))
}

fn value(r: Result<ScriptReply, String>) -> Value {
    match r {
        Ok(ScriptReply::Value(v)) => v,
        other => panic!("expected a value, got {other:?}"),
    }
}

#[test]
fn javascript_runs_expressions_and_bodies_in_one_worker() {
    let s = Scripts::new();
    let ctx = json!({"vars": {"n": 3}});
    rt().block_on(async {
        assert_eq!(value(s.run(Lang::JavaScript, "output.length > 2", "abc", &ctx).await), json!(true));
        assert_eq!(
            value(s.run(Lang::JavaScript, "const n = context.vars.n; n * 2", "", &ctx).await),
            json!(6)
        );
        let body = "if (output === 'x') {\n  return {pass: true, score: 0.5, reason: 'ok'};\n}\nreturn false;";
        assert_eq!(
            value(s.run(Lang::JavaScript, body, "x", &ctx).await),
            json!({"pass": true, "score": 0.5, "reason": "ok"})
        );
        let pid = "globalThis.process.pid";
        let a = value(s.run(Lang::JavaScript, pid, "", &ctx).await);
        let b = value(s.run(Lang::JavaScript, pid, "", &ctx).await);
        assert_eq!(a, b, "one long-lived worker");
    });
}

#[test]
fn a_throw_fails_and_a_crash_or_hang_restarts_the_worker() {
    let s = Scripts::with_programs("node", "python3", Duration::from_millis(1500));
    let ctx = json!({});
    rt().block_on(async {
        match s.run(Lang::JavaScript, "JSON.parse('{')", "", &ctx).await {
            Ok(ScriptReply::Threw { message, .. }) => {
                assert!(message.contains("JSON"), "{message}")
            }
            other => panic!("{other:?}"),
        }
        match s.run(Lang::JavaScript, "'a string'", "", &ctx).await {
            Ok(ScriptReply::Threw { message, .. }) => {
                assert!(
                    message.starts_with("Custom function must return a boolean"),
                    "{message}"
                )
            }
            other => panic!("{other:?}"),
        }
        match s
            .run(Lang::JavaScript, "globalThis.process.exit(3)", "", &ctx)
            .await
        {
            Ok(ScriptReply::Crashed(e)) => assert!(e.contains("crashed"), "{e}"),
            other => panic!("{other:?}"),
        }
        match s
            .run(Lang::JavaScript, "{\nwhile (true) {}\n}", "", &ctx)
            .await
        {
            Ok(ScriptReply::Crashed(e)) => assert!(e.contains("timed out"), "{e}"),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            value(s.run(Lang::JavaScript, "1 + 1", "", &ctx).await),
            json!(2)
        );
    });
}

#[test]
fn python_runs_one_liners_and_bodies() {
    let s = Scripts::new();
    let ctx = json!({"vars": {"k": "v"}});
    rt().block_on(async {
        assert_eq!(value(s.run(Lang::Python, "'refund' in output", "a refund", &ctx).await), json!(true));
        let body = "n = len(output.split())\nreturn {'pass': n < 3, 'score': n / 10, 'reason': context['vars']['k']}";
        assert_eq!(
            value(s.run(Lang::Python, body, "a b", &ctx).await),
            json!({"pass": true, "score": 0.2, "reason": "v"})
        );
        match s.run(Lang::Python, "1 / 0", "", &ctx).await {
            Ok(ScriptReply::Threw { message, .. }) => assert!(message.contains("ZeroDivisionError"), "{message}"),
            other => panic!("{other:?}"),
        }
        assert_eq!(value(s.run(Lang::Python, "print('noise') or 0.5", "", &ctx).await), json!(0.5));
    });
}

#[test]
fn a_missing_interpreter_is_an_error() {
    let s = Scripts::with_programs(
        "/nonexistent/node",
        "/nonexistent/python3",
        Duration::from_secs(5),
    );
    let r = rt().block_on(s.run(Lang::Python, "True", "", &json!({})));
    match r {
        Err(e) => assert!(e.contains("cannot start `/nonexistent/python3`"), "{e}"),
        other => panic!("{other:?}"),
    }
}
