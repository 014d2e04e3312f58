//! Home: the lessons in order with each one's progress, and the exercises.

use super::fit;
use crate::tui::app::{App, HomeFocus};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

pub fn draw(f: &mut Frame, area: Rect, app: &mut App) {
    let t = app.config.theme;
    let [title, main, foot] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Min(5),
        Constraint::Length(4),
    ])
    .areas(area);
    let mut head = vec![
        Span::styled("asyncscope", t.title()),
        Span::raw(" — watch a real tokio runtime work. "),
        Span::styled("Enter", t.key()),
        Span::raw(" opens a lesson; its runs play live beside the text."),
    ];
    if let Some(c) = &app.config.console {
        head.push(Span::styled(
            format!("  tokio-console: http://{c}"),
            t.dim(),
        ));
    }
    f.render_widget(Paragraph::new(Line::from(head)), title);

    let ex_w = if main.width >= 120 { 40 } else { 30 };
    let [left, right] =
        Layout::horizontal([Constraint::Min(40), Constraint::Length(ex_w)])
            .areas(main);

    // Lessons.
    let focus_l = app.home_focus == HomeFocus::Lessons;
    let inner_h = left.height.saturating_sub(2) as usize;
    let sel = app.home_sel.min(app.lessons.len().saturating_sub(1));
    let first = sel.saturating_sub(inner_h.saturating_sub(1));
    let w = left.width.saturating_sub(2) as usize;
    let mut lines = Vec::new();
    for (i, l) in app.lessons.iter().enumerate().skip(first).take(inner_h) {
        let read = app.lesson_progress.read.contains(&l.id);
        let right = app
            .lesson_progress
            .answered
            .get(&l.id)
            .map_or(0, |s| s.len());
        let passed = l
            .exercises
            .iter()
            .filter(|e| app.progress.passed.get(*e) == Some(&true))
            .count();
        let mut prog = format!(
            "{} Q {right}/{}",
            if read { "read" } else { "    " },
            l.questions.len()
        );
        if !l.exercises.is_empty() {
            prog += &format!(" ex {passed}/{}", l.exercises.len());
        } else {
            prog += "         ";
        }
        let done = read
            && right == l.questions.len()
            && passed == l.exercises.len();
        let mark = if done {
            "✓"
        } else if read {
            "·"
        } else {
            " "
        };
        let title_w = w.saturating_sub(prog.chars().count() + 7);
        let text = if l.id == crate::lesson::ASYNCIO_PAGE {
            // A page to read, not a lesson: no number, runs or questions.
            let mark = if read { "·" } else { " " };
            format!("{mark}    {}", l.title)
        } else {
            format!(
                "{mark} {:>2} {:<title_w$} {prog}",
                l.id,
                fit(&l.title, title_w)
            )
        };
        let style = if i == sel && focus_l {
            t.selected()
        } else if i == sel {
            Style::new().add_modifier(ratatui::style::Modifier::BOLD)
        } else {
            Style::new()
        };
        lines.push(Line::from(Span::styled(fit(&text, w), style)));
    }
    if app.lessons.is_empty() {
        lines.push(Line::raw(
            "no lessons found (run asyncscope from the project folder)",
        ));
    }
    let lb = Block::bordered().title(Span::styled(" lessons ", t.title()));
    f.render_widget(Paragraph::new(lines).block(lb), left);

    // Exercises.
    let focus_e = app.home_focus == HomeFocus::Exercises;
    let inner_h = right.height.saturating_sub(2) as usize;
    let esel = app.exercise_sel.min(app.exercises.len().saturating_sub(1));
    let first = esel.saturating_sub(inner_h.saturating_sub(1));
    let w = right.width.saturating_sub(2) as usize;
    let mut lines = Vec::new();
    for (i, e) in app.exercises.iter().enumerate().skip(first).take(inner_h)
    {
        let mark = match app.progress.passed.get(&e.name) {
            Some(true) => "✓",
            Some(false) => "✗",
            None => "·",
        };
        let text = format!(
            "{mark} {:<w2$} {}",
            e.name,
            e.lesson,
            w2 = w.saturating_sub(6)
        );
        let style = if i == esel && focus_e {
            t.selected()
        } else {
            Style::new()
        };
        lines.push(Line::from(Span::styled(fit(&text, w), style)));
    }
    let eb =
        Block::bordered().title(Span::styled(" exercises ", t.title()));
    f.render_widget(Paragraph::new(lines).block(eb), right);

    // What the selection is about.
    let about = if focus_e {
        app.exercises.get(esel).map(|e| {
            format!(
                "{} (after lesson {}): {} — Enter opens it: its checks, hints, and your \
                 timeline beside the reference solution's",
                e.name,
                e.lesson,
                e.instructions
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" "),
            )
        })
    } else {
        app.lessons.get(sel).map(|l| {
            let runs: Vec<String> =
                l.runs.iter().map(|r| r.describe()).collect();
            format!(
                "{} {} runs: {}",
                l.summary,
                if runs.len() == 1 { "It" } else { "Its" },
                runs.join("; ")
            )
        })
    };
    let mut text = vec![Line::raw(about.unwrap_or_default())];
    if let Some(e) = app.lesson_errors.first() {
        text.insert(0, Line::from(Span::styled(e.clone(), t.bad())));
    }
    if let Some(s) = &app.status {
        text.insert(0, Line::from(Span::styled(s.clone(), t.warn())));
    }
    f.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), foot);
}
