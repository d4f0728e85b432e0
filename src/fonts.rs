//! Fonts: the two bundled Noto CJK SC faces the templates use, compiled into the
//! binary, plus any fonts the user adds with `--font-dir`.
//!
//! The bundled faces are loaded and parsed once per process, so every document of a
//! batch shares the same [`Font`] values (and Typst's caches stay warm). The binary
//! carries them compressed; how they are unpacked once per machine and mapped from the
//! user's cache directory afterwards: `src/fonts/cache.rs`. How the two files are cut from
//! Debian's font collections, and how to make them again: `fonts/README.md`,
//! `scripts/fonts.sh`.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::thread::JoinHandle;

use typst::foundations::Bytes;
use typst::text::{Font, FontBook};

mod cache;

use cache::{cache_dir, Bundled};

// The bundled faces (`BUNDLED`), in the order Typst indexes them: the serif for body
// text, the bold sans for the title and headings. Compressed by build.rs.
include!(concat!(env!("OUT_DIR"), "/bundled_fonts.rs"));

/// The bundled faces, loaded once per process (from the cache directory, see
/// [`cache_dir`]) and parsed, one thread per face. As each face's bytes are mapped, a
/// thread of its own starts hashing them ([`hash_in_background`]) beside the parsing.
pub fn bundled() -> &'static [Font] {
    static FONTS: OnceLock<Vec<Font>> = OnceLock::new();
    FONTS.get_or_init(|| {
        let cache = cache_dir();
        let load = |face: &Bundled| {
            let bytes = face.bytes(cache.as_deref());
            hash_in_background(bytes.clone());
            Font::new(bytes, 0)
                .unwrap_or_else(|| panic!("bundled font {} cannot be parsed", face.name))
        };
        in_parallel(BUNDLED.iter(), load)
    })
}

/// The threads [`hash_in_background`] started, until [`wait_prehashed`] joins them.
static HASHING: Mutex<Vec<JoinHandle<()>>> = Mutex::new(Vec::new());
/// Set once every thread [`hash_in_background`] started has finished.
static HASHED: OnceLock<()> = OnceLock::new();

/// Starts hashing `bytes` (a bundled face) on a thread of its own, and returns at once.
/// Typst hashes each font it uses once per process (a SipHash of the whole file, kept
/// in the bytes): for the two bundled faces that is 28 MB, the largest single cost of a
/// cold render after the layout itself. Started as soon as a face is mapped, it runs
/// while the face is parsed, the declaration read and checked and the template
/// evaluated, none of which needs the hash; a world hands Typst a bundled face only once
/// it is hashed ([`wait_prehashed`]), so Typst never hashes one a second time beside
/// this thread. Without a thread, Typst hashes the face when it first uses it.
fn hash_in_background(bytes: Bytes) {
    let started = std::thread::Builder::new()
        .name("jixiao-font-hash".to_owned())
        .spawn(move || {
            typst::utils::hash128(&bytes);
        });
    if let Ok(handle) = started {
        HASHING
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(handle);
    }
}

/// Starts loading the bundled faces ([`bundled`], which starts hashing them) on a thread
/// of its own, and returns at once, so that a command can read its templates meanwhile;
/// whoever asks for the faces first waits for them.
pub fn preload() {
    static STARTED: std::sync::Once = std::sync::Once::new();
    STARTED.call_once(|| {
        // Without a thread, the faces load when first asked for.
        let _ = std::thread::Builder::new()
            .name("jixiao-font-load".to_owned())
            .spawn(|| {
                bundled();
            });
    });
}

/// Waits until every hash [`hash_in_background`] started is done (at once when none
/// was). A thread that failed leaves its face for Typst to hash.
pub(crate) fn wait_prehashed() {
    HASHED.get_or_init(|| {
        let pending = std::mem::take(&mut *HASHING.lock().unwrap_or_else(PoisonError::into_inner));
        for handle in pending {
            let _ = handle.join();
        }
    });
}

/// `f` of every item, each on a thread of its own, in order.
fn in_parallel<T: Send, R: Send>(
    items: impl Iterator<Item = T>,
    f: impl Fn(T) -> R + Sync,
) -> Vec<R> {
    std::thread::scope(|scope| {
        let f = &f;
        let handles: Vec<_> = items.map(|item| scope.spawn(move || f(item))).collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    })
}

/// A font file in `--font-dir` that could not be used.
#[derive(Debug, thiserror::Error)]
pub enum FontDirError {
    /// The directory itself could not be read.
    #[error("无法读取字体目录 {path} / cannot read font directory: {source}")]
    Read {
        /// The directory.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The directory holds no font jixiao can read.
    #[error("字体目录 {0} 中没有可用的字体文件（.ttf .otf .ttc .otc） / no usable font files in the directory")]
    Empty(PathBuf),
}

/// Loads every face of every font file (`.ttf`, `.otf`, `.ttc`, `.otc`) under `dir`,
/// recursively, in a stable (sorted) order.
pub fn load_dir(dir: &Path) -> Result<Vec<Font>, FontDirError> {
    let mut paths = Vec::new();
    for entry in walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
    {
        let entry = entry.map_err(|e| FontDirError::Read {
            path: dir.to_owned(),
            source: e.into(),
        })?;
        let is_font = entry
            .path()
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| {
                matches!(
                    e.to_ascii_lowercase().as_str(),
                    "ttf" | "otf" | "ttc" | "otc"
                )
            });
        if entry.file_type().is_file() && is_font {
            paths.push(entry.into_path());
        }
    }
    let mut fonts = Vec::new();
    for path in paths {
        let data = std::fs::read(&path).map_err(|source| FontDirError::Read {
            path: path.clone(),
            source,
        })?;
        fonts.extend(Font::iter(Bytes::new(data)));
    }
    if fonts.is_empty() {
        return Err(FontDirError::Empty(dir.to_owned()));
    }
    Ok(fonts)
}

