//! Unit tests for the prompt module, one file per concern: parsing and
//! positions, Picoschema, rendering (missing variables, few-shot, `@` data),
//! the template scan, hostile templates (include cycles, deep nesting),
//! `config` keys and types, and checking variables against the input schema.

mod config_tests;
mod example_tests;
mod guard_tests;
mod inputs_tests;
mod parse_tests;
mod picoschema_tests;
mod render_tests;
mod syntax_tests;
