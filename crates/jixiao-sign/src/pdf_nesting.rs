//! A guard against PDFs nested so deeply that parsing them overflows the stack.
//!
//! lopdf (behind `verify`, `extract` and `sign`) parses arrays and dictionaries
//! recursively with no limit: a file with a few thousand `[` in a row aborts the process
//! with a stack overflow — no error, no message (about 1,000 levels on the 8 MB main
//! stack of a debug build). [`check`] scans the file first: arrays and dictionaries of
//! each object (and of each Flate-compressed object stream, which lopdf parses too) may
//! nest at most [`MAX_NESTING`] levels. Strings, comments and stream data are skipped as
//! the PDF syntax says.

use std::io::Read;

/// The deepest nesting of arrays and dictionaries a PDF may have. Real files stay far
/// below (jixiao's own reach 4); the parsers stay within a 2 MB thread stack.
pub const MAX_NESTING: usize = 64;

/// The most bytes of one object stream that are decompressed to be scanned.
const MAX_OBJECT_STREAM: u64 = 64 << 20;

/// Why a file is not handed to the PDF parser.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NestingError {
    /// Arrays or dictionaries nested deeper than [`MAX_NESTING`].
    #[error("数组或字典嵌套超过 {MAX_NESTING} 层（第 {offset} 字节处），不是可读取的 PDF / arrays or dictionaries nested deeper than {MAX_NESTING} levels (at byte {offset}): not a PDF jixiao reads")]
    TooDeep {
        /// Where the level past the limit opens (in the decompressed object stream when
        /// `object_stream` is set).
        offset: usize,
        /// The object stream starting at this byte of the file, if the nesting is there.
        object_stream: Option<usize>,
    },
    /// An object stream compressed otherwise than with Flate (lopdf would still parse it).
    #[error("第 {offset} 字节处的对象流不是 Flate 压缩，无法检查 / the object stream at byte {offset} is not Flate-compressed: it cannot be checked")]
    UncheckedObjectStream {
        /// Where its data starts.
        offset: usize,
    },
}

/// Scans `pdf`: `Ok` when no object nests arrays and dictionaries deeper than
/// [`MAX_NESTING`].
pub fn check(pdf: &[u8]) -> Result<(), NestingError> {
    scan(pdf, true).map_err(|offset| NestingError::TooDeep {
        offset,
        object_stream: None,
    })?;
    for (dict, data, at) in object_streams(pdf) {
        let decoded = match decode(dict, data) {
            Some(Ok(decoded)) => decoded,
            // Undecodable data: lopdf cannot parse it either.
            Some(Err(())) => continue,
            None => return Err(NestingError::UncheckedObjectStream { offset: at }),
        };
        scan(&decoded, false).map_err(|offset| NestingError::TooDeep {
            offset,
            object_stream: Some(at),
        })?;
    }
    Ok(())
}

fn is_whitespace(b: u8) -> bool {
    matches!(b, b'\0' | b'\t' | b'\n' | b'\x0c' | b'\r' | b' ')
}

fn is_delimiter(b: u8) -> bool {
    is_whitespace(b) || b"()<>[]{}/%".contains(&b)
}

/// `keyword` at `i`, as a token of its own.
fn keyword_at(bytes: &[u8], i: usize, keyword: &[u8]) -> bool {
    bytes[i..].starts_with(keyword)
        && (i == 0 || is_delimiter(bytes[i - 1]))
        && bytes
            .get(i + keyword.len())
            .is_none_or(|&b| is_delimiter(b))
}

/// Past the literal string opening at `i` (balanced parentheses, backslash escapes).
fn skip_literal(bytes: &[u8], mut i: usize) -> usize {
    let mut open = 0usize;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 1,
            b'(' => open += 1,
            b')' => {
                open -= 1;
                if open == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    i.min(bytes.len())
}

/// Where the data of the stream whose keyword is at `i` starts and ends (before
/// `endstream`, or the end of the file).
fn stream_data(bytes: &[u8], i: usize) -> (usize, usize) {
    let mut start = i + b"stream".len();
    if bytes.get(start) == Some(&b'\r') {
        start += 1;
    }
    if bytes.get(start) == Some(&b'\n') {
        start += 1;
    }
    let start = start.min(bytes.len());
    let end = bytes[start..]
        .windows(b"endstream".len())
        .position(|w| w == b"endstream")
        .map_or(bytes.len(), |e| start + e);
    (start, end)
}

/// The first byte where arrays and dictionaries nest past [`MAX_NESTING`], as `Err`. In
/// a file (`file`), nesting restarts with each object and stream data is skipped.
fn scan(bytes: &[u8], file: bool) -> Result<(), usize> {
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                while i < bytes.len() && !matches!(bytes[i], b'\r' | b'\n') {
                    i += 1;
                }
                continue;
            }
            b'(' => {
                i = skip_literal(bytes, i);
                continue;
            }
            b'<' if bytes.get(i + 1) == Some(&b'<') => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Err(i);
                }
                i += 2;
                continue;
            }
            b'<' => {
                while i < bytes.len() && bytes[i] != b'>' {
                    i += 1;
                }
            }
            b'>' if bytes.get(i + 1) == Some(&b'>') => {
                depth = depth.saturating_sub(1);
                i += 2;
                continue;
            }
            b'[' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Err(i);
                }
            }
            b']' => depth = depth.saturating_sub(1),
            b'o' if file && keyword_at(bytes, i, b"obj") => depth = 0,
            b's' if file && keyword_at(bytes, i, b"stream") => {
                i = stream_data(bytes, i).1 + b"endstream".len();
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    Ok(())
}

