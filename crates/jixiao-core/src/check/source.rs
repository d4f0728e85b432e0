//! Reading a declaration file: UTF-8 (with or without a byte-order mark, LF or CRLF), or
//! GB18030/GBK as Chinese Windows editors save by default — read correctly, with a
//! warning. Anything else is an error naming the byte offset.

use std::path::Path;
use std::sync::Arc;

use crate::diag::Severity;
use crate::finding::{Finding, Text};

/// A declaration's text as read from disk, and how it was decoded.
#[derive(Debug, Clone)]
pub struct DeclarationSource {
    /// The file name as the user gave it, for diagnostics.
    pub path: String,
    /// The decoded text (a UTF-8 byte-order mark removed).
    pub text: Arc<str>,
    /// The original bytes, exactly as on disk.
    pub bytes: Vec<u8>,
    /// A problem met while decoding (GB18030 warning or encoding error), if any.
    pub encoding: Option<Finding>,
}

impl DeclarationSource {
    /// Reads the file at `path` (at most [`crate::limits::MAX_INPUT_BYTES`]).
    pub fn read(path: &Path) -> std::io::Result<DeclarationSource> {
        let bytes = crate::limits::read_limited(path)?;
        Ok(Self::from_bytes(path.display().to_string(), bytes))
    }

    /// Decodes `bytes` read from a file called `path`.
    pub fn from_bytes(path: String, bytes: Vec<u8>) -> DeclarationSource {
        let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
        match std::str::from_utf8(body) {
            Ok(text) => DeclarationSource {
                path,
                text: Arc::from(text),
                encoding: None,
                bytes,
            },
            Err(utf8_error) => {
                let (decoded, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(body);
                if !had_errors && !decoded.contains('\u{0}') {
                    let warning = Finding::new(
                        Severity::Warning,
                        "encoding-gb18030",
                        "",
                        Text::new(
                            "文件是 GB18030/GBK 编码（Windows 中文系统默认），已按此读取",
                            "the file is encoded in GB18030/GBK (the Chinese Windows default); read as such",
                        ),
                    )
                    .help(Text::new(
                        "建议在编辑器中“另存为 UTF-8”，以免在其他电脑上出现乱码",
                        "save it as UTF-8 so that every tool reads it the same way",
                    ));
                    DeclarationSource {
                        path,
                        text: Arc::from(decoded.as_ref()),
                        encoding: Some(warning),
                        bytes,
                    }
                } else {
                    let offset = utf8_error.valid_up_to() + (bytes.len() - body.len());
                    let error = Finding::new(
                        Severity::Error,
                        "encoding",
                        "",
                        Text::new(
                            format!("文件不是 UTF-8 编码，第 {offset} 字节处无法识别"),
                            format!("the file is not UTF-8: invalid byte at offset {offset}"),
                        ),
                    )
                    .help(Text::new(
                        "请在编辑器中“另存为 UTF-8”",
                        "save the file as UTF-8",
                    ));
                    DeclarationSource {
                        path,
                        text: Arc::from(""),
                        encoding: Some(error),
                        bytes,
                    }
                }
            }
        }
    }

    /// Whether the text could be decoded at all.
    pub fn is_readable(&self) -> bool {
        !matches!(&self.encoding, Some(f) if f.severity == Severity::Error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_bom_and_crlf_is_fine() {
        let s = DeclarationSource::from_bytes("a.toml".into(), b"\xEF\xBB\xBFa = 1\r\n".to_vec());
        assert!(s.encoding.is_none());
        assert_eq!(&*s.text, "a = 1\r\n");
    }

    #[test]
    fn gb18030_is_read_with_a_warning() {
        let (bytes, _, _) = encoding_rs::GB18030.encode("department = \"广州市科学技术协会\"\n");
        let s = DeclarationSource::from_bytes("a.toml".into(), bytes.into_owned());
        assert_eq!(&*s.text, "department = \"广州市科学技术协会\"\n");
        assert_eq!(
            s.encoding.as_ref().map(|f| f.severity),
            Some(Severity::Warning)
        );
    }

    #[test]
    fn other_bytes_are_an_error_with_the_offset() {
        let s = DeclarationSource::from_bytes("a.toml".into(), b"a = \"\xff\xff\xff\"".to_vec());
        let f = s.encoding.clone().expect("error");
        assert_eq!(f.severity, Severity::Error);
        assert!(f.message.zh.contains("第 5 字节"), "{}", f.message.zh);
        assert!(!s.is_readable());
    }
}
