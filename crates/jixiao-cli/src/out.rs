//! Writing to the terminal without panicking. `println!` panics when the reader has gone
//! (`jixiao schema | head -c 10`); here a closed pipe ends the command quietly with
//! success, as ripgrep and cargo do — the reader took what it wanted. Any other failure
//! to write stdout (a full disk behind `>`) is said on stderr and exits 1. Failures to
//! write stderr are ignored: there is nowhere left to say them.

use std::fmt;
use std::io::{self, Write};
use std::process;
use std::sync::OnceLock;

use jixiao_core::words::Lang;

/// The language of this run (`--lang`), set once when the command line is parsed.
static LANG: OnceLock<Lang> = OnceLock::new();

/// Sets the language every message of this run is printed in.
pub(crate) fn set_lang(lang: Lang) {
    let _ = LANG.set(lang);
}

/// The language of this run (Chinese until [`set_lang`]).
pub(crate) fn lang() -> Lang {
    LANG.get().copied().unwrap_or_default()
}

/// Writes formatted text to stdout (see the module docs for a closed pipe).
pub(crate) fn stdout_fmt(args: fmt::Arguments<'_>) {
    let mut out = io::stdout().lock();
    let result = out.write_fmt(args).and_then(|()| out.flush());
    handle(result);
}

/// Writes bytes to stdout (see the module docs for a closed pipe).
pub(crate) fn stdout_bytes(bytes: &[u8]) {
    let mut out = io::stdout().lock();
    let result = out.write_all(bytes).and_then(|()| out.flush());
    handle(result);
}

/// Writes formatted text to stderr, ignoring failures.
pub(crate) fn stderr_fmt(args: fmt::Arguments<'_>) {
    let _ = io::stderr().lock().write_fmt(args);
}

fn handle(result: io::Result<()>) {
    match result {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => process::exit(0),
        Err(e) => {
            stderr_fmt(format_args!(
                "错误 / error: 无法写出到标准输出 / cannot write to stdout: {e}\n"
            ));
            process::exit(1)
        }
    }
}

/// `println!` that ends quietly on a closed pipe.
macro_rules! outln {
    () => { $crate::out::stdout_fmt(format_args!("\n")) };
    ($($arg:tt)*) => {
        $crate::out::stdout_fmt(format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// `print!` that ends quietly on a closed pipe.
macro_rules! out {
    ($($arg:tt)*) => { $crate::out::stdout_fmt(format_args!($($arg)*)) };
}

/// `eprintln!` that never panics.
macro_rules! errln {
    () => { $crate::out::stderr_fmt(format_args!("\n")) };
    ($($arg:tt)*) => {
        $crate::out::stderr_fmt(format_args!("{}\n", format_args!($($arg)*)))
    };
}
