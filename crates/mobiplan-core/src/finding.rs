//! Findings: what the checker reports. A finding carries a stable rule ID, a severity, what it
//! concerns, a message key with typed arguments (the sentence is chosen in the reader's
//! language when shown), the field to fix, and the confidence of the rule values it used.

use std::borrow::Borrow;
use std::collections::BTreeSet;
use std::fmt;
use std::ops::Deref;
use std::sync::{Arc, Mutex};

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::money::Money;
use crate::rules::RuleId;
use crate::types::{ActivityKind, Confidence, Country, Field, Km100, Severity};

/// An immutable string that is cheap to clone: a `&'static str`, or text shared through an
/// `Arc` (rulebook sources, country groups, band labels, activity ids of a project and its budget).
///
/// Why: a budget explains each of its ~50 lines with texts that repeat (the source of a value,
/// the owner's id, the country group). Cloning a `String` for each costs an allocation and a
/// free per use, which dominated the calculator's time; cloning this is a copy or a reference
/// count. It reads like a `&str` (`Deref`, `Display`, comparisons with `str` and `String`) and
/// serialises as a plain JSON string.
#[derive(Clone)]
pub struct SharedStr(Repr);

#[derive(Clone)]
enum Repr {
    Static(&'static str),
    Shared(Arc<str>),
}

impl SharedStr {
    pub const fn from_static(s: &'static str) -> SharedStr {
        SharedStr(Repr::Static(s))
    }

    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Static(s) => s,
            Repr::Shared(s) => s,
        }
    }

    /// The text stored once for the whole process, shared by every rulebook that uses it:
    /// cloning the result is a plain copy, with no reference count to update (an atomic
    /// operation per clone and per drop, which was the largest cost left in a budget).
    ///
    /// Only for rulebook texts (sources, value paths, band labels, group names, deadlines):
    /// their number is bounded by the distinct texts of the rulebooks a process loads, a few
    /// kilobytes per edition, however often they are loaded. Never for texts of projects or
    /// rate profiles, which people edit.
    pub(crate) fn interned(s: &str) -> SharedStr {
        static INTERNED: Mutex<BTreeSet<&'static str>> = Mutex::new(BTreeSet::new());
        let mut set = INTERNED.lock().unwrap_or_else(|e| e.into_inner());
        let text = match set.get(s) {
            Some(&t) => t,
            None => {
                let t: &'static str = Box::leak(Box::from(s));
                set.insert(t);
                t
            }
        };
        SharedStr(Repr::Static(text))
    }

    /// Deserialises a rulebook text as [`SharedStr::interned`].
    pub(crate) fn deserialize_interned<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<SharedStr, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Ok(SharedStr::interned(&text))
    }
}

impl Default for SharedStr {
    fn default() -> SharedStr {
        SharedStr::from_static("")
    }
}

impl Deref for SharedStr {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for SharedStr {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl Borrow<str> for SharedStr {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl From<&str> for SharedStr {
    fn from(s: &str) -> SharedStr {
        SharedStr(Repr::Shared(Arc::from(s)))
    }
}

impl From<String> for SharedStr {
    fn from(s: String) -> SharedStr {
        SharedStr(Repr::Shared(Arc::from(s)))
    }
}

impl From<Arc<str>> for SharedStr {
    fn from(s: Arc<str>) -> SharedStr {
        SharedStr(Repr::Shared(s))
    }
}

impl From<SharedStr> for String {
    fn from(s: SharedStr) -> String {
        s.as_str().to_owned()
    }
}

impl PartialEq for SharedStr {
    fn eq(&self, other: &SharedStr) -> bool {
        self.as_str() == other.as_str()
    }
}
impl Eq for SharedStr {}

impl PartialEq<str> for SharedStr {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}
impl PartialEq<&str> for SharedStr {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}
impl PartialEq<String> for SharedStr {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other.as_str()
    }
}
impl PartialEq<SharedStr> for str {
    fn eq(&self, other: &SharedStr) -> bool {
        self == other.as_str()
    }
}
impl PartialEq<SharedStr> for &str {
    fn eq(&self, other: &SharedStr) -> bool {
        *self == other.as_str()
    }
}
impl PartialEq<SharedStr> for String {
    fn eq(&self, other: &SharedStr) -> bool {
        self.as_str() == other.as_str()
    }
}

impl PartialOrd for SharedStr {
    fn partial_cmp(&self, other: &SharedStr) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for SharedStr {
    fn cmp(&self, other: &SharedStr) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}
impl std::hash::Hash for SharedStr {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.as_str().hash(h)
    }
}

/// Like a `str`: quoted, so that `Debug` output reads as it did with `String`.
impl fmt::Debug for SharedStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for SharedStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for SharedStr {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for SharedStr {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<SharedStr, D::Error> {
        String::deserialize(d).map(SharedStr::from)
    }
}

/// What a finding is about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Subject {
    Project,
    Activity { index: usize, id: String },
    Visit { index: usize, id: String },
    Person { id: String },
}

/// A message argument, typed so that each language can format it its own way.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Arg {
    Int(i64),
    /// Plain text or an identifier; shared so that repeated texts cost no allocation.
    Text(SharedStr),
    Date(NaiveDate),
    Money(Money),
    Km(Km100),
    Kind(ActivityKind),
    Field(Field),
    Country(Country),
    /// A list of plain words or ids.
    List(Vec<String>),
    /// An activity of the project: people read its title (its kind when it has none); JSON
    /// gets its id, which stays machine-readable.
    Activity(ActivityName),
    Activities(Vec<ActivityName>),
}

/// What a message needs to name an activity as people call it, without the language: the
/// translation files name a kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActivityName {
    pub id: SharedStr,
    pub title: Option<String>,
    pub kind: ActivityKind,
}

