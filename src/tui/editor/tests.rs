//! Tests for the editor state: dirty tracking, versions, undo/redo, the
//! clipboard, literal search, line ends and scrolling.

use super::*;

fn key(c: char) -> Input {
    Input {
        key: Key::Char(c),
        ..Input::default()
    }
}

fn k(key: Key, shift: bool) -> Input {
    Input {
        key,
        shift,
        ..Input::default()
    }
}

fn type_str(ed: &mut EditorState, s: &str) {
    for c in s.chars() {
        ed.input(key(c));
    }
}

#[test]
fn dirty_tracking_follows_text_not_history() {
    let mut ed = EditorState::new("p.prompt", "hello\nworld\n");
    assert!(!ed.is_dirty());
    assert_eq!(ed.text(), "hello\nworld\n");
    type_str(&mut ed, "X");
    assert!(ed.is_dirty());
    assert_eq!(ed.text(), "Xhello\nworld\n");
    ed.undo();
    assert!(!ed.is_dirty(), "undo back to the saved text is clean");
    ed.redo();
    assert!(ed.is_dirty());
    ed.mark_saved();
    assert!(!ed.is_dirty());
    assert_eq!(ed.saved_text(), "Xhello\nworld\n");
    // A trailing newline removed is a change.
    ed.goto_line(3);
    ed.input(k(Key::Backspace, false));
    assert_eq!(ed.text(), "Xhello\nworld");
    assert!(ed.is_dirty());
}

#[test]
fn versions_bump_on_edits_only() {
    let mut ed = EditorState::new("p.prompt", "abc");
    assert_eq!(ed.version(), 0);
    ed.input(k(Key::Right, false));
    ed.input(k(Key::End, false));
    ed.start_search("b");
    ed.copy();
    assert_eq!(ed.version(), 0, "moves, search and copy don't bump");
    ed.input(key('d'));
    assert_eq!(ed.version(), 1);
    ed.input(k(Key::Enter, false));
    assert_eq!(ed.version(), 2);
    ed.undo();
    assert_eq!(ed.version(), 3);
    ed.redo();
    assert_eq!(ed.version(), 4);
    assert!(!ed.redo());
    assert_eq!(ed.version(), 4, "a redo with nothing to redo doesn't bump");
    ed.set_text("new");
    assert_eq!(ed.version(), 5);
    ed.set_text("new");
    assert_eq!(ed.version(), 5, "same text is no change");
}

#[test]
fn undo_redo_restore_text_and_cursor() {
    let mut ed = EditorState::new("p.prompt", "one\ntwo");
    ed.goto_line(2);
    type_str(&mut ed, "ab");
    assert_eq!(ed.text(), "one\nabtwo");
    assert_eq!(ed.cursor(), (1, 2));
    assert!(ed.undo());
    assert!(ed.undo());
    assert_eq!(ed.text(), "one\ntwo");
    assert!(!ed.undo());
    assert!(ed.redo());
    assert_eq!(ed.text(), "one\natwo");
}

#[test]
fn copy_cut_paste_with_multiline_selection() {
    let mut ed = EditorState::new("p.prompt", "alpha\nbeta\ngamma");
    assert_eq!(ed.copy(), None, "nothing selected");
    ed.move_cursor(CursorMove::Forward);
    ed.start_selection();
    ed.move_cursor(CursorMove::Down);
    assert_eq!(ed.selection(), Some(((0, 1), (1, 1))));
    let copied = ed.copy().unwrap();
    assert_eq!(copied, "lpha\nb");
    assert_eq!(ed.selection(), None, "copy ends the selection");
    ed.move_cursor(CursorMove::Bottom);
    ed.move_cursor(CursorMove::End);
    assert!(ed.paste());
    assert_eq!(ed.text(), "alpha\nbeta\ngammalpha\nb");
    assert_eq!(ed.cursor(), (3, 1));

    ed.select_all();
    assert_eq!(ed.cut().as_deref(), Some("alpha\nbeta\ngammalpha\nb"));
    assert_eq!(ed.text(), "");
    ed.set_clipboard("x\ny");
    ed.paste();
    assert_eq!(ed.text(), "x\ny");
    assert!(ed.paste_text("1\r\n2"));
    assert_eq!(ed.text(), "x\ny1\n2");
}

#[test]
fn paste_replaces_selection() {
    let mut ed = EditorState::new("p.prompt", "hello world");
    ed.set_clipboard("there");
    ed.move_cursor(CursorMove::WordForward);
    ed.start_selection();
    ed.move_cursor(CursorMove::End);
    ed.paste();
    assert_eq!(ed.text(), "hello there");
}

