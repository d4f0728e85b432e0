//! Fonts: the two Noto CJK SC faces the templates use, compiled into the binary (each as
//! two files: its common characters and its rare ones), plus any fonts the user adds with
//! `--font-dir`.
//!
//! The bundled files are loaded and parsed once per process, so every document of a
//! batch shares the same [`Font`] values (and Typst's caches stay warm). The binary
//! carries them compressed; how they are unpacked once per machine and mapped from the
//! user's cache directory afterwards: `src/fonts/cache.rs`. How the files are cut from
//! Debian's font collections, and how to make them again: `fonts/README.md`,
//! `scripts/fonts.sh`.
//!
//! Why each face is two files: Typst hashes every byte of a font it uses, once per
//! process. The common half of the serif is 3.4 MB, the whole face 16.4 MB; a form
//! written in GB 2312's characters never touches the rare halves, which Typst reaches
//! only by font fallback (both halves have the same family name, and the common one comes
//! first), for a character the common half lacks.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::thread::JoinHandle;

use typst::foundations::Bytes;
use typst::text::{Font, FontBook, FontInfo};

mod cache;

use cache::{cache_dir, Bundled};

// The bundled font files (`BUNDLED`), in the order Typst indexes them: the common halves
// of the serif for body text and of the bold sans for the title and headings, then the
// two rare halves. Compressed by build.rs.
include!(concat!(env!("OUT_DIR"), "/bundled_fonts.rs"));

/// The common halves of the bundled faces, loaded once per process (from the cache
/// directory, see `cache_dir`) and parsed, one thread per file. As a file's bytes are
/// mapped, a thread of its own starts hashing them (`hash_in_background`) beside the
/// parsing. The rare halves are loaded only when a document uses one (`rare_half`).
pub fn bundled() -> &'static [Font] {
    static FONTS: OnceLock<Vec<Font>> = OnceLock::new();
    FONTS.get_or_init(|| {
        let cache = cache_dir();
        let load = |face: &Bundled| {
            let bytes = face.bytes(cache.as_deref());
            hash_in_background(bytes.clone());
            parse(face, bytes)
        };
        in_parallel(BUNDLED.iter().filter(|face| !face.rare), load)
    })
}

/// The bundled rare halves, in `BUNDLED`'s order.
fn rare_files() -> impl Iterator<Item = &'static Bundled> {
    BUNDLED.iter().filter(|face| face.rare)
}

/// How many of the bundled files are rare halves.
const RARE_HALVES: usize = {
    let (mut count, mut i) = (0, 0);
    while i < BUNDLED.len() {
        count += BUNDLED[i].rare as usize;
        i += 1;
    }
    count
};

/// Rare half `k` (in [`rare_files`]' order), loaded, parsed and hashed the first time a
/// document uses it (or [`prefetch_rare_halves`] expects one to), once per
/// process. Typst would hash it when it first shapes text with it; hashed here, the hash
/// is off the layout's path when the half was prefetched. A caller that comes while
/// another thread loads the half waits for it.
fn rare_half(k: usize) -> Option<Font> {
    static FONTS: [OnceLock<Font>; RARE_HALVES] = [const { OnceLock::new() }; RARE_HALVES];
    let face = rare_files().nth(k)?;
    let font = FONTS.get(k)?.get_or_init(|| {
        let font = parse(face, face.bytes(cache_dir().as_deref()));
        typst::utils::hash128(font.data());
        font
    });
    Some(font.clone())
}

/// Which characters the common halves of the bundled faces have (built once per process).
fn common_coverage() -> &'static CoverageBits {
    static BITS: OnceLock<CoverageBits> = OnceLock::new();
    BITS.get_or_init(|| CoverageBits::of(bundled().iter().map(Font::info)))
}

/// The first rare half (the serif's, before the sans') that has a character of `text`
/// the common halves lack, if there is one.
fn first_rare_half_needed(text: impl IntoIterator<Item = char>) -> Option<usize> {
    let common = common_coverage();
    let mut lacking = text.into_iter().filter(|&c| !common.contains(c)).peekable();
    lacking.peek()?;
    let lacking: Vec<char> = lacking.collect();
    rare_infos()
        .iter()
        .position(|info| lacking.iter().any(|&c| info.coverage.contains(c as u32)))
}

