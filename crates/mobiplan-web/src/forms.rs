//! HTML form bodies ⇄ the project file types. A form is a list of (name, value) pairs; what
//! cannot be read becomes a field error naming the input, and the user's text is kept so the
//! page can show it again.

use mobiplan_core::budget::Category;
use mobiplan_core::money::Money;
use mobiplan_core::project::RealCostKind;
use mobiplan_core::project::file::{
    Accompanying, Activity, Course, Means, Objective, Organisation, Participants, Person,
    PreparatoryVisit, ProjectFile, QualityArea, RealCost, Travel, Venue,
};
use mobiplan_core::tracking::file::{ActivityRecord, Implementation, TravelActual, VisitRecord};
use mobiplan_core::tracking::{Document, Status};
use mobiplan_core::types::{ActivityKind, Coordinates, Country, Date, Field, Role};

/// A submitted form.
pub struct FormData(pub Vec<(String, String)>);

/// A problem with one input: its `name` (the HTML id links to it) and a message key with args.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldError {
    pub name: String,
    pub key: &'static str,
    pub value: String,
}

impl FormData {
    pub fn parse(body: &[u8]) -> FormData {
        FormData(serde_urlencoded::from_bytes(body).unwrap_or_default())
    }

    /// The trimmed value, if present and not empty.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    }

    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
            .collect()
    }

    pub fn flag(&self, name: &str) -> bool {
        self.get(name).is_some_and(|v| v != "0" && v != "false")
    }
}

/// The HTML of one form of a page, read the way a browser submits it.
///
/// Why the server reads its own HTML: a person's change is the difference between what their
/// form *showed* and what it *posted*. The form as shown for a stored version is exactly what
/// the page renders for that version, so reading it back from the rendering (rather than from
/// a second, hand-kept list of what each form shows) means no form can write a field it does
/// not show, or one its person did not change: a time of day the date input drops, persons of
/// a role the form does not list, keys the form does not know.
pub mod html_form {
    use super::FormData;

    /// Decodes the entities maud and HTML text use.
    fn unescape(s: &str) -> String {
        if !s.contains('&') {
            return s.to_owned();
        }
        let mut out = String::with_capacity(s.len());
        let mut rest = s;
        while let Some(i) = rest.find('&') {
            out.push_str(&rest[..i]);
            let after = &rest[i..];
            let end = after.find(';').filter(|e| *e <= 10);
            let decoded = end.and_then(|e| {
                let name = &after[1..e];
                let c = match name {
                    "amp" => Some('&'),
                    "lt" => Some('<'),
                    "gt" => Some('>'),
                    "quot" => Some('"'),
                    "apos" => Some('\''),
                    _ => name
                        .strip_prefix("#x")
                        .or_else(|| name.strip_prefix("#X"))
                        .and_then(|h| u32::from_str_radix(h, 16).ok())
                        .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
                        .and_then(char::from_u32),
                }?;
                Some((c, e + 1))
            });
            match decoded {
                Some((c, len)) => {
                    out.push(c);
                    rest = &after[len..];
                }
                None => {
                    out.push('&');
                    rest = &after[1..];
                }
            }
        }
        out.push_str(rest);
        out
    }

    /// A start tag: its name and attributes (`None`: a boolean attribute).
    struct Tag {
        name: String,
        attrs: Vec<(String, Option<String>)>,
        /// Byte offset just after the tag's `>`.
        end: usize,
    }

