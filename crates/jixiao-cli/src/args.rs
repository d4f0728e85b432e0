//! The whole command-line surface, in one place.

use std::num::NonZeroUsize;
use std::path::PathBuf;

use jixiao_batch::naming::NamePattern;
use jixiao_batch::shard::ShardSpec;

use clap::{Parser, Subcommand};

/// jixiao（绩效）：把预算绩效申报文件（TOML）排成正式的申报表、自评表 PDF。
///
/// Turns a budget-performance declaration (one TOML file) into the official form as a
/// PDF: 部门整体预算绩效目标申报表 and the rest of the family (`jixiao kinds` lists
/// them). Works offline: fonts and templates are built in.
#[derive(Debug, Parser)]
#[command(name = "jixiao", version, about, long_about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,

    /// 提示语言 / the language jixiao speaks in: its messages, diagnostics and reports.
    #[arg(long, global = true, default_value = "zh", value_parser = lang_parser())]
    pub lang: jixiao_core::check::Lang,
}

/// The subcommands.
// Parsed once per run: the size of the largest variant (`render`'s options) is no cost.
#[allow(clippy::large_enum_variant)]
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
    /// TOML in VS Code) read it from a `#:schema ./jixiao.KIND.schema.json` first line.
    /// Without --kind: one schema for every kind, chosen by `kind`.
    Schema(SchemaArgs),
    /// 列出全部表样 / list the kinds of form jixiao prints, one a line: name, then title.
    Kinds(KindsArgs),
    /// 输出模板所用的数据（JSON）/ print the data a template receives, as JSON.
    ///
    /// Useful when writing a custom template: save it as data.json in the template
    /// directory to preview the template with the plain typst CLI.
    Data(DataArgs),
    /// 导出内置模板以便修改 / copy a built-in template into a directory to customise it.
    ///
    /// The directory gets the kind's description (form.toml) and its Typst files. Give
    /// the copy a new `name` in form.toml to make a variant kind of your own.
    Template(TemplateArgs),
    /// 核验归档 PDF / verify an archival PDF against its attached declaration.
    ///
    /// Takes out the attached declaration, renders it again and compares: the PDF must
    /// be byte-identical to what its source renders to; otherwise the pages that differ
    /// (text, or what a reader sees) are named. Also reports the PDF/A claim and
    /// jixiao's own PDF/A checks. Exit code 0: reproduced exactly; 1: differs; 2: cannot
    /// verify (not a PDF, no attached declaration, declaration does not render).
    Verify(VerifyArgs),
    /// 取出归档 PDF 中的申报文件 / write the declaration attached to an archival PDF.
    ///
    /// The bytes are exactly the file that was rendered. An existing file is not
    /// overwritten unless --force is given; `-o -` writes to standard output.
    Extract(ExtractArgs),
    /// 导入电子表格（xlsx、xls、ods）为申报文件 / import spreadsheets as declarations.
    ///
    /// One declaration per form sheet, of the kind the sheet's title and labels show
    /// (or --kind), in the commented layout of the samples: beside each key its label
    /// and the cell it came from; every cell not imported is reported with its address
    /// and why. Then the declaration is checked as by `jixiao check`. Exit code 1 when
    /// a sheet cannot be imported (nothing is written for that file) or the imported
    /// declaration has errors (it is written, so that it can be corrected).
    Import(ImportArgs),
    /// 导出申报文件为电子表格（xlsx） / export a declaration as its form, in xlsx.
    ///
    /// Laid out like the printed form: merged labels, borders, column widths, wrapped
    /// text, amounts as numbers (#,##0.00), the title rows, A4 print setup fitted to the
    /// page width. Byte-reproducible; `jixiao import` reads it back to the same
    /// declaration. The declaration is checked first, as by `jixiao render`.
    Export(ExportArgs),
    /// 给 PDF 加数字签名（PAdES B-B，或 --level B-T/B-LT/B-LTA） / digitally sign a PDF
    /// (PAdES baseline B-B, or B-T, B-LT, B-LTA with --level and --tsa).
    ///
    /// Appends an invisible signature as an incremental update: the input bytes are kept
    /// unchanged at the start of the output. B-T adds a signature timestamp from the TSA,
    /// B-LT a DSS with the certificates, OCSP responses and CRLs, B-LTA a document
    /// timestamp. RSA (2048 bits or more) and ECDSA P-256 keys,
    /// from PEM/DER files (--key, --cert, --chain) or a PKCS#12 file (--p12, passphrase
    /// from JIXIAO_P12_PASSWORD or a prompt, never from the command line). The output is
    /// written atomically: on any error there is no output file.
    Sign(SignArgs),
    /// 给 OFD 加盖电子签章（GB/T 38540，SM2/SM3） / seal an OFD with an electronic seal
    /// (GB/T 38540 v4, SM2 with SM3).
    ///
    /// Uses an issued seal (--seal SEAL.esl) or makes a test seal from a picture
    /// (--seal-image SEAL.png, signed by --seal-key/--seal-cert, by default the signer's
    /// own key). The signer's SM2 key and certificate: --key (PKCS#8) and --cert. A file
    /// key is for testing and internal use: a legally effective seal needs a seal issued
    /// by an authorised provider and a certified signing device. The output is written
    /// atomically: on any error there is no output file.
    Seal(SealArgs),
    /// 给归档 PDF 续期（PAdES B-LTA） / renew archival PDFs (PAdES B-LTA).
    ///
    /// Adds the revocation data of the newest timestamp's TSA to the DSS and a new
    /// document timestamp (--tsa), so that the proof chain outlives the TSA's
    /// certificate: renew before it expires. Works in place (atomically) on files and
    /// directories; a file that fails is reported and the others go on (exit 1).
    Renew(RenewArgs),
    /// 处理批量清单 / work with batch manifests (`render --manifest`).
    #[command(subcommand)]
    Manifest(ManifestCommand),
}

