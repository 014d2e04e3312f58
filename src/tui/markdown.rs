//! Lesson Markdown as styled terminal lines: headings, emphasis, inline code, lists, tables
//! (as blocks, like the plain renderer), and code blocks with Rust (and Python) highlighting.

use crate::tui::theme::Theme;
use pulldown_cmark::{
    CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd,
};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

/// Words with their style, wrapped into lines of at most `width` characters.
struct Para {
    words: Vec<(String, Style, bool)>,
    /// The last text pushed ended with a space.
    space: bool,
}

impl Para {
    fn new() -> Para {
        Para {
            words: Vec::new(),
            space: true,
        }
    }

    /// Adds text; `glue` is true when it continues the previous word (no space).
    fn push(&mut self, text: &str, style: Style) {
        let mut first = true;
        let starts_with_space =
            text.starts_with(char::is_whitespace) || self.space;
        self.space = text.ends_with(char::is_whitespace);
        for w in text.split_whitespace() {
            let glue = first && !starts_with_space;
            self.words.push((w.to_string(), style, glue));
            first = false;
        }
    }

    fn wrap(
        &mut self,
        width: usize,
        first_prefix: &str,
        indent: usize,
        out: &mut Vec<Line<'static>>,
    ) {
        self.space = true;
        if self.words.is_empty() {
            return;
        }
        let width = width.max(8);
        let mut spans: Vec<Span<'static>> =
            vec![Span::raw(first_prefix.to_string())];
        let mut len = first_prefix.chars().count();
        let mut line_start = true;
        for (word, style, glue) in self.words.drain(..) {
            let wlen = word.chars().count();
            let sep = usize::from(!line_start && !glue);
            if !line_start && len + sep + wlen > width {
                out.push(Line::from(std::mem::take(&mut spans)));
                spans.push(Span::raw(" ".repeat(indent)));
                len = indent;
                line_start = true;
            }
            if !line_start && !glue {
                spans.push(Span::raw(" "));
                len += 1;
            }
            let word: String = if wlen > width.saturating_sub(len) {
                word.chars().take(width.saturating_sub(len)).collect()
            } else {
                word
            };
            len += word.chars().count();
            spans.push(Span::styled(word, style));
            line_start = false;
        }
        out.push(Line::from(spans));
    }
}

const RUST_KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn",
    "else", "enum", "extern", "false", "fn", "for", "if", "impl", "in",
    "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return",
    "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "def", "import", "from", "with",
    "None", "True", "False", "not", "and", "or", "elif", "class", "pass",
    "lambda", "yield", "try", "except", "finally", "raise",
];

/// One line of code, highlighted: keywords, strings, comments, numbers, macros.
pub fn highlight(
    line: &str,
    theme: &Theme,
    python: bool,
) -> Vec<Span<'static>> {
    let mut spans = Vec::new();
    let chars: Vec<char> = line.chars().collect();
    let mut i = 0;
    let mut plain = String::new();
    let flush = |plain: &mut String, spans: &mut Vec<Span<'static>>| {
        if !plain.is_empty() {
            spans.push(Span::styled(std::mem::take(plain), theme.code()));
        }
    };
    while i < chars.len() {
        let c = chars[i];
        let comment = if python {
            c == '#'
        } else {
            c == '/' && chars.get(i + 1) == Some(&'/')
        };
        if comment {
            flush(&mut plain, &mut spans);
            spans.push(Span::styled(
                chars[i..].iter().collect::<String>(),
                theme.comment(),
            ));
            return spans;
        }
        if c == '"' {
            flush(&mut plain, &mut spans);
            let mut j = i + 1;
            while j < chars.len() && chars[j] != '"' {
                if chars[j] == '\\' {
                    j += 1;
                }
                j += 1;
            }
            let end = (j + 1).min(chars.len());
            spans.push(Span::styled(
                chars[i..end].iter().collect::<String>(),
                theme.string(),
            ));
            i = end;
            continue;
        }
        if c.is_alphanumeric() || c == '_' {
            let mut j = i;
            while j < chars.len()
                && (chars[j].is_alphanumeric() || chars[j] == '_')
            {
                j += 1;
            }
            let word: String = chars[i..j].iter().collect();
            let is_macro = chars.get(j) == Some(&'!');
            if RUST_KEYWORDS.contains(&word.as_str()) || is_macro {
                flush(&mut plain, &mut spans);
                let word = if is_macro {
                    j += 1;
                    word + "!"
                } else {
                    word
                };
                spans.push(Span::styled(word, theme.keyword()));
            } else if c.is_ascii_digit() {
                flush(&mut plain, &mut spans);
                spans.push(Span::styled(word, theme.number()));
            } else {
                plain.push_str(&word);
            }
            i = j;
            continue;
        }
        plain.push(c);
        i += 1;
    }
    flush(&mut plain, &mut spans);
    spans
}

