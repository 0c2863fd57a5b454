//! javascript and python assertions run by the system's `node` / `python3`
//! in one long-lived worker per language and suite: started on first use,
//! newline-delimited JSON over stdin/stdout, a timeout per assertion, and a
//! worker that crashes or hangs is restarted for the next assertion.

use serde_json::{Value, json};
use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, ChildStdin, ChildStdout, Command};
use tokio::sync::Mutex;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    JavaScript,
    Python,
}

/// What a script assertion came to.
#[derive(Debug, Clone, PartialEq)]
pub enum ScriptReply {
    /// What the script returned (JSON).
    Value(Value),
    /// The script threw (message, stack): the assertion fails.
    Threw { message: String, stack: String },
    /// The worker died or timed out: the assertion fails, the worker restarts.
    Crashed(String),
}

struct Worker {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

/// The script workers of one suite.
pub struct Scripts {
    node: String,
    python: String,
    timeout: Duration,
    js: Mutex<Option<Worker>>,
    py: Mutex<Option<Worker>>,
}

impl Default for Scripts {
    fn default() -> Scripts {
        Scripts::new()
    }
}

impl Scripts {
    /// `node` and `python3` from PATH (or `PWB_NODE`, `PWB_PYTHON`), 30 s per assertion.
    pub fn new() -> Scripts {
        let var = |k: &str, d: &str| std::env::var(k).unwrap_or_else(|_| d.to_string());
        Scripts::with_programs(
            &var("PWB_NODE", "node"),
            &var("PWB_PYTHON", "python3"),
            Duration::from_secs(30),
        )
    }

    pub fn with_programs(node: &str, python: &str, timeout: Duration) -> Scripts {
        Scripts {
            node: node.to_string(),
            python: python.to_string(),
            timeout,
            js: Mutex::new(None),
            py: Mutex::new(None),
        }
    }

    /// Runs one assertion's `code` on `output`. `Err` only when the
    /// interpreter cannot be started at all.
    pub async fn run(
        &self,
        lang: Lang,
        code: &str,
        output: &str,
        context: &Value,
    ) -> Result<ScriptReply, String> {
        let (slot, program, source, flag) = match lang {
            Lang::JavaScript => (&self.js, &self.node, include_str!("worker.js"), "-e"),
            Lang::Python => (&self.py, &self.python, include_str!("worker.py"), "-c"),
        };
        let mut guard = slot.lock().await;
        if guard.is_none() {
            *guard = Some(start(program, flag, source)?);
        }
        let Some(worker) = guard.as_mut() else {
            return Err("script worker did not start".into());
        };
        let request = json!({"code": code, "output": output, "context": context});
        let exchange = async {
            let mut line = request.to_string();
            line.push('\n');
            worker
                .stdin
                .write_all(line.as_bytes())
                .await
                .map_err(|e| e.to_string())?;
            worker.stdin.flush().await.map_err(|e| e.to_string())?;
            let mut reply = String::new();
            let n = worker
                .stdout
                .read_line(&mut reply)
                .await
                .map_err(|e| e.to_string())?;
            if n == 0 {
                return Err("the worker exited".to_string());
            }
            serde_json::from_str::<Value>(&reply).map_err(|e| format!("unreadable reply: {e}"))
        };
        let what = match lang {
            Lang::JavaScript => "javascript",
            Lang::Python => "python",
        };
        let reply = match tokio::time::timeout(self.timeout, exchange).await {
            Ok(Ok(reply)) => reply,
            Ok(Err(e)) => {
                kill(guard.take()).await;
                return Ok(ScriptReply::Crashed(format!(
                    "{what} worker crashed: {e} (restarted)"
                )));
            }
            Err(_) => {
                kill(guard.take()).await;
                return Ok(ScriptReply::Crashed(format!(
                    "{what} assertion timed out after {} s (worker restarted)",
                    self.timeout.as_secs_f64()
                )));
            }
        };
        Ok(if reply["ok"] == Value::Bool(true) {
            ScriptReply::Value(reply["value"].clone())
        } else {
            let text = |k: &str| reply[k].as_str().unwrap_or_default().to_string();
            ScriptReply::Threw {
                message: text("error"),
                stack: text("stack"),
            }
        })
    }
}

fn start(program: &str, flag: &str, source: &str) -> Result<Worker, String> {
    let mut child = Command::new(program)
        .arg(flag)
        .arg(source)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| {
            format!("cannot start `{program}`: {e}; hint: install it or set PWB_NODE / PWB_PYTHON")
        })?;
    let stdin = child.stdin.take().ok_or("no stdin")?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    Ok(Worker {
        child,
        stdin,
        stdout: BufReader::new(stdout),
    })
}

async fn kill(worker: Option<Worker>) {
    if let Some(mut w) = worker {
        let _ = w.child.kill().await;
    }
}

#[cfg(test)]
mod tests;
