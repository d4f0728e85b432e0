//! jixiao-core
pub mod amount;
pub mod attachment;
pub mod check;
pub mod date;
pub mod declaration;
pub mod diag;
pub mod filename;
pub mod finding;
pub mod format;
pub mod glyphs;
pub mod hash;
pub mod init;
pub mod kind;
pub mod layout;
pub mod limits;
pub mod metadata;
pub mod output;
pub mod schema;
pub mod spans;
pub mod text;
pub mod totals;
pub mod words;

pub use amount::Amount;
pub use declaration::Declaration;
pub use diag::{Diagnostic, Severity};
pub use kind::{Kind, Kinds};