/// The lesson as lines at most `width` wide.
pub fn render(
    markdown: &str,
    width: usize,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let width = width.max(20);
    let mut out: Vec<Line<'static>> = Vec::new();
    let mut para = Para::new();
    let mut style = Style::new();
    let mut code_lang: Option<String> = None;
    let mut heading: Option<HeadingLevel> = None;
    let mut list_depth = 0usize;
    let mut row: Vec<String> = Vec::new();
    let mut head: Vec<String> = Vec::new();
    let mut cell: Option<String> = None;
    let blank = |out: &mut Vec<Line<'static>>| {
        if out.last().is_some_and(|l| l.width() > 0) {
            out.push(Line::raw(""));
        }
    };
    for event in Parser::new_ext(markdown, Options::ENABLE_TABLES) {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                heading = Some(level)
            }
            Event::End(TagEnd::Heading(_)) => {
                blank(&mut out);
                let mut st = theme.heading();
                if heading == Some(HeadingLevel::H1) {
                    st = st.add_modifier(Modifier::UNDERLINED);
                }
                let text: Vec<String> =
                    para.words.drain(..).map(|(w, _, _)| w).collect();
                out.push(Line::from(Span::styled(text.join(" "), st)));
                out.push(Line::raw(""));
                heading = None;
            }
            Event::Start(Tag::Emphasis) => {
                style = style.add_modifier(Modifier::ITALIC)
            }
            Event::End(TagEnd::Emphasis) => {
                style = style.remove_modifier(Modifier::ITALIC)
            }
            Event::Start(Tag::Strong) => {
                style = style.add_modifier(Modifier::BOLD)
            }
            Event::End(TagEnd::Strong) => {
                style = style.remove_modifier(Modifier::BOLD)
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(l) => l.to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                let label = match lang.as_str() {
                    "rust" => "── tokio (Rust) ──",
                    "python" => "── asyncio (Python) ──",
                    _ => "",
                };
                if !label.is_empty() {
                    out.push(Line::from(Span::styled(
                        format!("  {label}"),
                        theme.dim(),
                    )));
                }
                code_lang = Some(lang);
            }
            Event::End(TagEnd::CodeBlock) => {
                code_lang = None;
                out.push(Line::raw(""));
            }
            Event::Text(t) if code_lang.is_some() => {
                let python = code_lang.as_deref() == Some("python");
                for line in t.lines() {
                    let mut spans = vec![Span::raw("  ")];
                    spans.extend(highlight(line, theme, python));
                    out.push(Line::from(spans));
                }
            }
            Event::Start(Tag::List(_)) => {
                para.wrap(width, "", 0, &mut out);
                list_depth += 1;
            }
            Event::End(TagEnd::List(_)) => {
                list_depth = list_depth.saturating_sub(1);
                if list_depth == 0 {
                    out.push(Line::raw(""));
                }
            }
            Event::Start(Tag::Item) => para.wrap(width, "", 0, &mut out),
            Event::End(TagEnd::Item) => {
                let indent = 2 * list_depth;
                let prefix =
                    format!("{}• ", " ".repeat(indent.saturating_sub(2)));
                para.wrap(width, &prefix, indent, &mut out);
            }
            Event::End(TagEnd::Paragraph) if list_depth == 0 => {
                para.wrap(width, "", 0, &mut out);
                out.push(Line::raw(""));
            }
            Event::Start(Tag::TableCell) => cell = Some(String::new()),
            Event::End(TagEnd::TableCell) => {
                row.push(cell.take().unwrap_or_default().trim().to_string())
            }
            Event::End(TagEnd::TableHead) => {
                head = std::mem::take(&mut row)
            }
            Event::End(TagEnd::TableRow) => {
                for (i, c) in std::mem::take(&mut row).iter().enumerate() {
                    if i == 0 {
                        para.push(c, style.add_modifier(Modifier::BOLD));
                        para.wrap(width, "• ", 4, &mut out);
                    } else {
                        let h = head.get(i).map_or("", String::as_str);
                        para.push(&format!("{h}:"), theme.dim());
                        para.push(c, style);
                        para.wrap(width, "  ", 4, &mut out);
                    }
                }
            }
            Event::End(TagEnd::Table) => out.push(Line::raw("")),
            Event::Code(t) => match cell.as_mut() {
                Some(c) => c.push_str(&format!("`{t}`")),
                None => para.push(&t, theme.code()),
            },
            Event::Text(t) => match cell.as_mut() {
                Some(c) => c.push_str(&t),
                None => para.push(&t, style),
            },
            Event::SoftBreak | Event::HardBreak => para.push(" ", style),
            Event::Rule => {
                out.push(Line::from(Span::styled(
                    "─".repeat(width.min(40)),
                    theme.dim(),
                )));
                out.push(Line::raw(""));
            }
            _ => {}
        }
    }
    para.wrap(width, "", 0, &mut out);
    while out.last().is_some_and(|l| l.width() == 0) {
        out.pop();
    }
    out
}
