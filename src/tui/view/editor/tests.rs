//! Snapshot and style tests for the editor view, plus a sweep over tiny
//! sizes that must never panic.

use super::*;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Color;
use ratatui_textarea::CursorMove;

const SAMPLE: &str = "---
model: googleai/gemini-2.5-flash
config:
  temperature: 0.7 # warm
  stream: true
---
{{role \"system\"}}
You are a terse assistant. Answer in {{lang}}.
{{#if examples}}{{#each examples}}- {{this}}{{/each}}{{/if}}
{{!-- keep it short --}}
{{role \"user\"}}
{{question}}
";

fn theme() -> Theme {
    Theme::builtin("dark").expect("dark theme")
}

fn render(state: &mut EditorState, w: u16, h: u16, focused: bool) -> Terminal<TestBackend> {
    let mut term = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    let mut hl = Highlighter::new();
    let theme = theme();
    term.draw(|f| draw(f, f.area(), state, &mut hl, &theme, focused, "greet.prompt"))
        .expect("draw");
    term
}

/// The screen text plus where the terminal cursor was put.
fn screen(term: &mut Terminal<TestBackend>) -> String {
    let pos = term.get_cursor_position().expect("cursor");
    format!("{}\ncursor: ({}, {})", term.backend(), pos.x, pos.y)
}

/// One char per cell for the background it got: `C` cursor, `S` selection,
/// `M` search match, `-` cursor line, `.` anything else. Text snapshots
/// don't show color; this does, for the styles that matter here.
fn bg_mask(term: &Terminal<TestBackend>) -> String {
    let t = theme();
    let buf = term.backend().buffer();
    let mut out = String::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            let bg = Some(buf[(x, y)].bg);
            out.push(match bg {
                b if b == t.cursor.bg => 'C',
                b if b == t.selection.bg => 'S',
                b if b == t.search_match.bg => 'M',
                b if b == t.cursor_line.bg => '-',
                _ => '.',
            });
        }
        out.push('\n');
    }
    out
}

fn cell_style(term: &Terminal<TestBackend>, x: u16, y: u16) -> (String, Style) {
    let cell = &term.backend().buffer()[(x, y)];
    (cell.symbol().to_string(), cell.style())
}

#[test]
fn snapshot_sample_prompt() {
    let mut ed = EditorState::new("greet.prompt", SAMPLE);
    ed.goto_line(8);
    ed.move_cursor(CursorMove::WordForward);
    let mut term = render(&mut ed, 60, 12, true);
    insta::assert_snapshot!("sample", screen(&mut term));
}

#[test]
fn snapshot_dirty_unfocused_scrolled() {
    let mut ed = EditorState::new("greet.prompt", SAMPLE);
    ed.goto_line(12);
    ed.paste_text("Q: ");
    let mut term = render(&mut ed, 60, 8, false);
    insta::assert_snapshot!("dirty_scrolled", screen(&mut term));
}

#[test]
fn snapshot_selection_and_styles() {
    let mut ed = EditorState::new("greet.prompt", SAMPLE);
    ed.move_cursor(CursorMove::Jump(1, 7));
    ed.start_selection();
    ed.move_cursor(CursorMove::Down);
    ed.move_cursor(CursorMove::Down);
    let mut term = render(&mut ed, 60, 12, true);
    insta::assert_snapshot!("selection", screen(&mut term));
    insta::assert_snapshot!("selection_bg", bg_mask(&term));
    let t = theme();
    // Row 2 on screen is line 2 ("model: ..."); gutter is 3 cells wide.
    let (sym, style) = cell_style(&term, 1 + 3, 2);
    assert_eq!(sym, "m");
    assert_eq!(
        style.fg, t.hl_key.fg,
        "key keeps its color before the selection"
    );
    assert_eq!(style.bg, t.base.bg);
    let (sym, style) = cell_style(&term, 1 + 3 + 7, 2);
    assert_eq!(sym, "g");
    assert_eq!(style.bg, t.selection.bg, "selected");
    // The selection runs past the end of line 3 ("config:").
    let (_, style) = cell_style(&term, 1 + 3 + 7, 3);
    assert_eq!(style.bg, t.selection.bg);
    // The cursor cell on line 4 ("  temperature...") at column 7.
    let (sym, style) = cell_style(&term, 1 + 3 + 7, 4);
    assert_eq!(sym, "r");
    assert_eq!(style.bg, t.cursor.bg);
    let (_, style) = cell_style(&term, 1 + 3 + 20, 4);
    assert_eq!(style.bg, t.cursor_line.bg, "rest of cursor line");
}

#[test]
fn highlight_styles_reach_cells() {
    let mut ed = EditorState::new("greet.prompt", SAMPLE);
    let term = render(&mut ed, 60, 12, false);
    let t = theme();
    let fg = |x: u16, y: u16| cell_style(&term, 1 + 3 + x, y).1.fg;
    assert_eq!(fg(0, 1), t.hl_delimiter.fg, "---");
    assert_eq!(fg(0, 2), t.hl_key.fg, "model");
    assert_eq!(fg(15, 4), t.hl_number.fg, "0.7");
    assert_eq!(fg(20, 4), t.hl_comment.fg, "# warm");
    assert_eq!(fg(0, 7), t.hl_tag.fg, "{{");
    assert_eq!(fg(2, 7), t.hl_helper.fg, "role");
    assert_eq!(fg(8, 7), t.hl_role_arg.fg, "\"system\"");
    assert_eq!(fg(0, 8), t.base.fg, "plain prose");
    assert_eq!(fg(39, 8), t.hl_variable.fg, "lang");
    assert_eq!(fg(3, 10), t.hl_comment.fg, "comment");
    assert_eq!(cell_style(&term, 1, 2).1.fg, t.line_number.fg, "gutter");
    assert_eq!(
        cell_style(&term, 0, 0).1.fg,
        t.border.fg,
        "unfocused border"
    );
}

#[test]
fn snapshot_search_match() {
    let mut ed = EditorState::new("greet.prompt", SAMPLE);
    assert!(ed.start_search("role"));
    assert!(ed.search_next());
    let mut term = render(&mut ed, 60, 12, true);
    insta::assert_snapshot!("search", screen(&mut term));
    insta::assert_snapshot!("search_bg", bg_mask(&term));
    let t = theme();
    assert_eq!(ed.cursor(), (10, 2));
    assert_eq!(ed.scroll.0, 1, "scrolled one line to show line 11");
    // First match: line 7 "{{role", cols 2..6 (screen row 6); the cursor is
    // on the second (line 11, screen row 10).
    let (sym, style) = cell_style(&term, 1 + 3 + 2, 6);
    assert_eq!(sym, "r");
    assert_eq!(style.bg, t.search_match.bg);
    assert_eq!(style.fg, t.search_match.fg);
    let (_, style) = cell_style(&term, 1 + 3 + 6, 6);
    assert_eq!(style.bg, t.base.bg, "match ends after role");
    let (_, style) = cell_style(&term, 1 + 3 + 3, 10);
    assert_eq!(style.bg, t.search_match.bg);
    let (_, style) = cell_style(&term, 1 + 3 + 2, 10);
    assert_eq!(style.bg, t.cursor.bg, "cursor on the current match");
}

#[test]
fn snapshot_wide_chars_and_tabs() {
    let text = "---\ntitle: \"日本語のプロンプト\"\n---\n\t{{name}} さん、こんにちは 👋\n\tx\tyz\n漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字 end";
    let mut ed = EditorState::new("wide.prompt", text);
    ed.goto_line(4);
    ed.move_cursor(CursorMove::End);
    let mut term = render(&mut ed, 60, 12, true);
    insta::assert_snapshot!("wide", screen(&mut term));
    // The cursor sits after "👋" at the line end: tab(4) + "{{name}} "(9) +
    // 8 wide chars (16) + " "(1) + emoji(2) = 32 columns in.
    let pos = term.get_cursor_position().unwrap();
    assert_eq!((pos.x, pos.y), (1 + 3 + 32, 4));
    let (sym, _) = cell_style(&term, 1 + 3 + 30, 4);
    assert_eq!(sym, "👋");

    // Scrolled sideways to the end of the long CJK line.
    ed.goto_line(6);
    ed.move_cursor(CursorMove::End);
    let mut term = render(&mut ed, 30, 9, true);
    insta::assert_snapshot!("wide_scrolled", screen(&mut term));
    // 36 wide chars (72 columns) + " end", a cursor cell, 25 text columns.
    assert_eq!(ed.scroll.1, 72 + 4 + 1 - 25);
}

#[test]
fn tiny_sizes_never_panic() {
    let mut ed = EditorState::new("greet.prompt", SAMPLE);
    ed.start_search("{{");
    ed.start_selection();
    ed.move_cursor(CursorMove::Down);
    for w in 0..=12 {
        for h in 0..=6 {
            for focused in [true, false] {
                let mut term = render(&mut ed, w, h, focused);
                if let Ok(pos) = term.get_cursor_position()
                    && focused
                    && w > 2
                    && h > 2
                {
                    assert!(pos.x < w && pos.y < h, "{w}x{h}: cursor {pos:?} off screen");
                }
                if w > 0 {
                    // (TestBackend itself cannot print a 0-wide screen.)
                    let _ = screen(&mut term);
                }
            }
        }
    }
    // Also a long line, wide chars and an empty buffer.
    let mut ed = EditorState::new("x", "漢字\t漢字 a very long line that goes on and on\n");
    ed.move_cursor(CursorMove::End);
    let mut empty = EditorState::new("x", "");
    for w in 0..=12 {
        for h in 0..=6 {
            render(&mut ed, w, h, true);
            render(&mut empty, w, h, true);
        }
    }
}

#[test]
fn combining_marks_join_their_base_char() {
    // "e" + COMBINING ACUTE, then "x"; the cursor sits on the mark.
    let mut ed = EditorState::new("p", "e\u{301}x");
    ed.move_cursor(CursorMove::Forward);
    let mut term = render(&mut ed, 20, 3, true);
    assert_eq!(cell_style(&term, 1 + 3, 1).0, "e\u{301}");
    assert_eq!(cell_style(&term, 1 + 3 + 1, 1).0, "x");
    let pos = term.get_cursor_position().unwrap();
    assert_eq!((pos.x, pos.y), (1 + 3 + 1, 1));
}

#[test]
fn no_color_theme_still_shows_selection() {
    let t = theme().without_colors();
    let mut ed = EditorState::new("greet.prompt", "hello world");
    ed.select_all();
    let mut term = Terminal::new(TestBackend::new(20, 3)).unwrap();
    let mut hl = Highlighter::new();
    term.draw(|f| draw(f, f.area(), &mut ed, &mut hl, &t, true, "p"))
        .unwrap();
    let cell = &term.backend().buffer()[(1 + 3, 1)];
    assert_eq!(cell.fg, Color::Reset);
    assert!(cell.modifier.contains(ratatui::style::Modifier::REVERSED));
}
