-- Schema version 3: the tool calls a call made (JSON list of
-- {id?, name, arguments, input?, parse_error?}); NULL when it made none.
-- Their results go back in the next step's request (toolResponse parts).

ALTER TABLE calls ADD COLUMN tool_calls TEXT;