    impl Tag {
        fn attr(&self, name: &str) -> Option<&str> {
            self.attrs
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.as_deref().unwrap_or(""))
        }
        fn has(&self, name: &str) -> bool {
            self.attrs.iter().any(|(n, _)| n == name)
        }
    }

    /// The start tag at `at` (which is a `<`), if it is one.
    fn tag_at(html: &str, at: usize) -> Option<Tag> {
        let b = html.as_bytes();
        let mut i = at + 1;
        let start = i;
        while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'-') {
            i += 1;
        }
        if i == start {
            return None;
        }
        let name = html[start..i].to_ascii_lowercase();
        let mut attrs = Vec::new();
        loop {
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            if i >= b.len() {
                return None;
            }
            if b[i] == b'>' {
                return Some(Tag {
                    name,
                    attrs,
                    end: i + 1,
                });
            }
            if b[i] == b'/' {
                i += 1;
                continue;
            }
            let n0 = i;
            while i < b.len() && !b[i].is_ascii_whitespace() && !matches!(b[i], b'=' | b'>' | b'/')
            {
                i += 1;
            }
            let attr = html[n0..i].to_ascii_lowercase();
            if i < b.len() && b[i] == b'=' {
                i += 1;
                let value = if i < b.len() && (b[i] == b'"' || b[i] == b'\'') {
                    let q = b[i];
                    let v0 = i + 1;
                    let len = html[v0..].bytes().position(|c| c == q)?;
                    i = v0 + len + 1;
                    &html[v0..v0 + len]
                } else {
                    let v0 = i;
                    while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                        i += 1;
                    }
                    &html[v0..i]
                };
                attrs.push((attr, Some(unescape(value))));
            } else {
                attrs.push((attr, None));
            }
        }
    }

    /// One control of a form: a text-like input, a select or a text area (`checkable`
    /// false: its `value` is submitted), or a checkbox or radio button (submitted with its
    /// `value` only when `checked`).
    #[derive(Clone, Debug, PartialEq)]
    pub struct Control {
        pub name: String,
        pub value: String,
        pub checkable: bool,
        pub checked: bool,
    }

    impl Control {
        /// Which control this is, across renderings of the same form for other versions: a
        /// checkbox by its name and value, another control by its name (and its place among
        /// controls of that name).
        fn same(&self, other: &Control) -> bool {
            self.name == other.name
                && self.checkable == other.checkable
                && (!self.checkable || self.value == other.value)
        }
    }

    /// The controls of the form whose `action` is `action`, in order (buttons left out); a
    /// select's value is its chosen option (or its first). `None` when the page has no such
    /// form.
    pub fn controls(html: &str, action: &str) -> Option<Vec<Control>> {
        let mut pos = 0;
        let body = loop {
            let at = pos + html[pos..].find("<form")?;
            let tag = tag_at(html, at)?;
            if tag.attr("action") == Some(action) {
                let close = html[tag.end..].find("</form>")? + tag.end;
                break &html[tag.end..close];
            }
            pos = tag.end;
        };
        let mut out = Vec::new();
        let mut select: Option<(String, Option<String>, bool)> = None; // name, first, chosen
        let plain = |name: &str, value: String| Control {
            name: name.to_owned(),
            value,
            checkable: false,
            checked: false,
        };
        let mut pos = 0;
        while let Some(off) = body[pos..].find('<') {
            let at = pos + off;
            if body[at..].starts_with("</select") {
                if let Some((name, first, chosen)) = select.take()
                    && !chosen
                    && let Some(v) = first
                {
                    out.push(plain(&name, v));
                }
                pos = at + 1;
                continue;
            }
            let Some(tag) = tag_at(body, at) else {
                pos = at + 1;
                continue;
            };
            pos = tag.end;
            match tag.name.as_str() {
                "input" => {
                    let Some(name) = tag.attr("name") else {
                        continue;
                    };
                    let kind = tag.attr("type").unwrap_or("text").to_ascii_lowercase();
                    match kind.as_str() {
                        "submit" | "button" | "reset" | "image" | "file" => {}
                        "checkbox" | "radio" => out.push(Control {
                            name: name.to_owned(),
                            value: tag.attr("value").unwrap_or("on").to_owned(),
                            checkable: true,
                            checked: tag.has("checked"),
                        }),
                        _ => out.push(plain(name, tag.attr("value").unwrap_or("").to_owned())),
                    }
                }
                "select" => {
                    if let Some(name) = tag.attr("name") {
                        select = Some((name.to_owned(), None, false));
                    }
                }
                "option" => {
                    if let Some((name, first, chosen)) = &mut select {
                        let value = match tag.attr("value") {
                            Some(v) => v.to_owned(),
                            None => {
                                let text_end =
                                    body[pos..].find('<').map_or(body.len(), |e| pos + e);
                                unescape(body[pos..text_end].trim())
                            }
                        };
                        if first.is_none() {
                            *first = Some(value.clone());
                        }
                        if tag.has("selected") && !*chosen {
                            *chosen = true;
                            out.push(plain(name, value));
                        }
                    }
                }
                "textarea" => {
                    let end = body[pos..]
                        .find("</textarea")
                        .map_or(body.len(), |e| pos + e);
                    if let Some(name) = tag.attr("name") {
                        let text = &body[pos..end];
                        // Browsers drop one newline right after the start tag.
                        let text = text.strip_prefix('\n').unwrap_or(text);
                        out.push(plain(name, unescape(text)));
                    }
                    pos = end;
                }
                _ => {}
            }
        }
        Some(out)
    }

    /// What a browser submits for these controls.
    pub fn submitted(controls: &[Control]) -> FormData {
        FormData(
            controls
                .iter()
                .filter(|c| !c.checkable || c.checked)
                .map(|c| (c.name.clone(), c.value.clone()))
                .collect(),
        )
    }

    /// The fields of the form whose `action` is `action`, as the browser would submit them
    /// (without any button). `None` when the page has no such form.
    pub fn fields(html: &str, action: &str) -> Option<FormData> {
        controls(html, action).map(|c| submitted(&c))
    }

    /// The form a person has, shown with the values of a newer version: the controls of their
    /// page (`theirs`, rendered when the page was loaded) each with its state in `now` (the
    /// same form rendered for the newer version), or as loaded where `now` no longer has it.
    /// Controls only `now` has (a row or a checkbox for something added meanwhile) are not in
    /// the person's form, so they cannot be changes of theirs.
    pub fn on_structure(theirs: &[Control], now: &[Control]) -> Vec<Control> {
        let mut used = vec![false; now.len()];
        theirs
            .iter()
            .map(|c| {
                let found = now
                    .iter()
                    .enumerate()
                    .find(|(i, n)| !used[*i] && c.same(n))
                    .map(|(i, n)| (i, n.clone()));
                match found {
                    Some((i, n)) => {
                        used[i] = true;
                        n
                    }
                    None => c.clone(),
                }
            })
            .collect()
    }

    /// `html` with `insert` placed first inside the form whose `action` is `action` (the page
    /// unchanged when it has no such form).
    pub fn insert_into(html: &str, action: &str, insert: &str) -> String {
        let mut pos = 0;
        while let Some(off) = html[pos..].find("<form") {
            let at = pos + off;
            let Some(tag) = tag_at(html, at) else { break };
            if tag.attr("action") == Some(action) {
                let mut out = String::with_capacity(html.len() + insert.len());
                out.push_str(&html[..tag.end]);
                out.push_str(insert);
                out.push_str(&html[tag.end..]);
                return out;
            }
            pos = tag.end;
        }
        html.to_owned()
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn reads_a_form_as_a_browser_submits_it() {
            let page = r#"<form method="post" action="/other"><input name="x" value="no"></form>
<form method="post" action="/p/1?a=1&amp;b=2" data-autosave novalidate>
<input type="hidden" name="version" value="7">
<input type="text" id="title" name="title" value="Caf&eacute; &quot;Ā&quot; &amp; co">
<input type="checkbox" name="names" value="anna" checked>
<input type="checkbox" name="names" value="juris">
<input type="radio" name="r" value="a"><input type="radio" name="r" value="b" checked>
<select name="country"><option value="">–</option><option value="LV" selected>Latvia</option></select>
<select name="first"><option value="a">A</option><option value="b">B</option></select>
<select name="novalue"><option>Text &amp; more</option></select>
<textarea name="t">
line 1
&lt;b&gt;</textarea>
<button type="submit" name="go" value="1">Save</button><input type="submit" name="s" value="S">
</form>"#;
            let f = fields(page, "/p/1?a=1&b=2").unwrap();
            let pairs: Vec<(&str, &str)> =
                f.0.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            assert_eq!(
                pairs,
                [
                    ("version", "7"),
                    ("title", "Caf&eacute; \"Ā\" & co"),
                    ("names", "anna"),
                    ("r", "b"),
                    ("country", "LV"),
                    ("first", "a"),
                    ("novalue", "Text & more"),
                    ("t", "line 1\n<b>"),
                ]
            );
            assert!(fields(page, "/none").is_none());
        }

        #[test]
        fn a_form_loaded_earlier_takes_newer_values_but_keeps_its_own_controls() {
            let loaded = r#"<form action="/a"><input name="title" value="Old">
<input type="checkbox" name="names" value="anna" checked><input type="checkbox" name="names" value="juris">
<input name="person_1_id" value="juris"></form>"#;
            // Meanwhile: a new title, juris named, a new checkbox (zane, named too), juris's row gone.
            let newer = r#"<form action="/a"><input name="title" value="New">
<input type="checkbox" name="names" value="anna" checked><input type="checkbox" name="names" value="juris" checked>
<input type="checkbox" name="names" value="zane" checked></form>"#;
            let merged = on_structure(
                &controls(loaded, "/a").unwrap(),
                &controls(newer, "/a").unwrap(),
            );
            let f = submitted(&merged);
            let pairs: Vec<(&str, &str)> =
                f.0.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            assert_eq!(
                pairs,
                [
                    ("title", "New"),
                    ("names", "anna"),
                    ("names", "juris"),
                    ("person_1_id", "juris")
                ]
            );
        }

        #[test]
        fn inserts_first_inside_the_named_form() {
            let page =
                r#"<form action="/a"><i></i></form><form action="/b" class="x"><i></i></form>"#;
            assert_eq!(
                insert_into(page, "/b", "<p>!</p>"),
                r#"<form action="/a"><i></i></form><form action="/b" class="x"><p>!</p><i></i></form>"#
            );
            assert_eq!(insert_into(page, "/c", "<p>!</p>"), page);
        }
    }
}