/// `jixiao manifest …`
#[derive(Debug, Subcommand)]
pub enum ManifestCommand {
    /// 合并各分片的清单 / merge the manifests of a batch's slices into one.
    ///
    /// For `render --shard I/N` run as N processes, pods (Kubernetes Indexed Job) or
    /// array tasks (Slurm): checks that every slice 1..N is there exactly once (an empty
    /// manifest stands for a slice that got no file), that no input is listed twice and
    /// that all are slices of the same N; then writes one manifest sorted by input — the
    /// same file one unsliced run writes. On any problem nothing is written (exit 1).
    Merge(MergeArgs),
}

/// `jixiao manifest merge`
#[derive(Debug, clap::Args)]
pub struct MergeArgs {
    /// 各分片的清单（.csv 或 .json） / the slices' manifests (.csv or .json).
    #[arg(value_name = "MANIFEST", required = true)]
    pub inputs: Vec<PathBuf>,

    /// 合并后的清单（.csv 或 .json） / where to write the merged manifest.
    #[arg(short, long, value_name = "ALL.csv|ALL.json")]
    pub output: PathBuf,
}

/// Options shared by every command that lays out a form.
#[derive(Debug, clap::Args)]
pub struct LayoutArgs {
    /// 使用自定义模板目录（含 form.toml 与 main.typ，可多次给出） / add the template in
    /// DIR (repeatable): its kind is added, or replaces the built-in kind of the same
    /// name; declarations without `kind = …` are of the first one's kind.
    #[arg(long, value_name = "DIR")]
    pub template: Vec<PathBuf>,

    /// 额外字体目录（可多次给出），供自定义模板使用 / add the fonts in DIR (repeatable);
    /// a custom template may name them. The bundled Noto CJK SC fonts are always there.
    #[arg(long = "font-dir", value_name = "DIR")]
    pub font_dirs: Vec<PathBuf>,

    /// 每份表格的页数上限，超过则不生成 / refuse a form of more pages than this.
    #[arg(long, value_name = "N", default_value_t = jixiao_core::limits::DEFAULT_MAX_PAGES as u64,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub max_pages: u64,

    /// 每份表格排版的时间上限（秒，可带小数；0 为不限） / give up laying out a form after
    /// this many seconds (fractions allowed; 0: no limit).
    #[arg(long, value_name = "SECONDS", default_value = "300", value_parser = seconds)]
    pub timeout: std::time::Duration,
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
    /// batch (1-based; chosen by a stable hash of each file's relative path). `auto/N`
    /// takes I from the scheduler: JOB_COMPLETION_INDEX (Kubernetes Indexed Job, 0-based)
    /// or SLURM_ARRAY_TASK_ID (Slurm array; `auto` alone takes N from
    /// SLURM_ARRAY_TASK_COUNT).
    #[arg(long, value_name = "I/N|auto/N")]
    pub shard: Option<ShardSpec>,

