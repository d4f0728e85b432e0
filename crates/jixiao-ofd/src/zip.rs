//! The zip container of an OFD package (GB/T 33190 §7.2: a ZIP file), written so that the
//! same parts give the same bytes on every machine, and read back with every check a
//! reader of untrusted files needs.
//!
//! Writing: entries in the order given, each deflated (or stored when deflating does not
//! help), one fixed timestamp for every entry, no extra fields, no data descriptors, no
//! comment. Names that are not ASCII are flagged as UTF-8 (general purpose bit 11).
//!
//! Reading: the central directory is authoritative; every entry's local header must agree
//! with it, its CRC-32 must match and its size must be what the directory says (so a
//! "zip bomb" cannot inflate past the declared size). Encrypted entries, ZIP64, methods
//! other than stored and deflate, duplicate names and names that climb out of the
//! package (`..`, absolute paths, backslashes) are refused with a clear error.

use std::io::{Read, Write};

use flate2::read::DeflateDecoder;
use flate2::write::DeflateEncoder;
use flate2::Compression;

/// A date and time as zip stores it (MS-DOS format, local time, 2-second resolution).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DosTime {
    /// The DOS date word: `(year - 1980) << 9 | month << 5 | day`.
    pub date: u16,
    /// The DOS time word: `hour << 11 | minute << 5 | second / 2`.
    pub time: u16,
}

impl DosTime {
    /// 1980-01-01 00:00:00, the earliest time zip can store.
    pub const EPOCH: DosTime = DosTime {
        date: 1 << 5 | 1,
        time: 0,
    };

    /// Midnight of the given day; the epoch for years zip cannot store (before 1980,
    /// after 2107).
    pub fn midnight(year: i32, month: u32, day: u32) -> DosTime {
        if !(1980..=2107).contains(&year) || !(1..=12).contains(&month) || !(1..=31).contains(&day)
        {
            return DosTime::EPOCH;
        }
        DosTime {
            date: ((year - 1980) as u16) << 9 | (month as u16) << 5 | day as u16,
            time: 0,
        }
    }
}

/// One entry of a package: its name (a path inside the package, `/`-separated, no
/// leading slash) and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The path inside the package.
    pub name: String,
    /// The uncompressed bytes.
    pub data: Vec<u8>,
}

/// Why a zip cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("OFD 包（zip）无法读取：{zh} / the OFD package (zip) cannot be read: {en}")]
pub struct ZipError {
    zh: String,
    en: String,
}

impl ZipError {
    fn new(zh: impl Into<String>, en: impl Into<String>) -> ZipError {
        ZipError {
            zh: zh.into(),
            en: en.into(),
        }
    }
}

const LOCAL_HEADER: u32 = 0x0403_4b50;
const CENTRAL_HEADER: u32 = 0x0201_4b50;
const END_OF_CENTRAL_DIRECTORY: u32 = 0x0605_4b50;
const STORED: u16 = 0;
const DEFLATED: u16 = 8;
const UTF8_NAMES: u16 = 1 << 11;