/// Reads typed values and collects every problem.
pub struct Reader<'a> {
    pub form: &'a FormData,
    pub errors: Vec<FieldError>,
}

impl<'a> Reader<'a> {
    pub fn new(form: &'a FormData) -> Reader<'a> {
        Reader {
            form,
            errors: Vec::new(),
        }
    }

    pub fn fail(&mut self, name: &str, key: &'static str) {
        self.errors.push(FieldError {
            name: name.to_owned(),
            key,
            value: self.form.get(name).unwrap_or("").to_owned(),
        });
    }

    pub fn text(&mut self, name: &str) -> String {
        match self.form.get(name) {
            Some(v) => v.to_owned(),
            None => {
                self.fail(name, "web.error.required");
                String::new()
            }
        }
    }

    pub fn opt_text(&self, name: &str) -> Option<String> {
        self.form.get(name).map(str::to_owned)
    }

    pub fn parsed<T: std::str::FromStr>(&mut self, name: &str, key: &'static str) -> Option<T> {
        let v = self.form.get(name)?;
        match v.parse() {
            Ok(x) => Some(x),
            Err(_) => {
                self.fail(name, key);
                None
            }
        }
    }

    pub fn number(&mut self, name: &str) -> Option<u32> {
        self.parsed(name, "web.error.number")
    }

    pub fn required_number(&mut self, name: &str) -> u32 {
        if self.form.get(name).is_none() {
            self.fail(name, "web.error.required");
            return 0;
        }
        self.number(name).unwrap_or(0)
    }

    pub fn date(&mut self, name: &str) -> Option<Date> {
        let v = self.form.get(name)?;
        match chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d") {
            Ok(d) => Some(Date(d)),
            Err(_) => {
                self.fail(name, "web.error.date");
                None
            }
        }
    }

