//! The embeddings wire formats against real HTTP servers on 127.0.0.1:
//! OpenAI `/embeddings`, Gemini `:embedContent` and `:batchEmbedContents`,
//! Ollama `/api/embed`; keys sent as each chat provider sends them, the
//! vectors in text order, token counts, error replies and missing keys.

mod support;

use pwb::provider::embed::{self, vectors_of};
use pwb::provider::{ChatRequest, Endpoint, ProviderError};
use pwb::types::{GenParams, Message, ModelId, Secret};
use serde_json::json;
use support::mock_llm::{MockServer, Reply};

fn request(model: &str, texts: &[&str]) -> ChatRequest {
    ChatRequest {
        model: model.into(),
        messages: texts.iter().map(|t| Message::text("user", *t)).collect(),
        params: GenParams::default(),
        json_schema: None,
        ..Default::default()
    }
}

fn endpoint(id: &str, base: String, key: Option<&str>) -> Endpoint {
    Endpoint {
        base_url: Some(base),
        api_key: key.map(Secret::new),
        ..Endpoint::new(ModelId::parse(id).unwrap())
    }
}

async fn call(
    ep: &Endpoint,
    req: &ChatRequest,
) -> Result<pwb::provider::Completion, ProviderError> {
    let provider = embed::build(ep).unwrap();
    provider.stream(req, &mut |_| {}).await
}

#[tokio::test]
async fn openai_embeddings_come_back_in_text_order_with_their_tokens() {
    let server = MockServer::start(|_| {
        Reply::json(
            200,
            r#"{"data": [{"index": 1, "embedding": [0.0, 1.0]}, {"index": 0, "embedding": [0.25, -0.5]}],
                             "usage": {"prompt_tokens": 9, "total_tokens": 9}}"#,
        )
    });
    let ep = endpoint(
        "openai:text-embedding-3-small",
        server.base_v1(),
        Some("sk-embed-key"),
    );
    let done = call(
        &ep,
        &request("text-embedding-3-small", &["first", "second"]),
    )
    .await
    .unwrap();
    assert_eq!(
        vectors_of(&done.text).unwrap(),
        vec![vec![0.25, -0.5], vec![0.0, 1.0]]
    );
    assert_eq!(
        (done.usage.input_tokens, done.usage.output_tokens),
        (Some(9), Some(0))
    );
    let sent = &server.requests()[0];
    assert_eq!(sent.path, "/v1/embeddings");
    assert_eq!(sent.header("authorization"), Some("Bearer sk-embed-key"));
    assert_eq!(
        sent.json(),
        json!({"model": "text-embedding-3-small", "input": ["first", "second"]})
    );
    // (The server answers two vectors whatever it is sent: an error here.)
    call(&ep, &request("text-embedding-3-small", &["only"]))
        .await
        .unwrap_err();
    assert_eq!(
        server.requests()[1].json()["input"],
        "only",
        "one text is sent as a string, as promptfoo sends it"
    );
}

#[tokio::test]
async fn gemini_embeds_one_text_or_a_batch_with_the_goog_key() {
    let server = MockServer::start(|req| {
        if req.path.ends_with(":embedContent") {
            Reply::json(200, r#"{"embedding": {"values": [0.5, 0.5]}}"#)
        } else {
            Reply::json(
                200,
                r#"{"embeddings": [{"values": [1.0]}, {"values": [2.0]}]}"#,
            )
        }
    });
    let ep = endpoint(
        "gemini:gemini-embedding-001",
        server.base(),
        Some("goog-key"),
    );
    let one = call(&ep, &request("gemini-embedding-001", &["a"]))
        .await
        .unwrap();
    assert_eq!(vectors_of(&one.text).unwrap(), vec![vec![0.5, 0.5]]);
    let two = call(&ep, &request("gemini-embedding-001", &["a", "b"]))
        .await
        .unwrap();
    assert_eq!(vectors_of(&two.text).unwrap(), vec![vec![1.0], vec![2.0]]);
    let reqs = server.requests();
    assert_eq!(
        reqs[0].path,
        "/v1beta/models/gemini-embedding-001:embedContent"
    );
    assert_eq!(reqs[0].header("x-goog-api-key"), Some("goog-key"));
    assert_eq!(
        reqs[0].json(),
        json!({"content": {"parts": [{"text": "a"}]}})
    );
    assert_eq!(
        reqs[1].path,
        "/v1beta/models/gemini-embedding-001:batchEmbedContents"
    );
    assert_eq!(
        reqs[1].json()["requests"][1],
        json!({"model": "models/gemini-embedding-001", "content": {"parts": [{"text": "b"}]}})
    );
}

#[tokio::test]
async fn ollama_embeds_at_api_embed_without_a_key() {
    let server = MockServer::start(|_| {
        Reply::json(
            200,
            r#"{"model": "nomic", "embeddings": [[0.1, 0.2]], "prompt_eval_count": 3}"#,
        )
    });
    let ep = endpoint("ollama:nomic-embed-text", server.base(), None);
    let done = call(&ep, &request("nomic-embed-text", &["x"]))
        .await
        .unwrap();
    assert_eq!(vectors_of(&done.text).unwrap(), vec![vec![0.1f32, 0.2]]);
    assert_eq!(done.usage.input_tokens, Some(3));
    let sent = &server.requests()[0];
    assert_eq!(
        (sent.path.as_str(), sent.header("authorization")),
        ("/api/embed", None)
    );
    assert_eq!(
        sent.json(),
        json!({"model": "nomic-embed-text", "input": "x"})
    );
}

#[tokio::test]
async fn errors_say_what_the_server_said_and_keys_never_leak() {
    let server = MockServer::start(|_| {
        Reply::json(401, r#"{"error": {"message": "bad key sk-secret-123456"}}"#)
    });
    let ep = endpoint("openai:e", server.base_v1(), Some("sk-secret-123456"));
    let err = call(&ep, &request("e", &["x"])).await.unwrap_err();
    assert!(
        matches!(err, ProviderError::Http { status: 401, .. }),
        "{err:?}"
    );
    assert!(!err.to_string().contains("sk-secret-123456"), "{err}");
    assert!(err.to_string().contains("[redacted]"), "{err}");

    let missing = Endpoint {
        api_key_env: Some("PWB_TEST_NO_SUCH_KEY".into()),
        ..Endpoint::new(ModelId::parse("openai:text-embedding-3-large").unwrap())
    };
    let err = call(&missing, &request("text-embedding-3-large", &["x"]))
        .await
        .unwrap_err();
    assert_eq!(
        err,
        ProviderError::MissingKey {
            env_var: "PWB_TEST_NO_SUCH_KEY".into()
        }
    );

    let wrong = Reply::json(200, r#"{"data": [{"embedding": [1.0]}]}"#);
    let server = MockServer::start(move |_| wrong.clone());
    let ep = endpoint("openai:e", server.base_v1(), None);
    let err = call(&ep, &request("e", &["x", "y"])).await.unwrap_err();
    assert!(
        err.to_string().contains("1 embeddings for 2 texts"),
        "{err}"
    );
    let anthropic = Endpoint::new(ModelId::parse("anthropic:claude-sonnet-4-5").unwrap());
    assert_eq!(
        embed::build(&anthropic).err().as_deref(),
        Some("anthropic has no embeddings endpoint")
    );
}
