-- Schema version 1 of pwb's history database. Small and numeric columns
-- come before the big texts in each row, so statistics never read answers.

CREATE TABLE workspaces (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE
);

-- A prompt version: the exact text as run, with the partials it includes
-- and the examples spliced in; `hash` covers all three.
CREATE TABLE prompt_versions (
    id INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
    prompt TEXT NOT NULL,
    hash TEXT NOT NULL,
    saved INTEGER NOT NULL DEFAULT 0,
    first_used INTEGER NOT NULL,
    last_used INTEGER NOT NULL,
    source TEXT NOT NULL,
    partials TEXT NOT NULL,
    examples TEXT NOT NULL,
    UNIQUE (workspace_id, prompt, hash)
);

-- Rendered messages, shared by every call that sent the same ones.
CREATE TABLE requests (
    id INTEGER PRIMARY KEY,
    hash TEXT NOT NULL UNIQUE,
    messages TEXT NOT NULL
);

CREATE TABLE calls (
    id INTEGER PRIMARY KEY,
    uid INTEGER NOT NULL UNIQUE,
    created INTEGER NOT NULL,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
    version_id INTEGER NOT NULL REFERENCES prompt_versions(id),
    request_id INTEGER NOT NULL REFERENCES requests(id),
    face TEXT NOT NULL,
    model TEXT NOT NULL,
    status TEXT NOT NULL,
    input_tokens INTEGER,
    output_tokens INTEGER,
    cost REAL,
    ttft_ms INTEGER,
    total_ms INTEGER,
    wall_ms INTEGER,
    cached INTEGER NOT NULL,
    retries INTEGER NOT NULL,
    model_index INTEGER NOT NULL,
    sample INTEGER NOT NULL,
    samples INTEGER NOT NULL,
    sweep_temperature REAL,
    finish_reason TEXT,
    model_name TEXT NOT NULL,
    params TEXT NOT NULL,
    usage TEXT NOT NULL,
    error TEXT,
    attempts TEXT NOT NULL,
    answer TEXT NOT NULL,
    thinking TEXT NOT NULL
);
CREATE INDEX calls_by_workspace ON calls(workspace_id, id);
CREATE INDEX calls_by_version ON calls(version_id, created);
CREATE INDEX calls_by_request ON calls(request_id);

-- Full-text search over answers (with reasoning), what was sent (once per
-- distinct request) and prompt texts; the rows live in the tables above.
CREATE VIRTUAL TABLE call_text USING fts5(answer, thinking, content='', contentless_delete=1);
CREATE VIRTUAL TABLE request_text USING fts5(messages, content='', contentless_delete=1);
CREATE VIRTUAL TABLE version_text USING fts5(prompt, source, content='', contentless_delete=1);

CREATE TABLE evals (
    id INTEGER PRIMARY KEY,
    uid INTEGER NOT NULL UNIQUE,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
    suite TEXT NOT NULL,
    started INTEGER NOT NULL,
    finished INTEGER,
    wall_ms INTEGER,
    interrupted INTEGER NOT NULL DEFAULT 0,
    stopped_at_cost REAL,
    prompts TEXT NOT NULL,
    models TEXT NOT NULL
);
CREATE INDEX evals_by_suite ON evals(workspace_id, suite, id);

-- One graded cell of an eval: the case, and how it came out.
CREATE TABLE eval_results (
    call_id INTEGER PRIMARY KEY REFERENCES calls(id) ON DELETE CASCADE,
    eval_id INTEGER NOT NULL REFERENCES evals(id) ON DELETE CASCADE,
    case_index INTEGER NOT NULL,
    repeat INTEGER NOT NULL,
    repeats INTEGER NOT NULL,
    verdict TEXT NOT NULL,
    pass INTEGER,
    score REAL,
    grader_cost REAL,
    variant TEXT NOT NULL,
    description TEXT,
    reason TEXT,
    named_scores TEXT,
    grader_usage TEXT,
    vars TEXT NOT NULL
);
CREATE INDEX eval_results_by_eval ON eval_results(eval_id, case_index);

-- Every assertion's result and reason (an assert-set's members in `detail`).
CREATE TABLE assertion_results (
    call_id INTEGER NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    pass INTEGER NOT NULL,
    score REAL NOT NULL,
    weight REAL NOT NULL,
    kind TEXT NOT NULL,
    metric TEXT,
    error TEXT,
    reason TEXT NOT NULL,
    detail TEXT NOT NULL,
    PRIMARY KEY (call_id, position)
) WITHOUT ROWID;

CREATE TABLE ratings (
    id INTEGER PRIMARY KEY,
    call_id INTEGER NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
    created INTEGER NOT NULL,
    thumb INTEGER,
    score INTEGER,
    note TEXT
);
CREATE INDEX ratings_by_call ON ratings(call_id, id);

-- A blind pairwise vote: A and B as shown (the order was random), which
-- contender each was, and the vote.
CREATE TABLE pairwise_votes (
    id INTEGER PRIMARY KEY,
    created INTEGER NOT NULL,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
    a_call INTEGER REFERENCES calls(id) ON DELETE SET NULL,
    b_call INTEGER REFERENCES calls(id) ON DELETE SET NULL,
    swapped INTEGER NOT NULL,
    case_index INTEGER,
    vote TEXT NOT NULL CHECK (vote IN ('a', 'b', 'tie', 'both_bad')),
    a_contender TEXT NOT NULL,
    b_contender TEXT NOT NULL,
    suite TEXT,
    note TEXT
);

-- Every move of a label (the files in the workspace say where it is now).
CREATE TABLE label_moves (
    id INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
    moved_at INTEGER NOT NULL,
    rollback INTEGER NOT NULL,
    prompt TEXT NOT NULL,
    label TEXT NOT NULL,
    hash TEXT NOT NULL,
    previous_hash TEXT,
    moved_by TEXT NOT NULL
);
CREATE INDEX label_moves_by_label ON label_moves(workspace_id, prompt, label, id);