    pub fn required_date(&mut self, name: &str) -> Date {
        if self.form.get(name).is_none() {
            self.fail(name, "web.error.required");
        }
        // The placeholder never reaches the store: a form with errors is not saved.
        self.date(name)
            .unwrap_or(Date(chrono::NaiveDate::default()))
    }

    pub fn country(&mut self, name: &str) -> Country {
        match self.form.get(name).map(Country::parse) {
            Some(Ok(c)) => c,
            Some(Err(_)) => {
                self.fail(name, "web.error.country");
                Country::UNKNOWN
            }
            None => {
                self.fail(name, "web.error.country");
                Country::UNKNOWN
            }
        }
    }

    /// A status from a select; a missing one is required.
    pub fn status(&mut self, name: &str) -> Status {
        match self.form.get(name).map(Status::parse) {
            Some(Some(s)) => s,
            Some(None) => {
                self.fail(name, "web.error.status");
                Status::Planned
            }
            None => {
                self.fail(name, "web.error.required");
                Status::Planned
            }
        }
    }

    pub fn money(&mut self, name: &str) -> Option<Money> {
        let v = self.form.get(name)?.replace(',', ".").replace(' ', "");
        match Money::parse_euros(&v) {
            Ok(m) => Some(m),
            Err(_) => {
                self.fail(name, "web.error.money");
                None
            }
        }
    }

    pub fn km(&mut self, name: &str) -> Option<f64> {
        let v = self.form.get(name)?.replace(',', ".");
        // The core's own rule for a distance (finite, on this earth, two decimals at most),
        // so that what the form accepts is what the project file can hold.
        match v.parse::<f64>() {
            Ok(x) if mobiplan_core::types::Km100::from_km(x).is_ok() => Some(x),
            _ => {
                self.fail(name, "web.error.distance");
                None
            }
        }
    }

    pub fn coordinates(&mut self, lat: &str, lon: &str) -> Option<Coordinates> {
        let (a, b) = (self.form.get(lat), self.form.get(lon));
        if a.is_none() && b.is_none() {
            return None;
        }
        let la = a.and_then(|v| v.replace(',', ".").parse::<f64>().ok());
        let lo = b.and_then(|v| v.replace(',', ".").parse::<f64>().ok());
        match (la, lo) {
            (Some(la), Some(lo)) => match Coordinates::new(la, lo) {
                Ok(c) => Some(c),
                Err(_) => {
                    self.fail(lat, "web.error.coordinates");
                    None
                }
            },
            _ => {
                self.fail(
                    if la.is_none() { lat } else { lon },
                    "web.error.coordinates",
                );
                None
            }
        }
    }

    /// An organisation ID: E and 8 digits, as the registration asks (case is not a mistake).
    pub fn oid(&mut self, name: &str) -> Option<String> {
        let oid = self.opt_text(name).map(|o| o.to_uppercase());
        if oid
            .as_deref()
            .is_some_and(|o| !crate::handlers::accounts::valid_oid(o))
        {
            self.fail(name, "web.acc.oid-invalid");
        }
        oid
    }

    pub fn organisation(&mut self, prefix: &str) -> Organisation {
        Organisation {
            name: self.text(&format!("{prefix}_name")),
            oid: self.oid(&format!("{prefix}_oid")),
            country: self.country(&format!("{prefix}_country")),
            town: self.opt_text(&format!("{prefix}_town")),
            coordinates: self.coordinates(&format!("{prefix}_lat"), &format!("{prefix}_lon")),
            related_to_sender: self.form.flag(&format!("{prefix}_related")),
        }
    }

    /// An organisation whose fields may all be left empty.
    pub fn opt_organisation(&mut self, prefix: &str) -> Option<Organisation> {
        let any = ["name", "oid", "country", "town", "lat", "lon"]
            .iter()
            .any(|f| self.form.get(&format!("{prefix}_{f}")).is_some());
        any.then(|| self.organisation(prefix))
    }

    pub fn participants(&mut self, prefix: &str) -> Participants {
        let names: Vec<String> = self
            .form
            .all(&format!("{prefix}_names"))
            .into_iter()
            .map(str::to_owned)
            .collect();
        if !names.is_empty() {
            return Participants {
                names: Some(names),
                ..Default::default()
            };
        }
        let count_name = format!("{prefix}_count");
        Participants {
            count: Some(self.required_number(&count_name)),
            fewer_opportunities: self.number(&format!("{prefix}_fewer")).filter(|n| *n > 0),
            minors: self.number(&format!("{prefix}_minors")).filter(|n| *n > 0),
            names: None,
        }
    }
}

fn parse_id<T: serde::de::DeserializeOwned>(id: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(id.to_owned())).ok()
}