/// Starts loading, on a thread of its own, the rare half of the serif when `text` (a
/// declaration's) has a character only the rare halves have, so that it is parsed and
/// hashed (13.6 MB) beside the template's evaluation instead of when the layout first
/// needs it. Only the first rare half that has such a character: the built-in templates
/// print a declaration in the serif, and whatever else a template needs is loaded when
/// it is first shaped, as without this. Once per process and half.
pub fn prefetch_rare_halves(text: impl IntoIterator<Item = char>) {
    static STARTED: [std::sync::Once; RARE_HALVES] =
        [const { std::sync::Once::new() }; RARE_HALVES];
    let Some(k) = first_rare_half_needed(text) else {
        return;
    };
    if let Some(started) = STARTED.get(k) {
        started.call_once(|| {
            // Without a thread, the half loads when the layout first needs it.
            let _ = std::thread::Builder::new()
                .name("jixiao-font-rare".to_owned())
                .spawn(move || rare_half(k));
        });
    }
}

/// The bundled file `face`, parsed. Its bytes are the binary's own (`build.rs` wrote
/// them, a hash checks them): failing here means the binary itself is damaged.
fn parse(face: &Bundled, bytes: Bytes) -> Font {
    Font::new(bytes, 0).unwrap_or_else(|| panic!("bundled font {} cannot be parsed", face.name))
}

/// What Typst reads from each rare half (its [`FontInfo`]: family, style, flags and
/// character coverage), by file name, as `fonts/rare-halves.json` records it, so that the
/// book can list a rare half without the file being read. A test checks the record
/// against the files (`the_rare_halves_are_recorded_as_typst_reads_them`).
fn rare_infos() -> &'static [FontInfo] {
    static INFOS: OnceLock<Vec<FontInfo>> = OnceLock::new();
    INFOS.get_or_init(|| {
        // The record is the binary's own, checked by a test: failing here means the
        // binary was built from a damaged checkout.
        let mut recorded: std::collections::BTreeMap<String, FontInfo> =
            serde_json::from_str(include_str!("../../../fonts/rare-halves.json"))
                .expect("fonts/rare-halves.json is what Typst reads from the rare halves");
        rare_files()
            .map(|face| {
                recorded
                    .remove(face.name)
                    .unwrap_or_else(|| panic!("fonts/rare-halves.json lacks {}", face.name))
            })
            .collect()
    })
}

/// The threads `hash_in_background` started, until [`wait_prehashed`] joins them.
static HASHING: Mutex<Vec<JoinHandle<()>>> = Mutex::new(Vec::new());
/// Set once every thread `hash_in_background` started has finished.
static HASHED: OnceLock<()> = OnceLock::new();

/// Starts hashing `bytes` (a bundled file) on a thread of its own, and returns at once.
/// Typst hashes each font it uses once per process (a SipHash of the whole file, kept
/// in the bytes): for the common halves of the two faces that is 5.8 MB, and every form
/// uses both. Started as soon as a face is mapped, it runs
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

/// Waits until every hash `hash_in_background` started is done (at once when none
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

/// A set of fonts a document can use: the bundled faces first (the two common halves,
/// then the two rare halves), then the user's.
#[derive(Clone)]
pub struct FontSet {
    /// What Typst knows of each font, in the order Typst indexes them.
    infos: Arc<[FontInfo]>,
    /// The fonts, by the same index.
    fonts: Arc<[Slot]>,
    /// Which code points some font of the set has, built on first use and shared by
    /// clones.
    coverage: Arc<OnceLock<CoverageBits>>,
}

/// A font of a [`FontSet`]: parsed, or a bundled rare half, parsed when first used.
#[derive(Clone)]
enum Slot {
    Parsed(Font),
    /// Rare half `k` (`rare_half`).
    RareHalf(usize),
}

/// One bit per Unicode code point (136 KiB): set when some font of a set has a glyph
/// for it. Typst's own `Coverage::contains` walks a font's runs one by one — thousands
/// for a CJK face — so a lookup here is a shift and a mask instead.
struct CoverageBits(Box<[u64]>);

impl CoverageBits {
    const CODE_POINTS: usize = 0x11_0000;

