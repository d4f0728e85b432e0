//! Limits that keep a hostile or careless input from stalling a batch: the size of a
//! declaration or spreadsheet ([`MAX_INPUT_BYTES`]), the pages of a render and the time
//! it may take ([`Limits`], applied by the renderer, `jixiao_render::Renderer`).

use std::io;
use std::path::Path;
use std::time::Duration;

/// The largest declaration or spreadsheet jixiao reads: 10 MiB. Real forms are a few
/// kilobytes (a spreadsheet tens of kilobytes); a file beyond this is a mistake or an
/// attack, and refusing it keeps a batch from stalling on it.
pub const MAX_INPUT_BYTES: u64 = 10 * 1024 * 1024;

/// Why a file is refused for its size, Chinese first.
fn too_large_message(size: Option<u64>) -> String {
    let size = size.map_or_else(
        || "超过 10 MiB / more than 10 MiB".to_owned(),
        |s| format!("{:.1} MiB", s as f64 / (1024.0 * 1024.0)),
    );
    format!(
        "文件太大（{size}），超过 10 MiB 的上限；真实的申报表远小于此 / \
         the file is too large ({size}): the limit is 10 MiB, real forms are far smaller"
    )
}

/// Reads a declaration or spreadsheet from `path`, refusing more than
/// [`MAX_INPUT_BYTES`] (with an error of kind [`io::ErrorKind::FileTooLarge`]),
/// also from files that grow while read or have no size (`/dev/zero`).
pub fn read_limited(path: &Path) -> io::Result<Vec<u8>> {
    use io::Read;
    let file = std::fs::File::open(path)?;
    let size = file.metadata().map(|m| m.len()).ok();
    if size.is_some_and(|s| s > MAX_INPUT_BYTES) {
        return Err(io::Error::new(
            io::ErrorKind::FileTooLarge,
            too_large_message(size),
        ));
    }
    let mut bytes = Vec::with_capacity(size.unwrap_or(0).min(MAX_INPUT_BYTES) as usize);
    file.take(MAX_INPUT_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(io::Error::new(
            io::ErrorKind::FileTooLarge,
            too_large_message(None),
        ));
    }
    Ok(bytes)
}

/// `Err(message)` when `len` bytes are more than [`MAX_INPUT_BYTES`].
pub fn check_input_size(len: usize) -> Result<(), String> {
    if len as u64 > MAX_INPUT_BYTES {
        Err(too_large_message(Some(len as u64)))
    } else {
        Ok(())
    }
}

/// The default page limit of a render: 1,000 pages. The longest real forms have a few
/// pages; a thousand is a declaration gone wrong (or made to stall a batch).
pub const DEFAULT_MAX_PAGES: usize = 1000;

/// The default time limit of one render on the command line: 300 s. A real form takes
/// well under a second.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(300);

/// What one render may cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Refuse a document of more pages than this (checked before layout where the
    /// declaration certainly needs more, and after layout exactly).
    pub max_pages: usize,
    /// Give up a render that takes longer than this (`None`: no limit). The layout
    /// then runs on a thread of its own; when the time is up the render fails with
    /// `jixiao_render::RenderError::TimedOut` and the thread is left to finish on its own
    /// (Typst cannot be interrupted), its result thrown away.
    pub timeout: Option<Duration>,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_pages: DEFAULT_MAX_PAGES,
            timeout: None,
        }
    }
}

/// More table rows than any page of jixiao's forms can hold: no row is shorter than a
/// line of 9 pt text with its padding (about 5 mm), and an A4 page holds fewer than 60
/// of those. So a declaration of more rows than `max_pages × ROWS_PER_PAGE_AT_MOST`
/// certainly needs more pages than `max_pages`.
pub const ROWS_PER_PAGE_AT_MOST: usize = 60;

/// Likewise for text: an A4 page holds fewer than this many characters at the
/// smallest size the templates print (about 70 a line, 60 lines).
pub const CHARS_PER_PAGE_AT_MOST: usize = 10_000;

impl Limits {
    /// Whether a declaration of `rows` table rows and `chars` characters of text
    /// certainly lays out to more than [`Limits::max_pages`] pages, so it can be refused
    /// before the layout is even started.
    pub fn certainly_exceeded(&self, rows: usize, chars: usize) -> bool {
        rows > self.max_pages.saturating_mul(ROWS_PER_PAGE_AT_MOST)
            || chars > self.max_pages.saturating_mul(CHARS_PER_PAGE_AT_MOST)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_up_to_the_limit_and_refuses_beyond_it() {
        let dir = tempfile::tempdir().expect("temp dir");
        let at_limit = dir.path().join("at.toml");
        std::fs::write(&at_limit, vec![b'#'; MAX_INPUT_BYTES as usize]).expect("write");
        assert_eq!(
            read_limited(&at_limit).expect("at the limit").len() as u64,
            MAX_INPUT_BYTES
        );
        let over = dir.path().join("over.toml");
        std::fs::write(&over, vec![b'#'; MAX_INPUT_BYTES as usize + 1]).expect("write");
        let e = read_limited(&over).expect_err("over the limit");
        assert_eq!(e.kind(), io::ErrorKind::FileTooLarge);
        assert!(e.to_string().contains("10 MiB"), "{e}");
        assert!(check_input_size(MAX_INPUT_BYTES as usize).is_ok());
        assert!(check_input_size(MAX_INPUT_BYTES as usize + 1).is_err());
    }

    #[test]
    fn a_file_without_a_size_is_cut_at_the_limit() {
        let e = read_limited(Path::new("/dev/zero")).expect_err("endless");
        assert_eq!(e.kind(), io::ErrorKind::FileTooLarge);
    }

    #[test]
    fn only_declarations_that_cannot_fit_are_refused_before_layout() {
        let limits = Limits {
            max_pages: 10,
            timeout: None,
        };
        assert!(!limits.certainly_exceeded(600, 100_000));
        assert!(limits.certainly_exceeded(601, 0));
        assert!(limits.certainly_exceeded(0, 100_001));
    }
}