pub fn field(v: &str) -> Option<Field> {
    parse_id(v)
}
pub fn kind(v: &str) -> Option<ActivityKind> {
    ActivityKind::from_id(v)
}
pub fn role(v: &str) -> Option<Role> {
    parse_id(v)
}
pub fn means(v: &str) -> Option<Means> {
    parse_id(v)
}
pub fn venue(v: &str) -> Option<Venue> {
    parse_id(v)
}
pub fn quality(v: &str) -> Option<QualityArea> {
    parse_id(v)
}
pub fn real_cost_kind(v: &str) -> Option<RealCostKind> {
    parse_id(v)
}

/// The ASCII letter of a lower-case Latvian letter with a diacritic (`ā` → `a`).
pub fn latvian_ascii(c: char) -> Option<char> {
    Some(match c {
        'ā' => 'a',
        'č' => 'c',
        'ē' => 'e',
        'ģ' => 'g',
        'ī' => 'i',
        'ķ' => 'k',
        'ļ' => 'l',
        'ņ' => 'n',
        'š' => 's',
        'ū' => 'u',
        'ž' => 'z',
        _ => return None,
    })
}

/// A short, unique id derived from a name ("Anna Bērziņa" → "anna-berzina").
pub fn slug(name: &str, taken: &[String]) -> String {
    let mut base: String = name
        .chars()
        .flat_map(char::to_lowercase)
        .map(|c| match latvian_ascii(c) {
            Some(a) => a,
            None if c.is_ascii_alphanumeric() => c,
            None => '-',
        })
        .collect();
    base = base
        .split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    base.truncate(40);
    if base.is_empty() {
        base = "item".into();
    }
    let mut candidate = base.clone();
    let mut n = 2;
    while taken.contains(&candidate) {
        candidate = format!("{base}-{n}");
        n += 1;
    }
    candidate
}

/// The project and applicant section.
pub fn read_details(form: &FormData, doc: &mut ProjectFile) -> Vec<FieldError> {
    let mut r = Reader::new(form);
    doc.project.title = r.text("title");
    match form.get("field").and_then(field) {
        Some(f) => doc.project.field = f,
        None => r.fail("field", "web.error.required"),
    }
    doc.project.call_year = r.required_number("call_year").min(u32::from(u16::MAX)) as u16;
    doc.project.round = r.number("round").unwrap_or(1).clamp(1, 255) as u8;
    doc.project.start = r.required_date("start");
    doc.project.duration_months = r.required_number("duration_months");
    doc.project.application_date = match form.get("application_date") {
        Some(v) => match mobiplan_core::types::Moment::parse(v) {
            Ok(m) => Some(m),
            Err(_) => {
                r.fail("application_date", "web.error.date");
                None
            }
        },
        None => None,
    };
    let a = &mut doc.applicant;
    a.name = r.text("applicant_name");
    // The same shape the organisation's registration asks at setup.
    a.oid = r.oid("applicant_oid");
    a.country = r.country("applicant_country");
    a.town = r.opt_text("applicant_town");
    a.coordinates = r.coordinates("applicant_lat", "applicant_lon");
    a.accreditations = form
        .all("accreditations")
        .into_iter()
        .filter_map(field)
        .collect();
    let mut grants = Vec::new();
    for i in 0..20 {
        let (field_name, year_name) = (format!("grant_{i}_field"), format!("grant_{i}_year"));
        if form.get(&field_name).is_none() && form.get(&year_name).is_none() {
            continue;
        }
        // A half-filled row is an error, not dropped; it stays in its place (with a stand-in
        // that is never saved, since the form has errors) so the page shows it where it was.
        let f = match form.get(&field_name).map(field) {
            Some(Some(f)) => f,
            _ => {
                r.fail(&field_name, "web.error.required");
                Field::SCH
            }
        };
        let y = if form.get(&year_name).is_some() {
            r.number(&year_name)
        } else {
            r.fail(&year_name, "web.error.required");
            None
        };
        grants.push(mobiplan_core::project::file::EarlierGrant {
            field: f,
            call_year: y.unwrap_or(0).min(u32::from(u16::MAX)) as u16,
            round: r
                .number(&format!("grant_{i}_round"))
                .unwrap_or(1)
                .clamp(1, 255) as u8,
        });
    }
    a.earlier_grants = grants;
    r.errors
}

/// A new project from the short "new project" form.
pub fn read_new_project(form: &FormData) -> (ProjectFile, Vec<FieldError>) {
    let mut doc = ProjectFile {
        format: mobiplan_core::project::FORMAT_VERSION,
        project: mobiplan_core::project::file::ProjectSection {
            title: String::new(),
            field: Field::SCH,
            call_year: 0,
            round: 1,
            start: Date(chrono::NaiveDate::default()),
            duration_months: 12,
            application_date: None,
        },
        applicant: mobiplan_core::project::file::Applicant {
            name: String::new(),
            oid: None,
            country: Country::UNKNOWN,
            town: None,
            coordinates: None,
            accreditations: vec![],
            earlier_grants: vec![],
        },
        people: vec![],
        activities: vec![],
        preparatory_visits: vec![],
        application: None,
        implementation: None,
    };
    let errors = read_details(form, &mut doc);
    (doc, errors)
}

