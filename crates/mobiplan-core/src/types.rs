//! Small domain values that cannot hold an invalid value once parsed.

use std::fmt;

use chrono::{DateTime, FixedOffset, NaiveDate};
use schemars::JsonSchema;
use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The three fields of education KA122 serves.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
pub enum Field {
    /// School education.
    SCH,
    /// Vocational education and training.
    VET,
    /// Adult education.
    ADU,
}

impl Field {
    pub const ALL: [Field; 3] = [Field::SCH, Field::VET, Field::ADU];

    pub fn as_str(self) -> &'static str {
        match self {
            Field::SCH => "SCH",
            Field::VET => "VET",
            Field::ADU => "ADU",
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who a participant is, which decides daily rates and some rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    Staff,
    Learner,
    /// An invited expert (incoming).
    Expert,
    /// A teacher or educator in training hosted by the applicant (incoming).
    Trainee,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Staff => "staff",
            Role::Learner => "learner",
            Role::Expert => "expert",
            Role::Trainee => "trainee",
        }
    }
}

macro_rules! kinds {
    ($($variant:ident = $id:literal, $role:ident, $incoming:literal;)*) => {
        /// The activity kinds of the KA122 catalogue (preparatory visits are a separate list
        /// in a project, see [`crate::project::PreparatoryVisit`]).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
        pub enum ActivityKind {
            $( #[serde(rename = $id)] $variant, )*
        }

        impl ActivityKind {
            pub const ALL: &'static [ActivityKind] = &[$(ActivityKind::$variant),*];

            /// The stable identifier used in files, rulebooks and the API.
            pub fn id(self) -> &'static str {
                match self { $(ActivityKind::$variant => $id,)* }
            }

            /// The role of the participants this kind is for.
            pub fn participant_role(self) -> Role {
                match self { $(ActivityKind::$variant => Role::$role,)* }
            }

            /// Incoming kinds take place at the applicant; the others send people abroad.
            pub fn is_incoming(self) -> bool {
                match self { $(ActivityKind::$variant => $incoming,)* }
            }

            pub fn from_id(id: &str) -> Option<ActivityKind> {
                match id { $($id => Some(ActivityKind::$variant),)* _ => None }
            }
        }
    };
}

kinds! {
    JobShadowing = "job-shadowing", Staff, false;
    TeachingAssignment = "teaching-assignment", Staff, false;
    Course = "course", Staff, false;
    GroupMobility = "group-mobility", Learner, false;
    ShortTermLearning = "short-term-learning", Learner, false;
    LongTermLearning = "long-term-learning", Learner, false;
    SkillsCompetition = "skills-competition", Learner, false;
    InvitedExpert = "invited-expert", Expert, true;
    HostingTeacherInTraining = "hosting-teacher-in-training", Trainee, true;
}

impl ActivityKind {
    /// Individual learner mobility, where learning outcomes must be recognised.
    pub fn is_individual_learning(self) -> bool {
        matches!(
            self,
            ActivityKind::ShortTermLearning | ActivityKind::LongTermLearning
        )
    }
}

impl fmt::Display for ActivityKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// An ISO 3166-1 alpha-2 country code, upper case.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Country([u8; 2]);

impl Country {
    /// ISO's user-assigned "unknown" code: a placeholder while a form is being read, never a
    /// country of a valid plan (it is in no rulebook list).
    pub const UNKNOWN: Country = Country(*b"ZZ");

