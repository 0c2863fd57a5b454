//! Tests for the editor state: dirty tracking, versions, undo/redo, the
//! clipboard, literal search, line ends and scrolling.

use super::*;
use std::time::Duration;

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

/// Types `s` one key every `gap`, starting at `t`; returns the time after.
fn type_at(ed: &mut EditorState, s: &str, mut t: Instant, gap: Duration) -> Instant {
    for c in s.chars() {
        let input = if c == '\n' {
            k(Key::Enter, false)
        } else {
            key(c)
        };
        ed.input_at(input, t);
        t += gap;
    }
    t
}

const FAST: Duration = Duration::from_millis(80);

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
    assert_eq!(ed.text(), "one\ntwo");
    assert_eq!(ed.cursor(), (1, 0));
    assert!(!ed.undo());
    assert!(ed.redo());
    assert_eq!(ed.text(), "one\nabtwo");
    assert_eq!(ed.cursor(), (1, 2));
    assert!(!ed.redo());
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

#[test]
fn undo_takes_back_a_typed_word_at_a_time() {
    let mut ed = EditorState::new("p.prompt", "Ticket: ");
    ed.move_cursor(CursorMove::End);
    type_at(&mut ed, "refund request\nnow", Instant::now(), FAST);
    assert_eq!(ed.text(), "Ticket: refund request\nnow");
    let steps = ["Ticket: refund request", "Ticket: refund", "Ticket: "];
    for want in steps {
        assert!(ed.undo());
        assert_eq!(ed.text(), want);
    }
    assert!(!ed.undo(), "nothing older than the first word");
    assert_eq!(
        ed.cursor(),
        (0, 8),
        "the cursor goes back to where typing began"
    );
    assert!(!ed.is_dirty());
    for want in steps.iter().rev().skip(1) {
        assert!(ed.redo());
        assert_eq!(ed.text(), *want);
    }
    assert!(ed.redo());
    assert_eq!(ed.text(), "Ticket: refund request\nnow");
    assert_eq!(ed.cursor(), (1, 3));
}

#[test]
fn a_pause_or_a_cursor_move_ends_an_undo_step() {
    let mut ed = EditorState::new("p.prompt", "");
    let t = type_at(&mut ed, "abc", Instant::now(), FAST);
    type_at(&mut ed, "def", t + UNDO_PAUSE, FAST);
    assert!(ed.undo());
    assert_eq!(
        ed.text(),
        "abc",
        "typing after a pause is a step of its own"
    );

    let mut ed = EditorState::new("p.prompt", "");
    let t = Instant::now();
    let t = type_at(&mut ed, "abc", t, FAST);
    ed.input_at(k(Key::Left, false), t);
    ed.input_at(k(Key::Right, false), t);
    type_at(&mut ed, "def", t, FAST);
    assert!(ed.undo());
    assert_eq!(
        ed.text(),
        "abc",
        "a move ends the step, even back to the same place"
    );
    ed.move_cursor(CursorMove::Head);
    type_at(&mut ed, "X", t, FAST);
    assert!(ed.undo());
    assert_eq!(ed.text(), "abc");
}

#[test]
fn deletes_group_by_direction_and_other_edits_stand_alone() {
    let mut ed = EditorState::new("p.prompt", "hello world");
    ed.move_cursor(CursorMove::End);
    let t = Instant::now();
    for i in 0..5 {
        ed.input_at(k(Key::Backspace, false), t + FAST * i);
    }
    assert_eq!(ed.text(), "hello ");
    let t = type_at(&mut ed, "there", t + FAST * 5, FAST);
    ed.move_cursor(CursorMove::Head);
    ed.input_at(k(Key::Delete, false), t);
    ed.input_at(k(Key::Delete, false), t + FAST);
    assert_eq!(ed.text(), "llo there");
    assert!(ed.undo());
    assert_eq!(ed.text(), "hello there", "both Deletes at once");
    assert!(ed.undo());
    assert_eq!(ed.text(), "hello ", "the typed word");
    assert!(ed.undo());
    assert_eq!(ed.text(), "hello world", "the five Backspaces at once");

    // A paste is one step; typing right after it is another.
    ed.set_clipboard("big\nchunk");
    ed.move_cursor(CursorMove::End);
    ed.paste();
    type_at(&mut ed, "s", Instant::now(), FAST);
    assert_eq!(ed.text(), "hello worldbig\nchunks");
    assert!(ed.undo());
    assert_eq!(ed.text(), "hello worldbig\nchunk");
    assert!(ed.undo());
    assert_eq!(ed.text(), "hello world");
}

#[test]
fn a_new_edit_after_undo_drops_the_redo_steps() {
    let mut ed = EditorState::new("p.prompt", "");
    let t = type_at(&mut ed, "one two", Instant::now(), FAST);
    assert!(ed.undo());
    assert_eq!(ed.text(), "one");
    type_at(&mut ed, "!", t, FAST);
    assert!(
        !ed.redo(),
        "the undone word is gone once something else is typed"
    );
    assert_eq!(ed.text(), "one!");
    // Ctrl-U (the textarea's own undo key) undoes a step too.
    assert!(ed.input(Input {
        key: Key::Char('u'),
        ctrl: true,
        ..Input::default()
    }));
    assert_eq!(ed.text(), "one");
}

#[test]
fn undo_keeps_mixed_line_ends_the_clipboard_and_the_search() {
    let mut ed = EditorState::new("p.prompt", "a\r\nb\nc");
    ed.set_clipboard("clip");
    ed.start_search("c");
    ed.goto_line(2);
    type_at(&mut ed, "xy", Instant::now(), FAST);
    let v = ed.version();
    assert!(ed.undo());
    assert_eq!(ed.version(), v + 1, "one step, one version");
    assert_eq!(ed.text(), "a\r\nb\nc");
    assert!(!ed.is_dirty());
    assert_eq!(ed.clipboard(), "clip");
    assert_eq!(ed.search_pattern(), Some("c"));
    assert!(ed.search_next());
    assert_eq!(ed.cursor(), (2, 0));
}