    /// 并行进程数（默认：全部 CPU 核） / render in N worker processes (default: one per
    /// core). They share nothing, so N processes render about as fast as N --shard runs,
    /// and a worker that dies (out of memory, a stack overflow) fails only its own file.
    /// With --sign, or --threads, the workers are threads of this process.
    #[arg(short = 'j', long = "jobs", value_name = "N")]
    pub jobs: Option<NonZeroUsize>,

    /// 以线程而非进程并行 / run the -j workers as threads of this one process (less
    /// memory, slower: the threads contend for Typst's shared caches).
    #[arg(long)]
    pub threads: bool,

    /// Internal: serve as a worker process of a batch (documents on stdin, results on
    /// stdout), with the batch's other arguments.
    #[arg(long, hide = true)]
    pub worker: bool,

    /// 输出格式：pdf、pdfa、ofd、xlsx，可用逗号连写（默认 pdf；-o 的扩展名另有所指时从之） /
    /// output formats: pdf, pdfa (archival PDF/A-3b, as --archive), ofd, xlsx, several
    /// separated by commas. Default: pdf, or the format -o's extension names. The OFD (GB/T
    /// 33190) carries the declaration and is byte-for-byte reproducible; each format's
    /// file is written beside the PDF with its own extension.
    #[arg(
        long = "format",
        value_delimiter = ',',
        value_name = "pdf|pdfa|ofd|xlsx",
        value_parser = format_parser()
    )]
    pub formats: Vec<jixiao_core::format::Format>,

    /// Template and fonts.
    #[command(flatten)]
    pub layout: LayoutArgs,

    /// Archival output.
    #[command(flatten)]
    pub archive: ArchiveArgs,

    /// 生成后随即签名（PAdES，级别见 --level），需 --key 与 --cert 或 --p12 / sign the PDF
    /// right after rendering (PAdES, at --level) with --key and --cert, or --p12; with
    /// --archive-dir the store keeps the signed file. Each document asks the TSA (--tsa)
    /// for its own timestamps.
    #[arg(long)]
    pub sign: bool,

    /// The signer, for --sign.
    #[command(flatten)]
    pub signer: SignerArgs,

    /// How diagnostics are reported.
    #[command(flatten)]
    pub report: ReportArgs,
}

/// Archival output of `jixiao render`.
#[derive(Debug, clap::Args)]
pub struct ArchiveArgs {
    /// 生成归档 PDF（PDF/A-3b，附申报源文件，逐字节可重现）/ write an archival PDF/A-3b
    /// with the declaration attached, byte-for-byte reproducible. Also turned on by
    /// `archive = true` in the declaration. The document date comes from the
    /// declaration's `date` (or signoff.date), else SOURCE_DATE_EPOCH — never the clock.
    #[arg(long)]
    pub archive: bool,

    /// 归档目录：另存为 DIR/{年度}/{部门}/v{N}-{sha8}.pdf 并记入 DIR/index.jsonl（隐含
    /// --archive）/ also file the archival PDF in the store DIR as
    /// DIR/{year}/{department}/v{N}-{sha8}.pdf, indexed in DIR/index.jsonl (implies
    /// --archive). A stored version is never overwritten; an identical one is not
    /// stored twice.
    #[arg(long, value_name = "DIR")]
    pub archive_dir: Option<PathBuf>,
}

