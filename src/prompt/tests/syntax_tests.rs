//! The template scan (`prompt::syntax`): unclosed blocks and tags, nesting
//! depth (blocks, `{{else if}}` chains, subexpressions) and the partials a
//! template includes.

use crate::prompt::syntax::*;

fn unbalanced(src: &str) -> Option<Unbalanced> {
    scan_template(src).unbalanced
}

#[test]
fn finds_the_innermost_unclosed_block() {
    let src = "a {{#if x}} b {{#each y}}{{/each}} c";
    let block = |name: &str, offset| {
        Some(Unbalanced::UnclosedBlock {
            name: name.into(),
            offset,
        })
    };
    assert_eq!(unbalanced(src), block("if", 2));
    assert_eq!(
        unbalanced("a\n{{#if x}}\n{{#each y}}{{/each}}"),
        block("if", 2)
    );
    assert_eq!(unbalanced("{{~#each y~}}{{#z}}"), block("z", 13));
    assert_eq!(unbalanced("{{#> layout}}x"), block("layout", 0));
    assert_eq!(unbalanced("{{#if a}}{{#each b}}{{/if}}"), block("each", 9));
    assert_eq!(unbalanced("x {{{{raw}}}} {{#if}}"), block("raw", 2));
}

#[test]
fn finds_unclosed_tags() {
    let tag = |offset| Some(Unbalanced::UnclosedTag { offset });
    assert_eq!(unbalanced("hi {{name}} {{oops\nmore"), tag(12));
    assert_eq!(unbalanced("{{!-- never closed"), tag(0));
}

#[test]
fn balanced_templates_pass() {
    let src = "{{!-- {{#if}} --}}{{! {{#x}} }}{{#if a}}{{else}}{{/if}}{{> p}}\
               {{#> layout}}x{{/layout}} \\{{#x {{role \"}}{{#if\"}}\
               {{{{raw}}}}{{#if}}{{{{/raw}}}}{{#*inline \"i\"}}{{/inline}}";
    let scan = scan_template(src);
    assert_eq!((scan.unbalanced, scan.too_deep), (None, None));
    assert_eq!(scan.includes.depth, 1);
}

#[test]
fn measures_nesting_of_blocks_chains_and_subexpressions() {
    let depth = |src: &str| scan_template(src).includes.depth;
    assert_eq!(
        depth("{{#if a}}{{#each b}}{{/each}}{{/if}}{{#if c}}{{/if}}"),
        2
    );
    assert_eq!(
        depth("{{#if a}}{{else if b}}{{else if c}}{{else}}{{/if}}"),
        3
    );
    assert_eq!(depth("{{#if a}}{{/if}}{{x (a (b c))}} {{y \"((\"}}"), 2);
    let ok = "{{#if a}}".repeat(MAX_NESTING) + &"{{/if}}".repeat(MAX_NESTING);
    assert_eq!(scan_template(&ok).too_deep, None);
    let deep = "{{#if a}}".repeat(MAX_NESTING + 5);
    let found = scan_template(&deep).too_deep;
    assert_eq!(
        found,
        Some(TooDeep {
            offset: 9 * MAX_NESTING,
            nesting: Nesting::Blocks
        })
    );
}

#[test]
fn lists_includes_with_their_positions() {
    let src = "a {{> schema}} b\n{{~> other x=1}} {{>(dyn)}} {{> @partial-block}} \
               {{#if q}}{{#> layout}}x{{/layout}}{{/if}} {{> [odd name]}}\
               {{#*inline \"row\"}}{{#if a}}{{> cell}}{{/if}}{{/inline}}";
    let inc = scan_template(src).includes;
    let names: Vec<(&str, usize, usize)> = inc
        .refs
        .iter()
        .map(|r| (r.name.as_str(), r.offset, r.depth))
        .collect();
    assert_eq!(names[0], ("schema", 6, 0));
    assert_eq!(names[1], ("other", 22, 0));
    assert_eq!(names[2].0, "layout");
    assert_eq!(names[2].2, 1);
    assert_eq!(names[3].0, "odd name");
    assert_eq!(names.len(), 4);
    assert_eq!(inc.inline.len(), 1);
    assert_eq!(inc.inline[0].name, "row");
    assert_eq!(inc.inline[0].refs[0].name, "cell");
    assert_eq!((inc.inline[0].refs[0].depth, inc.inline[0].depth), (1, 1));
    assert_eq!(inc.all_refs().len(), 5);
}
