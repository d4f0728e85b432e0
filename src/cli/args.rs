//! The whole command-line surface, in one place.

use std::num::NonZeroUsize;
use std::path::PathBuf;

use jixiao::batch::naming::NamePattern;
use jixiao::batch::shard::Shard;

use clap::{Parser, Subcommand};

/// jixiao（绩效）：把部门整体预算绩效目标申报的 TOML 文件排成正式的申报表 PDF。
///
/// Turns a department's budget-performance declaration (one TOML file) into the official
/// 部门整体预算绩效目标申报表 as a PDF. Works offline: fonts and template are built in.
#[derive(Debug, Parser)]
#[command(name = "jixiao", version, about, long_about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// 生成申报表 PDF / render declarations to PDF.
    ///
    /// The PDF is written next to the input (decl.toml → decl.pdf) unless -o is given.
    /// It is written to a temporary file first and renamed when complete: on any error
    /// no PDF is left behind. Exit code 0 on success, 1 on error.
    ///
    /// Several inputs, directories or globs make a batch: fonts and template are loaded
    /// once, documents render in parallel (-j), a failed file never stops the others,
    /// and the exit code is 1 if any failed.
    Render(RenderArgs),
    /// 检查申报文件 / check declarations the way a finance reviewer would.
    ///
    /// Reports every problem at once, each with file:line:column, the line with the
    /// problem underlined, the key, the form label and what to do. Exit code 0 when no
    /// file has an error (or, with --deny-warnings, a warning), 1 otherwise.
    Check(CheckArgs),
    /// 新建空白申报文件 / write a blank declaration to fill in.
    ///
    /// Every key with its form label, the standard indicator skeleton, and a
    /// `#:schema` line; the JSON Schema is written beside it (jixiao.schema.json) so
    /// editors with taplo / Even Better TOML offer completion and hover.
    Init(InitArgs),
    /// 输出申报文件的 JSON Schema / print the JSON Schema of declarations.
    ///
    /// Every key has a Chinese title and description. Editors that use taplo (Even Better
    /// TOML in VS Code) read it from a `#:schema ./jixiao.schema.json` first line.
    Schema,
    /// 输出模板所用的数据（JSON）/ print the data a template receives, as JSON.
    ///
    /// Useful when writing a custom template: save it as data.json in the template
    /// directory to preview the template with the plain typst CLI.
    Data(DataArgs),
    /// 导出内置模板以便修改 / copy the built-in template into a directory to customise it.
    Template(TemplateArgs),
}

/// Options shared by every command that lays out a form.
#[derive(Debug, clap::Args)]
pub struct LayoutArgs {
    /// 使用自定义模板目录（含 form.toml 与 main.typ） / use the template in DIR
    /// instead of the built-in one.
    #[arg(long, value_name = "DIR")]
    pub template: Option<PathBuf>,

    /// 额外字体目录（可多次给出），供自定义模板使用 / add the fonts in DIR (repeatable);
    /// a custom template may name them. The bundled Noto CJK SC fonts are always there.
    #[arg(long = "font-dir", value_name = "DIR")]
    pub font_dirs: Vec<PathBuf>,
}

/// `jixiao render`
#[derive(Debug, clap::Args)]
pub struct RenderArgs {
    /// 申报文件、目录（递归查找 *.toml）或通配符，可多个 / declarations: files,
    /// directories (searched recursively for *.toml) or quoted glob patterns such as
    /// 'forms/**/*.toml'.
    #[arg(value_name = "DECL.toml", required = true)]
    pub inputs: Vec<PathBuf>,

    /// 输出 PDF 路径（默认与输入同名同目录；仅限单个输入） / where to write the PDF
    /// (default: next to the input, same name, .pdf). Only with a single input file.
    #[arg(short, long, value_name = "OUT.pdf", conflicts_with_all = ["out_dir", "name", "manifest", "shard"])]
    pub output: Option<PathBuf>,

    /// 输出目录，按输入的目录结构存放 / write the PDFs under DIR, mirroring the
    /// inputs' directory tree (default: next to each input).
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,

    /// 输出文件名模式 / output file name pattern, with {stem} (input name without
    /// .toml), {department} and {year}, e.g. '{year}-{department}.pdf'. Made safe for
    /// every file system; inputs whose names collide are all refused. Default: {stem}.pdf.
    #[arg(long, value_name = "PATTERN")]
    pub name: Option<NamePattern>,

    /// 写出清单（CSV 或 JSON） / write a manifest (.csv or .json): per input its path,
    /// department, year, output, pages, bytes, SHA-256 of input and PDF, status and
    /// warnings, sorted by input path.
    #[arg(long, value_name = "FILE.csv|FILE.json")]
    pub manifest: Option<PathBuf>,

    /// 只处理第 I 份（共 N 份） / render only the I-th of N disjoint slices of the
    /// batch (1-based; chosen by a stable hash of each file's relative path).
    #[arg(long, value_name = "I/N")]
    pub shard: Option<Shard>,

    /// 并行线程数（默认：全部 CPU 核） / render on N threads (default: one per core).
    #[arg(short = 'j', long = "jobs", value_name = "N")]
    pub jobs: Option<NonZeroUsize>,

    /// Template and fonts.
    #[command(flatten)]
    pub layout: LayoutArgs,

    /// How diagnostics are reported.
    #[command(flatten)]
    pub report: ReportArgs,
}

/// How diagnostics are reported.
#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// 提示语言 / language of the diagnostics.
    #[arg(long, value_enum, default_value = "zh")]
    pub lang: jixiao::check::Lang,

    /// 把警告当作错误 / treat warnings as errors (no PDF is written).
    #[arg(long)]
    pub deny_warnings: bool,
}

/// Output format of `jixiao check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// 适合阅读的文字 / readable text, like rustc.
    Text,
    /// JSON，供其他程序使用 / JSON for other tools.
    Json,
}

/// `jixiao check`
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// 申报文件（可多个） / the declarations to check.
    #[arg(value_name = "DECL.toml", required = true)]
    pub inputs: Vec<PathBuf>,

    /// 输出格式 / output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,

    /// Template and fonts (the checks use the template's indicator tree and fields).
    #[command(flatten)]
    pub layout: LayoutArgs,

    /// How diagnostics are reported.
    #[command(flatten)]
    pub report: ReportArgs,
}

/// `jixiao init`
#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// 新文件路径（默认 申报.toml；已存在则不覆盖） / where to write (default 申报.toml;
    /// an existing file is never overwritten).
    #[arg(value_name = "PATH", default_value = "申报.toml")]
    pub path: PathBuf,

    /// 预算年度（默认为明年） / the budget year (default: next year).
    #[arg(long)]
    pub year: Option<i32>,

    /// 使用自定义模板的指标框架 / take the indicator skeleton from the template in DIR.
    #[arg(long, value_name = "DIR")]
    pub template: Option<PathBuf>,
}

/// `jixiao data`
#[derive(Debug, clap::Args)]
pub struct DataArgs {
    /// 申报文件 / the declaration (TOML).
    #[arg(value_name = "DECL.toml")]
    pub input: PathBuf,

    /// 使用自定义模板的 form.toml / arrange the data for the template in DIR.
    #[arg(long, value_name = "DIR")]
    pub template: Option<PathBuf>,
}

/// `jixiao template`
#[derive(Debug, clap::Args)]
pub struct TemplateArgs {
    /// 目标目录（须不存在或为空） / directory to write the template into (must not
    /// exist or be empty).
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
}
