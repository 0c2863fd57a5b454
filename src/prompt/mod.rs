//! Dotprompt: parse `.prompt` files (frontmatter + handlebars template) and
//! render them to messages, with few-shot examples spliced in.

pub mod example;
pub mod message;

pub use example::Example;
pub use message::{Media, Message, Part, Role};
