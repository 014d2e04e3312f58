//! Prediction questions: reading a learner's answer and grading it against a run.
//!
//! The one home of this logic: `asyncscope lesson --quiz` and the TUI both read answers with
//! [`Question::read`] and grade them with [`grade`]. A choice is always picked by its
//! position (the key `2` is the second choice, whatever the choices say), so choices whose
//! texts are numbers cannot be mistaken for positions.

use crate::lesson::{Answer, Lesson, Query, Question};
use crate::scenarios::{self, RunOptions};
use crate::timeline::Timeline;
use crate::trace::Clock;

/// A learner's answer to one question.
#[derive(Clone, Debug, PartialEq)]
pub enum Response {
    /// The choice at this index (0-based; the learner typed or pressed index + 1).
    Choice(usize),
    /// A typed answer to an open question (a number, or a list such as `0, 1, 3, 7`).
    Typed(String),
}

/// How one question fared.
#[derive(Clone, Debug, PartialEq)]
pub struct Graded {
    /// Index into the lesson's questions.
    pub question: usize,
    /// What the learner answered, as shown back ("2) 3u", "0, 1, 3, 7"); `None`: skipped.
    pub given: Option<String>,
    pub correct: bool,
    /// The right answer, as the learner would have written it.
    pub expected: String,
}

impl Graded {
    /// The verdict in one line: "✓ right (you: 3) 4): 4", "✗ not quite (you: 1): 4",
    /// "→ the answer: 4" when nothing was answered.
    pub fn sentence(&self) -> String {
        match &self.given {
            Some(given) if self.correct => {
                format!("✓ right (you: {given}): {}", self.expected)
            }
            Some(given) => {
                format!("✗ not quite (you: {given}): {}", self.expected)
            }
            None => format!("→ the answer: {}", self.expected),
        }
    }
}

impl Question {
    /// The learner's input as an answer to this question, or what to type instead.
    pub fn read(&self, input: &str) -> Result<Response, String> {
        let input = input.trim();
        if self.choices.is_empty() {
            return if input.is_empty() {
                Err("type an answer".into())
            } else {
                Ok(Response::Typed(input.to_string()))
            };
        }
        match input.parse::<usize>() {
            Ok(n) if (1..=self.choices.len()).contains(&n) => {
                Ok(Response::Choice(n - 1))
            }
            _ => Err(format!(
                "type a number from 1 to {}",
                self.choices.len()
            )),
        }
    }

    /// The answer as shown back to the learner: a choice with its number.
    pub fn show(&self, response: &Response) -> String {
        match response {
            Response::Choice(i) => format!(
                "{}) {}",
                i + 1,
                self.choices.get(*i).map_or("?", String::as_str)
            ),
            Response::Typed(t) => t.clone(),
        }
    }

    /// How far a number may be from the run's and still count.
    fn tolerance_for(&self, actual: f64) -> f64 {
        self.tolerance
            .unwrap_or_else(|| (actual.abs() * 0.05).max(0.1))
    }

    /// The choice that matches the run's answer, if the question is multiple choice.
    pub fn correct_choice(&self, actual: &Answer) -> Option<usize> {
        match actual {
            Answer::Text(t) => {
                self.choices.iter().position(|c| self.same_text(c, t))
            }
            Answer::Number(n) => self
                .choices
                .iter()
                .enumerate()
                .filter_map(|(i, c)| {
                    Some((i, (parse_number(c, &self.unit)? - n).abs()))
                })
                .filter(|(_, d)| *d <= self.tolerance_for(*n))
                .min_by(|a, b| a.1.total_cmp(&b.1))
                .map(|(i, _)| i),
        }
    }

    /// Does `given` say the same as `actual`? Lists are compared item by item, numbers
    /// within the question's tolerance, words without regard to case or spacing.
    fn same_text(&self, given: &str, actual: &str) -> bool {
        let items = |s: &str| -> Vec<String> {
            s.split(',')
                .map(|i| i.split_whitespace().collect::<Vec<_>>().join(" "))
                .collect()
        };
        let (given, actual) = (items(given), items(actual));
        given.len() == actual.len()
            && given.iter().zip(&actual).all(|(g, a)| {
                match (parse_number(g, &self.unit), parse_number(a, "")) {
                    (Some(g), Some(a)) => {
                        (g - a).abs() <= self.tolerance_for(a)
                    }
                    _ => g.eq_ignore_ascii_case(a),
                }
            })
    }
}

/// A number as a learner writes it: `3`, `3.0`, `3u`, `200 ms` (the question's unit may
/// follow).
fn parse_number(text: &str, unit: &str) -> Option<f64> {
    let text = text.trim();
    let text = if unit.is_empty() {
        text
    } else {
        text.strip_suffix(unit).unwrap_or(text).trim_end()
    };
    text.parse::<f64>().ok().filter(|n| n.is_finite())
}

