//! Why the in-process model could not load or answer, said so a user can
//! act on it (which file, what is wrong with it, what to run).

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum LocalError {
    #[error("model weights not found at {}: run `pwb setup`", path.display())]
    WeightsMissing { path: PathBuf },
    #[error("cannot read {}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{} is not a usable GGUF model: {reason}", path.display())]
    BadModel { path: PathBuf, reason: String },
    #[error("tokenizer of {}: {reason}", path.display())]
    Tokenizer { path: PathBuf, reason: String },
    #[error("the prompt has {prompt} tokens; the model's context holds {context}")]
    PromptTooLong { prompt: usize, context: usize },
    #[error("local model failed while generating: {0}")]
    Generate(String),
}

impl From<LocalError> for crate::provider::ProviderError {
    fn from(e: LocalError) -> Self {
        crate::provider::ProviderError::Other(e.to_string())
    }
}
