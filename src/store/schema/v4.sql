-- Schema version 4: which face ran an eval. `eval` is `pwb eval`; `tui`
-- is a run from the Tests screen (the editor's text, saved or not, maybe
-- only the failing cases), which `--baseline last` and a label's baseline
-- pass over.

ALTER TABLE evals ADD COLUMN face TEXT NOT NULL DEFAULT 'eval';