/// The people section: a row per person named by their id (`person_anna_name`, in the order
/// of the hidden `person_anna_id` fields), then blank rows for new people (`new_0_name`…).
pub fn read_people(form: &FormData, doc: &mut ProjectFile) -> Vec<FieldError> {
    let mut r = Reader::new(form);
    let mut rows: Vec<(String, Option<String>)> = form
        .0
        .iter()
        .filter_map(|(k, v)| {
            let id = k.strip_prefix("person_")?.strip_suffix("_id")?;
            (id == v.trim()).then(|| (format!("person_{id}"), Some(id.to_owned())))
        })
        .collect();
    rows.extend((0..200).map(|k| (format!("new_{k}"), None)));
    let mut people: Vec<Person> = Vec::new();
    for (key, id) in rows {
        let name = form.get(&format!("{key}_name"));
        if name.is_none() && id.is_none() {
            continue;
        }
        if form.flag(&format!("{key}_remove")) {
            continue;
        }
        // A cleared name is an error; the person keeps their row (never saved like this) so
        // the page shows the error on that person.
        let name = name.unwrap_or_else(|| {
            r.fail(&format!("{key}_name"), "web.error.required");
            ""
        });
        let taken: Vec<String> = people
            .iter()
            .map(|p| p.id.clone())
            .chain(doc.people.iter().map(|p| p.id.clone()))
            .collect();
        let id = id.unwrap_or_else(|| slug(name, &taken));
        let role = form
            .get(&format!("{key}_role"))
            .and_then(role)
            .unwrap_or(Role::Staff);
        people.push(Person {
            id,
            name: name.to_owned(),
            role,
            fewer_opportunities: form.flag(&format!("{key}_fewer")),
            minor: form.flag(&format!("{key}_minor")),
            vet_graduation: r.date(&format!("{key}_graduation")),
        });
    }
    doc.people = people;
    r.errors
}

/// One activity from its editor.
pub fn read_activity(form: &FormData, id: &str, kind: ActivityKind) -> (Activity, Vec<FieldError>) {
    let mut r = Reader::new(form);
    let incoming = kind.is_incoming();
    let host = if incoming {
        r.opt_organisation("host")
    } else {
        Some(r.organisation("host"))
    };
    let from = if incoming {
        Some(r.organisation("from"))
    } else {
        None
    };
    let participants = r.participants("participants");
    let mut accompanying = Vec::new();
    for i in 0..20 {
        let person = form.get(&format!("acc_{i}_person")).map(str::to_owned);
        let count = r.number(&format!("acc_{i}_count")).filter(|n| *n > 0);
        if person.is_none() && count.is_none() {
            continue;
        }
        accompanying.push(Accompanying {
            count: if person.is_some() { None } else { count },
            person,
            fewer_opportunities: None,
            days: r.number(&format!("acc_{i}_days")).filter(|d| *d > 0),
        });
    }
    let travel = (kind != ActivityKind::HostingTeacherInTraining).then(|| Travel {
        distance_km: r.km("travel_distance_km"),
        green: form.flag("travel_green"),
        means: form.get("travel_means").and_then(means),
        means_description: r.opt_text("travel_means_description"),
        days: r.number("travel_days").unwrap_or(0),
        departure: r.date("travel_departure"),
        return_date: r.date("travel_return"),
        expensive_real_cost: r.money("travel_expensive_real_cost"),
    });
    let course = (kind == ActivityKind::Course).then(|| Course {
        provider: r.text("course_provider"),
        title: r.text("course_title"),
        fee_days: r.number("course_fee_days"),
        quality: form
            .all("course_quality")
            .into_iter()
            .filter_map(quality)
            .collect(),
    });
    let mut real_costs = Vec::new();
    for i in 0..20 {
        let description = form.get(&format!("cost_{i}_description"));
        let amount_name = format!("cost_{i}_amount");
        if description.is_none() && form.get(&amount_name).is_none() {
            continue;
        }
        let kind = form
            .get(&format!("cost_{i}_kind"))
            .and_then(real_cost_kind)
            .unwrap_or(RealCostKind::Inclusion);
        let amount = r.money(&amount_name);
        if amount.is_none() && form.get(&amount_name).is_none() {
            r.fail(&amount_name, "web.error.required");
        }
        real_costs.push(RealCost {
            kind,
            description: r.text(&format!("cost_{i}_description")),
            amount: amount.unwrap_or(Money::ZERO),
            justification: r.opt_text(&format!("cost_{i}_justification")),
        });
    }
    let activity = Activity {
        id: id.to_owned(),
        kind,
        title: r.opt_text("title"),
        start: r.required_date("start"),
        end: r.required_date("end"),
        blended: form.flag("blended"),
        venue: form
            .get("venue")
            .and_then(venue)
            .filter(|v| *v != Venue::Host),
        host,
        from,
        participants,
        accompanying,
        travel,
        course,
        mentor: (kind == ActivityKind::JobShadowing)
            .then(|| r.opt_text("mentor"))
            .flatten(),
        host_learners: (kind == ActivityKind::GroupMobility)
            .then(|| r.number("host_learners"))
            .flatten(),
        linguistic_support: form.flag("linguistic_support"),
        fewer_opportunities_justification: r.opt_text("fewer_opportunities_justification"),
        recognition: long_text(form, "recognition"),
        real_costs,
        objectives: form
            .all("objectives")
            .into_iter()
            .map(str::to_owned)
            .collect(),
        learning_outcomes: long_text(form, "learning_outcomes"),
        selection: long_text(form, "selection"),
        preparation: long_text(form, "preparation"),
        support: long_text(form, "support"),
    };
    (activity, r.errors)
}