/// `jixiao verify`
#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    /// 归档 PDF 或 OFD / the archival PDF, or an OFD.
    #[arg(value_name = "FILE.pdf|FILE.ofd")]
    pub input: PathBuf,

    /// 输出格式 / output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,

    /// Template and fonts the PDF was rendered with (default: the built-in ones).
    #[command(flatten)]
    pub layout: LayoutArgs,

    /// 信任的 CA 证书（PEM，可多次给出）：签名者证书须链到其中之一 / trusted CA
    /// certificates (PEM, repeatable): with anchors given, every signature must chain to
    /// one of them, at the time its timestamps prove, and not be revoked then.
    #[arg(long, value_name = "CA.pem")]
    pub trust: Vec<PathBuf>,

    /// 在线获取吊销信息（OCSP、CRL），也检查最新时间戳服务证书的吊销 / fetch revocation
    /// data (OCSP, CRLs) from the certificates' services, the newest timestamp's TSA
    /// certificate included (offline, only what the file holds is used).
    #[arg(long)]
    pub online: bool,

    /// 核验时间（RFC 3339 或日期，默认现在） / the validation time (RFC 3339, or a date
    /// YYYY-MM-DD; default now).
    #[arg(long, value_name = "DATE")]
    pub at: Option<String>,
}

/// `jixiao extract`
#[derive(Debug, clap::Args)]
pub struct ExtractArgs {
    /// 归档 PDF 或 OFD / the archival PDF, or an OFD.
    #[arg(value_name = "FILE.pdf|FILE.ofd")]
    pub input: PathBuf,

    /// 输出路径（默认：与 PDF 同目录同名 .toml；- 为标准输出） / where to write (default:
    /// next to the PDF, same name, .toml; `-` for standard output).
    #[arg(short, long, value_name = "DECL.toml")]
    pub output: Option<PathBuf>,

    /// 覆盖已有文件 / overwrite an existing file.
    #[arg(long)]
    pub force: bool,
}

/// How diagnostics are reported.
#[derive(Debug, clap::Args)]
pub struct ReportArgs {
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

    /// 表样（jixiao kinds 列出全部） / the kind of form (see `jixiao kinds`).
    #[arg(long, value_name = "KIND", default_value = jixiao_core::kind::DEFAULT_KIND)]
    pub kind: String,

    /// 使用自定义模板所述的表样 / write a blank of the kind the template in DIR
    /// describes (instead of --kind).
    #[arg(long, value_name = "DIR", conflicts_with = "kind")]
    pub template: Option<PathBuf>,
}

/// `jixiao schema`
#[derive(Debug, clap::Args)]
pub struct SchemaArgs {
    /// 只输出这一表样的 Schema / the schema of this kind only.
    #[arg(long, value_name = "KIND")]
    pub kind: Option<String>,

    /// 自定义模板（可多次给出） / templates whose kinds are included.
    #[arg(long, value_name = "DIR")]
    pub template: Vec<PathBuf>,
}

/// `jixiao kinds`
#[derive(Debug, clap::Args)]
pub struct KindsArgs {
    /// 自定义模板（可多次给出） / templates whose kinds are listed too.
    #[arg(long, value_name = "DIR")]
    pub template: Vec<PathBuf>,
}

/// `jixiao data`
#[derive(Debug, clap::Args)]
pub struct DataArgs {
    /// 申报文件 / the declaration (TOML).
    #[arg(value_name = "DECL.toml")]
    pub input: PathBuf,

    /// 自定义模板（可多次给出） / templates whose kinds the declaration may be of.
    #[arg(long, value_name = "DIR")]
    pub template: Vec<PathBuf>,
}

/// `jixiao template`
#[derive(Debug, clap::Args)]
pub struct TemplateArgs {
    /// 目标目录（须不存在或为空） / directory to write the template into (must not
    /// exist or be empty).
    #[arg(value_name = "DIR", required_unless_present = "reference")]
    pub dir: Option<PathBuf>,

    /// 导出哪一表样的模板 / the kind whose built-in template is copied.
    #[arg(long, value_name = "KIND", default_value = jixiao_core::kind::DEFAULT_KIND)]
    pub kind: String,

    /// 只导出表样说明 form.toml（地方变体不需要 Typst 文件：缺少的由内置的补上） / copy
    /// form.toml only: a regional variant needs no Typst file (the built-in ones fill in).
    #[arg(long)]
    pub form_only: bool,

    /// 打印表样说明 form.toml 的参考（每个键的类型、默认值、示例；--lang 选语言） / print
    /// the reference of the description format form.toml (every key's type, default,
    /// example; in the --lang language).
    #[arg(long, conflicts_with_all = ["dir", "form_only"])]
    pub reference: bool,
}

