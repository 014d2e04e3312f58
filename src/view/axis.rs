//! The time axis: 1-2-5 steps between ticks, and their labels in units ("0.5u").

use super::cells::Window;

/// The 1-2-5 steps, smallest first: 1e-6, 2e-6, 5e-6, 1e-5, … 5e9 (units).
pub fn steps() -> impl Iterator<Item = f64> {
    (-6..=9)
        .flat_map(|exp| [1.0, 2.0, 5.0].map(move |m| m * 10f64.powi(exp)))
}

/// The smallest 1-2-5 step of at least `x` (the largest step if none is).
pub fn step_at_least(x: f64) -> f64 {
    steps().find(|&s| s >= x).unwrap_or(5e9)
}

/// "0u", "1.5u", "0.25u": a time in units with as many decimals as `step` needs.
pub fn label(units: f64, step: f64) -> String {
    let decimals = if step >= 1.0 {
        0
    } else {
        (-step.log10() - 1e-9).ceil().clamp(0.0, 6.0) as usize
    };
    let mut s = format!("{units:.decimals$}");
    if s.contains('.') {
        s = s.trim_end_matches('0').trim_end_matches('.').to_string();
    }
    s + "u"
}

/// Ticks of a window whose labels stay at least `min_gap` columns apart: (column, label).
pub fn ticks(
    w: &Window,
    unit_ns: f64,
    min_gap: usize,
) -> Vec<(usize, String)> {
    let cols = w.cols.max(1) as f64;
    let span_u = w.span.max(1) as f64 / unit_ns;
    let step = step_at_least(min_gap as f64 * span_u / cols);
    let start_u = w.start as f64 / unit_ns;
    let mut out = Vec::new();
    let mut k = (start_u / step).ceil() as i64;
    while out.len() < 10_000 {
        let u = k as f64 * step;
        let c = ((u - start_u) / span_u * cols).round();
        if c >= cols || !c.is_finite() {
            break;
        }
        out.push((c.max(0.0) as usize, label(u, step)));
        k += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_have_the_decimals_the_step_needs() {
        assert_eq!(label(0.0, 0.5), "0u");
        assert_eq!(label(1.5, 0.5), "1.5u");
        assert_eq!(label(0.05, 0.05), "0.05u");
        assert_eq!(label(20.0, 10.0), "20u");
    }

    #[test]
    fn steps_go_one_two_five() {
        assert_eq!(step_at_least(0.3), 0.5);
        assert_eq!(step_at_least(1.0), 1.0);
        assert_eq!(step_at_least(1.01), 2.0);
        assert_eq!(step_at_least(6.0), 10.0);
    }

    #[test]
    fn ticks_keep_their_distance() {
        let w = Window {
            start: 0,
            span: 3_000_000_000,
            cols: 60,
            clip: u64::MAX,
        };
        let t = ticks(&w, 1e9, 9);
        let labels: Vec<&str> = t.iter().map(|(_, l)| l.as_str()).collect();
        assert_eq!(labels, ["0u", "0.5u", "1u", "1.5u", "2u", "2.5u"]);
        assert!(t.windows(2).all(|p| p[1].0 - p[0].0 >= 9));
    }
}
