//! Few-shot examples belong to their prompt: prompt `NAME` is offered the
//! examples of `examples/NAME.yaml` and no others, in the TUI's picker and
//! by `--examples` alike.

use super::Session;
use crate::prompt::Example;
use crate::prompt::suggest::did_you_mean;

/// An example name that is not among the prompt's examples.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct UnknownExample {
    pub message: String,
    pub hint: String,
}

impl Session {
    /// The examples of prompt `name` (`examples/NAME.yaml`), in file order.
    pub fn examples(&self, prompt: &str) -> &[Example] {
        self.ws
            .examples_for(prompt)
            .map_or(&[], |f| f.examples.as_slice())
    }

    /// The named examples of `prompt`, in the order asked for.
    pub fn pick_examples(
        &self,
        prompt: &str,
        names: &[String],
    ) -> Result<Vec<Example>, UnknownExample> {
        let own = self.examples(prompt);
        names
            .iter()
            .map(|n| n.trim())
            .filter(|n| !n.is_empty())
            .map(|name| {
                own.iter()
                    .find(|e| e.name == name)
                    .cloned()
                    .ok_or_else(|| self.unknown_example(prompt, name))
            })
            .collect()
    }

    fn unknown_example(&self, prompt: &str, name: &str) -> UnknownExample {
        let own: Vec<&str> = self
            .examples(prompt)
            .iter()
            .map(|e| e.name.as_str())
            .collect();
        let elsewhere = self
            .ws
            .examples
            .iter()
            .find(|f| f.name != prompt && f.examples.iter().any(|e| e.name == name));
        let message = match elsewhere {
            Some(f) => format!(
                "example `{name}` belongs to prompt `{}` (examples/{}.yaml), not to `{prompt}`",
                f.name, f.name
            ),
            None => format!("prompt `{prompt}` has no example named `{name}`"),
        };
        let hint = if own.is_empty() {
            format!(
                "`{prompt}` has no examples: add them to examples/{prompt}.yaml as `- name: ...`"
            )
        } else {
            match did_you_mean(name, &own) {
                Some(best) => format!(
                    "did you mean `{best}`? (`{prompt}`'s examples: {})",
                    own.join(", ")
                ),
                None => format!("`{prompt}`'s examples: {}", own.join(", ")),
            }
        };
        UnknownExample { message, hint }
    }
}
