//! Money in integer euro cents, and amounts that may be a range.
//!
//! Floats never hold money: every amount is an `i64` number of cents, and every product or
//! percentage is computed with saturating integer arithmetic so that no input can overflow.

use std::fmt;
use std::ops::{Add, AddAssign};

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An amount of money in euro cents.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Money(i64);

impl Money {
    pub const ZERO: Money = Money(0);

    pub const fn from_cents(cents: i64) -> Money {
        Money(cents)
    }

    pub const fn from_euros(euros: i64) -> Money {
        Money(euros.saturating_mul(100))
    }

    pub const fn cents(self) -> i64 {
        self.0
    }

    /// `self × n`, saturating.
    pub fn times(self, n: i64) -> Money {
        Money(self.0.saturating_mul(n))
    }

    /// `self × percent / 100`, rounded half away from zero to the cent.
    pub fn percent(self, percent: u32) -> Money {
        let scaled = (self.0 as i128) * (percent as i128);
        Money(div_round(scaled, 100).clamp(i64::MIN as i128, i64::MAX as i128) as i64)
    }

    /// `self × percent / 100`, rounded half away from zero to a whole euro. Agencies publish
    /// reduced daily rates in whole euros (117 → 82, 104 → 73, 93 → 65).
    pub fn percent_whole_euros(self, percent: u32) -> Money {
        let scaled = (self.0 as i128) * (percent as i128);
        let euros = div_round(scaled, 100 * 100);
        Money((euros * 100).clamp(i64::MIN as i128, i64::MAX as i128) as i64)
    }

    /// Parses `"123"`, `"123.4"` or `"123.45"` euros.
    pub fn parse_euros(text: &str) -> Result<Money, String> {
        let text = text.trim();
        let (neg, digits) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (whole, frac) = match digits.split_once('.') {
            Some((w, f)) => (w, f),
            None => (digits, ""),
        };
        let valid = !whole.is_empty()
            && whole.len() <= 13
            && whole.bytes().all(|b| b.is_ascii_digit())
            && frac.len() <= 2
            && frac.bytes().all(|b| b.is_ascii_digit())
            && !(digits.contains('.') && frac.is_empty());
        if !valid {
            return Err(format!(
                "\"{text}\" is not an amount in euros (write e.g. 120 or 120.50)"
            ));
        }
        let whole: i64 = whole
            .parse()
            .map_err(|_| format!("\"{text}\" is too large"))?;
        let frac_cents: i64 = match frac.len() {
            0 => 0,
            1 => frac.parse::<i64>().unwrap_or(0) * 10,
            _ => frac.parse::<i64>().unwrap_or(0),
        };
        let cents = whole * 100 + frac_cents;
        Ok(Money(if neg { -cents } else { cents }))
    }
}

fn div_round(n: i128, d: i128) -> i128 {
    if n >= 0 {
        (n + d / 2) / d
    } else {
        -((-n + d / 2) / d)
    }
}

impl Add for Money {
    type Output = Money;
    fn add(self, rhs: Money) -> Money {
        Money(self.0.saturating_add(rhs.0))
    }
}

impl AddAssign for Money {
    fn add_assign(&mut self, rhs: Money) {
        *self = *self + rhs;
    }
}

impl std::iter::Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, |a, b| a + b)
    }
}

/// Plain `1234.50` (or `1234` for whole euros): the language-neutral form used in formulas
/// and machine output. Localised display (thousands separators) is the shell's job.
impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        if abs.is_multiple_of(100) {
            write!(f, "{sign}{}", abs / 100)
        } else {
            write!(f, "{sign}{}.{:02}", abs / 100, abs % 100)
        }
    }
}

/// Serialised as a decimal string of euros with two decimals ("1234.50") so that JSON
/// consumers never see a float.
impl Serialize for Money {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        s.serialize_str(&format!("{sign}{}.{:02}", abs / 100, abs % 100))
    }
}

