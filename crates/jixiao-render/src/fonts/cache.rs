//! Where the bundled faces' bytes come from at run time.
//!
//! The binary carries each font file compressed (`build.rs`: LZMA2, 28.6 MB of fonts in
//! 19.2 MB). Decompressing takes 0.17 s for the two common halves (one thread per file)
//! and about half a second for the serif's rare half, several cold renders' worth, so it
//! is done once per machine and file: the first run that needs a file writes it to
//! `<cache>/fonts/<file stem>-<XXH3-128>.otf` (written to a temporary file in the same
//! directory and renamed, so no reader ever sees half a file), and every later run maps
//! that file into memory. The pages of a mapped file are
//! shared by every process that maps it (the worker processes of a batch among them), as
//! the binary's own pages were.
//!
//! A cached file is used only when its length and its XXH3-128 (hashed from the mapped
//! bytes: one pass over them) are those `build.rs` recorded for the face: a file
//! that was truncated, changed or left over by another build is decompressed again and
//! replaced. When there is no cache directory, or it cannot be written, each run
//! decompresses into memory: slower, never wrong.
//!
//! Hashing 28 MB was a tenth of a cold render's work, so it is done once per file, not
//! once per run: when a file hashes right and has not changed for a few seconds
//! ([`STAMP_AFTER`]), a *stamp* beside it (`<file>.verified`) records the file's identity
//! as the file system reports it — its length, device and inode, and the times it was
//! last modified and last changed. A run whose file still has that identity maps it
//! without hashing; any other file is hashed (and, if good, stamped again). Whatever
//! writes to the file, renames another over it or sets its modification time back
//! (`touch -d`) changes its change time (ctime), which no program can set, so a changed
//! file is always hashed again. What a stamp cannot see is damage below the file system
//! (a failing disk), which would damage the binary's own pages just as well; and a stamp
//! is only as trustworthy as the directory: whoever can write to the user's cache can
//! write a stamp for a file of their own, as they could change anything else the user
//! runs from their home directory. Without inode and ctime (not Unix) there are no
//! stamps: every run hashes.
//!
//! The cache directory is `$JIXIAO_CACHE_DIR` when set (empty: no cache), else the
//! platform's cache directory (`$XDG_CACHE_HOME` or `~/.cache` on Linux,
//! `~/Library/Caches` on macOS, `%LOCALAPPDATA%` on Windows) + `jixiao`.

use std::fs::File;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use typst::foundations::Bytes;

/// One bundled face as the binary carries it (the table `build.rs` generates).
pub(super) struct Bundled {
    /// The font file's name, as in `fonts/`.
    pub name: &'static str,
    /// The file, compressed with LZMA2 (raw, no container).
    pub compressed: &'static [u8],
    /// The file's length.
    pub len: usize,
    /// The LZMA2 dictionary size it was compressed with.
    pub dict_size: u32,
    /// XXH3-128 of the file.
    pub xxh3: u128,
    /// Whether the file holds a face's rare characters (`fonts/README.md`): Typst
    /// reaches it only by font fallback, for a character the common file lacks.
    pub rare: bool,
}

/// The environment variable that sets the cache directory (empty: none).
const CACHE_DIR_VAR: &str = "JIXIAO_CACHE_DIR";

/// The directory the faces are cached in, if there is one.
pub(super) fn cache_dir() -> Option<PathBuf> {
    match std::env::var_os(CACHE_DIR_VAR) {
        Some(dir) if dir.is_empty() => None,
        Some(dir) => Some(PathBuf::from(dir)),
        None => dirs::cache_dir().map(|dir| dir.join("jixiao")),
    }
}

impl Bundled {
    /// The face's bytes: mapped from `cache` when a good copy is there, else
    /// decompressed (and written to `cache` for the next run, when it can be).
    pub(super) fn bytes(&self, cache: Option<&Path>) -> Bytes {
        let Some(dir) = cache else {
            return Bytes::new(self.decompress());
        };
        let path = self.cached_path(dir);
        if let Some(mapped) = self.map_checked(&path, STAMP_AFTER) {
            return Bytes::new(mapped);
        }
        let data = self.decompress();
        // The cache is an optimisation: when it cannot be written, this run still has
        // the bytes, and the next one decompresses again.
        let _ = write_atomically(&path, &data);
        Bytes::new(data)
    }