/// `jixiao import`
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// 电子表格（.xlsx、.xls、.ods，可多个） / the spreadsheets to import.
    #[arg(value_name = "FILE.xlsx", required = true)]
    pub inputs: Vec<PathBuf>,

    /// 输出路径（仅限单个输入、单个表单；- 为标准输出） / where to write the declaration
    /// (one input with one form sheet only; `-` for standard output).
    #[arg(short, long, value_name = "OUT.toml", conflicts_with = "out_dir")]
    pub output: Option<PathBuf>,

    /// 输出目录（默认与输入同目录） / write the declarations under DIR (default: next
    /// to each input): FILE.toml, or FILE-SHEET.toml for a workbook of several forms.
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,

    /// 按此表样导入所选的工作表（未用 --sheet 时：符合此表样的每个工作表；默认按标题与栏目识别）
    /// / import the picked sheets as this kind (without --sheet: every sheet that fits
    /// it) instead of detecting it from the title and labels (`jixiao kinds` lists them).
    #[arg(long, value_name = "KIND")]
    pub kind: Option<String>,

    /// 只导入这个工作表（工作表名或从 1 起的序号；可重复）；所选的表即使是空白表样也导入
    /// / import this sheet only (its name, or its position from 1; repeatable); a picked
    /// sheet is imported even when it is a blank form.
    #[arg(long = "sheet", value_name = "NAME|N")]
    pub sheets: Vec<String>,

    /// 预算年度（表中标题不含年份时） / the budget year, for forms whose title does not
    /// show it.
    #[arg(long)]
    pub year: Option<i32>,

    /// 覆盖已有文件 / overwrite existing declaration files.
    #[arg(long)]
    pub force: bool,

    /// Templates (their kinds can be imported too) and fonts (for the checks).
    #[command(flatten)]
    pub layout: LayoutArgs,

    /// How diagnostics are reported.
    #[command(flatten)]
    pub report: ReportArgs,
}

/// `jixiao export`
#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// 申报文件 / the declaration (TOML).
    #[arg(value_name = "DECL.toml")]
    pub input: PathBuf,

    /// 输出路径（默认与输入同名同目录 .xlsx） / where to write the workbook (default:
    /// next to the input, same name, .xlsx).
    #[arg(short, long, value_name = "FORM.xlsx")]
    pub output: Option<PathBuf>,

    /// Template (its kind) and fonts.
    #[command(flatten)]
    pub layout: LayoutArgs,

    /// How diagnostics are reported.
    #[command(flatten)]
    pub report: ReportArgs,
}

/// `jixiao sign`
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("credentials").required(true).args(["key", "p12"])))]
pub struct SignArgs {
    /// 要签名的 PDF / the PDF to sign.
    #[arg(value_name = "IN.pdf")]
    pub input: PathBuf,

    /// 签名后的 PDF / where to write the signed PDF.
    #[arg(short, long, value_name = "OUT.pdf")]
    pub output: PathBuf,

    /// Who signs, and how.
    #[command(flatten)]
    pub signer: SignerArgs,
}

/// The signer and the signature's details, for `jixiao sign` and `jixiao render --sign`.
#[derive(Debug, clap::Args)]
pub struct SignerArgs {
    /// 私钥文件（PEM 或 DER；PKCS#8、PKCS#1 或 SEC1） / the private key (PEM or DER).
    #[arg(long, value_name = "KEY", requires = "cert", conflicts_with = "p12")]
    pub key: Option<PathBuf>,

    /// 签名者证书（PEM 或 DER） / the signer's certificate (PEM or DER).
    #[arg(long, value_name = "CERT", requires = "key", conflicts_with = "p12")]
    pub cert: Option<PathBuf>,

    /// 中间 CA 证书（可多次给出） / intermediate CA certificates to embed (repeatable).
    #[arg(long, value_name = "CA.pem")]
    pub chain: Vec<PathBuf>,

    /// PKCS#12 文件（口令取自环境变量 JIXIAO_P12_PASSWORD，否则提示输入） / a PKCS#12
    /// file with key and certificates; the passphrase comes from JIXIAO_P12_PASSWORD or a
    /// prompt.
    #[arg(long, value_name = "FILE")]
    pub p12: Option<PathBuf>,

