//! CSV rows as promptfoo's `testCaseFromCsvRow` reads them.

use super::*;
use crate::workspace::testfile_expected::comma_values;

#[test]
fn comma_values_keep_quoted_commas_and_drop_empty_fields() {
    let got = comma_values(r#" a , "b, c",, "say ""hi""", "x\"y" "#).unwrap();
    assert_eq!(got, ["a", "b, c", "say \"hi\"", "x\"y"]);
    assert!(comma_values(r#""a" b"#).is_err());
}

#[test]
fn numbers_are_whole_literals_or_nothing() {
    assert_eq!(finite_number(" 0.5 "), Some(0.5));
    assert_eq!(finite_number("1e3"), Some(1000.0));
    assert_eq!(finite_number(".5"), Some(0.5));
    assert_eq!(finite_number("0x10"), None);
    assert_eq!(finite_number(""), None);
    assert_eq!(finite_number("1.5x"), None);
}

#[test]
fn rows_become_cases_with_their_lines() {
    let text = "q,__expected1,__expected2,__metadata:tags[],__config:__expected2:threshold,_description\n\"multi\nline\",contains: x,similar: y,\"a, b\\, c\",0.7,oops\nplain,,,,0.1,\n";
    let (rows, warnings) = csv_cases(text).unwrap();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("`_description`"));
    let lines: Vec<usize> = rows.iter().map(|(_, l)| *l).collect();
    assert_eq!(lines, [2, 4]);
    let first = &rows[0].0;
    assert_eq!(
        first["vars"],
        json!({"q": "multi\nline", "_description": "oops"})
    );
    assert_eq!(first["description"], json!("Row #1"));
    assert_eq!(
        first["assert"][1],
        json!({"type": "similar", "value": "y", "threshold": 0.7})
    );
    assert_eq!(
        first["metadata"],
        json!({"tags": ["a", "b, c"], "threshold": 0.7})
    );
    assert!(csv_cases("a,b\n1\n").is_err(), "a row with too few fields");
}
