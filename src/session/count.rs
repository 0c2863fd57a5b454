//! Counting a request's input tokens the way its model does where pwb has
//! the model's own tokenizer (OpenAI's models at OpenAI: o200k_base or
//! cl100k_base, as tiktoken maps them; a `local:` GGUF once its header is
//! loaded: its tokenizer over its chat template), else an o200k_base
//! estimate that says so. OpenAI framing follows its chat recipe (role,
//! text and 3 tokens per message, 3 to prime the reply); tool definitions
//! count as their JSON.

use crate::prompt::tokens::estimate_tokens;
use crate::provider::local::prompt_count::{self, PromptCounter};
use crate::provider::{ChatRequest, Endpoint};
use crate::types::{Message, ProviderKind, ToolDef};
use tiktoken_rs::tokenizer::Tokenizer;

/// How a model's tokens are counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counting {
    /// With the model's own tokenizer (`o200k_base`, `cl100k_base`).
    Exact(&'static str),
    /// With a local GGUF's own tokenizer and chat template.
    Local(&'static PromptCounter),
    /// With o200k_base although the model tokenizes otherwise.
    Estimate,
}

impl Counting {
    /// Which counting `endpoint`'s model gets: exact for OpenAI's own
    /// models at OpenAI (not an OpenAI-compatible server at a base URL,
    /// which runs some other model), an estimate for every other provider.
    /// A `local:` model is exact once its counter is loaded
    /// (`load_local`), an estimate until then.
    pub fn for_endpoint(endpoint: &Endpoint) -> Counting {
        if endpoint.id.provider() == ProviderKind::Local {
            return local_path(endpoint)
                .and_then(|p| prompt_count::loaded(&p))
                .map_or(Counting::Estimate, Counting::Local);
        }
        if endpoint.id.provider() != ProviderKind::OpenAi || endpoint.base_url.is_some() {
            return Counting::Estimate;
        }
        let model = endpoint.id.model();
        // tiktoken-rs 0.7 predates gpt-5, which tiktoken maps to o200k_base.
        if model.starts_with("gpt-5") {
            return Counting::Exact("o200k_base");
        }
        match tiktoken_rs::tokenizer::get_tokenizer(model) {
            Some(Tokenizer::O200kBase) => Counting::Exact("o200k_base"),
            Some(Tokenizer::Cl100kBase) => Counting::Exact("cl100k_base"),
            _ => Counting::Estimate,
        }
    }

    pub fn is_exact(self) -> bool {
        !matches!(self, Counting::Estimate)
    }

    /// The tiktoken encoding it counts with (`None`: a local GGUF's).
    pub fn encoder(self) -> Option<&'static str> {
        match self {
            Counting::Exact(enc) => Some(enc),
            Counting::Estimate => Some("o200k_base"),
            Counting::Local(_) => None,
        }
    }

    /// `exact, o200k_base`, `exact, the model's GGUF tokenizer`, or
    /// `an estimate: o200k_base, not this model's tokenizer`.
    pub fn describe(self) -> String {
        match self {
            Counting::Exact(enc) => format!("exact, {enc}"),
            Counting::Local(_) => "exact, the model's GGUF tokenizer".into(),
            Counting::Estimate => "an estimate: o200k_base, not this model's tokenizer".into(),
        }
    }

    /// `≈` before an estimate, nothing before an exact count.
    pub fn mark(self) -> &'static str {
        if self.is_exact() { "" } else { "≈" }
    }

    /// Tokens of `text` (loads the tokenizer if need be).
    pub fn text(self, text: &str) -> usize {
        match self {
            Counting::Exact("cl100k_base") => tiktoken_rs::cl100k_base_singleton()
                .encode_ordinary(text)
                .len(),
            _ => estimate_tokens(text),
        }
    }

    /// Input tokens of `messages` and `tools`: each message's role and
    /// text plus 3 of framing, 3 to prime the reply, and the tools' JSON.
    /// A local model's count is its chat template's prompt (it takes no
    /// tools).
    pub fn messages(self, messages: &[Message], tools: &[ToolDef]) -> u64 {
        if let Counting::Local(c) = self {
            return c.messages(messages) as u64;
        }
        let texts: u64 = messages.iter().map(|m| self.message(m)).sum();
        texts + 3 + self.tools(tools)
    }

    /// One message's tokens with its framing (OpenAI's chat recipe; a
    /// local model's template turn).
    pub fn message(self, m: &Message) -> u64 {
        if let Counting::Local(c) = self {
            let role = if m.role == "model" {
                "assistant"
            } else {
                &m.role
            };
            let turn = format!("<|im_start|>{role}\n{}<|im_end|>\n", m.plain_text());
            return c.text(&turn) as u64;
        }
        let role = if m.role == "model" {
            "assistant"
        } else {
            &m.role
        };
        (self.text(role) + self.text(&m.plain_text())) as u64 + 3
    }

    /// Tokens of the tool definitions as JSON (0 without tools).
    pub fn tools(self, tools: &[ToolDef]) -> u64 {
        if tools.is_empty() {
            return 0;
        }
        let json = serde_json::to_string(tools).unwrap_or_default();
        self.text(&json) as u64
    }

    /// Input tokens of `request` (see `messages`).
    pub fn request(self, request: &ChatRequest) -> u64 {
        self.messages(&request.messages, &request.tools)
    }
}

