//! Every option of the engine, written once: the table in `options!` (below) gives each its field,
//! type, default, public name, range and doc. The struct, its defaults, the list the binding
//! reads and writes by name ([`OPTIONS`], [`Options::get`], [`Options::set`]) and the checks
//! all come from it; `tests/options_table.rs` checks the TypeScript declaration, the README and
//! the benchmark's plain-JS reference against it.

use std::fmt;

use crate::model::{AdaptiveConfig, PickConfig, Rules, SelectorConfig, MAX_AMOUNT};

/// How generated picks are chosen.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Policy {
    /// Learns from the listener's answers at two levels, adapts the repeat window, forgets,
    /// and explores on purpose (see `model::adaptive`).
    #[default]
    Adaptive,
    /// The original system's rules: Gini switch, top k, fixed repeat window.
    Seed,
}

impl Policy {
    /// The public names, in the order of the variants.
    pub const NAMES: [&'static str; 2] = ["adaptive", "seed"];

    pub fn name(self) -> &'static str {
        match self {
            Policy::Adaptive => "adaptive",
            Policy::Seed => "seed",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "adaptive" => Some(Policy::Adaptive),
            "seed" => Some(Policy::Seed),
            _ => None,
        }
    }

    /// Whether picks read the listener's taste, and so whether the engine keeps it: the seed
    /// rules read only the builds.
    pub fn reads_taste(self) -> bool {
        self == Policy::Adaptive
    }
}

/// What values an option takes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Kind {
    /// A whole number in `min..=max`.
    Integer { min: f64, max: f64 },
    /// A finite number in `min..=max`.
    Number { min: f64, max: f64 },
    /// One of these names.
    Choice(&'static [&'static str]),
}

/// An option's value as it crosses the boundary.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Value {
    Number(f64),
    Name(&'static str),
}

/// One row of the options table.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Spec {
    /// The public (camelCase) name.
    pub name: &'static str,
    pub kind: Kind,
}

impl Spec {
    /// What the option must be, for messages: "an integer from 1 to 4294967295".
    pub fn expected(&self) -> String {
        // Every bound in the table is a whole number: printed as an integer, so the wasm
        // carries no float formatting.
        match self.kind {
            Kind::Integer { min, max } => {
                format!("an integer from {} to {}", min as u64, max as u64)
            }
            Kind::Number { min, max } => format!("a number from {} to {}", min as u64, max as u64),
            Kind::Choice(names) => format!("one of \"{}\"", names.join("\", \"")),
        }
    }

    /// True when `v` is a value this option takes.
    fn admits(&self, v: Value) -> bool {
        match (self.kind, v) {
            (Kind::Integer { min, max }, Value::Number(x)) => {
                x.is_finite() && x.fract() == 0.0 && (min..=max).contains(&x)
            }
            (Kind::Number { min, max }, Value::Number(x)) => {
                x.is_finite() && (min..=max).contains(&x)
            }
            (Kind::Choice(names), Value::Name(n)) => names.contains(&n),
            _ => false,
        }
    }
}

/// The largest integer a JS number holds exactly.
pub const MAX_SAFE: f64 = 9_007_199_254_740_991.0;
/// The largest u32.
const MAX_U32: f64 = 4_294_967_295.0;
/// `setTimeout` holds at most 2^31 - 1 ms.
const MAX_TIMEOUT: f64 = 2_147_483_647.0;

/// A type an option can have: how it becomes a [`Value`] and back.
trait OptionType: Sized {
    fn value(&self) -> Value;
    fn from_value(v: Value) -> Option<Self>;
}

macro_rules! number_option_type {
    ($($t:ty),*) => {$(
        impl OptionType for $t {
            fn value(&self) -> Value {
                Value::Number(*self as f64)
            }
            // The range was checked against the table first, so the cast is exact.
            fn from_value(v: Value) -> Option<Self> {
                match v {
                    Value::Number(x) => Some(x as $t),
                    Value::Name(_) => None,
                }
            }
        }
    )*};
}
number_option_type!(u64, u32, usize, f64);

