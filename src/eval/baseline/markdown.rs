//! The comparison as Markdown, for the `.md` report (a pull-request
//! comment): the counts and the aggregate change, the per (prompt, model)
//! table, and the changed cases, regressions open, the others folded.

use super::compare::{CaseChange, Change, Comparison};
use super::text::{GROUP_HEAD, LISTED, aggregate, case_name, counts, group_row, how};
use crate::eval::report::fmt::{excerpt, md_code, md_table, md_text};

/// Cases listed per kind of change before "… and N more".
pub const MAX_LISTED_MD: usize = 50;

/// The section appended to the `.md` report.
pub fn markdown(cmp: &Comparison) -> String {
    let mark = if cmp.has_regression() { "❌" } else { "✅" };
    let mut out = format!(
        "\n### {mark} Against the baseline {}\n\n{}.  \n{}.\n\n",
        md_text(&cmp.baseline),
        md_text(&counts(cmp)),
        md_text(&aggregate(cmp))
    );
    let rows: Vec<Vec<String>> = cmp.groups.iter().map(group_row).collect();
    if !rows.is_empty() {
        out.push_str(&md_table(
            &GROUP_HEAD,
            &rows,
            &[false, false, true, true, true, true],
        ));
    }
    for (change, title) in LISTED {
        let listed: Vec<&CaseChange> = cmp.cases.iter().filter(|c| c.change == change).collect();
        if listed.is_empty() {
            continue;
        }
        let open = if change == Change::Regressed {
            " open"
        } else {
            ""
        };
        out.push_str(&format!(
            "\n<details{open}><summary>{} ({})</summary>\n\n",
            md_text(title),
            listed.len()
        ));
        for c in listed.iter().take(MAX_LISTED_MD) {
            out.push_str(&format!(
                "- {} · {} · {}: {}\n",
                md_code(&c.prompt),
                md_code(&c.model),
                md_text(&case_name(c)),
                md_text(&how(c))
            ));
            if let Some(r) = c.reason.as_ref().filter(|_| c.after.passed < c.after.runs) {
                out.push_str(&format!("  - now: {}\n", md_text(&excerpt(r, 300))));
            }
        }
        if listed.len() > MAX_LISTED_MD {
            out.push_str(&format!(
                "\n… and {} more (the `.json` output lists them all)\n",
                listed.len() - MAX_LISTED_MD
            ));
        }
        out.push_str("\n</details>\n");
    }
    out
}
