//! The embeddings wire formats: request bodies and how the vectors and
//! token counts come back. OpenAI `POST {base}/embeddings`; Gemini
//! `:embedContent` (one text) and `:batchEmbedContents` (several);
//! Ollama `POST {host}/api/embed`.

use super::{ProviderError, Usage};
use crate::types::ProviderKind;
use serde_json::{Value, json};

/// The request body for `texts` (one text is sent as a plain string, as
/// promptfoo sends it).
pub fn body(kind: ProviderKind, model: &str, texts: &[String]) -> Value {
    let input = match texts {
        [one] => json!(one),
        many => json!(many),
    };
    match kind {
        ProviderKind::Gemini => match texts {
            [one] => json!({"content": {"parts": [{"text": one}]}}),
            many => json!({"requests": many.iter().map(|t| json!({
                "model": format!("models/{}", model.strip_prefix("models/").unwrap_or(model)),
                "content": {"parts": [{"text": t}]},
            })).collect::<Vec<_>>()}),
        },
        // OpenAI and Ollama take the same shape.
        _ => json!({"model": model, "input": input}),
    }
}

/// The vectors and usage of a response body, in the order of the texts.
pub fn read(kind: ProviderKind, body: &Value) -> Result<(Vec<Vec<f32>>, Usage), ProviderError> {
    let bad = |what: &str| {
        ProviderError::Protocol(format!(
            "no {what} in the embeddings response: {}",
            super::http::clip(&body.to_string())
        ))
    };
    let n = |v: Option<&Value>| v.and_then(Value::as_u64);
    match kind {
        ProviderKind::OpenAi => {
            let data = body
                .get("data")
                .and_then(Value::as_array)
                .ok_or_else(|| bad("data"))?;
            let mut indexed: Vec<(u64, Vec<f32>)> = Vec::with_capacity(data.len());
            for (i, item) in data.iter().enumerate() {
                let v = vector(item.get("embedding")).ok_or_else(|| bad("embedding"))?;
                indexed.push((n(item.get("index")).unwrap_or(i as u64), v));
            }
            indexed.sort_by_key(|(i, _)| *i);
            let usage = Usage {
                input_tokens: n(body.pointer("/usage/prompt_tokens")),
                output_tokens: Some(0),
                ..Default::default()
            };
            Ok((indexed.into_iter().map(|(_, v)| v).collect(), usage))
        }
        ProviderKind::Gemini => {
            let vectors = if let Some(one) = body.get("embedding") {
                vec![vector(one.get("values")).ok_or_else(|| bad("embedding values"))?]
            } else {
                body.get("embeddings")
                    .and_then(Value::as_array)
                    .ok_or_else(|| bad("embeddings"))?
                    .iter()
                    .map(|e| vector(e.get("values")).ok_or_else(|| bad("embedding values")))
                    .collect::<Result<_, _>>()?
            };
            let usage = Usage {
                input_tokens: n(body.pointer("/usageMetadata/promptTokenCount")),
                output_tokens: Some(0),
                ..Default::default()
            };
            Ok((vectors, usage))
        }
        _ => {
            let vectors = body
                .get("embeddings")
                .and_then(Value::as_array)
                .ok_or_else(|| bad("embeddings"))?
                .iter()
                .map(|e| vector(Some(e)).ok_or_else(|| bad("embedding")))
                .collect::<Result<_, _>>()?;
            let usage = Usage {
                input_tokens: n(body.get("prompt_eval_count")),
                output_tokens: Some(0),
                ..Default::default()
            };
            Ok((vectors, usage))
        }
    }
}

fn vector(v: Option<&Value>) -> Option<Vec<f32>> {
    v?.as_array()?
        .iter()
        .map(|x| x.as_f64().map(|f| f as f32))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_follow_each_wire_format() {
        let one = ["a".to_string()];
        let two = ["a".to_string(), "b".to_string()];
        assert_eq!(
            body(ProviderKind::OpenAi, "m", &one),
            json!({"model": "m", "input": "a"})
        );
        assert_eq!(
            body(ProviderKind::Ollama, "m", &two),
            json!({"model": "m", "input": ["a", "b"]})
        );
        assert_eq!(
            body(ProviderKind::Gemini, "m", &one),
            json!({"content": {"parts": [{"text": "a"}]}})
        );
        assert_eq!(
            body(ProviderKind::Gemini, "models/m", &two)["requests"][1],
            json!({"model": "models/m", "content": {"parts": [{"text": "b"}]}})
        );
    }

    #[test]
    fn responses_give_vectors_in_text_order_with_tokens() {
        let openai = json!({"data": [
            {"index": 1, "embedding": [0.0, 1.0]}, {"index": 0, "embedding": [1.0, 0.0]}],
            "usage": {"prompt_tokens": 7}});
        let (v, u) = read(ProviderKind::OpenAi, &openai).unwrap();
        assert_eq!(v, vec![vec![1.0, 0.0], vec![0.0, 1.0]]);
        assert_eq!((u.input_tokens, u.output_tokens), (Some(7), Some(0)));
        let gemini = json!({"embeddings": [{"values": [0.5]}, {"values": [0.25]}]});
        assert_eq!(
            read(ProviderKind::Gemini, &gemini).unwrap().0,
            vec![vec![0.5], vec![0.25]]
        );
        let ollama = json!({"embeddings": [[0.5, 0.5]], "prompt_eval_count": 3});
        assert_eq!(
            read(ProviderKind::Ollama, &ollama).unwrap().1.input_tokens,
            Some(3)
        );
        assert!(read(ProviderKind::OpenAi, &json!({"data": [{"embedding": "x"}]})).is_err());
        assert!(read(ProviderKind::Ollama, &json!({})).is_err());
    }
}