impl OptionType for Policy {
    fn value(&self) -> Value {
        Value::Name(self.name())
    }
    fn from_value(v: Value) -> Option<Self> {
        match v {
            Value::Name(n) => Policy::from_name(n),
            Value::Number(_) => None,
        }
    }
}

macro_rules! options {
    ($( #[doc = $doc:literal] $field:ident : $t:ty = $default:expr, $name:literal, $kind:expr; )+) => {
        /// Every knob of the engine. Checked once by [`Options::validate`] when an orchestrator
        /// is made; the table in `engine/options.rs` is the one place each is written.
        #[derive(Clone, Debug, PartialEq)]
        pub struct Options {
            $( #[doc = $doc] pub $field: $t, )+
        }

        impl Default for Options {
            fn default() -> Self {
                Self { $( $field: $default, )+ }
            }
        }

        /// The table: every option's public name and kind, in the order `options()` lists them.
        pub const OPTIONS: &[Spec] = &[ $( Spec { name: $name, kind: $kind }, )+ ];

        impl Options {
            /// The value of the option with this public name.
            pub fn get(&self, name: &str) -> Option<Value> {
                match name {
                    $( $name => Some(self.$field.value()), )+
                    _ => None,
                }
            }

            /// Sets one option by public name, after checking the value against the table.
            /// An unknown name or a value out of range is an error and changes nothing.
            pub fn set(&mut self, name: &str, v: Value) -> Result<(), OptionError> {
                let spec = spec(name).ok_or(OptionError::Unknown)?;
                if !spec.admits(v) {
                    return Err(OptionError::OutOfRange(spec));
                }
                match name {
                    $( $name => self.$field = OptionType::from_value(v).ok_or(OptionError::OutOfRange(spec))?, )+
                    _ => return Err(OptionError::Unknown),
                }
                Ok(())
            }
        }
    };
}

options! {
    /// Seed of the PRNG: the same seed and the same calls give the same picks.
    seed: u64 = 0, "seed", Kind::Integer { min: 0.0, max: MAX_SAFE };
    /// How picks are chosen: "adaptive" (learns the listener) or "seed" (the original rules).
    policy: Policy = Policy::Adaptive, "policy", Kind::Choice(&Policy::NAMES);
    /// The diff manager rebuilds once the current build's diffs exceed this.
    max_runtime_diffs: u64 = 50, "maxRuntimeDiffs", Kind::Integer { min: 0.0, max: MAX_SAFE };
    /// The TTL manager rebuilds once the current build is older than this (ms).
    max_runtime_age_ms: u64 = 3_600_000, "maxRuntimeAgeMs", Kind::Integer { min: 0.0, max: MAX_SAFE };
    /// How often the TTL manager looks at the build's age (ms).
    ttl_check_interval_ms: u64 = 60_000, "ttlCheckIntervalMs", Kind::Integer { min: 1.0, max: MAX_TIMEOUT };
    /// Seed rules: above this Gini impurity the pick is uniform among the topK most probable.
    gini_threshold: f64 = 0.5, "giniThreshold", Kind::Number { min: 0.0, max: 1.0 };
    /// Seed rules: how many of the most probable candidates a spread-out row picks among.
    top_k: usize = 10, "topK", Kind::Integer { min: 1.0, max: MAX_U32 };
    /// Seed rules: the fixed repeat window; adaptive: the window's starting guess (plays).
    repeat_window: usize = 8, "repeatWindow", Kind::Integer { min: 0.0, max: MAX_U32 };
    /// The back stack keeps at most this many tracks.
    history_limit: usize = 1000, "historyLimit", Kind::Integer { min: 0.0, max: MAX_U32 };
    /// Listened at least this fraction of a track: heard (a reinforcement).
    reinforce_threshold: f64 = 1.0 / 3.0, "reinforceThreshold", Kind::Number { min: 0.0, max: 1.0 };
    /// Listened less than this fraction: a skip.
    skip_threshold: f64 = 0.1, "skipThreshold", Kind::Number { min: 0.0, max: 1.0 };
    /// The bonus a heard track gives its edge.
    reinforce_amount: f64 = 1.0, "reinforceAmount", Kind::Number { min: 0.0, max: MAX_AMOUNT };
    /// The penalty of a partial listen.
    penalty_amount: f64 = 1.0, "penaltyAmount", Kind::Number { min: 0.0, max: MAX_AMOUNT };
    /// The cooldown of a partial listen (plays).
    penalty_cooldown: u32 = 1, "penaltyCooldown", Kind::Integer { min: 0.0, max: MAX_U32 };
    /// The penalty of a skip.
    skip_penalty: f64 = 2.0, "skipPenalty", Kind::Number { min: 0.0, max: MAX_AMOUNT };
    /// The cooldown of a skip (plays).
    skip_cooldown: u32 = 3, "skipCooldown", Kind::Integer { min: 0.0, max: MAX_U32 };
    /// The bonus a track the listener picked gives the edge from the track before it.
    choice_amount: f64 = 1.0, "choiceAmount", Kind::Number { min: 0.0, max: MAX_AMOUNT };
    /// In a history, a silence longer than this (ms) between two plays starts a new session.
    session_gap_ms: u64 = 1_800_000, "sessionGapMs", Kind::Integer { min: 0.0, max: MAX_SAFE };
    /// Adaptive: answers older by this many lessons weigh half as much.
    memory_half_life: f64 = 500.0, "memoryHalfLife", Kind::Number { min: 1.0, max: 1e9 };
    /// Adaptive: how far uncertainty raises a candidate (0: never explore on purpose).
    exploration: f64 = 1.0, "exploration", Kind::Number { min: 0.0, max: 10.0 };
}

/// The row of the options table with this public name.
pub fn spec(name: &str) -> Option<&'static Spec> {
    OPTIONS.iter().find(|s| s.name == name)
}

/// Why options were refused.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum OptionError {
    /// No option has that name.
    Unknown,
    /// The value is not one the option takes.
    OutOfRange(&'static Spec),
    /// `skipThreshold` above `reinforceThreshold`.
    SkipAboveReinforce,
}

impl fmt::Display for OptionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OptionError::Unknown => {
                let names: Vec<&str> = OPTIONS.iter().map(|s| s.name).collect();
                write!(f, "unknown option; the options are {}", names.join(", "))
            }
            OptionError::OutOfRange(spec) => {
                write!(f, "option {} must be {}", spec.name, spec.expected())
            }
            OptionError::SkipAboveReinforce => {
                write!(f, "option skipThreshold must be at most reinforceThreshold")
            }
        }
    }
}

impl std::error::Error for OptionError {}

impl Options {
    /// Checks every option against the table, and the one rule between two of them.
    pub fn validate(&self) -> Result<(), OptionError> {
        for spec in OPTIONS {
            if let Some(v) = self.get(spec.name) {
                if !spec.admits(v) {
                    return Err(OptionError::OutOfRange(spec));
                }
            }
        }
        if self.skip_threshold > self.reinforce_threshold {
            return Err(OptionError::SkipAboveReinforce);
        }
        Ok(())
    }

    /// The rules of a generated pick under each policy, as these options set them.
    pub(crate) fn rules(&self) -> Rules {
        Rules {
            seed: PickConfig {
                selector: SelectorConfig {
                    gini_threshold: self.gini_threshold,
                    top_k: self.top_k,
                },
                repeat_window: self.repeat_window,
            },
            adaptive: AdaptiveConfig {
                exploration: self.exploration,
            },
        }
    }
}
