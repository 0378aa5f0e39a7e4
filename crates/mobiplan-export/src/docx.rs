//! The application draft as a Word document (Office Open XML, `.docx`), so that a coordinator
//! can edit the words before pasting them into the form. Written by hand, like the calendar:
//! a DOCX is a ZIP package of a few XML parts (content types, relationships, the document,
//! its styles, its properties), and the `zip` crate is already used for the workbooks, so no
//! document library is needed. Headings use Word's built-in style ids (Title, Heading1,
//! Heading2), so the navigation pane and a table of contents find them.

use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use crate::draft::{Block, blocks};
use crate::text::t;
use crate::{ExportError, Plan};

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/></Types>"#;

const ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>"#;

const DOCUMENT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#;

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

/// The styles the document uses: built-in ids, so Word treats them as its own.
fn styles(lang: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="{W}"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="DejaVu Sans" w:hAnsi="DejaVu Sans" w:cs="DejaVu Sans"/><w:sz w:val="21"/><w:lang w:val="{lang}"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="120" w:line="276" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style><w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:spacing w:after="60"/></w:pPr><w:rPr><w:b/><w:sz w:val="40"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Subtitle"><w:name w:val="Subtitle"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:spacing w:after="240"/></w:pPr><w:rPr><w:color w:val="404040"/><w:sz w:val="26"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:keepNext/><w:spacing w:before="360" w:after="120"/><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:b/><w:sz w:val="30"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:keepNext/><w:spacing w:before="240" w:after="80"/><w:outlineLvl w:val="1"/></w:pPr><w:rPr><w:b/><w:sz w:val="24"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Label"><w:name w:val="Question"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:pPr><w:keepNext/><w:spacing w:before="120" w:after="40"/></w:pPr><w:rPr><w:b/><w:color w:val="404040"/></w:rPr></w:style></w:styles>"#
    )
}

/// Text as XML character data: markup characters escaped, and characters XML 1.0 cannot hold
/// (control characters other than tab and line breaks) left out, so that no text a person
/// typed can make the document unreadable.
fn xml_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

fn run(text: &str, props: &str) -> String {
    format!(
        r#"<w:r>{props}<w:t xml:space="preserve">{}</w:t></w:r>"#,
        xml_text(text)
    )
}

fn paragraph(style: Option<&str>, runs: &str) -> String {
    match style {
        Some(s) => format!(r#"<w:p><w:pPr><w:pStyle w:val="{s}"/></w:pPr>{runs}</w:p>"#),
        None => format!("<w:p>{runs}</w:p>"),
    }
}

/// A text with its line breaks as paragraphs (a blank line stays a paragraph break, not an
/// empty paragraph).
fn text_paragraphs(out: &mut String, text: &str) {
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        out.push_str(&paragraph(None, &run(line, "")));
    }
}

fn document(plan: &Plan) -> String {
    let missing = t(plan.lang, "export.application.not-written");
    let mut body = String::new();
    for b in blocks(plan) {
        match b {
            Block::Title(s) => body.push_str(&paragraph(Some("Title"), &run(&s, ""))),
            Block::Subtitle(s) => body.push_str(&paragraph(Some("Subtitle"), &run(&s, ""))),
            Block::Section(s) => body.push_str(&paragraph(Some("Heading1"), &run(&s, ""))),
            Block::Item(s) => body.push_str(&paragraph(Some("Heading2"), &run(&s, ""))),
            Block::Fact(label, value) => body.push_str(&paragraph(
                None,
                &format!(
                    "{}{}",
                    run(&format!("{label}: "), "<w:rPr><w:b/></w:rPr>"),
                    run(&value, "")
                ),
            )),
            Block::Text(label, text) => {
                body.push_str(&paragraph(Some("Label"), &run(&label, "")));
                text_paragraphs(&mut body, &text);
            }
            Block::Missing(label) => {
                body.push_str(&paragraph(Some("Label"), &run(&label, "")));
                body.push_str(&paragraph(
                    None,
                    &run(
                        &missing,
                        r#"<w:rPr><w:i/><w:color w:val="A02020"/></w:rPr>"#,
                    ),
                ));
            }
        }
    }
    // A4 with 2 cm margins (twentieths of a point).
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="{W}"><w:body>{body}<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1134" w:right="1134" w:bottom="1134" w:left="1134" w:header="709" w:footer="709" w:gutter="0"/></w:sectPr></w:body></w:document>"#
    )
}

fn core_properties(plan: &Plan) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>{}</dc:title><dc:creator>mobiplan {}</dc:creator><dc:language>{}</dc:language><dcterms:created xsi:type="dcterms:W3CDTF">{}</dcterms:created></cp:coreProperties>"#,
        xml_text(&plan.project.title),
        env!("CARGO_PKG_VERSION"),
        plan.lang.code(),
        plan.now.to_utc().format("%Y-%m-%dT%H:%M:%SZ"),
    )
}

/// The application draft as a `.docx` file.
pub fn application(plan: &Plan) -> Result<Vec<u8>, ExportError> {
    let err = |e: &dyn std::fmt::Display| ExportError::Docx(e.to_string());
    // A fixed time stamp inside the package: the same plan gives the same bytes (the
    // document's own creation time is in its properties).
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(DateTime::default());
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let parts: [(&str, String); 6] = [
        ("[Content_Types].xml", CONTENT_TYPES.to_owned()),
        ("_rels/.rels", ROOT_RELS.to_owned()),
        ("word/_rels/document.xml.rels", DOCUMENT_RELS.to_owned()),
        ("word/document.xml", document(plan)),
        ("word/styles.xml", styles(plan.lang.code())),
        ("docProps/core.xml", core_properties(plan)),
    ];
    for (name, content) in parts {
        zip.start_file(name, options).map_err(|e| err(&e))?;
        zip.write_all(content.as_bytes()).map_err(|e| err(&e))?;
    }
    let cursor = zip.finish().map_err(|e| err(&e))?;
    Ok(cursor.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_control_characters_are_left_out() {
        assert_eq!(xml_text("a < b & \"c\""), "a &lt; b &amp; &quot;c&quot;");
        assert_eq!(xml_text("x\u{1}y\tz"), "xy\tz");
        assert_eq!(xml_text("Rīga"), "Rīga");
    }
}