/// The GGUF a `local:` endpoint names, if it names one.
fn local_path(endpoint: &Endpoint) -> Option<std::path::PathBuf> {
    crate::provider::local::model_path(endpoint.id.model()).ok()
}

/// Loads the counters of the `local:` models among `endpoints` whose files
/// exist (blocking: call from a background thread); after it, those
/// models count exactly. Returns how many were loaded.
pub fn load_local<'a>(endpoints: impl IntoIterator<Item = &'a Endpoint>) -> usize {
    endpoints
        .into_iter()
        .filter(|e| e.id.provider() == ProviderKind::Local)
        .filter_map(local_path)
        .filter(|p| p.is_file())
        .filter(|p| prompt_count::load(p).is_ok())
        .count()
}

/// Changes whenever a local counter has loaded (UIs recount then).
pub fn local_generation() -> u64 {
    prompt_count::generation()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::ModelId;

    fn endpoint(id: &str) -> Endpoint {
        Endpoint::new(ModelId::parse(id).unwrap())
    }

    #[test]
    fn openai_models_at_openai_are_exact_and_others_estimated() {
        let c = |id: &str| Counting::for_endpoint(&endpoint(id));
        assert_eq!(c("openai:gpt-4o-mini"), Counting::Exact("o200k_base"));
        assert_eq!(c("openai:gpt-4.1"), Counting::Exact("o200k_base"));
        assert_eq!(c("openai:gpt-5-mini"), Counting::Exact("o200k_base"));
        assert_eq!(c("openai:gpt-4-turbo"), Counting::Exact("cl100k_base"));
        assert_eq!(c("openai:gpt-3.5-turbo"), Counting::Exact("cl100k_base"));
        assert_eq!(c("anthropic:claude-sonnet-4-5"), Counting::Estimate);
        assert_eq!(c("gemini:gemini-2.5-flash"), Counting::Estimate);
        assert_eq!(c("ollama:llama3.2"), Counting::Estimate);
        let mut compatible = endpoint("openai:gpt-4o-mini");
        compatible.base_url = Some("http://127.0.0.1:8080/v1".into());
        assert_eq!(Counting::for_endpoint(&compatible), Counting::Estimate);
    }

    #[test]
    fn cl100k_and_o200k_count_differently() {
        // A word o200k_base has as one token and cl100k_base splits.
        let text = "The quick brown fox jumps over the lazy dog. 日本語のテキスト";
        let o = Counting::Exact("o200k_base").text(text);
        let cl = Counting::Exact("cl100k_base").text(text);
        assert_eq!(
            cl,
            tiktoken_rs::cl100k_base()
                .unwrap()
                .encode_ordinary(text)
                .len()
        );
        assert_eq!(o, estimate_tokens(text));
        assert_ne!(o, cl, "the two encodings differ on Japanese text");
    }

    #[test]
    fn messages_count_as_tiktoken_counts_a_chat_for_openai_models() {
        use tiktoken_rs::{ChatCompletionRequestMessage as M, num_tokens_from_messages};
        let msgs = [
            Message::text("system", "You triage support tickets. Answer in one word."),
            Message::text("user", "My card was charged twice, 日本語 too."),
            Message::text("model", "billing"),
            Message::text("user", "The app crashes on start."),
        ];
        let theirs: Vec<M> = msgs
            .iter()
            .map(|m| M {
                role: if m.role == "model" {
                    "assistant".into()
                } else {
                    m.role.clone()
                },
                content: Some(m.plain_text()),
                ..Default::default()
            })
            .collect();
        for (model, counting) in [
            ("gpt-4o", Counting::Exact("o200k_base")),
            ("gpt-4", Counting::Exact("cl100k_base")),
        ] {
            let want = num_tokens_from_messages(model, &theirs).unwrap() as u64;
            assert_eq!(counting.messages(&msgs, &[]), want, "{model}");
        }
    }
}