/// Writes `entries`, in their order, as a zip file whose every entry carries `time`.
pub fn write(entries: &[Entry], time: DosTime) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for entry in entries {
        let crc = crc32fast::hash(&entry.data);
        let deflated = deflate(&entry.data);
        let (method, body) = if deflated.len() < entry.data.len() {
            (DEFLATED, deflated.as_slice())
        } else {
            (STORED, entry.data.as_slice())
        };
        let flags = if entry.name.is_ascii() { 0 } else { UTF8_NAMES };
        let offset = out.len() as u32;
        let name = entry.name.as_bytes();
        // Local file header.
        put32(&mut out, LOCAL_HEADER);
        put16(&mut out, 20); // version needed: 2.0 (deflate)
        put16(&mut out, flags);
        put16(&mut out, method);
        put16(&mut out, time.time);
        put16(&mut out, time.date);
        put32(&mut out, crc);
        put32(&mut out, body.len() as u32);
        put32(&mut out, entry.data.len() as u32);
        put16(&mut out, name.len() as u16);
        put16(&mut out, 0); // extra field length
        out.extend_from_slice(name);
        out.extend_from_slice(body);
        // Its central directory record.
        put32(&mut central, CENTRAL_HEADER);
        put16(&mut central, 20); // made by: MS-DOS, zip 2.0
        put16(&mut central, 20);
        put16(&mut central, flags);
        put16(&mut central, method);
        put16(&mut central, time.time);
        put16(&mut central, time.date);
        put32(&mut central, crc);
        put32(&mut central, body.len() as u32);
        put32(&mut central, entry.data.len() as u32);
        put16(&mut central, name.len() as u16);
        put16(&mut central, 0); // extra
        put16(&mut central, 0); // comment
        put16(&mut central, 0); // disk number
        put16(&mut central, 0); // internal attributes
        put32(&mut central, 0); // external attributes
        put32(&mut central, offset);
        central.extend_from_slice(name);
    }
    let central_offset = out.len() as u32;
    let central_len = central.len() as u32;
    out.extend_from_slice(&central);
    put32(&mut out, END_OF_CENTRAL_DIRECTORY);
    put16(&mut out, 0); // this disk
    put16(&mut out, 0); // disk with the central directory
    put16(&mut out, entries.len() as u16);
    put16(&mut out, entries.len() as u16);
    put32(&mut out, central_len);
    put32(&mut out, central_offset);
    put16(&mut out, 0); // comment length
    out
}

fn deflate(data: &[u8]) -> Vec<u8> {
    let mut encoder = DeflateEncoder::new(Vec::new(), Compression::best());
    // Writing to a Vec cannot fail.
    let _ = encoder.write_all(data);
    encoder.finish().unwrap_or_default()
}

fn put16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

/// A little-endian cursor over a byte slice that fails instead of panicking.
struct Bytes<'a> {
    data: &'a [u8],
    at: usize,
}

impl<'a> Bytes<'a> {
    fn at(data: &'a [u8], at: usize) -> Bytes<'a> {
        Bytes { data, at }
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], ZipError> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.data.len());
        let Some(end) = end else {
            return Err(ZipError::new("文件被截断", "the file is truncated"));
        };
        let slice = &self.data[self.at..end];
        self.at = end;
        Ok(slice)
    }

    fn u16(&mut self) -> Result<u16, ZipError> {
        let b = self.take(2)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }

    fn u32(&mut self) -> Result<u32, ZipError> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
}