    /// Where the face's cached copy lives under `dir`.
    pub(super) fn cached_path(&self, dir: &Path) -> PathBuf {
        let stem = self.name.strip_suffix(".otf").unwrap_or(self.name);
        dir.join("fonts")
            .join(format!("{stem}-{:032x}.otf", self.xxh3))
    }

    /// The cached copy at `path`, mapped, if it is exactly the face: hashed unless its
    /// stamp says it is the file last found good; stamped when it is good and has not
    /// changed for `stamp_after`.
    fn map_checked(&self, path: &Path, stamp_after: Duration) -> Option<memmap2::Mmap> {
        let file = File::open(path).ok()?;
        let metadata = file.metadata().ok()?;
        if metadata.len() != self.len as u64 {
            return None;
        }
        // SAFETY: a mapped file must not change while it is mapped. This one is
        // jixiao's own, in the user's cache directory: it is only ever written whole
        // to a temporary name and renamed over (which leaves an existing mapping on
        // the old file), never modified in place.
        let mapped = unsafe { memmap2::Mmap::map(&file) }.ok()?;
        let stamp = Stamp::of(&metadata);
        let stamp_path = stamp_path(path);
        if stamp.is_some() && Stamp::read(&stamp_path) == stamp {
            return Some(mapped);
        }
        if xxhash_rust::xxh3::xxh3_128(&mapped) != self.xxh3 {
            return None;
        }
        if let Some(stamp) = stamp.filter(|stamp| stamp.older_than(stamp_after)) {
            // A stamp is an optimisation: without it the next run hashes again.
            let _ = stamp.write(&stamp_path);
        }
        Some(mapped)
    }

    /// The face, decompressed and checked.
    fn decompress(&self) -> Vec<u8> {
        // The compressed bytes are the binary's own (build.rs wrote them), not input:
        // failing here means the binary itself is damaged.
        let mut data = Vec::with_capacity(self.len);
        lzma_rust2::Lzma2Reader::new(self.compressed, self.dict_size, None)
            .read_to_end(&mut data)
            .unwrap_or_else(|e| panic!("bundled font {} is damaged: {e}", self.name));
        assert!(
            data.len() == self.len && xxhash_rust::xxh3::xxh3_128(&data) == self.xxh3,
            "bundled font {} is damaged: its hash does not match",
            self.name
        );
        data
    }
}

/// How long a cached file must have been unchanged before it is stamped. File times
/// come from a coarse clock (a few milliseconds; two seconds on FAT): a file changed
/// again within the same tick as the change a stamp recorded would keep its times, so
/// only a file older than any tick is stamped (as Git treats "racily clean" files).
const STAMP_AFTER: Duration = Duration::from_secs(3);

/// Where the stamp of the cached file at `path` lives: beside it, `.verified` appended.
fn stamp_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".verified");
    PathBuf::from(name)
}

/// A cached file's identity as the file system reports it, recorded when its bytes were
/// known to be good (see the module doc): length, device, inode, and the modification
/// and change times in nanoseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp([i128; 6]);

impl Stamp {
    /// Where the modification and the change time sit in a stamp.
    const MODIFIED: usize = 3;
    const CHANGED: usize = 4;

    /// Whether the file was last modified and last changed at least `age` ago (false
    /// when its times lie in the future).
    fn older_than(&self, age: Duration) -> bool {
        let Ok(now) = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) else {
            return false;
        };
        let latest = self.0[Self::MODIFIED].max(self.0[Self::CHANGED]);
        match (
            i128::try_from(now.as_nanos()),
            i128::try_from(age.as_nanos()),
        ) {
            (Ok(now), Ok(age)) => now - latest >= age,
            _ => false,
        }
    }

    /// The identity of the file `metadata` describes; `None` where the platform has no
    /// inode and change time.
    #[cfg(unix)]
    fn of(metadata: &std::fs::Metadata) -> Option<Stamp> {
        use std::os::unix::fs::MetadataExt as _;
        let nanos = |secs: i64, nsecs: i64| i128::from(secs) * 1_000_000_000 + i128::from(nsecs);
        Some(Stamp([
            i128::from(metadata.len()),
            i128::from(metadata.dev()),
            i128::from(metadata.ino()),
            nanos(metadata.mtime(), metadata.mtime_nsec()),
            nanos(metadata.ctime(), metadata.ctime_nsec()),
            // The format's version: a stamp of another layout never matches.
            1,
        ]))
    }

    /// No stamps where there is no inode and change time: every run hashes.
    #[cfg(not(unix))]
    fn of(_metadata: &std::fs::Metadata) -> Option<Stamp> {
        None
    }

    /// The stamp at `path`, if there is one and it reads as one.
    fn read(path: &Path) -> Option<Stamp> {
        let text = std::fs::read_to_string(path).ok()?;
        let mut fields = text.split_ascii_whitespace().map(|f| f.parse::<i128>());
        let mut stamp = [0i128; 6];
        for slot in &mut stamp {
            *slot = fields.next()?.ok()?;
        }
        fields.next().is_none().then_some(Stamp(stamp))
    }

    /// Writes the stamp to `path` (whole or not at all).
    fn write(&self, path: &Path) -> std::io::Result<()> {
        let text: Vec<String> = self.0.iter().map(i128::to_string).collect();
        write_atomically(path, format!("{}\n", text.join(" ")).as_bytes())
    }
}

