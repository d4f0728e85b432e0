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
use std::sync::{Arc, OnceLock};

use typst::foundations::Bytes;
use typst::text::{Font, FontBook};

mod cache;

use cache::{cache_dir, Bundled};

// The bundled faces (`BUNDLED`), in the order Typst indexes them: the serif for body
// text, the bold sans for the title and headings. Compressed by build.rs.
include!(concat!(env!("OUT_DIR"), "/bundled_fonts.rs"));

/// The bundled faces, loaded once per process (from the cache directory, see
/// [`cache_dir`]) and parsed, one thread per face.
pub fn bundled() -> &'static [Font] {
    static FONTS: OnceLock<Vec<Font>> = OnceLock::new();
    FONTS.get_or_init(|| {
        let cache = cache_dir();
        let load = |face: &Bundled| {
            Font::new(face.bytes(cache.as_deref()), 0)
                .unwrap_or_else(|| panic!("bundled font {} cannot be parsed", face.name))
        };
        in_parallel(BUNDLED.iter(), load)
    })
}

/// Hashes every font's bytes now, one thread per font. Typst hashes each font it
/// uses once per process (a SipHash of the whole file, cached in the font's bytes):
/// for the two bundled faces that is 28 MB, the largest single cost of a cold render,
/// so it is done in parallel instead of one face after the other in the middle of the
/// first layout.
fn prehash(fonts: &[Font]) {
    in_parallel(fonts.iter(), typst::utils::hash128);
}

/// Set when the thread [`start_prehash`] starts has hashed the bundled faces.
static PREHASHED: OnceLock<()> = OnceLock::new();
/// Whether [`start_prehash`] has started that thread.
static PREHASH_STARTED: std::sync::Once = std::sync::Once::new();

/// Starts hashing the bundled faces ([`prehash`]) on a thread of its own, once per
/// process, and returns at once: the hashing then runs while the declaration is read
/// and checked and the template evaluated, which need no hash. A world hands Typst a
/// bundled face only once it is hashed ([`wait_prehashed`]), so Typst never hashes one
/// a second time beside that thread.
pub(crate) fn start_prehash() {
    PREHASH_STARTED.call_once(|| {
        let started = in_background("jixiao-font-hash", || {
            // Set even if hashing failed (say, no thread for a face): a world must
            // never wait for a hash that is not coming; Typst then hashes the rest.
            let _ = std::panic::catch_unwind(|| prehash(bundled()));
            let _ = PREHASHED.set(());
        });
        if !started {
            // No thread: Typst hashes each face when it first uses it.
            let _ = PREHASHED.set(());
        }
    });
}

/// Starts loading the bundled faces ([`bundled`]) and then hashing them
/// ([`start_prehash`]) on a thread of its own, and returns at once, so that a command
/// can read its templates meanwhile; whoever asks for the faces first waits for them.
pub fn preload() {
    static STARTED: std::sync::Once = std::sync::Once::new();
    STARTED.call_once(|| {
        // Without a thread, the faces load when first asked for, as before.
        in_background("jixiao-font-load", || {
            bundled();
            start_prehash();
        });
    });
}

/// Runs `job` on a detached thread named `name`; false when no thread could be started.
fn in_background(name: &str, job: impl FnOnce() + Send + 'static) -> bool {
    std::thread::Builder::new()
        .name(name.to_owned())
        .spawn(job)
        .is_ok()
}

/// Waits until the hashing [`start_prehash`] started is done; returns at once when it
/// was never started (Typst then hashes each face at its first use).
pub(crate) fn wait_prehashed() {
    if PREHASH_STARTED.is_completed() {
        PREHASHED.wait();
    }
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
