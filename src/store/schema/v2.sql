-- Schema version 2: baselines. A baseline is an eval promoted on purpose
-- (`pwb eval --bless`); it never moves by itself. Every promotion is kept;
-- the latest of a suite is its baseline.

CREATE TABLE baselines (
    id INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
    eval_id INTEGER NOT NULL REFERENCES evals(id),
    blessed_at INTEGER NOT NULL,
    suite TEXT NOT NULL,
    note TEXT
);
CREATE INDEX baselines_by_suite ON baselines(workspace_id, suite, id);