/// Writes `data` to `path` as every output is written ([`jixiao_core::output::write_atomic`]:
/// a temporary file in the same directory, renamed), creating the directory first, so
/// that `path` is either absent, the old file or the whole new one.
fn write_atomically(path: &Path, data: &[u8]) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    jixiao_core::output::write_atomic(path, data)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fonts::BUNDLED;

    fn serif() -> &'static Bundled {
        &BUNDLED[0]
    }

    #[test]
    fn the_first_load_writes_the_cache_and_the_next_maps_it() {
        let dir = tempfile::tempdir().unwrap();
        let first = serif().bytes(Some(dir.path()));
        let path = serif().cached_path(dir.path());
        assert_eq!(std::fs::read(&path).unwrap(), first.as_slice());
        let second = serif().bytes(Some(dir.path()));
        assert_eq!(first.as_slice(), second.as_slice());
        assert_eq!(second.len(), serif().len);
        // Only the face itself is left in the directory: the temporary file was renamed.
        // No stamp yet: the file changed seconds ago ([`STAMP_AFTER`]).
        let names: Vec<_> = std::fs::read_dir(dir.path().join("fonts"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, [path.file_name().unwrap().to_owned()]);
    }

    /// The stamp of the cached serif in `dir`, if any.
    fn stamp_in(dir: &Path) -> Option<Stamp> {
        Stamp::read(&stamp_path(&serif().cached_path(dir)))
    }

    /// A cache directory holding the serif, hashed, found good and stamped (no waiting
    /// for [`STAMP_AFTER`]): the directory, the face's bytes, the cached file's path.
    #[cfg(unix)]
    fn stamped_serif() -> (tempfile::TempDir, Bytes, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let good = serif().bytes(Some(dir.path()));
        let path = serif().cached_path(dir.path());
        assert!(serif().map_checked(&path, Duration::ZERO).is_some());
        (dir, good, path)
    }

    #[cfg(unix)]
    #[test]
    fn a_good_copy_is_stamped_and_then_mapped_without_hashing() {
        // Hashed and found good: stamped with the file's identity.
        let (dir, good, path) = stamped_serif();
        let stamp = stamp_in(dir.path()).expect("stamped");
        assert_eq!(Some(stamp), Stamp::of(&std::fs::metadata(&path).unwrap()));
        // A file whose identity the stamp records is trusted, not hashed: shown with a
        // damaged copy given a stamp of its own identity (which only a stamp forged
        // this way can have: changing a stamped file changes its identity).
        let mut damaged = good.as_slice().to_vec();
        damaged[1000] ^= 0x40;
        let forged = dir.path().join("forged.otf");
        std::fs::write(&forged, &damaged).unwrap();
        Stamp::of(&std::fs::metadata(&forged).unwrap())
            .unwrap()
            .write(&stamp_path(&forged))
            .unwrap();
        let mapped = serif().map_checked(&forged, STAMP_AFTER).expect("trusted");
        assert_eq!(mapped[1000], damaged[1000]);
    }

    #[cfg(unix)]
    #[test]
    fn a_stamp_is_not_trusted_once_its_file_changed() {
        let (dir, good, path) = stamped_serif();
        assert!(stamp_in(dir.path()).is_some());
        // Another file of the same length renamed over the stamped one: a new inode.
        let mut damaged = good.as_slice().to_vec();
        let middle = damaged.len() / 2;
        damaged[middle] ^= 0x40;
        jixiao_core::output::write_atomic(&path, &damaged).unwrap();
        assert!(serif().map_checked(&path, STAMP_AFTER).is_none());
        // Loading the face replaces it, and the fresh file is not stamped yet.
        assert_eq!(serif().bytes(Some(dir.path())).as_slice(), good.as_slice());
        assert_eq!(std::fs::read(&path).unwrap(), good.as_slice());
        assert_ne!(
            stamp_in(dir.path()),
            Stamp::of(&std::fs::metadata(&path).unwrap())
        );
        // A file changed in place: its change time moves on (file times have a coarse
        // clock, hence the pause; STAMP_AFTER covers that in real runs).
        assert!(serif().map_checked(&path, Duration::ZERO).is_some());
        std::thread::sleep(Duration::from_millis(50));
        std::fs::write(&path, &damaged).unwrap();
        assert!(serif().map_checked(&path, STAMP_AFTER).is_none());
    }

    #[test]
    fn a_stamp_that_does_not_read_as_one_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("stamp");
        for text in ["", "1 2 3", "1 2 3 4 5 6 7", "a b c d e f", "1 2 3 4 5 x"] {
            std::fs::write(&path, text).unwrap();
            assert_eq!(Stamp::read(&path), None, "{text:?}");
        }
        std::fs::write(&path, "1 2 3 4 5 6\n").unwrap();
        assert_eq!(Stamp::read(&path), Some(Stamp([1, 2, 3, 4, 5, 6])));
    }

    #[test]
    fn a_damaged_cached_copy_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let good = serif().bytes(Some(dir.path()));
        let path = serif().cached_path(dir.path());
        // Same length, one byte changed (in the middle of the outlines).
        let mut damaged = good.as_slice().to_vec();
        let middle = damaged.len() / 2;
        damaged[middle] ^= 0x40;
        std::fs::write(&path, &damaged).unwrap();
        assert_eq!(serif().bytes(Some(dir.path())).as_slice(), good.as_slice());
        assert_eq!(std::fs::read(&path).unwrap(), good.as_slice());
        // Truncated.
        std::fs::write(&path, &good.as_slice()[..1000]).unwrap();
        assert_eq!(serif().bytes(Some(dir.path())).as_slice(), good.as_slice());
        assert_eq!(std::fs::read(&path).unwrap().len(), serif().len);
    }

    #[test]
    fn without_a_usable_cache_the_face_is_decompressed_in_memory() {
        let dir = tempfile::tempdir().unwrap();
        // A file where the cache directory should be: nothing can be written under it.
        let blocked = dir.path().join("blocked");
        std::fs::write(&blocked, b"not a directory").unwrap();
        let bytes = serif().bytes(Some(&blocked));
        let none = serif().bytes(None);
        assert_eq!(bytes.as_slice(), none.as_slice());
        assert_eq!(bytes.len(), serif().len);
    }

    #[test]
    fn the_bundled_faces_are_the_files_fonts_readme_lists() {
        // The SHA-256 sums in fonts/README.md, which scripts/fonts.sh reproduces from
        // Debian's package: what the binary carries decompresses to exactly those files.
        use sha2::Digest as _;
        let expected = [
            (
                "NotoSerifCJKsc-Regular.otf",
                "a4c32e40a0889cc434c9c2314f000078de9bfed14b34d39b3219e97305be4329",
            ),
            (
                "NotoSansCJKsc-Bold.otf",
                "3533567d0f57143a7d2154218ed261f140a71e63cee4cbbcb301ac065798c661",
            ),
            (
                "NotoSerifCJKsc-Regular-Rare.otf",
                "25eb2583a7b6071c67070e5b3c46f0373b28a81c593e40c927acde3c0beef9a7",
            ),
            (
                "NotoSansCJKsc-Bold-Rare.otf",
                "55860f8fa9cb78ff2ff80f18174abbd0e36d39a87e38056b5c42a0b4e3e11641",
            ),
        ];
        assert_eq!(BUNDLED.len(), expected.len());
        let readme = include_str!("../../../../fonts/README.md");
        for (face, (name, sha)) in BUNDLED.iter().zip(expected) {
            assert_eq!(face.name, name);
            assert!(readme.contains(&format!("{sha}  {name}")), "{name}");
            let digest = sha2::Sha256::digest(face.bytes(None).as_slice());
            let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
            assert_eq!(hex, sha, "{name}");
        }
    }
}