/// Accepts whole euros as an integer (`120`) or a decimal string (`"120.50"`); floats are
/// refused because they cannot be trusted to the cent.
impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Money, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Money;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an amount in euros: a whole number (120) or a string (\"120.50\")")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Money, E> {
                if v.unsigned_abs() > 10_000_000_000 {
                    return Err(E::custom(format!("{v} euros is out of range")));
                }
                Ok(Money::from_euros(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Money, E> {
                if v > 10_000_000_000 {
                    return Err(E::custom(format!("{v} euros is out of range")));
                }
                Ok(Money::from_euros(v as i64))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Money, E> {
                Err(E::custom(format!(
                    "{v}: write amounts with cents as a string, e.g. \"{v:.2}\""
                )))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Money, E> {
                Money::parse_euros(v).map_err(E::custom)
            }
        }
        d.deserialize_any(V)
    }
}

impl schemars::JsonSchema for Money {
    fn schema_name() -> String {
        "Money".into()
    }
    fn json_schema(_: &mut schemars::r#gen::SchemaGenerator) -> schemars::schema::Schema {
        serde_json::from_value(serde_json::json!({
            "description": "Euros: a whole number, or a string with up to two decimals",
            "anyOf": [
                {"type": "integer"},
                {"type": "string", "pattern": "^-?[0-9]{1,13}(\\.[0-9]{1,2})?$"}
            ]
        }))
        .expect("static schema")
    }
}

/// An amount that is known only within bounds: the budget is a range until the agency's
/// rates are known. `min == max` when every rate used is fixed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Amount {
    pub min: Money,
    pub max: Money,
}

impl Amount {
    pub const ZERO: Amount = Amount {
        min: Money::ZERO,
        max: Money::ZERO,
    };

    pub const fn exact(m: Money) -> Amount {
        Amount { min: m, max: m }
    }

    pub fn is_exact(&self) -> bool {
        self.min == self.max
    }

    pub fn times(self, n: i64) -> Amount {
        Amount {
            min: self.min.times(n),
            max: self.max.times(n),
        }
    }
}

impl Add for Amount {
    type Output = Amount;
    fn add(self, rhs: Amount) -> Amount {
        Amount {
            min: self.min + rhs.min,
            max: self.max + rhs.max,
        }
    }
}

impl AddAssign for Amount {
    fn add_assign(&mut self, rhs: Amount) {
        *self = *self + rhs;
    }
}

impl std::iter::Sum for Amount {
    fn sum<I: Iterator<Item = Amount>>(iter: I) -> Amount {
        iter.fold(Amount::ZERO, |a, b| a + b)
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_exact() {
            write!(f, "{}", self.min)
        } else {
            write!(f, "{}–{}", self.min, self.max)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seventy_percent_of_published_rates_rounds_to_the_agencies_figures() {
        assert_eq!(
            Money::from_euros(117).percent_whole_euros(70),
            Money::from_euros(82)
        );
        assert_eq!(
            Money::from_euros(104).percent_whole_euros(70),
            Money::from_euros(73)
        );
        assert_eq!(
            Money::from_euros(93).percent_whole_euros(70),
            Money::from_euros(65)
        );
    }

    #[test]
    fn percent_rounds_half_away_from_zero_to_the_cent() {
        assert_eq!(Money::from_cents(1001).percent(80), Money::from_cents(801));
        assert_eq!(
            Money::from_cents(-1001).percent(80),
            Money::from_cents(-801)
        );
    }

    #[test]
    fn euros_parse_from_text_and_reject_garbage() {
        assert_eq!(Money::parse_euros("120").unwrap(), Money::from_cents(12000));
        assert_eq!(
            Money::parse_euros("120.5").unwrap(),
            Money::from_cents(12050)
        );
        assert_eq!(
            Money::parse_euros("120.05").unwrap(),
            Money::from_cents(12005)
        );
        for bad in ["", "1.", ".5", "1.234", "12a", "1e3", "99999999999999999"] {
            assert!(Money::parse_euros(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn display_drops_zero_cents_and_serialises_two_decimals() {
        assert_eq!(Money::from_euros(3246).to_string(), "3246");
        assert_eq!(Money::from_cents(12345).to_string(), "123.45");
        assert_eq!(
            serde_json::to_string(&Money::from_cents(-5)).unwrap(),
            "\"-0.05\""
        );
    }

    #[test]
    fn arithmetic_saturates_instead_of_overflowing() {
        let big = Money::from_cents(i64::MAX);
        assert_eq!(big + big, big);
        assert_eq!(big.times(3), big);
        assert_eq!(big.percent(200), big);
    }
}