/// A long text as the person wrote it. Browsers send a textarea's line breaks as CR LF; they
/// are kept as LF (as the file holds them), so that a text nobody touched reads back equal to
/// the stored one and is not taken for a change.
pub fn long_text(form: &FormData, name: &str) -> Option<String> {
    form.get(name).map(|v| v.replace("\r\n", "\n"))
}

/// The texts of a narrative section of the application onto the document.
pub fn read_section(
    section: &crate::views::application::Section,
    form: &FormData,
    doc: &mut ProjectFile,
) -> Vec<FieldError> {
    let app = doc.application.get_or_insert_default();
    if section.path == crate::views::application::BACKGROUND.path {
        app.language = form.get("language").map(str::to_ascii_lowercase);
    }
    for f in section.fields {
        *(f.slot)(app) = long_text(form, f.name);
    }
    // A follow-up or summary left wholly empty is not kept as an empty table.
    if app
        .follow_up
        .as_ref()
        .is_some_and(|f| *f == Default::default())
    {
        app.follow_up = None;
    }
    if app
        .summary
        .as_ref()
        .is_some_and(|f| *f == Default::default())
    {
        app.summary = None;
    }
    if app
        .summary_en
        .as_ref()
        .is_some_and(|f| *f == Default::default())
    {
        app.summary_en = None;
    }
    if *app == Default::default() {
        doc.application = None;
    }
    vec![]
}

/// One objective of the application from its page (`id`: the objective's, new or existing).
pub fn read_objective(form: &FormData, id: &str) -> (Objective, Vec<FieldError>) {
    let mut r = Reader::new(form);
    let objective = Objective {
        id: id.to_owned(),
        title: Some(r.text("title")).filter(|t| !t.is_empty()),
        description: long_text(form, "description"),
        field_objectives: form
            .all("field_objectives")
            .into_iter()
            .map(str::to_owned)
            .collect(),
        expected_results: long_text(form, "expected_results"),
        measurement: long_text(form, "measurement"),
    };
    (objective, r.errors)
}

/// One preparatory visit from its editor.
pub fn read_visit(form: &FormData, id: &str) -> (PreparatoryVisit, Vec<FieldError>) {
    let mut r = Reader::new(form);
    let visit = PreparatoryVisit {
        id: id.to_owned(),
        prepares: r.text("prepares"),
        start: r.required_date("start"),
        end: r.required_date("end"),
        host: r.organisation("host"),
        persons: r.participants("persons"),
    };
    (visit, r.errors)
}

/// The form of one activity's implementation record (`/projects/{id}/implementation/
/// activities/{aid}`) read onto the record it replaces: what the web does not edit (actual
/// means of transport, a measured distance) is kept. Values equal to the plan are not stored,
/// so the record holds only what differs. The status is read as asked for: whether the change
/// is allowed is the handler's question (it knows the stored status).
pub fn read_activity_record(
    form: &FormData,
    plan: &Activity,
    old: Option<&ActivityRecord>,
    needed: &[Document],
) -> (ActivityRecord, Vec<FieldError>) {
    let mut r = Reader::new(form);
    let status = r.status("status");
    let start = r.required_date("start");
    let end = r.required_date("end");
    let participants = r.participants("actual");
    let mut persons = std::collections::BTreeMap::new();
    for person in participants.names.iter().flatten() {
        let name = format!("person_{person}");
        match form.get(&name) {
            None => {}
            Some(v) => match Status::parse(v) {
                Some(s) => {
                    persons.insert(person.clone(), s);
                }
                None => r.fail(&name, "web.error.status"),
            },
        }
    }
    let travel = plan.travel.as_ref().map(|t| {
        let green = form.flag("travel_green");
        let days = r.number("travel_days").unwrap_or(t.days);
        let mut actual = old.and_then(|o| o.travel.clone()).unwrap_or_default();
        actual.green = (green != t.green).then_some(green);
        actual.days = (days != t.days).then_some(days);
        actual
    });
    let mut evidence = std::collections::BTreeMap::new();
    for doc in needed {
        if let Some(n) = r.number(&format!("evidence_{}", doc.id()))
            && n > 0
        {
            evidence.insert(*doc, n);
        }
    }
    let record = ActivityRecord {
        status,
        start: (start != plan.start).then_some(start),
        end: (end != plan.end).then_some(end),
        participants: (participants != plan.participants).then_some(participants),
        travel: travel.filter(|t| *t != TravelActual::default()),
        persons,
        evidence,
    };
    (record, r.errors)
}

/// The form of one preparatory visit's implementation record.
pub fn read_visit_record(
    form: &FormData,
    plan: &PreparatoryVisit,
) -> (VisitRecord, Vec<FieldError>) {
    let mut r = Reader::new(form);
    let status = r.status("status");
    let start = r.required_date("start");
    let end = r.required_date("end");
    let persons = r.participants("actual");
    let record = VisitRecord {
        status,
        start: (start != plan.start).then_some(start),
        end: (end != plan.end).then_some(end),
        persons: (persons != plan.persons).then_some(persons),
    };
    (record, r.errors)
}

