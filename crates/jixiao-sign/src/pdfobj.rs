//! Writing PDF objects (as parsed by lopdf) back to bytes, for the objects an incremental
//! update rewrites (catalog, page, form) and the ones it adds.

use lopdf::{Dictionary, Object, StringFormat};

/// Appends the PDF syntax of `object` to `out`. Streams are not supported (the update
/// writes its streams by hand) and are written as their dictionary only.
pub(crate) fn write_object(out: &mut Vec<u8>, object: &Object) {
    match object {
        Object::Null => out.extend_from_slice(b"null"),
        Object::Boolean(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Object::Integer(i) => out.extend_from_slice(i.to_string().as_bytes()),
        Object::Real(r) => write_real(out, *r),
        Object::Name(name) => write_name(out, name),
        Object::String(bytes, format) => write_string(out, bytes, *format),
        Object::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b' ');
                }
                write_object(out, item);
            }
            out.push(b']');
        }
        Object::Dictionary(dict) => write_dictionary(out, dict),
        Object::Stream(stream) => write_dictionary(out, &stream.dict),
        Object::Reference((id, generation)) => {
            out.extend_from_slice(format!("{id} {generation} R").as_bytes())
        }
    }
}

/// Appends `<< /Key value … >>`.
pub(crate) fn write_dictionary(out: &mut Vec<u8>, dict: &Dictionary) {
    out.extend_from_slice(b"<<");
    for (key, value) in dict.iter() {
        write_name(out, key);
        out.push(b' ');
        write_object(out, value);
    }
    out.extend_from_slice(b">>");
}

fn write_real(out: &mut Vec<u8>, r: f32) {
    if r.is_finite() && r == r.trunc() && r.abs() < 1e9 {
        out.extend_from_slice(format!("{}", r as i64).as_bytes());
    } else if r.is_finite() {
        // Display of f32 never uses an exponent, as PDF requires.
        out.extend_from_slice(format!("{r}").as_bytes());
    } else {
        out.push(b'0');
    }
}

/// Appends a name, `#xx`-escaping delimiters, whitespace and bytes outside `!`..=`~`.
pub(crate) fn write_name(out: &mut Vec<u8>, name: &[u8]) {
    out.push(b'/');
    for &b in name {
        if b"()<>[]{}/%#".contains(&b) || !(33..=126).contains(&b) {
            out.extend_from_slice(format!("#{b:02X}").as_bytes());
        } else {
            out.push(b);
        }
    }
}

fn write_string(out: &mut Vec<u8>, bytes: &[u8], format: StringFormat) {
    match format {
        StringFormat::Hexadecimal => {
            out.push(b'<');
            for b in bytes {
                out.extend_from_slice(format!("{b:02X}").as_bytes());
            }
            out.push(b'>');
        }
        StringFormat::Literal => {
            out.push(b'(');
            for &b in bytes {
                match b {
                    b'(' | b')' | b'\\' => {
                        out.push(b'\\');
                        out.push(b);
                    }
                    b'\r' => out.extend_from_slice(b"\\r"),
                    b'\n' => out.extend_from_slice(b"\\n"),
                    _ => out.push(b),
                }
            }
            out.push(b')');
        }
    }
}

/// A PDF text string: literal when printable ASCII, else UTF-16BE with a byte-order mark.
pub(crate) fn text_string(s: &str) -> Object {
    if s.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        Object::String(s.as_bytes().to_vec(), StringFormat::Literal)
    } else {
        let mut bytes = vec![0xFE, 0xFF];
        for unit in s.encode_utf16() {
            bytes.extend_from_slice(&unit.to_be_bytes());
        }
        Object::String(bytes, StringFormat::Hexadecimal)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(o: &Object) -> String {
        let mut out = Vec::new();
        write_object(&mut out, o);
        String::from_utf8(out).expect("ascii")
    }

    #[test]
    fn writes_names_strings_numbers_and_references() {
        let mut dict = Dictionary::new();
        dict.set("Type", Object::Name(b"Annot".to_vec()));
        dict.set(
            "Rect",
            vec![0.into(), Object::Real(0.5), Object::Real(595.0)],
        );
        dict.set("T", text_string("签名 1"));
        dict.set(
            "N",
            Object::String(b"a(b)\\".to_vec(), StringFormat::Literal),
        );
        dict.set("P", Object::Reference((12, 0)));
        dict.set("Odd", Object::Name(b"a b#".to_vec()));
        let text = written(&Object::Dictionary(dict));
        assert_eq!(
            text,
            "<</Type /Annot/Rect [0 0.5 595]/T <FEFF7B7E540D00200031>/N (a\\(b\\)\\\\)/P 12 0 R/Odd /a#20b#23>>"
        );
    }
}
