//! Writing the package's XML parts: a small builder that escapes everything, writes no
//! insignificant whitespace (a reader must never see spaces that are not in the text) and
//! formats numbers the same way on every machine.

use std::fmt::Write as _;

/// The OFD namespace (GB/T 33190-2016).
pub(crate) const NAMESPACE: &str = "http://www.ofdspec.org/2016";

/// An XML document being written, with the `ofd:` prefix on every element.
pub(crate) struct Xml {
    out: String,
    open: Vec<&'static str>,
    /// Whether the start tag of the innermost element is still open (`<ofd:X a="1"`).
    in_start_tag: bool,
}

impl Xml {
    /// A document whose root element is `ofd:{root}`, declaring the OFD namespace.
    pub(crate) fn new(root: &'static str) -> Xml {
        let mut xml = Xml {
            out: String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"),
            open: Vec::new(),
            in_start_tag: false,
        };
        xml.open(root).attr("xmlns:ofd", NAMESPACE);
        xml
    }

    fn finish_start_tag(&mut self) {
        if self.in_start_tag {
            self.out.push('>');
            self.in_start_tag = false;
        }
    }

    /// Opens the element `ofd:{name}`.
    pub(crate) fn open(&mut self, name: &'static str) -> &mut Xml {
        self.finish_start_tag();
        self.out.push_str("<ofd:");
        self.out.push_str(name);
        self.open.push(name);
        self.in_start_tag = true;
        self
    }

    /// Adds an attribute to the element just opened.
    pub(crate) fn attr(&mut self, name: &str, value: impl std::fmt::Display) -> &mut Xml {
        debug_assert!(self.in_start_tag, "attribute {name} outside a start tag");
        let value = value.to_string();
        let _ = write!(self.out, " {name}=\"{}\"", escape(&value, true));
        self
    }

    /// Writes text inside the current element.
    pub(crate) fn text(&mut self, text: &str) -> &mut Xml {
        self.finish_start_tag();
        self.out.push_str(&escape(text, false));
        self
    }

    /// Closes the innermost open element (`<ofd:X/>` when it is empty).
    pub(crate) fn close(&mut self) -> &mut Xml {
        let Some(name) = self.open.pop() else {
            return self;
        };
        if self.in_start_tag {
            self.out.push_str("/>");
            self.in_start_tag = false;
        } else {
            self.out.push_str("</ofd:");
            self.out.push_str(name);
            self.out.push('>');
        }
        self
    }

    /// `<ofd:{name}>{text}</ofd:{name}>`.
    pub(crate) fn leaf(&mut self, name: &'static str, text: &str) -> &mut Xml {
        self.open(name).text(text).close()
    }

    /// Closes every open element and returns the document's bytes.
    pub(crate) fn finish(mut self) -> Vec<u8> {
        while !self.open.is_empty() {
            self.close();
        }
        self.out.into_bytes()
    }
}

/// `text` escaped for XML; in attributes also quotes and line breaks. Characters XML 1.0
/// cannot carry at all (controls other than tab and line breaks) become U+FFFD — the
/// checks refuse such characters in declarations long before they get here.
pub(crate) fn escape(text: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\t' if attribute => out.push_str("&#9;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' | '\n' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// A length in millimetres (or any number) with at most three decimals, without trailing
/// zeros, never `-0`: the same text on every machine.
pub(crate) fn num(v: f64) -> String {
    if !v.is_finite() {
        return "0".into();
    }
    let rounded = (v * 1000.0).round() / 1000.0;
    let mut s = format!("{rounded:.3}");
    while s.ends_with('0') {
        s.pop();
    }
    if s.ends_with('.') {
        s.pop();
    }
    if s == "-0" {
        s = "0".into();
    }
    s
}

/// Numbers separated by spaces (an `ST_Array`).
pub(crate) fn nums(values: &[f64]) -> String {
    values.iter().map(|&v| num(v)).collect::<Vec<_>>().join(" ")
}

/// An `ST_Array` of deltas with runs of equal values abbreviated as `g N v` (§ 8.3.3).
pub(crate) fn deltas(values: &[f64]) -> String {
    let texts: Vec<String> = values.iter().map(|&v| num(v)).collect();
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < texts.len() {
        let mut run = 1;
        while i + run < texts.len() && texts[i + run] == texts[i] {
            run += 1;
        }
        if run >= 3 {
            out.push(format!("g {run} {}", texts[i]));
        } else {
            out.extend(std::iter::repeat_n(texts[i].clone(), run));
        }
        i += run;
    }
    out.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_have_three_decimals_at_most_and_no_negative_zero() {
        assert_eq!(num(210.0), "210");
        assert_eq!(num(296.999_9), "297");
        assert_eq!(num(1.5), "1.5");
        assert_eq!(num(0.123_456), "0.123");
        assert_eq!(num(-0.000_1), "0");
        assert_eq!(num(-2.25), "-2.25");
        assert_eq!(num(f64::NAN), "0");
    }

    #[test]
    fn runs_of_equal_deltas_are_abbreviated() {
        assert_eq!(deltas(&[1.0, 1.0, 1.0, 2.0, 2.0]), "g 3 1 2 2");
        assert_eq!(deltas(&[3.5]), "3.5");
        assert_eq!(deltas(&[]), "");
    }

    #[test]
    fn text_and_attributes_are_escaped() {
        let mut xml = Xml::new("Page");
        xml.open("TextCode")
            .attr("X", "a\"b<")
            .text("R&D <x> \u{1}")
            .close();
        let s = String::from_utf8(xml.finish()).expect("utf-8");
        assert!(
            s.contains(
                "<ofd:TextCode X=\"a&quot;b&lt;\">R&amp;D &lt;x&gt; \u{FFFD}</ofd:TextCode>"
            ),
            "{s}"
        );
        assert!(s.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ofd:Page xmlns:ofd="));
        assert!(s.ends_with("</ofd:Page>"), "{s}");
    }

    #[test]
    fn empty_elements_are_self_closing() {
        let mut xml = Xml::new("Signatures");
        xml.open("Signature").attr("ID", 1).close();
        let s = String::from_utf8(xml.finish()).expect("utf-8");
        assert!(
            s.ends_with("<ofd:Signature ID=\"1\"/></ofd:Signatures>"),
            "{s}"
        );
    }
}