    fn of<'a>(infos: impl IntoIterator<Item = &'a FontInfo>) -> CoverageBits {
        let mut bits = vec![0u64; Self::CODE_POINTS / 64].into_boxed_slice();
        for info in infos {
            for c in info.coverage.iter() {
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

/// The checks ask the fonts a form prints with whether they cover a character.
impl jixiao_core::glyphs::Coverage for FontSet {
    fn covers(&self, c: char) -> bool {
        FontSet::covers(self, c)
    }
}

impl FontSet {
    /// The bundled faces only.
    pub fn bundled() -> Self {
        FontSet::of(Vec::new())
    }

    /// The bundled faces, then `user`'s fonts.
    fn of(user: Vec<Font>) -> Self {
        let common = bundled();
        let rare = rare_infos();
        let infos = (common.iter().map(|f| f.info().clone()))
            .chain(rare.iter().cloned())
            .chain(user.iter().map(|f| f.info().clone()))
            .collect();
        let fonts = (common.iter().cloned().map(Slot::Parsed))
            .chain((0..rare.len()).map(Slot::RareHalf))
            .chain(user.into_iter().map(Slot::Parsed))
            .collect();
        FontSet {
            infos,
            fonts,
            coverage: Arc::new(OnceLock::new()),
        }
    }

    /// The bundled faces plus every font under each of `dirs`.
    pub fn with_dirs(dirs: &[PathBuf]) -> Result<Self, FontDirError> {
        let mut fonts = Vec::new();
        for dir in dirs {
            fonts.extend(load_dir(dir)?);
        }
        Ok(FontSet::of(fonts))
    }

    /// What Typst knows of each font (family, style, coverage), in the order Typst
    /// indexes them.
    pub fn infos(&self) -> &[FontInfo] {
        &self.infos
    }

    /// The font Typst indexes as `index` (a bundled rare half is loaded when first asked
    /// for).
    pub fn font(&self, index: usize) -> Option<Font> {
        match self.fonts.get(index)? {
            Slot::Parsed(font) => Some(font.clone()),
            Slot::RareHalf(k) => rare_half(*k),
        }
    }

    /// The font book Typst selects fonts from.
    pub fn book(&self) -> FontBook {
        FontBook::from_infos(self.infos.iter().cloned())
    }

    /// Whether any font in the set has a glyph for `c`.
    pub fn covers(&self, c: char) -> bool {
        self.coverage
            .get_or_init(|| CoverageBits::of(self.infos.iter()))
            .contains(c)
    }

    /// The family names in the set, each once, in the order the fonts come, for
    /// `jixiao fonts`-style listings.
    pub fn families(&self) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        for info in self.infos.iter() {
            if !names.contains(&info.family) {
                names.push(info.family.clone());
            }
        }
        names
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundles_the_two_faces_the_templates_use_each_in_two_halves() {
        let set = FontSet::bundled();
        let faces: Vec<(String, u16, String)> = (0..4)
            .map(|i| set.font(i).expect("four bundled files"))
            .map(|f| {
                let info = f.info();
                let name = f.post_script_name().unwrap_or_default();
                (info.family.clone(), info.variant.weight.to_number(), name)
            })
            .collect();
        let face = |family: &str, weight, name: &str| (family.to_owned(), weight, name.to_owned());
        assert_eq!(
            faces,
            [
                face("Noto Serif CJK SC", 400, "NotoSerifCJKsc-Regular"),
                face("Noto Sans CJK SC", 700, "NotoSansCJKsc-Bold"),
                face("Noto Serif CJK SC", 400, "NotoSerifCJKsc-Regular-Rare"),
                face("Noto Sans CJK SC", 700, "NotoSansCJKsc-Bold-Rare"),
            ]
        );
        assert_eq!(set.families(), ["Noto Serif CJK SC", "Noto Sans CJK SC"]);
        assert!(set.font(4).is_none());
    }

    #[test]
    fn the_two_halves_of_a_face_keep_its_whole_simplified_chinese_coverage() {
        // Rare characters people have in their names, from CJK Extension A (䶮, 㑇),
        // B (𨱏), C (𪟝), D (𫝆), E (𬍛), F (𭕄), G (𰻝), the main block outside GB 2312
        // (喆, 堃, 昇, 祎) and late additions to it (鿏): in the rare halves. The forms'
        // own characters, GB 2312's: in the common halves. The SC faces' 44,746 and
        // 44,810 code points in all, none in both halves (as Debian's collections map
        // them: scripts/subset_fonts.py checks every one).
        let set = FontSet::bundled();
        let font = |i| set.font(i).expect("four bundled files");
        for (common, rare, all) in [(font(0), font(2), 44_746), (font(1), font(3), 44_810)] {
            let name = common.post_script_name().unwrap_or_default();
            for c in [
                '䶮', '㑇', '𨱏', '𪟝', '𫝆', '𬍛', '𭕄', '𰻝', '喆', '堃', '昇', '祎', '鿏',
            ] {
                let cp = c as u32;
                assert!(rare.info().coverage.contains(cp), "{name} {c} U+{cp:04X}");
                assert!(
                    !common.info().coverage.contains(cp),
                    "{name} {c} U+{cp:04X}"
                );
            }
            for c in "部门整体预算绩效目标申报表≥≤％%（）“”、；—…·ABCxyz0123456789".chars()
            {
                let cp = c as u32;
                assert!(common.info().coverage.contains(cp), "{name} {c} U+{cp:04X}");
            }
            let common_points: std::collections::BTreeSet<u32> =
                common.info().coverage.iter().collect();
            let rare_points: std::collections::BTreeSet<u32> =
                rare.info().coverage.iter().collect();
            assert!(
                common_points.is_disjoint(&rare_points),
                "{name}: a code point in both halves"
            );
            assert_eq!(common_points.union(&rare_points).count(), all, "{name}");
            assert!(
                common_points.len() < all / 4,
                "{name}: {}",
                common_points.len()
            );
        }
    }

    #[test]
    fn the_rare_halves_are_recorded_as_typst_reads_them() {
        // fonts/rare-halves.json is what Typst's own parsing of each rare half gives
        // (after a change to the font files or to Typst, this test says so; run it with
        // JIXIAO_WRITE_RARE_HALVES=1 to write the record again, and review the diff).
        let parsed: std::collections::BTreeMap<&str, FontInfo> = rare_files()
            .map(|face| (face.name, parse(face, face.bytes(None)).info().clone()))
            .collect();
        assert_eq!(parsed.len(), 2);
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fonts/rare-halves.json");
        if std::env::var_os("JIXIAO_WRITE_RARE_HALVES").is_some() {
            let json = serde_json::to_string(&parsed).expect("font infos serialise");
            std::fs::write(path, json + "\n").expect("writing fonts/rare-halves.json");
        }
        let recorded: std::collections::BTreeMap<String, FontInfo> =
            serde_json::from_str(&std::fs::read_to_string(path).expect("the record"))
                .expect("the record parses");
        for (name, info) in &parsed {
            assert!(
                recorded.get(*name) == Some(info),
                "fonts/rare-halves.json does not record {name} as Typst reads it"
            );
        }
        assert_eq!(recorded.len(), parsed.len());
        // And the binary's copy of the record is the file's.
        let in_order: Vec<FontInfo> = rare_files().map(|f| parsed[f.name].clone()).collect();
        assert_eq!(rare_infos(), in_order);
    }

    #[test]
    fn a_rare_half_is_prefetched_only_for_characters_the_common_halves_lack() {
        assert_eq!(
            first_rare_half_needed("部门整体预算绩效目标申报表 ABC 6,686.98％".chars()),
            None
        );
        assert_eq!(first_rare_half_needed("".chars()), None);
        // The serif's rare half, for a character of the main block outside GB 2312 and
        // for one of Extension B.
        assert_eq!(first_rare_half_needed("王喆".chars()), Some(0));
        assert_eq!(first_rare_half_needed("部门𨱏".chars()), Some(0));
        // A private-use character is in no half.
        assert_eq!(first_rare_half_needed("\u{E000}".chars()), None);
        // Prefetching loads the half once; the layout's request gets the same font.
        prefetch_rare_halves("喆".chars());
        let font = rare_half(0).expect("the serif's rare half");
        assert_eq!(
            font.post_script_name().as_deref(),
            Some("NotoSerifCJKsc-Regular-Rare")
        );
        assert!(font.info().coverage.contains('喆' as u32));
    }

    #[test]
    fn typst_finds_the_rare_half_of_the_face_it_is_shaping_with() {
        // What Typst's shaping does when the family's font lacks a character: it asks
        // the book for a fallback like the font it started with.
        use typst::text::{FontStretch, FontStyle, FontVariant, FontWeight};
        let set = FontSet::bundled();
        let book = set.book();
        let regular = FontVariant::new(FontStyle::Normal, FontWeight::REGULAR, FontStretch::NORMAL);
        let bold = FontVariant::new(FontStyle::Normal, FontWeight::BOLD, FontStretch::NORMAL);
        // A template's family gets the common half.
        assert_eq!(book.select("noto serif cjk sc", regular), Some(0));
        assert_eq!(book.select("noto sans cjk sc", bold), Some(1));
        for text in ["𨱏", "喆", "䶮"] {
            let serif = book.select_fallback(Some(&set.infos()[0]), regular, text);
            let sans = book.select_fallback(Some(&set.infos()[1]), bold, text);
            assert_eq!((serif, sans), (Some(2), Some(3)), "{text}");
        }
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
            let by_fonts = set.infos().iter().any(|f| f.coverage.contains(cp));
            assert_eq!(set.covers(c), by_fonts, "U+{cp:04X}");
            covered += usize::from(by_fonts);
        }
        // The SC faces cover about 44,700 code points: a seventh of them sampled.
        assert!(covered > 6_000, "{covered}");
    }
}
