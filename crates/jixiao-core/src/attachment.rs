//! The file an archival PDF attaches as its source — the declaration as the user gave
//! it (TOML, or the spreadsheet it was imported from) — and its MIME type.

/// The MIME type of a declaration file.
pub const TOML_MIME: &str = "application/toml";

/// The file an archival PDF attaches as its source: its bytes, MIME type and file
/// extension.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    /// The file, byte for byte.
    pub bytes: Vec<u8>,
    /// Its MIME type (`application/toml`, the spreadsheet's).
    pub mime: &'static str,
    /// Its extension with the dot (`.toml`, `.xlsx`).
    pub extension: &'static str,
}

impl Attachment {
    /// A declaration file.
    pub fn toml(bytes: Vec<u8>) -> Attachment {
        Attachment {
            bytes,
            mime: TOML_MIME,
            extension: ".toml",
        }
    }
}