/// Each object stream of the file: its dictionary (from its `obj` keyword to `stream`),
/// its data and where the data starts.
fn object_streams(pdf: &[u8]) -> Vec<(&[u8], &[u8], usize)> {
    let mut out = Vec::new();
    let mut object = 0;
    let mut i = 0;
    while i < pdf.len() {
        match pdf[i] {
            b'%' => {
                while i < pdf.len() && !matches!(pdf[i], b'\r' | b'\n') {
                    i += 1;
                }
                continue;
            }
            b'(' => {
                i = skip_literal(pdf, i);
                continue;
            }
            b'o' if keyword_at(pdf, i, b"obj") => object = i,
            b's' if keyword_at(pdf, i, b"stream") => {
                let (start, end) = stream_data(pdf, i);
                let dict = &pdf[object..i];
                if dict.windows(7).any(|w| w == b"/ObjStm") {
                    out.push((dict, &pdf[start..end], start));
                }
                i = end + b"endstream".len();
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// The data of an object stream as lopdf parses it: `None` when it is compressed with
/// something else than Flate alone, `Err` when it does not decompress.
fn decode(dict: &[u8], data: &[u8]) -> Option<Result<Vec<u8>, ()>> {
    const OTHERS: [&[u8]; 9] = [
        b"/ASCIIHexDecode",
        b"/ASCII85Decode",
        b"/LZWDecode",
        b"/RunLengthDecode",
        b"/CCITTFaxDecode",
        b"/JBIG2Decode",
        b"/DCTDecode",
        b"/JPXDecode",
        b"/Crypt",
    ];
    let has = |name: &[u8]| dict.windows(name.len()).any(|w| w == name);
    if OTHERS.iter().any(|name| has(name)) {
        return None;
    }
    if !has(b"/FlateDecode") {
        return Some(Ok(data.to_vec()));
    }
    let mut out = Vec::new();
    let read = flate2::read::ZlibDecoder::new(data)
        .take(MAX_OBJECT_STREAM)
        .read_to_end(&mut out);
    Some(match read {
        Ok(_) => Ok(out),
        // What decompressed before the error is what lopdf would see, at most.
        Err(_) if !out.is_empty() => Ok(out),
        Err(_) => Err(()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn deep(n: usize) -> Vec<u8> {
        let mut pdf = b"%PDF-1.7\n1 0 obj\n<</A ".to_vec();
        pdf.extend(std::iter::repeat_n(b'[', n));
        pdf.extend(std::iter::repeat_n(b']', n));
        pdf.extend_from_slice(b">>\nendobj\n");
        pdf
    }

    #[test]
    fn counts_arrays_and_dictionaries_of_each_object() {
        assert_eq!(check(&deep(MAX_NESTING - 1)), Ok(()));
        assert!(matches!(
            check(&deep(MAX_NESTING)),
            Err(NestingError::TooDeep { offset, object_stream: None }) if offset > 20
        ));
        // Objects one after another do not add up; strings, comments, hex strings and
        // stream data are not structure.
        let mut many = Vec::new();
        for _ in 0..100 {
            many.extend_from_slice(b"1 0 obj [[[[ (]]]]) <5b5b> % [[[[\n]]]] endobj\n");
        }
        many.extend_from_slice(b"2 0 obj <</Length 8>>\nstream\n[[[[[[[[\nendstream\nendobj\n");
        assert_eq!(check(&many), Ok(()));
        let strings = b"1 0 obj [(a\\) [[[[ (b) [[[[) ] endobj";
        assert_eq!(check(strings), Ok(()));
    }

    #[test]
    fn scans_flate_object_streams_and_refuses_others() {
        let stream = |dict: &[u8], data: &[u8]| {
            let mut pdf = b"%PDF-1.7\n5 0 obj\n".to_vec();
            pdf.extend_from_slice(dict);
            pdf.extend_from_slice(b"\nstream\n");
            pdf.extend_from_slice(data);
            pdf.extend_from_slice(b"\nendstream\nendobj\n");
            pdf
        };
        let nested = |n: usize| {
            let mut objects = b"1 0 ".to_vec();
            objects.extend(std::iter::repeat_n(b'[', n));
            objects.extend(std::iter::repeat_n(b']', n));
            let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
            z.write_all(&objects).expect("compress");
            z.finish().expect("compress")
        };
        let flate = b"<</Type/ObjStm/N 1/First 4/Filter/FlateDecode>>";
        assert_eq!(check(&stream(flate, &nested(10))), Ok(()));
        assert!(matches!(
            check(&stream(flate, &nested(1000))),
            Err(NestingError::TooDeep {
                object_stream: Some(_),
                ..
            })
        ));
        assert!(matches!(
            check(&stream(b"<</Type/ObjStm/Filter/LZWDecode>>", b"\x80")),
            Err(NestingError::UncheckedObjectStream { .. })
        ));
        // Not an object stream: its data is not looked at.
        assert_eq!(check(&stream(b"<</Filter/LZWDecode>>", b"[[[[")), Ok(()));
    }
}
