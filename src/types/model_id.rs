//! `ModelId`: `provider:model`, parsed in one place. The provider part is
//! one of the wire formats pwb speaks (`ProviderKind`); an id without a
//! provider or with an unknown one is an error that says what to write.

use serde::{Serialize, Serializer};
use std::fmt;

/// The wire formats pwb speaks: the part of a model id before the colon.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ProviderKind {
    OpenAi,
    Anthropic,
    Gemini,
    Ollama,
    /// A GGUF model run in-process.
    Local,
    /// promptfoo's `echo`: the answer is the prompt, no model at all
    /// (for trying a suite's assertions offline).
    Echo,
}

impl ProviderKind {
    pub const ALL: [ProviderKind; 6] = [
        ProviderKind::OpenAi,
        ProviderKind::Anthropic,
        ProviderKind::Gemini,
        ProviderKind::Ollama,
        ProviderKind::Local,
        ProviderKind::Echo,
    ];

    /// The name used before the colon in model ids.
    pub fn name(self) -> &'static str {
        match self {
            ProviderKind::OpenAi => "openai",
            ProviderKind::Anthropic => "anthropic",
            ProviderKind::Gemini => "gemini",
            ProviderKind::Ollama => "ollama",
            ProviderKind::Local => "local",
            ProviderKind::Echo => "echo",
        }
    }

    pub fn from_name(name: &str) -> Option<ProviderKind> {
        ProviderKind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// Every provider name, for messages: `openai, anthropic, ...`.
    pub fn names() -> Vec<&'static str> {
        ProviderKind::ALL.iter().map(|k| k.name()).collect()
    }
}

impl fmt::Display for ProviderKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A model as pwb addresses it: `openai:gpt-4o-mini`, `local:smollm2-135m`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ModelId {
    provider: ProviderKind,
    /// Everything after the first colon, as the provider knows the model
    /// (it may hold colons itself: `ollama:llama3.2:1b`).
    model: String,
}

/// Why a string is not a model id; `Display` says what to write instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ModelIdError {
    #[error(
        "model id `{0}` has no provider: write `provider:model`, e.g. `openai:{0}` \
         (providers: {all})",
        all = ProviderKind::names().join(", ")
    )]
    NoProvider(String),
    #[error(
        "model id `{id}`: unknown provider `{provider}` (providers: {all}; an \
         OpenAI-compatible server is `openai:` with a base_url)",
        all = ProviderKind::names().join(", ")
    )]
    UnknownProvider { id: String, provider: String },
    #[error("model id `{0}` names no model after the colon, e.g. `openai:gpt-4o-mini`")]
    NoModel(String),
}

impl ModelId {
    pub fn new(provider: ProviderKind, model: impl Into<String>) -> ModelId {
        ModelId {
            provider,
            model: model.into(),
        }
    }

    /// Parses `provider:model`. Surrounding spaces are ignored. `echo`
    /// alone is `echo:echo` (promptfoo's id for it).
    pub fn parse(text: &str) -> Result<ModelId, ModelIdError> {
        let id = text.trim();
        if id == "echo" {
            return Ok(ModelId::new(ProviderKind::Echo, "echo"));
        }
        let Some((provider, model)) = id.split_once(':') else {
            return Err(ModelIdError::NoProvider(id.to_string()));
        };
        let Some(kind) = ProviderKind::from_name(provider.trim()) else {
            return Err(ModelIdError::UnknownProvider {
                id: id.to_string(),
                provider: provider.to_string(),
            });
        };
        let model = model.trim();
        if model.is_empty() {
            return Err(ModelIdError::NoModel(id.to_string()));
        }
        Ok(ModelId::new(kind, model))
    }

    pub fn provider(&self) -> ProviderKind {
        self.provider
    }

    /// The model as the provider knows it (no `provider:` prefix).
    pub fn model(&self) -> &str {
        &self.model
    }
}

impl fmt::Display for ModelId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.provider.name(), self.model)
    }
}

impl std::str::FromStr for ModelId {
    type Err = ModelIdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ModelId::parse(s)
    }
}

impl Serialize for ModelId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_parse_in_one_way() {
        let id = ModelId::parse("ollama:llama3.2:1b").unwrap();
        assert_eq!(id.provider(), ProviderKind::Ollama);
        assert_eq!(id.model(), "llama3.2:1b");
        assert_eq!(id.to_string(), "ollama:llama3.2:1b");
        assert_eq!(
            ModelId::parse(" openai:gpt-4o ").unwrap().to_string(),
            "openai:gpt-4o"
        );
        assert_eq!(
            ModelId::parse("gpt-4o"),
            Err(ModelIdError::NoProvider("gpt-4o".into()))
        );
        assert!(
            ModelId::parse("gpt-4o")
                .unwrap_err()
                .to_string()
                .contains("e.g. `openai:gpt-4o`")
        );
        assert!(matches!(
            ModelId::parse("mistral:large"),
            Err(ModelIdError::UnknownProvider { .. })
        ));
        assert_eq!(
            ModelId::parse("openai:"),
            Err(ModelIdError::NoModel("openai:".into()))
        );
        for k in ProviderKind::ALL {
            assert_eq!(ProviderKind::from_name(k.name()), Some(k));
        }
        let echo = ModelId::parse("echo").unwrap();
        assert_eq!(
            (echo.provider(), echo.model()),
            (ProviderKind::Echo, "echo")
        );
        assert_eq!(
            ModelId::parse("echo:x").unwrap().provider(),
            ProviderKind::Echo
        );
    }
}