/// Reads every entry of the zip file `data`, in the order of its central directory.
pub fn read(data: &[u8]) -> Result<Vec<Entry>, ZipError> {
    let eocd = find_end_of_central_directory(data)?;
    let mut r = Bytes::at(data, eocd + 4);
    let disk = r.u16()?;
    let central_disk = r.u16()?;
    let _on_disk = r.u16()?;
    let count = r.u16()?;
    let central_len = r.u32()? as usize;
    let central_offset = r.u32()? as usize;
    if disk != 0 || central_disk != 0 {
        return Err(ZipError::new(
            "不支持分卷 zip",
            "multi-volume zip files are not supported",
        ));
    }
    if count == 0xFFFF || central_offset == 0xFFFF_FFFF || central_len == 0xFFFF_FFFF {
        return Err(ZipError::new("不支持 ZIP64", "ZIP64 is not supported"));
    }
    if central_offset
        .checked_add(central_len)
        .is_none_or(|end| end > eocd)
    {
        return Err(ZipError::new(
            "中央目录位置不正确",
            "the central directory lies outside the file",
        ));
    }
    let mut r = Bytes::at(data, central_offset);
    let mut entries: Vec<Entry> = Vec::with_capacity(usize::from(count));
    for _ in 0..count {
        if r.u32()? != CENTRAL_HEADER {
            return Err(ZipError::new(
                "中央目录记录损坏",
                "a central directory record is damaged",
            ));
        }
        let _made_by = r.u16()?;
        let _needed = r.u16()?;
        let flags = r.u16()?;
        let method = r.u16()?;
        let _time = r.u16()?;
        let _date = r.u16()?;
        let crc = r.u32()?;
        let compressed = r.u32()? as usize;
        let size = r.u32()? as usize;
        let name_len = usize::from(r.u16()?);
        let extra_len = usize::from(r.u16()?);
        let comment_len = usize::from(r.u16()?);
        let _disk = r.u16()?;
        let _internal = r.u16()?;
        let _external = r.u32()?;
        let local_offset = r.u32()? as usize;
        let raw_name = r.take(name_len)?;
        r.take(extra_len)?;
        r.take(comment_len)?;
        let name = entry_name(raw_name, flags)?;
        if flags & 1 != 0 {
            return Err(ZipError::new(
                format!("{name} 已加密"),
                format!("{name} is encrypted"),
            ));
        }
        if compressed == 0xFFFF_FFFF || size == 0xFFFF_FFFF || local_offset == 0xFFFF_FFFF {
            return Err(ZipError::new("不支持 ZIP64", "ZIP64 is not supported"));
        }
        if entries.iter().any(|e| e.name == name) {
            return Err(ZipError::new(
                format!("{name} 出现两次"),
                format!("{name} occurs twice"),
            ));
        }
        let body = local_body(data, local_offset, compressed, &name)?;
        let bytes = match method {
            STORED => body.to_vec(),
            DEFLATED => inflate(body, size, &name)?,
            other => {
                return Err(ZipError::new(
                    format!("{name} 使用了不支持的压缩方法 {other}"),
                    format!("{name} uses the unsupported compression method {other}"),
                ))
            }
        };
        if bytes.len() != size || crc32fast::hash(&bytes) != crc {
            return Err(ZipError::new(
                format!("{name} 的内容与校验值不符（文件已损坏）"),
                format!("{name} does not match its checksum (the file is damaged)"),
            ));
        }
        if name.ends_with('/') {
            continue; // a directory entry
        }
        entries.push(Entry { name, data: bytes });
    }
    Ok(entries)
}

fn find_end_of_central_directory(data: &[u8]) -> Result<usize, ZipError> {
    const MIN: usize = 22;
    if data.len() < MIN {
        return Err(ZipError::new("不是 zip 文件", "not a zip file"));
    }
    let lowest = data.len().saturating_sub(MIN + 0xFFFF);
    (lowest..=data.len() - MIN)
        .rev()
        .find(|&at| data[at..at + 4] == END_OF_CENTRAL_DIRECTORY.to_le_bytes())
        .ok_or_else(|| {
            ZipError::new(
                "找不到 zip 中央目录（不是 zip 文件）",
                "no zip central directory (not a zip file)",
            )
        })
}

/// The compressed bytes of the entry whose local header is at `offset`.
fn local_body<'a>(
    data: &'a [u8],
    offset: usize,
    compressed: usize,
    name: &str,
) -> Result<&'a [u8], ZipError> {
    let mut r = Bytes::at(data, offset);
    if r.u32()? != LOCAL_HEADER {
        return Err(ZipError::new(
            format!("{name} 的本地文件头损坏"),
            format!("the local header of {name} is damaged"),
        ));
    }
    r.take(22)?;
    let name_len = usize::from(r.u16()?);
    let extra_len = usize::from(r.u16()?);
    r.take(name_len)?;
    r.take(extra_len)?;
    r.take(compressed)
}

fn inflate(body: &[u8], size: usize, name: &str) -> Result<Vec<u8>, ZipError> {
    let mut out = Vec::with_capacity(size.min(64 << 20));
    // One byte more than declared is enough to notice an entry that inflates past it.
    DeflateDecoder::new(body)
        .take(size as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|e| {
            ZipError::new(
                format!("{name} 无法解压：{e}"),
                format!("{name} cannot be inflated: {e}"),
            )
        })?;
    Ok(out)
}

