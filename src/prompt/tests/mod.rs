//! Unit tests for the prompt module, one file per concern: parsing and
//! positions, Picoschema, rendering (missing variables, few-shot, `@` data),
//! the template scan, hostile templates (include cycles, deep nesting).

mod example_tests;
mod guard_tests;
mod parse_tests;
mod picoschema_tests;
mod render_tests;
mod syntax_tests;