/// Whether a right answer to question `index` of `l` can come out differently on another
/// machine: its answer is a wall-clock figure (heartbeat lag), or its run needs the real
/// clock (multi_thread). Such questions carry a tolerance the lesson states.
pub fn depends_on_machine(l: &Lesson, index: usize) -> bool {
    let q = &l.questions[index];
    let real_clock = l.runs.get(q.run).is_none_or(|spec| {
        scenarios::clock_of(
            &spec.scenario,
            &spec.options(&RunOptions::virtual_time()),
        )
        .is_ok_and(|c| c == Clock::Real)
    });
    // Lag and the longest poll are wall-clock figures even on the paused clock: a loaded
    // machine can stretch a short poll past a long one.
    real_clock
        || matches!(q.query(), Query::MaxLagMs | Query::LongestPollTask)
}

/// Grade `given` (`None`: not answered) against the run's answer.
pub fn grade(
    q: &Question,
    given: Option<&Response>,
    actual: &Answer,
) -> (bool, String) {
    if !q.choices.is_empty() {
        let right = q.correct_choice(actual);
        let correct = right.is_some()
            && matches!(given, Some(Response::Choice(i)) if Some(*i) == right);
        let expected = right.map_or_else(
            || actual.to_string(),
            |i| q.show(&Response::Choice(i)),
        );
        return (correct, expected);
    }
    let expected = match actual {
        Answer::Number(n) => format!("{}{}", Answer::Number(*n), q.unit),
        Answer::Text(t) => t.clone(),
    };
    let correct = match (given, actual) {
        (Some(Response::Typed(g)), Answer::Number(n)) => {
            parse_number(g, &q.unit)
                .is_some_and(|g| (g - n).abs() <= q.tolerance_for(*n))
        }
        (Some(Response::Typed(g)), Answer::Text(t)) => q.same_text(g, t),
        _ => false,
    };
    (correct, expected)
}

/// Grade question `index` of a lesson against the run it is about (`None`: that run failed).
pub fn grade_question(
    q: &Question,
    index: usize,
    given: Option<&Response>,
    run: Option<&Timeline>,
) -> Graded {
    let shown = given.map(|g| q.show(g));
    match run.and_then(|tl| q.query().evaluate(tl)) {
        Some(actual) => {
            let (correct, expected) = grade(q, given, &actual);
            Graded {
                question: index,
                given: shown,
                correct,
                expected,
            }
        }
        None => Graded {
            question: index,
            given: shown,
            correct: false,
            expected: "the run did not give an answer".into(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn question(choices: &[&str], unit: &str) -> Question {
        Question {
            ask: "?".into(),
            run: 0,
            answer: "duration".into(),
            choices: choices.iter().map(|c| c.to_string()).collect(),
            unit: unit.into(),
            tolerance: None,
            explain: String::new(),
        }
    }

    #[test]
    fn a_choice_is_its_position_even_when_its_text_is_a_number() {
        let q = question(&["2", "3", "4"], "");
        let four = Answer::Number(4.0);
        assert_eq!(q.read("3"), Ok(Response::Choice(2)));
        assert!(grade(&q, Some(&Response::Choice(2)), &four).0);
        assert!(!grade(&q, Some(&Response::Choice(1)), &four).0);
        assert!(!grade(&q, Some(&Response::Choice(0)), &four).0);
        assert_eq!(grade(&q, None, &four).1, "3) 4");
        assert!(q.read("4").is_err(), "no fourth choice");
        assert!(q.read("two").is_err());
    }

    #[test]
    fn typed_numbers_and_lists() {
        let q = question(&[], "u");
        let three = Answer::Number(3.0);
        for ok in ["3", "3.0", "3u", "3 u", " 3.1 "] {
            assert!(grade(&q, q.read(ok).ok().as_ref(), &three).0, "{ok}");
        }
        for wrong in ["5", "soon", "3uu", "NaN"] {
            assert!(
                !grade(&q, q.read(wrong).ok().as_ref(), &three).0,
                "{wrong}"
            );
        }
        let offsets = Answer::Text("0, 1, 3, 7".into());
        let list = question(&[], "");
        for ok in ["0, 1, 3, 7", "0,1,3,7", "0, 1.0, 3, 7.02"] {
            assert!(grade(&list, list.read(ok).ok().as_ref(), &offsets).0);
        }
        for wrong in ["0, 1, 3", "0, 1, 3, 7, 15", "0, 2, 4, 8"] {
            assert!(
                !grade(&list, list.read(wrong).ok().as_ref(), &offsets).0
            );
        }
        let order = Answer::Text("toast, coffee".into());
        assert!(
            grade(
                &list,
                Some(&Response::Typed("Toast,coffee".into())),
                &order
            )
            .0
        );
        assert!(
            !grade(
                &list,
                Some(&Response::Typed("coffee, toast".into())),
                &order
            )
            .0
        );
    }

    #[test]
    fn nothing_typed_is_not_an_answer() {
        assert!(question(&[], "").read("  ").is_err());
        assert!(question(&["a", "b"], "").read("").is_err());
    }
}
