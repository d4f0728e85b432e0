//! Errors reading or writing a spreadsheet, Chinese first, then English, naming the
//! file and, where there is one, the sheet or cell. Each is a user error: the CLI exits
//! with [`SheetError::EXIT_CODE`] (1) for every one of them.

/// What went wrong with a spreadsheet.
#[derive(Debug, thiserror::Error)]
pub enum SheetError {
    /// The file could not be read or written at all.
    #[error("无法读写电子表格文件 {file} / cannot access spreadsheet file {file}: {source}")]
    Io {
        /// The file.
        file: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },

    /// The bytes are no workbook of a supported format.
    #[error("{file} 不是电子表格（支持 .xlsx、.xls、.ods）：{detail_zh} / {file} is not a spreadsheet (.xlsx, .xls or .ods): {detail_en}")]
    NotASpreadsheet {
        /// The file.
        file: String,
        /// What it looks like instead, in Chinese.
        detail_zh: String,
        /// The same in English.
        detail_en: String,
    },

    /// The workbook is encrypted (opening it needs a password).
    #[error("{file} 已加密（打开需要密码），请去掉密码后另存一份再导入 / {file} is encrypted (password-protected): save an unprotected copy and import that")]
    Encrypted {
        /// The file.
        file: String,
    },

    /// The workbook has no worksheet with any non-empty cell.
    #[error("{file} 是空工作簿，没有任何填写内容 / {file} is an empty workbook: no sheet has any content")]
    Empty {
        /// The file.
        file: String,
    },

    /// The workbook's own parts (workbook.xml, content.xml, shared strings, styles)
    /// are damaged.
    #[error("{file} 已损坏，无法读取（{part}） / {file} is damaged and cannot be read ({part}): {detail}")]
    UnreadableWorkbook {
        /// The file.
        file: String,
        /// The part that failed.
        part: String,
        /// calamine's description of the damage.
        detail: String,
    },

    /// The workbook opened, but one of its sheets is damaged.
    #[error(
        "{file} 中的工作表“{sheet}”无法读取 / sheet `{sheet}` of {file} cannot be read: {detail}"
    )]
    UnreadableSheet {
        /// The file.
        file: String,
        /// The sheet's name.
        sheet: String,
        /// calamine's description of the damage.
        detail: String,
    },

    /// A cell does not fit what a mapper expects (for kind mappers): names the cell.
    #[error("{address}：{message_zh} / {address}: {message_en}")]
    Cell {
        /// `file: Sheet1!C12`.
        address: String,
        /// What is wrong, in Chinese.
        message_zh: String,
        /// The same in English.
        message_en: String,
    },

    /// Writing the workbook failed inside rust_xlsxwriter (a layout it refused).
    #[error("无法生成电子表格 {file} / cannot write spreadsheet {file}: {detail}")]
    Write {
        /// The file being written.
        file: String,
        /// rust_xlsxwriter's description.
        detail: String,
    },
}

impl SheetError {
    /// The exit code of every spreadsheet error: 1, as for any bad input.
    pub const EXIT_CODE: i32 = 1;

    /// The exit code for this error (always [`SheetError::EXIT_CODE`]).
    pub fn exit_code(&self) -> i32 {
        Self::EXIT_CODE
    }

    /// What is wrong, Chinese and English apart (for a cell error, the address and the
    /// message in each language; otherwise the whole message in both).
    pub fn in_each_language(&self) -> (String, String) {
        match self {
            SheetError::Cell {
                address,
                message_zh,
                message_en,
            } => (
                format!("{address}：{message_zh}"),
                format!("{address}: {message_en}"),
            ),
            other => (other.to_string(), other.to_string()),
        }
    }

    /// A cell error for a mapper: `file`, the cell's `Sheet!A1` address, and the
    /// message in both languages.
    pub fn cell(
        file: &str,
        address: &str,
        message_zh: impl Into<String>,
        message_en: impl Into<String>,
    ) -> Self {
        SheetError::Cell {
            address: format!("{file}: {address}"),
            message_zh: message_zh.into(),
            message_en: message_en.into(),
        }
    }
}