/// The awarded grant per category and the final report's submission, onto the project's
/// implementation (created by the first save: recording the grant starts tracking).
pub fn read_awarded(form: &FormData, imp: &mut Implementation) -> Vec<FieldError> {
    let mut r = Reader::new(form);
    let mut awarded = std::collections::BTreeMap::new();
    for c in Category::ALL {
        let name = format!("awarded_{}", c.id());
        if let Some(m) = r.money(&name) {
            if m.cents() < 0 {
                r.fail(&name, "web.error.money");
            } else {
                awarded.insert(c, m);
            }
        }
    }
    imp.awarded = awarded;
    imp.final_report = r.date("final_report");
    r.errors
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> FormData {
        FormData(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    #[test]
    fn slugs_are_ascii_and_unique() {
        assert_eq!(slug("Anna Bērziņa", &[]), "anna-berzina");
        assert_eq!(
            slug("Anna Bērziņa", &["anna-berzina".into()]),
            "anna-berzina-2"
        );
        assert_eq!(slug("!!!", &[]), "item");
    }

    #[test]
    fn a_course_form_reads_into_an_activity() {
        let f = form(&[
            ("start", "2026-10-05"),
            ("end", "2026-10-09"),
            ("host_name", "Academy"),
            ("host_country", "ES"),
            ("host_town", "Valencia"),
            ("participants_count", "2"),
            ("travel_distance_km", "2630,47"),
            ("travel_means", "plane"),
            ("travel_days", "2"),
            ("course_provider", "Academy"),
            ("course_title", "Digital tools"),
            ("course_quality", "pedagogy"),
        ]);
        let (a, errors) = read_activity(&f, "c1", ActivityKind::Course);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(a.participants.count, Some(2));
        assert_eq!(a.travel.as_ref().unwrap().distance_km, Some(2630.47));
        assert_eq!(
            a.course.as_ref().unwrap().quality,
            vec![QualityArea::Pedagogy]
        );
    }

    #[test]
    fn unreadable_inputs_are_named_and_keep_the_typed_text() {
        let f = form(&[
            ("start", "5.10.2026"),
            ("end", "2026-10-09"),
            ("host_name", "Academy"),
            ("host_country", "Spain"),
            ("participants_count", "two"),
        ]);
        let (_, errors) = read_activity(&f, "c1", ActivityKind::JobShadowing);
        let names: Vec<&str> = errors.iter().map(|e| e.name.as_str()).collect();
        assert!(names.contains(&"start"), "{names:?}");
        assert!(names.contains(&"host_country"), "{names:?}");
        assert!(names.contains(&"participants_count"), "{names:?}");
        assert_eq!(
            errors.iter().find(|e| e.name == "start").unwrap().value,
            "5.10.2026"
        );
    }

    /// A distance the project file cannot hold is named, never stored as something else.
    #[test]
    fn distances_are_refused_unless_the_file_can_hold_them() {
        for bad in ["1e308", "NaN", "-5", "12.345", "far"] {
            let f = form(&[("travel_distance_km", bad)]);
            let mut r = Reader::new(&f);
            assert_eq!(r.km("travel_distance_km"), None, "{bad}");
            assert_eq!(r.errors.len(), 1, "{bad}");
            assert_eq!(r.errors[0].key, "web.error.distance");
            assert_eq!(r.errors[0].value, bad);
        }
        let f = form(&[("travel_distance_km", "2630,47")]);
        assert_eq!(Reader::new(&f).km("travel_distance_km"), Some(2630.47));
    }

    /// A half-filled earlier-grant row and a cleared name are errors in their own rows.
    #[test]
    fn rows_with_errors_keep_their_place() {
        let f = form(&[
            ("title", "T"),
            ("field", "SCH"),
            ("call_year", "2026"),
            ("start", "2026-09-01"),
            ("duration_months", "12"),
            ("applicant_name", "School"),
            ("applicant_country", "LV"),
            ("grant_0_field", "VET"),
            ("grant_1_year", "2024"),
        ]);
        let (doc, errors) = read_new_project(&f);
        let names: Vec<&str> = errors.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["grant_0_year", "grant_1_field"]);
        assert_eq!(doc.applicant.earlier_grants.len(), 2);
        assert_eq!(doc.applicant.earlier_grants[0].field, Field::VET);
        assert_eq!(doc.applicant.earlier_grants[1].call_year, 2024);

        let f = form(&[
            ("person_anna_id", "anna"),
            ("person_anna_name", ""),
            ("person_juris_id", "juris"),
            ("person_juris_name", "Juris"),
            ("new_0_name", "Līga Bērziņa"),
        ]);
        let mut doc = read_new_project(&form(&[])).0;
        let errors = read_people(&f, &mut doc);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].name, "person_anna_name");
        let ids: Vec<&str> = doc.people.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(
            ids,
            ["anna", "juris", "liga-berzina"],
            "Juris stays in the second row"
        );
    }
}