    pub fn parse(text: &str) -> Result<Country, String> {
        let b = text.as_bytes();
        if b.len() == 2 && b.iter().all(|c| c.is_ascii_alphabetic()) {
            Ok(Country([
                b[0].to_ascii_uppercase(),
                b[1].to_ascii_uppercase(),
            ]))
        } else {
            Err(format!(
                "\"{text}\" is not a two-letter country code (ISO 3166-1, e.g. LV, ES)"
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        // Only ASCII letters are ever stored.
        std::str::from_utf8(&self.0).unwrap_or("??")
    }
}

impl fmt::Debug for Country {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for Country {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Country {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Country {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Country, D::Error> {
        let s = String::deserialize(d)?;
        Country::parse(&s).map_err(de::Error::custom)
    }
}

impl JsonSchema for Country {
    fn schema_name() -> String {
        "Country".into()
    }
    fn json_schema(_: &mut schemars::r#gen::SchemaGenerator) -> schemars::schema::Schema {
        serde_json::from_value(serde_json::json!({
            "type": "string", "pattern": "^[A-Za-z]{2}$",
            "description": "ISO 3166-1 alpha-2 country code"
        }))
        .expect("static schema")
    }
}

/// How sure we are of a rulebook value. Ordered from least to most certain, so the
/// confidence of a result is the minimum of its inputs'.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
pub enum Confidence {
    /// Provisional: an older guide or a single secondary source. Shown as unconfirmed.
    P,
    /// Stated by the national agency's seed presentation.
    S,
    /// Verified in an official or national-agency source.
    V,
}

impl Confidence {
    pub fn is_provisional(self) -> bool {
        self == Confidence::P
    }
}

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A calendar date that reads from a TOML date (`2026-06-01`) or a JSON string
/// (`"2026-06-01"`), so one set of types serves both file formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub NaiveDate);

/// toml passes its native date-times through serde as a one-entry map with this key.
const TOML_DATETIME_KEY: &str = "$__toml_private_datetime";

fn deserialize_text<'de, D: Deserializer<'de>>(
    d: D,
    what: &'static str,
) -> Result<String, D::Error> {
    struct V(&'static str);
    impl<'de> Visitor<'de> for V {
        type Value = String;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str(self.0)
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
            Ok(v.to_owned())
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<String, A::Error> {
            match map.next_key::<String>()? {
                Some(k) if k == TOML_DATETIME_KEY => map.next_value::<String>(),
                _ => Err(de::Error::custom(format!("expected {}", self.0))),
            }
        }
    }
    d.deserialize_any(V(what))
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let text = deserialize_text(d, "a date such as 2026-06-01")?;
        NaiveDate::parse_from_str(&text, "%Y-%m-%d")
            .map(Date)
            .map_err(|_| {
                de::Error::custom(format!("\"{text}\" is not a date of the form 2026-06-01"))
            })
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.format("%Y-%m-%d").to_string())
    }
}

impl JsonSchema for Date {
    fn schema_name() -> String {
        "Date".into()
    }
    fn json_schema(_: &mut schemars::r#gen::SchemaGenerator) -> schemars::schema::Schema {
        serde_json::from_value(serde_json::json!({"type": "string", "format": "date"}))
            .expect("static schema")
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format("%Y-%m-%d"))
    }
}

/// A moment: a date (taken as the whole day, in the deadline's time zone) or a date-time with
/// an offset (`2026-02-18T15:30:00+02:00`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Moment {
    Day(NaiveDate),
    At(DateTime<FixedOffset>),
}

impl<'de> Deserialize<'de> for Moment {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Moment, D::Error> {
        let text = deserialize_text(d, "a date (2026-02-10) or date-time with offset")?;
        Moment::parse(&text).map_err(de::Error::custom)
    }
}

impl Moment {
    pub fn parse(text: &str) -> Result<Moment, String> {
        if let Ok(d) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            return Ok(Moment::Day(d));
        }
        DateTime::parse_from_rfc3339(text).map(Moment::At).map_err(|_| {
            format!(
                "\"{text}\" is neither a date (2026-02-10) nor a date-time with offset (2026-02-10T11:00:00+01:00)"
            )
        })
    }
}

impl Serialize for Moment {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Moment::Day(d) => s.serialize_str(&d.format("%Y-%m-%d").to_string()),
            Moment::At(t) => s.serialize_str(&t.to_rfc3339()),
        }
    }
}

impl JsonSchema for Moment {
    fn schema_name() -> String {
        "Moment".into()
    }
    fn json_schema(_: &mut schemars::r#gen::SchemaGenerator) -> schemars::schema::Schema {
        serde_json::from_value(serde_json::json!({
            "type": "string",
            "description": "a date (2026-02-10) or an RFC 3339 date-time with offset"
        }))
        .expect("static schema")
    }
}

/// Latitude and longitude in degrees, WGS84, checked to be on the globe. Written as
/// `[lat, lon]` in files.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Coordinates {
    pub lat: f64,
    pub lon: f64,
}

impl Coordinates {
    pub fn new(lat: f64, lon: f64) -> Result<Coordinates, String> {
        if !lat.is_finite() || !(-90.0..=90.0).contains(&lat) {
            return Err(format!("latitude {lat} must lie between -90 and 90"));
        }
        if !lon.is_finite() || !(-180.0..=180.0).contains(&lon) {
            return Err(format!("longitude {lon} must lie between -180 and 180"));
        }
        Ok(Coordinates { lat, lon })
    }
}

impl Serialize for Coordinates {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        [self.lat, self.lon].serialize(s)
    }
}

impl<'de> Deserialize<'de> for Coordinates {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Coordinates, D::Error> {
        // Read as a list, not `[f64; 2]`: toml fills a two-element array from a longer list
        // and drops the rest without a word.
        let pair = Vec::<f64>::deserialize(d)?;
        let [lat, lon] = pair[..] else {
            return Err(de::Error::invalid_length(
                pair.len(),
                &"an array of length 2",
            ));
        };
        Coordinates::new(lat, lon).map_err(de::Error::custom)
    }
}

