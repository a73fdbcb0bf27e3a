//! Whether terminal output is coloured: decided here and nowhere else. `--color always` and
//! `--color never` win; `auto` colours only output that goes to a terminal, and never when
//! `NO_COLOR` is set to a non-empty value (no-color.org) or `TERM` is `dumb`. Files, pipes and
//! machine formats are never coloured under `auto`.

use std::sync::atomic::{AtomicU8, Ordering};

/// The `--color` flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ColorChoice {
    /// Colour when writing to a terminal and `NO_COLOR` is not set.
    #[default]
    Auto,
    /// Always colour (also into files and pipes).
    Always,
    /// Never colour.
    Never,
}

static CHOICE: AtomicU8 = AtomicU8::new(0);

/// Records the `--color` flag of this run.
pub fn set(choice: ColorChoice) {
    CHOICE.store(
        match choice {
            ColorChoice::Auto => 0,
            ColorChoice::Always => 1,
            ColorChoice::Never => 2,
        },
        Ordering::Relaxed,
    );
}

fn choice() -> ColorChoice {
    match CHOICE.load(Ordering::Relaxed) {
        1 => ColorChoice::Always,
        2 => ColorChoice::Never,
        _ => ColorChoice::Auto,
    }
}

/// Whether output written to a terminal (`to_terminal`) or elsewhere gets colours.
pub fn enabled(to_terminal: bool) -> bool {
    decide(
        choice(),
        to_terminal,
        std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
        std::env::var_os("TERM").is_some_and(|t| t == "dumb"),
    )
}

fn decide(choice: ColorChoice, to_terminal: bool, no_color: bool, dumb: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => to_terminal && !no_color && !dumb,
    }
}

/// Colours a comfy-table cell when `on`.
pub fn paint(cell: comfy_table::Cell, on: bool, color: comfy_table::Color) -> comfy_table::Cell {
    if on { cell.fg(color) } else { cell }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_decision() {
        use ColorChoice::*;
        assert!(decide(Always, false, true, true));
        assert!(!decide(Never, true, false, false));
        assert!(decide(Auto, true, false, false));
        assert!(!decide(Auto, false, false, false));
        assert!(!decide(Auto, true, true, false));
        assert!(!decide(Auto, true, false, true));
    }
}