/// A set of fonts a document can use: the bundled faces first, then the user's.
#[derive(Clone)]
pub struct FontSet {
    fonts: Vec<Font>,
    /// Which code points some font of the set has, built on first use and shared by
    /// clones.
    coverage: Arc<OnceLock<CoverageBits>>,
}

/// One bit per Unicode code point (136 KiB): set when some font of a set has a glyph
/// for it. Typst's own `Coverage::contains` walks a font's runs one by one — thousands
/// for a CJK face — so a lookup here is a shift and a mask instead.
struct CoverageBits(Box<[u64]>);

impl CoverageBits {
    const CODE_POINTS: usize = 0x11_0000;

    fn of(fonts: &[Font]) -> CoverageBits {
        let mut bits = vec![0u64; Self::CODE_POINTS / 64].into_boxed_slice();
        for font in fonts {
            for c in font.info().coverage.iter() {
                if let Some(word) = bits.get_mut(c as usize / 64) {
                    *word |= 1 << (c % 64);
                }
            }
        }
        CoverageBits(bits)
    }

    fn contains(&self, c: char) -> bool {
        let c = c as usize;
        self.0
            .get(c / 64)
            .is_some_and(|word| word & (1 << (c % 64)) != 0)
    }
}

impl FontSet {
    /// The bundled faces only.
    pub fn bundled() -> Self {
        FontSet::of(bundled().to_vec())
    }

    fn of(fonts: Vec<Font>) -> Self {
        FontSet {
            fonts,
            coverage: Arc::new(OnceLock::new()),
        }
    }

    /// The bundled faces plus every font under each of `dirs`.
    pub fn with_dirs(dirs: &[PathBuf]) -> Result<Self, FontDirError> {
        let mut fonts = bundled().to_vec();
        for dir in dirs {
            fonts.extend(load_dir(dir)?);
        }
        Ok(FontSet::of(fonts))
    }

    /// The fonts, in the order Typst indexes them.
    pub fn fonts(&self) -> &[Font] {
        &self.fonts
    }

    /// The font book Typst selects fonts from.
    pub fn book(&self) -> FontBook {
        FontBook::from_fonts(&self.fonts)
    }

    /// Whether any font in the set has a glyph for `c`.
    pub fn covers(&self, c: char) -> bool {
        self.coverage
            .get_or_init(|| CoverageBits::of(&self.fonts))
            .contains(c)
    }

    /// The family names in the set, deduplicated, for `jixiao fonts`-style listings.
    pub fn families(&self) -> Vec<String> {
        let mut names: Vec<String> = self.fonts.iter().map(|f| f.info().family.clone()).collect();
        names.dedup();
        names
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundles_the_two_faces_the_templates_use() {
        let faces: Vec<(String, u16)> = bundled()
            .iter()
            .map(|f| (f.info().family.clone(), f.info().variant.weight.to_number()))
            .collect();
        assert_eq!(
            faces,
            [
                ("Noto Serif CJK SC".to_owned(), 400),
                ("Noto Sans CJK SC".to_owned(), 700)
            ]
        );
    }

    #[test]
    fn the_bundled_faces_keep_their_whole_simplified_chinese_coverage() {
        // Rare characters people have in their names, from CJK Extension A (䶮, 㑇),
        // B (𨱏), C (𪟝), D (𫝆), E (𬍛), F (𭕄), G (𰻝) and late additions to the main
        // block (鿏); and the SC face's 44,746 code points in all (as Debian's
        // collection maps them: scripts/subset_fonts.py checks every one).
        let serif = &bundled()[0];
        for c in [
            '䶮', '㑇', '𨱏', '𪟝', '𫝆', '𬍛', '𭕄', '𰻝', '喆', '堃', '昇', '祎', '鿏',
        ] {
            assert!(
                serif.info().coverage.contains(c as u32),
                "{c} U+{:04X}",
                c as u32
            );
        }
        assert_eq!(serif.info().coverage.iter().count(), 44_746);
    }

    #[test]
    fn bundled_fonts_cover_the_form_characters() {
        let set = FontSet::bundled();
        for c in "部门整体预算绩效目标申报表≥≤％%（）“”、；6,686.98ABCxyz·—".chars()
        {
            assert!(set.covers(c), "{c} U+{:04X}", c as u32);
        }
        assert!(!set.covers('\u{E000}'), "private use area is not covered");
    }

    #[test]
    fn the_coverage_bits_agree_with_the_fonts_own_coverage() {
        let set = FontSet::bundled();
        let mut covered = 0;
        // Every 7th code point of the first four planes (BMP, and CJK Ext. B-G).
        for cp in (0..0x4_0000u32).step_by(7) {
            let Some(c) = char::from_u32(cp) else {
                continue;
            };
            let by_fonts = set.fonts().iter().any(|f| f.info().coverage.contains(cp));
            assert_eq!(set.covers(c), by_fonts, "U+{cp:04X}");
            covered += usize::from(by_fonts);
        }
        // The SC faces cover about 44,700 code points: a seventh of them sampled.
        assert!(covered > 6_000, "{covered}");
    }
}