    /// 签名时间（RFC 3339 或 Unix 秒；默认取 SOURCE_DATE_EPOCH，否则当前时间） / the
    /// signing time written to /M (RFC 3339 or Unix seconds; default SOURCE_DATE_EPOCH,
    /// else now).
    #[arg(long, value_name = "TIME")]
    pub time: Option<String>,

    /// 签名原因 / the reason for signing (/Reason).
    #[arg(long)]
    pub reason: Option<String>,

    /// 签名地点 / where it was signed (/Location).
    #[arg(long)]
    pub location: Option<String>,

    /// 签名域名称（默认 Signature1、Signature2…） / the signature field's name.
    #[arg(long, value_name = "NAME")]
    pub field: Option<String>,

    /// 签名级别：B-B（默认）、B-T（加签名时间戳）、B-LT（再加 DSS：证书、OCSP、CRL）、
    /// B-LTA（再加文档时间戳） / the PAdES baseline level: B-B (default), B-T (a
    /// signature timestamp), B-LT (and a DSS with the certificates, OCSP responses and
    /// CRLs), B-LTA (and a document timestamp). B-T and up need --tsa.
    #[arg(long, value_name = "LEVEL", default_value = "B-B", value_parser = level_parser())]
    pub level: jixiao_sign::Level,

    #[command(flatten)]
    /// The TSA and offline revocation data.
    pub ltv: LtvArgs,
}

/// Where timestamps and revocation data come from (`sign`, `render --sign`, `renew`).
#[derive(Debug, Clone, clap::Args)]
pub struct LtvArgs {
    /// 时间戳服务地址（RFC 3161，http://） / the timestamp authority (RFC 3161 over
    /// HTTP; https:// is refused). Each document gets one request, tried 3 times.
    #[arg(long, value_name = "URL")]
    pub tsa: Option<String>,

    /// 离线使用的吊销信息（OCSP 答复或 CRL，DER 或 PEM，可多次给出），代替在线获取 /
    /// revocation data for offline sites (an OCSP response or a CRL, DER or PEM;
    /// repeatable), used instead of fetching for the certificates it covers.
    #[arg(long, value_name = "FILE")]
    pub revocation_data: Vec<PathBuf>,

    /// 补全证书路径的证书（如时间戳服务的 CA，可多次给出） / certificates that complete
    /// a path (the TSA's CA, say; repeatable).
    #[arg(long, value_name = "CA.pem")]
    pub extra_cert: Vec<PathBuf>,
}

/// `jixiao renew`
#[derive(Debug, clap::Args)]
pub struct RenewArgs {
    /// 要续期的 PDF 或目录（目录中的 *.pdf，递归） / the PDFs to renew, or directories
    /// (every *.pdf below them): a store's files, a batch's output.
    #[arg(value_name = "FILE.pdf|DIR", required = true)]
    pub inputs: Vec<PathBuf>,

    /// 写到别处（只能给一个 PDF）；默认原地更新 / write here instead of in place (one
    /// input PDF only).
    #[arg(short, long, value_name = "OUT.pdf")]
    pub output: Option<PathBuf>,

    #[command(flatten)]
    /// The TSA and offline revocation data.
    pub ltv: LtvArgs,
}

/// `jixiao seal`
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("seal_source").required(true).args(["seal", "seal_image"])))]
pub struct SealArgs {
    /// 要签章的 OFD / the OFD to seal.
    #[arg(value_name = "FORM.ofd")]
    pub input: PathBuf,

    /// 签章后的 OFD / where to write the sealed OFD.
    #[arg(short, long, value_name = "SEALED.ofd")]
    pub output: PathBuf,

    /// 电子印章文件（GB/T 38540 第 4 版 SESeal） / the seal, an issued GB/T 38540 v4
    /// SESeal (.esl).
    #[arg(long, value_name = "SEAL.esl")]
    pub seal: Option<PathBuf>,

    /// 用 PNG 图片制作测试印章 / make a test seal from this PNG picture.
    #[arg(long, value_name = "SEAL.png", conflicts_with = "seal")]
    pub seal_image: Option<PathBuf>,

    /// 测试印章的名称（默认取签章人证书的名称） / the test seal's name (default: the
    /// signer certificate's common name).
    #[arg(long, value_name = "NAME", requires = "seal_image")]
    pub seal_name: Option<String>,

