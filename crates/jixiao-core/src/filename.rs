//! Safe file names on every common file system, for PDFs named after a department, the
//! declaration attached to an archival PDF, and the archive store's folders.
//!
//! Rules, so a name that works on Linux also works when the files are copied to
//! Windows, macOS or a USB stick:
//! - the characters Windows forbids (`< > : " / \ | ? *`) and control characters
//!   become `_`;
//! - leading spaces and dots (hidden files) become `_`, trailing dots and spaces are
//!   removed (Windows strips them silently);
//! - device names Windows reserves (`CON`, `PRN`, `AUX`, `NUL`, `COM0`–`COM9`,
//!   `LPT0`–`LPT9`, also with an extension, in any case) get a `_` prefix;
//! - the name is cut, at a character boundary, to [`MAX_NAME_BYTES`] bytes of UTF-8
//!   (ext4 and NTFS allow 255; a Chinese character takes 3 bytes);
//! - the name ends in the extension asked for (`.pdf` for [`sanitize`]).

/// The longest file name produced, in bytes of UTF-8: below the 255 of ext4, APFS and
/// NTFS, with room to spare for tools that add a suffix.
pub const MAX_NAME_BYTES: usize = 200;

/// Device names Windows reserves, with or without an extension.
const RESERVED: [&str; 4] = ["CON", "PRN", "AUX", "NUL"];

fn is_reserved(stem: &str) -> bool {
    // Windows looks at the part before the first dot, ignoring trailing spaces.
    let base = stem.split('.').next().unwrap_or("").trim_end();
    let upper = base.to_uppercase();
    if RESERVED.contains(&upper.as_str()) {
        return true;
    }
    let mut chars = upper.chars();
    let prefix: String = chars.by_ref().take(3).collect();
    let digit: Vec<char> = chars.collect();
    (prefix == "COM" || prefix == "LPT")
        && digit.len() == 1
        && (digit[0].is_ascii_digit() || matches!(digit[0], '¹' | '²' | '³'))
}

fn forbidden(c: char) -> bool {
    matches!(c, '<' | '>' | ':' | '"' | '/' | '\\' | '|' | '?' | '*') || c.is_control()
}

/// Trailing dots and spaces removed, leading dots and spaces replaced, never empty.
fn tidy(stem: &str) -> String {
    let trimmed = stem.trim_end_matches(['.', ' ']);
    let body = trimmed.trim_start_matches(['.', ' ']);
    let lead = trimmed.len() - body.len();
    let mut out = "_".repeat(lead.min(1));
    out.push_str(body);
    if out.is_empty() {
        out.push('_');
    }
    out
}

/// Makes `name` a safe file name ending in `.pdf`. Never returns an empty name, `.` or
/// `..`.
pub fn sanitize(name: &str) -> String {
    with_extension(name, ".pdf")
}

/// Makes `name` a safe file name ending in `extension` (e.g. `".toml"`; `""` for a
/// directory name). An `extension` already at the end (in any case) is not doubled.
/// Never returns an empty name, `.` or `..`.
pub fn with_extension(name: &str, extension: &str) -> String {
    let replaced: String = name
        .chars()
        .map(|c| if forbidden(c) { '_' } else { c })
        .collect();
    let cut = replaced.len().saturating_sub(extension.len());
    let stem = match replaced.get(cut..) {
        Some(tail) if !extension.is_empty() && tail.eq_ignore_ascii_case(extension) => {
            &replaced[..cut]
        }
        _ => replaced.as_str(),
    };
    let mut stem = tidy(stem);
    let limit = MAX_NAME_BYTES - extension.len();
    if stem.len() > limit {
        let mut cut = limit;
        while !stem.is_char_boundary(cut) {
            cut -= 1;
        }
        stem.truncate(cut);
        stem = tidy(&stem);
    }
    if is_reserved(&stem) {
        stem.insert(0, '_');
    }
    format!("{stem}{extension}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_extension_and_directory_names_follow_the_same_rules() {
        assert_eq!(
            with_extension("2025-测试/部门", ".toml"),
            "2025-测试_部门.toml"
        );
        assert_eq!(with_extension("a:b*?.TOML", ".toml"), "a_b__.toml");
        assert_eq!(with_extension("其他/部门", ""), "其他_部门");
        assert_eq!(with_extension("CON", ""), "_CON");
        assert_eq!(with_extension(" .. ", ""), "_");
        let long = "广州市科学技术协会".repeat(20);
        assert!(with_extension(&long, "").len() <= MAX_NAME_BYTES);
    }
}
