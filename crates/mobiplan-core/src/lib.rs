//! mobiplan's pure core: the KA122 project model, call-year rulebooks, the rule checker and the
//! grant calculator.
//!
//! Architecture invariant: no I/O, no async, no clock, no knowledge of HTTP, SQL or the command
//! line. Inputs are strings and values; outputs are values. Everything a shell needs from the
//! world (the time, distances from a gazetteer) is passed in.

pub mod agenda;
pub mod application;
pub mod assessment;
pub mod budget;
pub mod check;
pub mod compare;
pub mod editions;
pub mod finding;
pub mod input;
pub mod merge;
pub mod money;
pub mod project;
pub mod rulebook;
pub mod rules;
pub mod tracking;
pub mod types;

pub use budget::{Budget, Category, Line, budget};
pub use check::{CheckContext, check};
pub use compare::{Comparison, Scenario, compare};
pub use finding::{Arg, Finding, Subject};
pub use money::{Amount, Money};
pub use project::{InputError, InputErrors, Project};
pub use rulebook::{RateProfile, Rulebook, RulebookError};
pub use rules::RuleId;
pub use types::{ActivityKind, Confidence, Country, Field, Severity};
