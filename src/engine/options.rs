use std::fmt;

use crate::model::{PickConfig, SelectorConfig, MAX_AMOUNT};

/// Every knob of the engine, with the seed system's defaults. Checked once by
/// [`Options::validate`] when an orchestrator is made.
#[derive(Clone, Debug, PartialEq)]
pub struct Options {
    /// Seed of the PRNG: the same seed and the same calls give the same picks.
    pub seed: u64,
    /// The diff manager rebuilds once the current build's diffs exceed this.
    pub max_runtime_diffs: u64,
    /// The TTL manager rebuilds once the current build is older than this.
    pub max_runtime_age_ms: u64,
    /// How often the TTL manager looks at the build's age.
    pub ttl_check_interval_ms: u64,
    /// Above this Gini impurity the selector picks uniformly among the `top_k` most probable.
    pub gini_threshold: f64,
    pub top_k: usize,
    /// A track among the last this many plays is not repeated while another candidate exists.
    pub repeat_window: usize,
    /// The back stack keeps at most this many tracks.
    pub history_limit: usize,
    /// Listened at least this fraction of a track: a reinforcement.
    pub reinforce_threshold: f64,
    /// Listened less than this fraction: a skip.
    pub skip_threshold: f64,
    pub reinforce_amount: f64,
    /// Penalty and cooldown (in plays) of a partial listen.
    pub penalty_amount: f64,
    pub penalty_cooldown: u32,
    /// Penalty and cooldown (in plays) of a skip.
    pub skip_penalty: f64,
    pub skip_cooldown: u32,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            seed: 0,
            max_runtime_diffs: 50,
            max_runtime_age_ms: 3_600_000,
            ttl_check_interval_ms: 60_000,
            gini_threshold: 0.5,
            top_k: 10,
            repeat_window: 8,
            history_limit: 1000,
            reinforce_threshold: 1.0 / 3.0,
            skip_threshold: 0.1,
            reinforce_amount: 1.0,
            penalty_amount: 1.0,
            penalty_cooldown: 1,
            skip_penalty: 2.0,
            skip_cooldown: 3,
        }
    }
}

/// An option out of range: which one (its Rust field name) and what it must be.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OptionError {
    pub option: &'static str,
    pub expected: &'static str,
}

impl fmt::Display for OptionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "option {} must be {}", self.option, self.expected)
    }
}

impl std::error::Error for OptionError {}

fn check(ok: bool, option: &'static str, expected: &'static str) -> Result<(), OptionError> {
    if ok {
        Ok(())
    } else {
        Err(OptionError { option, expected })
    }
}

fn fraction(x: f64) -> bool {
    x.is_finite() && (0.0..=1.0).contains(&x)
}

fn amount(x: f64) -> bool {
    x.is_finite() && (0.0..=MAX_AMOUNT).contains(&x)
}

impl Options {
    pub fn validate(&self) -> Result<(), OptionError> {
        check(
            self.ttl_check_interval_ms >= 1,
            "ttl_check_interval_ms",
            "an integer >= 1",
        )?;
        check(
            fraction(self.gini_threshold),
            "gini_threshold",
            "a number from 0 to 1",
        )?;
        check(self.top_k >= 1, "top_k", "an integer >= 1")?;
        check(
            fraction(self.reinforce_threshold),
            "reinforce_threshold",
            "a number from 0 to 1",
        )?;
        check(
            fraction(self.skip_threshold),
            "skip_threshold",
            "a number from 0 to 1",
        )?;
        check(
            self.skip_threshold <= self.reinforce_threshold,
            "skip_threshold",
            "at most reinforce_threshold",
        )?;
        check(
            amount(self.reinforce_amount),
            "reinforce_amount",
            "a number from 0 to 1e9",
        )?;
        check(
            amount(self.penalty_amount),
            "penalty_amount",
            "a number from 0 to 1e9",
        )?;
        check(
            amount(self.skip_penalty),
            "skip_penalty",
            "a number from 0 to 1e9",
        )?;
        Ok(())
    }

    pub(crate) fn pick_config(&self) -> PickConfig {
        PickConfig {
            selector: SelectorConfig {
                gini_threshold: self.gini_threshold,
                top_k: self.top_k,
            },
            repeat_window: self.repeat_window,
        }
    }
}
