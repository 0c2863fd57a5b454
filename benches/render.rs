//! Cost of the render guard (nesting scan + include-graph walk) on a
//! 300-line prompt, next to compile_check and a full render, i.e. what the
//! TUI pays per keystroke. Run: `cargo bench --bench render`. Prints
//! figures; asserts nothing.

use pwb::prompt::includes::{Includes, check_includes};
use pwb::prompt::syntax::scan_template;
use pwb::prompt::{RenderData, Renderer, compile_check, parse_document};
use serde_json::json;
use std::collections::HashMap;
use std::time::Instant;

/// A prompt of `sections` 9-line sections: text, variables, `#if`,
/// `#each`, `{{else}}` and partials, the way real prompts mix them.
fn prompt(sections: usize) -> String {
    let mut src = String::from(
        "---\nmodel: openai:gpt-4o-mini\nconfig:\n  temperature: 0.2\ninput:\n  schema:\n    \
         ticket: string\n    items(array): {title: string}\n---\n{{role \"system\"}}\n{{> header}}\n",
    );
    for i in 0..sections {
        src.push_str(&format!(
            "## Section {i}: read the ticket and classify it, then answer as JSON.\n\
             Ticket: {{{{ticket}}}} (channel {{{{channel}}}}, plan {{{{tier}}}})\n\
             {{{{#if strict}}}}\n  Answer with one JSON object and nothing else.\n\
             {{{{else}}}}\n  Prefer JSON; a short note after it is fine.\n{{{{/if}}}}\n\
             {{{{#each items}}}}- {{{{title}}}}{{{{#if @last}}}}.{{{{/if}}}}\n{{{{/each}}}}\
             {{{{> footer}}}}\n"
        ));
    }
    src.push_str("{{role \"user\"}}\n{{ticket}}\n");
    src
}

fn median_us(mut f: impl FnMut(), runs: usize) -> f64 {
    for _ in 0..runs / 10 + 1 {
        f();
    }
    let mut samples: Vec<f64> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64() * 1e6
        })
        .collect();
    samples.sort_by(|a, b| a.total_cmp(b));
    samples[samples.len() / 2]
}

fn main() {
    let src = prompt(32);
    let lines = src.lines().count();
    let parsed = parse_document(&src).expect("bench prompt parses");
    let partial_sources = [("header", "You triage tickets.\n"), ("footer", "---\n")];
    let mut renderer = Renderer::default();
    let mut partials: HashMap<String, Includes> = HashMap::new();
    for (name, source) in partial_sources {
        renderer
            .add_partial(name, source)
            .expect("partial compiles");
        partials.insert(name.into(), scan_template(source).includes);
    }
    let data = RenderData {
        input: json!({"ticket": "charged twice", "channel": "email", "tier": "pro",
                      "strict": true, "items": [{"title": "a"}, {"title": "b"}]})
        .as_object()
        .cloned()
        .unwrap_or_default(),
        ..RenderData::default()
    };

    let guard = median_us(
        || {
            let scan = scan_template(&parsed.template);
            check_includes(&parsed, &scan.includes, &partials).expect("no cycles");
        },
        2000,
    );
    let compile = median_us(
        || {
            handlebars::template::Template::compile(&parsed.template).expect("compiles");
        },
        200,
    );
    let check = median_us(|| compile_check(&parsed).expect("compiles"), 200);
    let render = median_us(
        || {
            renderer.render(&parsed, &data, None).expect("renders");
        },
        200,
    );
    println!(
        "{lines}-line prompt ({} bytes of template):",
        parsed.template.len()
    );
    println!("  guard (nesting scan + include graph): median {guard:.1} us");
    println!("  handlebars Template::compile alone:   median {compile:.1} us");
    println!("  compile_check (guard + handlebars compile): median {check:.1} us");
    println!("  Renderer::render (all of it):         median {render:.1} us");
}