impl From<&crate::project::Activity> for ActivityName {
    fn from(a: &crate::project::Activity) -> ActivityName {
        ActivityName {
            id: a.id.clone(),
            title: a.title.clone(),
            kind: a.kind,
        }
    }
}

impl From<&crate::project::Activity> for Arg {
    fn from(a: &crate::project::Activity) -> Arg {
        Arg::Activity(a.into())
    }
}

impl Serialize for Arg {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Arg::Int(i) => s.serialize_i64(*i),
            Arg::Text(t) => s.serialize_str(t),
            Arg::Date(d) => s.serialize_str(&d.format("%Y-%m-%d").to_string()),
            Arg::Money(m) => m.serialize(s),
            Arg::Km(k) => k.serialize(s),
            Arg::Kind(k) => s.serialize_str(k.id()),
            Arg::Field(f) => s.serialize_str(f.as_str()),
            Arg::Country(c) => s.serialize_str(c.as_str()),
            Arg::List(l) => l.serialize(s),
            Arg::Activity(a) => s.serialize_str(&a.id),
            Arg::Activities(l) => s.collect_seq(l.iter().map(|a| &*a.id)),
        }
    }
}

impl From<u32> for Arg {
    fn from(v: u32) -> Arg {
        Arg::Int(v.into())
    }
}
impl From<u16> for Arg {
    fn from(v: u16) -> Arg {
        Arg::Int(v.into())
    }
}
impl From<Vec<String>> for Arg {
    fn from(v: Vec<String>) -> Arg {
        Arg::List(v)
    }
}
impl From<i64> for Arg {
    fn from(v: i64) -> Arg {
        Arg::Int(v)
    }
}
impl From<usize> for Arg {
    fn from(v: usize) -> Arg {
        Arg::Int(v as i64)
    }
}
impl From<&str> for Arg {
    fn from(v: &str) -> Arg {
        Arg::Text(v.into())
    }
}
impl From<String> for Arg {
    fn from(v: String) -> Arg {
        Arg::Text(v.into())
    }
}
impl From<SharedStr> for Arg {
    fn from(v: SharedStr) -> Arg {
        Arg::Text(v)
    }
}
impl From<NaiveDate> for Arg {
    fn from(v: NaiveDate) -> Arg {
        Arg::Date(v)
    }
}
impl From<Money> for Arg {
    fn from(v: Money) -> Arg {
        Arg::Money(v)
    }
}
impl From<Km100> for Arg {
    fn from(v: Km100) -> Arg {
        Arg::Km(v)
    }
}
impl From<ActivityKind> for Arg {
    fn from(v: ActivityKind) -> Arg {
        Arg::Kind(v)
    }
}
impl From<Field> for Arg {
    fn from(v: Field) -> Arg {
        Arg::Field(v)
    }
}
impl From<Country> for Arg {
    fn from(v: Country) -> Arg {
        Arg::Country(v)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Finding {
    pub rule: RuleId,
    pub severity: Severity,
    pub subject: Subject,
    /// The message key in the translation files: `finding.<RULE>` or `finding.<RULE>.<variant>`.
    /// Static: every key is written in the checker, so none is built per finding.
    pub key: &'static str,
    #[serde(serialize_with = "serialize_args")]
    pub args: Vec<(&'static str, Arg)>,
    /// The least certain confidence among the rule and the values it used.
    pub confidence: Confidence,
    /// The field to fix, as a path in the project file (`activities[1].travel.days`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

fn serialize_args<S: Serializer>(args: &[(&'static str, Arg)], s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut m = s.serialize_map(Some(args.len()))?;
    for (k, v) in args {
        m.serialize_entry(k, v)?;
    }
    m.end()
}

impl Finding {
    pub fn arg(&self, name: &str) -> Option<&Arg> {
        self.args.iter().find(|(k, _)| *k == name).map(|(_, v)| v)
    }
}