#[test]
fn osc52_encodes_base64() {
    assert_eq!(osc52_copy("hi"), "\x1b]52;c;aGk=\x07");
}

#[test]
fn search_is_literal_and_wraps() {
    let mut ed = EditorState::new("p.prompt", "a.b axb\nxx a.b\n(a.b");
    assert!(ed.start_search("a.b"));
    assert_eq!(ed.cursor(), (0, 0));
    assert_eq!(ed.search_matches("a.b axb a.b"), vec![0..3, 8..11]);
    assert!(ed.search_next());
    assert_eq!(ed.cursor(), (1, 3));
    assert!(ed.search_next());
    assert_eq!(ed.cursor(), (2, 1));
    assert!(ed.search_next());
    assert_eq!(ed.cursor(), (0, 0), "wraps to the top");
    assert!(ed.search_prev());
    assert_eq!(ed.cursor(), (2, 1), "wraps to the bottom");
    assert!(ed.start_search("(a"), "regex metacharacters are literal");
    assert_eq!(ed.cursor(), (2, 0));
    assert!(!ed.start_search("nothing"));
    assert_eq!(ed.search_pattern(), Some("nothing"));
    ed.clear_search();
    assert_eq!(ed.search_pattern(), None);
    assert!(!ed.search_next());
    assert!(ed.search_matches("a.b").is_empty());
}

#[test]
fn crlf_round_trips() {
    let mut ed = EditorState::new("p.prompt", "a\r\nb\r\n");
    assert_eq!(ed.lines(), ["a", "b", ""]);
    assert!(!ed.is_dirty());
    type_str(&mut ed, "z");
    assert_eq!(ed.text(), "za\r\nb\r\n");
}

#[test]
fn goto_line_clamps() {
    let mut ed = EditorState::new("p.prompt", "a\nb\nc");
    ed.goto_line(2);
    assert_eq!(ed.cursor(), (1, 0));
    ed.goto_line(99);
    assert_eq!(ed.cursor(), (2, 0));
    ed.goto_line(0);
    assert_eq!(ed.cursor(), (0, 0));
}

#[test]
fn scroll_follows_cursor_in_rows_and_display_columns() {
    let text: Vec<String> = (0..50).map(|i| format!("line {i}")).collect();
    let mut ed = EditorState::new("p.prompt", &text.join("\n"));
    ed.goto_line(30);
    ed.ensure_cursor_visible(10, 20);
    assert_eq!(ed.scroll, (20, 0));
    ed.goto_line(5);
    ed.ensure_cursor_visible(10, 20);
    assert_eq!(ed.scroll, (4, 0));

    // Wide chars and tabs count display cells, not chars.
    let mut ed = EditorState::new("p.prompt", "\t日本語日本語x");
    ed.move_cursor(CursorMove::End);
    assert_eq!(ed.cursor(), (0, 8));
    assert_eq!(display_col(&ed.lines()[0], 8), 4 + 12 + 1);
    ed.ensure_cursor_visible(3, 10);
    assert_eq!(ed.scroll, (0, 17 + 1 - 10));
    ed.move_cursor(CursorMove::Head);
    ed.ensure_cursor_visible(3, 10);
    assert_eq!(ed.scroll, (0, 0));
}

#[test]
fn page_and_wheel_use_the_last_view_height() {
    let text: Vec<String> = (0..100).map(|i| i.to_string()).collect();
    let mut ed = EditorState::new("p.prompt", &text.join("\n"));
    ed.ensure_cursor_visible(10, 20);
    ed.input(k(Key::PageDown, false));
    assert_eq!(ed.cursor(), (9, 0));
    ed.ensure_cursor_visible(10, 20);
    assert_eq!(ed.scroll.0, 9);
    ed.input(k(Key::PageDown, true));
    assert_eq!(ed.selection(), Some(((9, 0), (18, 0))));
    ed.input(k(Key::PageUp, false));
    assert_eq!(ed.selection(), None);
    assert_eq!(ed.cursor(), (9, 0));
    ed.input(k(Key::MouseScrollDown, false));
    ed.input(k(Key::MouseScrollDown, false));
    ed.input(k(Key::MouseScrollDown, false));
    let top = ed.scroll.0;
    assert!(ed.cursor().0 >= top, "cursor pulled into view");
    ed.ensure_cursor_visible(10, 20);
    assert_eq!(ed.scroll.0, top, "wheel scroll sticks");
}