/// An entry name as a package path: UTF-8 (or ASCII), `/`-separated, relative, without
/// `.` or `..` components.
fn entry_name(raw: &[u8], flags: u16) -> Result<String, ZipError> {
    let name = match std::str::from_utf8(raw) {
        Ok(name) => name.to_owned(),
        Err(_) if flags & UTF8_NAMES == 0 => {
            // Legacy Chinese tools write GBK names without the UTF-8 flag.
            let (decoded, _, bad) = encoding_rs::GB18030.decode(raw);
            if bad {
                return Err(ZipError::new(
                    "文件名编码无法识别",
                    "an entry name is in an unknown encoding",
                ));
            }
            decoded.into_owned()
        }
        Err(_) => {
            return Err(ZipError::new(
                "文件名不是 UTF-8",
                "an entry name is not valid UTF-8",
            ))
        }
    };
    let bad = name.is_empty()
        || name.starts_with('/')
        || name.contains('\\')
        || name.contains('\0')
        || name.split('/').any(|part| part == ".." || part == ".");
    if bad {
        return Err(ZipError::new(
            format!("文件名 {name:?} 不是包内的相对路径"),
            format!("the entry name {name:?} is not a relative path inside the package"),
        ));
    }
    Ok(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries() -> Vec<Entry> {
        vec![
            Entry {
                name: "OFD.xml".into(),
                data: b"<ofd:OFD/>".repeat(50),
            },
            Entry {
                name: "Doc_0/附件.toml".into(),
                data: "department = \"部门\"\n".as_bytes().to_vec(),
            },
            Entry {
                name: "empty".into(),
                data: Vec::new(),
            },
        ]
    }

    #[test]
    fn what_is_written_reads_back_in_order() {
        let zip = write(&entries(), DosTime::midnight(2025, 1, 20));
        assert_eq!(read(&zip), Ok(entries()));
    }

    #[test]
    fn the_same_entries_give_the_same_bytes() {
        let a = write(&entries(), DosTime::EPOCH);
        let b = write(&entries(), DosTime::EPOCH);
        assert_eq!(a, b);
        assert_ne!(a, write(&entries(), DosTime::midnight(2025, 1, 20)));
    }

    #[test]
    fn dos_times_pack_the_date_and_fall_back_to_the_epoch() {
        let t = DosTime::midnight(2025, 1, 20);
        assert_eq!(t.date, (45 << 9) | (1 << 5) | 20);
        assert_eq!(DosTime::midnight(1970, 1, 1), DosTime::EPOCH);
        assert_eq!(DosTime::midnight(2200, 1, 1), DosTime::EPOCH);
    }

    #[test]
    fn a_changed_byte_is_caught_by_the_checksum() {
        let mut zip = write(
            &[Entry {
                name: "a".into(),
                data: vec![7; 3],
            }],
            DosTime::EPOCH,
        );
        // Stored (3 bytes do not deflate smaller): the data follows the 30-byte header
        // and the 1-byte name.
        zip[31] ^= 1;
        let err = read(&zip).unwrap_err().to_string();
        assert!(err.contains("checksum"), "{err}");
    }

    #[test]
    fn garbage_and_truncation_are_errors_not_panics() {
        assert!(read(b"").is_err());
        assert!(read(b"not a zip file at all, but long enough").is_err());
        let zip = write(&entries(), DosTime::EPOCH);
        for cut in [1, 10, 40, zip.len() / 2, zip.len() - 1] {
            assert!(read(&zip[..cut]).is_err(), "cut at {cut}");
        }
    }

    #[test]
    fn names_that_leave_the_package_are_refused() {
        for bad in ["../x", "/etc/passwd", "a/../../b", "a\\b", "./a"] {
            let zip = write(
                &[Entry {
                    name: bad.into(),
                    data: vec![1],
                }],
                DosTime::EPOCH,
            );
            assert!(read(&zip).is_err(), "{bad}");
        }
    }

    #[test]
    fn duplicate_names_are_refused() {
        let e = Entry {
            name: "a".into(),
            data: vec![1],
        };
        let zip = write(&[e.clone(), e], DosTime::EPOCH);
        assert!(read(&zip).unwrap_err().to_string().contains("twice"));
    }
}
