//! Cell positions and ranges, and their A1 names (`C12`, `A4:A9`, `Sheet1!C12`).
//!
//! Positions are zero-based internally (`row 0, col 0` is `A1`), as calamine and
//! rust_xlsxwriter count; every name shown to a person is the A1 form.

use std::fmt;

/// The position of one cell: zero-based row and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CellRef {
    /// Zero-based row (`0` is row 1).
    pub row: u32,
    /// Zero-based column (`0` is column A).
    pub col: u32,
}

impl CellRef {
    /// The cell at zero-based `row` and `col`.
    pub const fn new(row: u32, col: u32) -> Self {
        CellRef { row, col }
    }

    /// Parses an A1 name (`C12`, `$C$12`, `xfd1048576`); `None` if it is not one.
    pub fn parse(a1: &str) -> Option<Self> {
        let s = a1.trim().replace('$', "");
        let split = s.find(|c: char| c.is_ascii_digit())?;
        let (letters, digits) = s.split_at(split);
        if letters.is_empty()
            || letters.len() > 3
            || !letters.chars().all(|c| c.is_ascii_alphabetic())
        {
            return None;
        }
        if digits.is_empty()
            || !digits.chars().all(|c| c.is_ascii_digit())
            || digits.starts_with('0')
        {
            return None;
        }
        let mut col: u32 = 0;
        for c in letters.chars() {
            col = col * 26 + (c.to_ascii_uppercase() as u32 - 'A' as u32 + 1);
        }
        let row: u32 = digits.parse().ok()?;
        Some(CellRef::new(row - 1, col - 1))
    }

    /// The A1 name of this cell (`C12`).
    pub fn a1(&self) -> String {
        format!("{}{}", column_name(self.col), u64::from(self.row) + 1)
    }

    /// The cell `n` columns to the right (saturating).
    pub fn right(self, n: u32) -> Self {
        CellRef::new(self.row, self.col.saturating_add(n))
    }

    /// The cell `n` rows down (saturating).
    pub fn down(self, n: u32) -> Self {
        CellRef::new(self.row.saturating_add(n), self.col)
    }
}

impl fmt::Display for CellRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.a1())
    }
}

/// The letters of a zero-based column: `0` → `A`, `25` → `Z`, `26` → `AA`.
pub fn column_name(col: u32) -> String {
    let mut n = u64::from(col) + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = ((n - 1) % 26) as u8;
        letters.push(b'A' + rem);
        n = (n - 1) / 26;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

/// A rectangle of cells, both corners included (`A4:A9`). A single cell is a range
/// whose corners are equal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CellRange {
    /// The top-left cell (the anchor of a merged range).
    pub first: CellRef,
    /// The bottom-right cell.
    pub last: CellRef,
}

impl CellRange {
    /// The range between two corners, in any order.
    pub fn new(a: CellRef, b: CellRef) -> Self {
        CellRange {
            first: CellRef::new(a.row.min(b.row), a.col.min(b.col)),
            last: CellRef::new(a.row.max(b.row), a.col.max(b.col)),
        }
    }

    /// The range of one cell.
    pub fn single(cell: CellRef) -> Self {
        CellRange {
            first: cell,
            last: cell,
        }
    }

    /// Parses `A4:A9` or a single `C12`.
    pub fn parse(a1: &str) -> Option<Self> {
        match a1.split_once(':') {
            Some((a, b)) => Some(CellRange::new(CellRef::parse(a)?, CellRef::parse(b)?)),
            None => CellRef::parse(a1).map(CellRange::single),
        }
    }

    /// Whether `cell` lies inside the range.
    pub fn contains(&self, cell: CellRef) -> bool {
        (self.first.row..=self.last.row).contains(&cell.row)
            && (self.first.col..=self.last.col).contains(&cell.col)
    }

    /// Whether the range is a single cell.
    pub fn is_single(&self) -> bool {
        self.first == self.last
    }

    /// Number of rows covered.
    pub fn height(&self) -> u32 {
        (self.last.row - self.first.row).saturating_add(1)
    }

    /// Number of columns covered.
    pub fn width(&self) -> u32 {
        (self.last.col - self.first.col).saturating_add(1)
    }

    /// The rows covered, zero-based, both ends included.
    pub fn rows(&self) -> std::ops::RangeInclusive<u32> {
        self.first.row..=self.last.row
    }

    /// The columns covered, zero-based, both ends included.
    pub fn cols(&self) -> std::ops::RangeInclusive<u32> {
        self.first.col..=self.last.col
    }

    /// The A1 name: `A4:A9`, or `C12` for a single cell.
    pub fn a1(&self) -> String {
        if self.is_single() {
            self.first.a1()
        } else {
            format!("{}:{}", self.first.a1(), self.last.a1())
        }
    }
}

impl fmt::Display for CellRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.a1())
    }
}

/// `Sheet1!C12`: a cell's name with its sheet, the sheet name quoted as Excel does
/// (`'My sheet'!C12`) when it has spaces or punctuation.
pub fn qualified(sheet: &str, cell: CellRef) -> String {
    format!("{}!{}", quote_sheet_name(sheet), cell.a1())
}

/// A sheet name as it stands before `!` in a reference.
pub(crate) fn quote_sheet_name(sheet: &str) -> String {
    let plain = !sheet.is_empty()
        && !sheet.starts_with(|c: char| c.is_ascii_digit())
        && sheet
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '.');
    if plain {
        sheet.to_string()
    } else {
        format!("'{}'", sheet.replace('\'', "''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a1_names_both_ways() {
        for (a1, row, col) in [
            ("A1", 0, 0),
            ("C12", 11, 2),
            ("Z9", 8, 25),
            ("AA1", 0, 26),
            ("XFD1048576", 1_048_575, 16_383),
        ] {
            let cell = CellRef::parse(a1).expect(a1);
            assert_eq!((cell.row, cell.col), (row, col), "{a1}");
            assert_eq!(cell.a1(), a1);
        }
        assert_eq!(CellRef::parse("$b$3"), Some(CellRef::new(2, 1)));
        for bad in ["", "A", "12", "A0", "A01", "ABCD1", "A1B", "Ä1"] {
            assert_eq!(CellRef::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn ranges() {
        let r = CellRange::parse("A4:A9").expect("range");
        assert_eq!((r.height(), r.width()), (6, 1));
        assert!(r.contains(CellRef::new(8, 0)) && !r.contains(CellRef::new(9, 0)));
        assert_eq!(r.a1(), "A4:A9");
        assert_eq!(
            CellRange::parse("E1:A1").map(|r| r.a1()),
            Some("A1:E1".into())
        );
        assert_eq!(CellRange::parse("C12").map(|r| r.a1()), Some("C12".into()));
    }

    #[test]
    fn qualified_names_quote_like_excel() {
        assert_eq!(qualified("Sheet1", CellRef::new(11, 2)), "Sheet1!C12");
        assert_eq!(
            qualified("就业补助资金", CellRef::new(0, 0)),
            "就业补助资金!A1"
        );
        assert_eq!(qualified("My sheet", CellRef::new(0, 0)), "'My sheet'!A1");
        assert_eq!(qualified("it's", CellRef::new(0, 0)), "'it''s'!A1");
        assert_eq!(qualified("2023", CellRef::new(0, 0)), "'2023'!A1");
    }
}