impl JsonSchema for Coordinates {
    fn schema_name() -> String {
        "Coordinates".into()
    }
    fn json_schema(_: &mut schemars::r#gen::SchemaGenerator) -> schemars::schema::Schema {
        serde_json::from_value(serde_json::json!({
            "type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2,
            "description": "[latitude, longitude] in degrees"
        }))
        .expect("static schema")
    }
}

/// Why a number of km is not a distance ([`Km100::from_km`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum KmError {
    #[error("not a distance in km")]
    NotADistance,
    #[error("longer than half the earth's circumference")]
    TooLong,
    #[error("more than two decimals")]
    Decimals,
}

/// A one-way distance in hundredths of a kilometre, the precision the Commission's
/// calculator shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Km100(pub u64);

impl Km100 {
    /// Parses a TOML/JSON number of km; more than two decimals are refused rather than
    /// silently rounded.
    pub fn from_km(km: f64) -> Result<Km100, KmError> {
        if !km.is_finite() || km < 0.0 {
            return Err(KmError::NotADistance);
        }
        if km > 25_000.0 {
            return Err(KmError::TooLong);
        }
        let hundredths = (km * 100.0).round();
        if ((km * 100.0) - hundredths).abs() > 1e-6 {
            return Err(KmError::Decimals);
        }
        Ok(Km100(hundredths as u64))
    }

    pub fn whole_km(self) -> u64 {
        self.0 / 100
    }
}

impl fmt::Display for Km100 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:02}", self.0 / 100, self.0 % 100)
    }
}

impl Serialize for Km100 {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // A JSON number with two decimals; hundredths of a km are exact in f64 at this size.
        s.serialize_f64(self.0 as f64 / 100.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coordinates_with_a_third_number_are_refused_not_cut_short() {
        #[derive(Debug, Deserialize)]
        struct Place {
            at: Coordinates,
        }
        let p = toml::from_str::<Place>("at = [56.9496, 24.1052]").unwrap();
        assert_eq!((p.at.lat, p.at.lon), (56.9496, 24.1052));
        let e = toml::from_str::<Place>("at = [56.9496, 24.1052, 3.0]").unwrap_err();
        assert!(e.message().contains("an array of length 2"), "{e}");
        assert!(toml::from_str::<Place>("at = [56.9496]").is_err());
        assert!(serde_json::from_str::<Coordinates>("[56.9496, 24.1052, 3.0]").is_err());
    }

    #[test]
    fn kind_ids_round_trip() {
        for k in ActivityKind::ALL {
            assert_eq!(ActivityKind::from_id(k.id()), Some(*k));
        }
        assert_eq!(ActivityKind::from_id("holiday"), None);
    }

    #[test]
    fn country_codes_are_two_letters_upper_cased() {
        assert_eq!(Country::parse("lv").unwrap().as_str(), "LV");
        assert!(Country::parse("LVA").is_err());
        assert!(Country::parse("L1").is_err());
        assert!(Country::parse("Ā").is_err());
    }

    #[test]
    fn coordinates_must_be_on_the_globe() {
        assert!(Coordinates::new(56.95, 24.1).is_ok());
        assert!(Coordinates::new(91.0, 0.0).is_err());
        assert!(Coordinates::new(0.0, -181.0).is_err());
        assert!(Coordinates::new(f64::NAN, 0.0).is_err());
    }

    #[test]
    fn distances_keep_two_decimals_and_refuse_more() {
        assert_eq!(Km100::from_km(2630.5).unwrap(), Km100(263050));
        assert_eq!(Km100::from_km(99.99).unwrap().to_string(), "99.99");
        assert!(Km100::from_km(1.234).is_err());
        assert!(Km100::from_km(-1.0).is_err());
        assert!(Km100::from_km(f64::INFINITY).is_err());
    }

    #[test]
    fn confidence_orders_from_provisional_to_verified() {
        assert!(Confidence::P < Confidence::S && Confidence::S < Confidence::V);
        assert_eq!(
            [Confidence::V, Confidence::P, Confidence::S].iter().min(),
            Some(&Confidence::P)
        );
    }

    #[test]
    fn moments_accept_dates_and_offset_times() {
        assert!(matches!(Moment::parse("2026-02-10"), Ok(Moment::Day(_))));
        assert!(matches!(
            Moment::parse("2026-02-19T11:00:00+01:00"),
            Ok(Moment::At(_))
        ));
        assert!(Moment::parse("19.02.2026").is_err());
    }
}