    /// 测试印章的宽度（毫米，默认 40；高度按图片比例） / the test seal's width in mm
    /// (default 40; the height follows the picture).
    #[arg(long, value_name = "MM", requires = "seal_image")]
    pub seal_width: Option<u32>,

    /// 制章者私钥（默认用签章人私钥） / the seal maker's SM2 key for the test seal
    /// (default: the signer's).
    #[arg(long, value_name = "MAKER.key", requires_all = ["seal_image", "seal_cert"])]
    pub seal_key: Option<PathBuf>,

    /// 制章者证书 / the seal maker's certificate.
    #[arg(long, value_name = "MAKER.crt", requires = "seal_key")]
    pub seal_cert: Option<PathBuf>,

    /// 另存制作的测试印章 / also write the test seal made to this file.
    #[arg(long, value_name = "OUT.esl", requires = "seal_image")]
    pub save_seal: Option<PathBuf>,

    /// 签章人 SM2 私钥（PKCS#8，PEM 或 DER） / the signer's SM2 private key (PKCS#8,
    /// PEM or DER).
    #[arg(long, value_name = "SM2.key")]
    pub key: PathBuf,

    /// 签章人证书（PEM 或 DER） / the signer's certificate (PEM or DER).
    #[arg(long, value_name = "SM2.crt")]
    pub cert: PathBuf,

    /// 盖章的页（从 1 起，默认最后一页） / the page for the seal (from 1; default: the
    /// last).
    #[arg(long, value_name = "N")]
    pub page: Option<usize>,

    /// 印章中心位置（毫米，自页面左上角） / the seal's centre in mm from the page's top
    /// left (default: over the text after 盖章, else near the bottom right).
    #[arg(long, value_name = "X,Y")]
    pub at: Option<String>,

    /// 签章时间（RFC 3339 或 Unix 秒；默认 SOURCE_DATE_EPOCH，否则当前时间） / the
    /// signing time (RFC 3339 or Unix seconds; default SOURCE_DATE_EPOCH, else now).
    #[arg(long, value_name = "TIME")]
    pub time: Option<String>,

    /// 时间戳服务地址（RFC 3161，http://）：为签章值加时间戳（timeStamp，SM3 摘要） /
    /// the timestamp authority (RFC 3161 over HTTP): the seal's signature value is
    /// timestamped (SES_Signature.timeStamp, SM3 imprint).
    #[arg(long, value_name = "URL")]
    pub tsa: Option<String>,
}

/// `--lang zh|en`, parsed by the library's [`jixiao_core::check::Lang`] (which knows nothing
/// of clap).
fn lang_parser() -> impl clap::builder::TypedValueParser<Value = jixiao_core::check::Lang> {
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(["zh", "en"])
        .try_map(|s| s.parse::<jixiao_core::check::Lang>().map_err(|t| t.both()))
}

/// `--level B-B|B-T|B-LT|B-LTA`.
fn level_parser() -> impl clap::builder::TypedValueParser<Value = jixiao_sign::Level> {
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(["B-B", "B-T", "B-LT", "B-LTA"])
        .try_map(|s| s.parse::<jixiao_sign::Level>().map_err(|t| t.both()))
}

/// `--format pdf,ofd`: the library's formats, by name (`jixiao_core::format::Format`).
fn format_parser() -> impl clap::builder::TypedValueParser<Value = jixiao_core::format::Format> {
    use clap::builder::TypedValueParser;
    let names = jixiao_core::format::Format::ALL.map(|f| f.name());
    clap::builder::PossibleValuesParser::new(names).try_map(|s| {
        s.parse::<jixiao_core::format::Format>()
            .map_err(|t| t.both())
    })
}

/// `--timeout 300`, `--timeout 0.5`: seconds, not negative.
fn seconds(text: &str) -> Result<std::time::Duration, String> {
    text.trim()
        .parse::<f64>()
        .ok()
        .and_then(|s| std::time::Duration::try_from_secs_f64(s).ok())
        .ok_or_else(|| {
            format!("应为秒数，如 300 或 0.5 / expected seconds, e.g. 300 or 0.5, not {text}")
        })
}
