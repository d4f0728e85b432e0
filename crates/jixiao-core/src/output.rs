//! Writing output files atomically: the bytes go to a temporary file beside the target,
//! which is renamed into place only when complete. A failed or interrupted render never
//! leaves a half-written PDF under the final name.

use std::io::Write;
use std::path::Path;

/// Writes `bytes` to `path` atomically (temporary file in the same directory, then
/// rename). An existing file at `path` is replaced only on success.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".jixiao-").suffix(".part");
    // A PDF is a document to share: created like any file (0666 less the umask), not
    // with the owner-only mode temporary files get by default.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut tmp = builder.tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_and_replaces_without_leftovers() {
        let dir = tempfile::tempdir().expect("tempdir");
        let target = dir.path().join("out.pdf");
        write_atomic(&target, b"one").expect("write");
        write_atomic(&target, b"two").expect("replace");
        assert_eq!(std::fs::read(&target).expect("read"), b"two");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .expect("list")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("out.pdf")]);
    }

    #[cfg(unix)]
    #[test]
    fn files_are_readable_like_any_other_file() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let target = dir.path().join("out.pdf");
        write_atomic(&target, b"x").expect("write");
        let plain = dir.path().join("plain");
        std::fs::write(&plain, b"x").expect("write plain");
        let mode = |p: &Path| std::fs::metadata(p).expect("stat").permissions().mode() & 0o777;
        assert_eq!(
            mode(&target),
            mode(&plain),
            "same mode as a file made by fs::write"
        );
    }

    #[test]
    fn fails_cleanly_in_a_missing_directory() {
        let dir = tempfile::tempdir().expect("tempdir");
        let target = dir.path().join("no/such/dir/out.pdf");
        assert!(write_atomic(&target, b"x").is_err());
        assert!(!target.exists());
    }
}
