//! The summary and the Markdown report of the crafted runs, as a person
//! reads them.

use super::{repeats, two_prompts};
use crate::eval::report::{markdown, summary};

#[test]
fn summary_of_two_prompts() {
    insta::assert_snapshot!(summary(&two_prompts()));
}

#[test]
fn summary_with_repeats() {
    insta::assert_snapshot!(summary(&repeats()));
}

#[test]
fn markdown_of_two_prompts() {
    insta::assert_snapshot!(markdown(&two_prompts()));
}

#[test]
fn markdown_with_repeats() {
    insta::assert_snapshot!(markdown(&repeats()));
}
