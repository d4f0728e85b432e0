//! The reference of the description format (`form.toml`): every key of a kind, page,
//! field, tree, section, block, row, cell, line and check, with its type, default,
//! example and meaning, in Chinese and English — printed by `jixiao template
//! --reference` and kept as `docs/form-reference.md` and `docs/表样说明参考.md`.
//!
//! It cannot drift from the parser: the tests below ask the parser itself which keys
//! each object accepts (its own error message for an unknown key lists them) and
//! require exactly those to be documented, parse every documented example, and check
//! that every documented default is the default the parser uses (an object with the key
//! set to its default reads the same as one without it).

use crate::words::{Lang, Text};

/// One key of an object of the format.
#[derive(Debug, Clone, Copy)]
pub struct KeyDoc {
    /// The key, as written in `form.toml`.
    pub key: &'static str,
    /// Its TOML type, e.g. `string`, `array of strings`.
    pub ty: &'static str,
    /// Its default as TOML (`""`, `false`, `1`), or `None` when the key is required
    /// or simply absent by default (see `required`).
    pub default: Option<&'static str>,
    /// Whether the key must be given.
    pub required: bool,
    /// An example value, as TOML.
    pub example: &'static str,
    /// What it means, Chinese.
    pub zh: &'static str,
    /// What it means, English.
    pub en: &'static str,
}

/// One object of the format (a table or array of tables in `form.toml`).
#[derive(Debug, Clone, Copy)]
pub struct ObjectDoc {
    /// A short name, e.g. `section`.
    pub name: &'static str,
    /// Where it is written, e.g. `[[section]]`.
    pub written: &'static str,
    /// What it is, Chinese.
    pub zh: &'static str,
    /// What it is, English.
    pub en: &'static str,
    /// Its keys, in the order they are best read.
    pub keys: &'static [KeyDoc],
}

const fn key(
    key: &'static str,
    ty: &'static str,
    default: Option<&'static str>,
    example: &'static str,
    zh: &'static str,
    en: &'static str,
) -> KeyDoc {
    KeyDoc {
        key,
        ty,
        default,
        required: false,
        example,
        zh,
        en,
    }
}

const fn required(
    key: &'static str,
    ty: &'static str,
    example: &'static str,
    zh: &'static str,
    en: &'static str,
) -> KeyDoc {
    KeyDoc {
        key,
        ty,
        default: None,
        required: true,
        example,
        zh,
        en,
    }
}

const CODE: KeyDoc = required(
    "code",
    "string",
    "\"funds-total\"",
    "发现问题时报告的代码（稳定的短横线英文，供清单和其他工具使用）。",
    "the stable kebab-case code the finding is reported with (manifests, other tools).",
);
const LEVEL: KeyDoc = required(
    "level",
    "string: `error` | `warning`",
    "\"warning\"",
    "`error` 阻止生成 PDF；`warning` 只提示。",
    "`error` blocks the render; `warning` is reported only.",
);

/// Every object of the format, in the order of a `form.toml`.
pub const OBJECTS: &[ObjectDoc] = &[
    ObjectDoc {
        name: "kind",
        written: "form.toml",
        zh: "表样说明的顶层：一种表的名称、标题和它由哪些部分组成。",
        en: "The top level of a description: the kind's name, its title and its parts.",
        keys: &[
            required("name", "string", "\"sichuan-project-self-evaluation\"", "表样名，申报文件用 `kind = \"…\"` 指明；小写字母、数字和连字符。", "the kind's name, as declarations write it (`kind = \"…\"`): lowercase letters, digits, hyphens."),
            required("title", "string", "\"部门预算项目支出绩效自评表\"", "表的标题；`{year}` 换成申报的年度。", "the form's title; `{year}` becomes the declaration's year."),
            key("subtitle", "string", Some("\"\""), "\"（{year}年度）\"", "标题下的第二行（可含 `{year}`）；空则不印。", "a second title line (may contain `{year}`); none when empty."),
            required("about", "string", "\"四川省部门预算项目支出绩效自评表……\"", "这种表是什么、出自何处（jixiao kinds、JSON Schema、init 中显示）。", "what the form is and where it comes from (for `jixiao kinds`, the schema, `init`)."),
            required("filer", "string", "\"unit\"", "填报单位所在的顶层文字字段的键：PDF 作者、归档目录、文件名中的 `{department}`。", "the key of the top-level text field naming who files the form: PDF author, archive folder, `{department}` in file names."),
            key("main", "string", Some("\"main.typ\""), "\"main.typ\"", "要编译的 Typst 文件（相对于模板目录）。内置的 main.typ 已能打印本参考中的一切，地方变体不需要自己的 .typ 文件。", "the Typst file to compile, relative to the template directory. The built-in main.typ prints everything in this reference: a regional variant needs no .typ file of its own."),
            key("page", "table", Some("{}"), "{ orientation = \"landscape\", text_size = 9 }", "页面与字号，见 [page]。", "page and type sizes: see [page]."),
            required("field", "array of tables", "[]", "申报文件的字段，按表中顺序，见 [[field]]。", "the declaration's fields, in form order: see [[field]]."),
            required("section", "array of tables", "[]", "表格的版式，一节接一节，连成一张表，见 [[section]]。", "the table's layout, one section after another, joined into one table: see [[section]]."),
            key("check", "array of tables", Some("[]"), "[]", "审核时算的账，见 [[check]]。", "the arithmetic a reviewer checks: see [[check]]."),
            key("line", "array of tables", Some("[]"), "[]", "表格外的文字行（报表编号、填报单位（盖章）、签字行），见 [[line]]。", "lines of text outside the table (a code line, 填报单位（盖章）, signature lines): see [[line]]."),
        ],
    },
    ObjectDoc {
        name: "page",
        written: "[page]",
        zh: "页面、字号和行高。宽度一律是毫米，字号是磅（pt）。",
        en: "Page, type sizes and row heights. Widths are millimetres, sizes points.",
        keys: &[
            key("width", "float", Some("174.0"), "261.0", "表格设计宽度（毫米）；各节的列宽是它的份额（纵向 A4 为 174，横向为 261）。", "the table's design width in mm; section columns are shares of it (A4 portrait 174, landscape 261)."),
            key("label_width", "float", Some("19.0"), "30.0", "各节左侧标签列的宽度（毫米）。", "the width of a section's label column in mm."),
            key("orientation", "string: `portrait` | `landscape`", Some("\"portrait\""), "\"landscape\"", "纸张方向：纵向或横向（列多的表用横向）。", "A4 upright or on its side (forms with many columns)."),
            key("text_size", "float", Some("10.5"), "9.0", "正文字号（磅）。", "body text size in points."),
            key("title_size", "float", Some("18.0"), "16.0", "标题字号（磅）。", "title size in points."),
            key("subtitle_size", "float", Some("12.0"), "11.0", "标题下第二行的字号（磅）。", "the second title line's size in points."),
            key("row_height", "float", Some("0.0"), "10.6", "表格每行的最小高度（毫米）；0 表示按文字高度。", "the minimum height of every table row in mm; 0: as tall as its text."),
        ],
    },
    ObjectDoc {
        name: "field",
        written: "[[field]], [[field.field]]",
        zh: "申报文件的一个键：它在表上的标签、类型、是否必填。table 和 list 有内层字段 [[field.field]]。",
        en: "One key of a declaration: its label on the form, its type, whether it is required. Tables and lists have inner fields [[field.field]].",
        keys: &[
            required("key", "string", "\"supervisor\"", "键名（英文 snake_case）。", "the key (English snake_case)."),
            required("label", "string", "\"主管部门\"", "印在表上的标签。", "the label printed on the form."),
            key("group", "string", None, "\"部门预算支出\"", "标签所属的标题（如“基本支出”属于“部门预算支出”），用于提示信息和 `{ group = … }` 单元格。", "the heading the label sits under (`基本支出` under `部门预算支出`): messages and `{ group = … }` cells."),
            required("type", "string: `text` | `paragraphs` | `amount` | `percent` | `number` | `year` | `date` | `boolean` | `choice` | `table` | `list`", "\"amount\"", "值的类型：文字、段落、金额（万元，精确小数）、百分比、数值、年份、日期、是否、单选、表（table）、列表（list）。", "what it holds: text, paragraphs, an amount (万元, exact), a percentage, a number, a year, a date, a yes/no, one of options, a table, a list of tables."),
            key("required", "boolean", Some("false"), "true", "必须填写（缺少或为空是错误）。", "must be present and not blank (an error otherwise)."),
            key("empty", "string: `error` | `warning`", None, "\"warning\"", "留空时报告的级别（未写则不报告）。", "how leaving it blank is reported (not at all when absent)."),
            key("about", "string", Some("\"\""), "\"项目的主管部门。\"", "填写说明（JSON Schema 与 init 中的注释）。", "what to write (the schema's description, `init`'s comment)."),
            key("options", "array of strings", Some("[]"), "[\"确定能\", \"有可能\", \"完全不可能\"]", "choice 的选项，按印刷顺序。", "a choice's options, as printed."),
            key("decimals", "integer", None, "2", "percent：推算出的百分比保留的小数位（默认 2）。", "percent: the decimals of a derived percentage (2 when absent)."),
            key("field", "array of tables", Some("[]"), "[]", "table 和 list 的内层字段。", "the inner fields of a table or list."),
            key("unique", "array of strings", Some("[]"), "[\"level1\", \"level2\", \"name\"]", "list：这些内层键合起来不得重复。", "list: item keys that together must not repeat."),
            key("one_of", "array of arrays of strings", Some("[]"), "[[\"target\", \"actual\"]]", "list：每组中至少填一个。", "list: sets of item keys of which one must be filled in."),
            key("tree", "table", None, "{ levels = [\"level1\", \"level2\"], preset = \"B\" }", "list：指标体系（一级、二级），见 [field.tree]。", "list: the indicator tree (一级, 二级): see [field.tree]."),
            key("optional_block", "boolean", Some("false"), "true", "table：全部留空时不打印（如签署栏）。", "table: not printed when left empty (the sign-off block)."),
            key("negative", "boolean", Some("false"), "true", "amount：允许负数（否则负数是错误）。", "amount: may be negative (an error otherwise)."),
            key("mark", "string", Some("\"√\""), "\"✔\"", "choice：某个选项的单元格（`{ value = …, option = … }`）在该项被选中时显示的符号。", "choice: what the cell of one option (`{ value = …, option = … }`) shows when that option is chosen."),
        ],
    },
    ObjectDoc {
        name: "tree",
        written: "[field.tree]",
        zh: "指标列表的指标体系：哪些内层键是一级、二级，标准的标签。",
        en: "An indicator list's tree: which item keys are 一级 and 二级, and the standard labels.",
        keys: &[
            required("levels", "array of strings", "[\"level1\", \"level2\"]", "作为一级、二级的内层键（一或两个）。", "the item keys that group the rows, outermost first (one or two)."),
            key("preset", "string: `A` | `B` | `C`", None, "\"B\"", "预设的标准指标体系（见 README）；与 branch 二者取一。", "a standard tree by name (see the README); or give branch."),
            key("branch", "array of tables", Some("[]"), "[{ name = \"产出指标\", children = [\"数量指标\"] }]", "自定的标准标签，按印刷顺序，见 [[field.tree.branch]]。", "the standard labels in print order, instead of a preset: see [[field.tree.branch]]."),
            key("skeleton", "string: `full` | `used`", Some("\"full\""), "\"used\"", "`full`：印出每个标准标签（没有指标时空一行）；`used`：只印用到的。", "`full`: every standard label, an empty row where unused; `used`: only those used."),
            key("recommended", "array of strings", Some("[]"), "[\"满意度指标\"]", "应有的一级标签；缺少时警告。", "top-level labels a form should have; a warning when absent."),
        ],
    },
    ObjectDoc {
        name: "branch",
        written: "[[field.tree.branch]]",
        zh: "一个标准的一级标签和它的二级标签。",
        en: "One standard top-level label and its children.",
        keys: &[
            required("name", "string", "\"产出指标\"", "一级标签。", "the label."),
            key("children", "array of strings", Some("[]"), "[\"数量指标\", \"质量指标\"]", "标准的二级标签，按印刷顺序。", "its standard child labels, in print order."),
            key("aliases", "table of arrays of strings", Some("{}"), "{ \"服务对象满意度指标\" = [\"满意度指标\"] }", "填报人常用来代替某个标准二级标签的写法（代替后不再印空的标准行）。", "labels filers write instead of a standard child (no empty skeleton row of it then)."),
        ],
    },
    ObjectDoc {
        name: "section",
        written: "[[section]]",
        zh: "表格的一节：左侧标签列（合并到底，跨页时每页重印），表头行和各行。各节首尾相接，印成一张连续的表。",
        en: "One section of the table: its label column (merged down, printed again on every page it reaches), header rows and rows. Sections are joined into one continuous table.",
        keys: &[
            key("field", "string", None, "\"funds\"", "本节所印的顶层字段：它的标签是本节的标签；table 时各单元格的路径相对于它。", "the top-level field the section prints: its label is the section's label."),
            key("label", "string", None, "\"绩效指标\"", "本节的标签（不用字段的标签时）。`\"\"`：没有标签列；只有空格（`\" \"`）：有标签列但不印字。", "the section's label, when not its field's. `\"\"`: no label column; only spaces (`\" \"`): a label column printed blank."),
            required("columns", "array of floats", "[58.0, 30.0, 67.0]", "内容列的宽度（毫米，为 page.width 的份额，标签列另计）。", "the content columns' widths in mm (shares of page.width; label columns come on top)."),
            key("label_width", "float", None, "38.0", "本节标签列的宽度（毫米），不用 page.label_width 时。", "this section's label column width in mm, instead of page.label_width."),
            key("block", "array of tables", Some("[]"), "[]", "带自己标签（第二个标签列）的几块，见 [[section.block]]；与 header/rows 二者取一。", "labelled blocks (a second label column): see [[section.block]]; or give header and rows."),
            key("header", "array of arrays of cells", Some("[]"), "[[{ label = \"funds.total.initial\" }]]", "表头行（栏目名），与第一行正文印在同一页。", "column-heading rows, kept on the page of the first body row."),
            key("rows", "array of rows", Some("[]"), "[[\"project\"]]", "正文各行：单元格数组，或表（见 row）。", "the body rows: arrays of cells, or tables (see row)."),
            key("repeat_header", "boolean", Some("false"), "true", "本节跨页时，在每页顶部重印表头行。", "print the header rows again at the top of every page the section continues on."),
            key("breakable", "boolean", None, "false", "本节能否跨页：默认有重复行或段落的节可以，全是短固定格的节不拆开；false 整节放在一页，true 允许拆开。", "whether the section may break across pages: by default those with repeated rows or paragraphs may, the others stay whole."),
            key("row_height", "float", None, "12.0", "本节每行的最小高度（毫米），代替 page.row_height。", "the minimum height of this section's rows in mm, instead of page.row_height."),
        ],
    },
    ObjectDoc {
        name: "block",
        written: "[[section.block]]",
        zh: "节中带自己标签的一块（如“项目支出预算及测算依据”中的“项目支出明细预算”）。",
        en: "A labelled part of a section (项目支出明细预算 inside 项目支出预算及测算依据).",
        keys: &[
            key("label", "cell", None, "{ text = \"资金来源\" }", "本块的标签（第二个标签列，合并到本块底部）。", "the block's label (a second label column, merged down the block)."),
            key("header", "array of arrays of cells", Some("[]"), "[[{ text = \"名称\" }]]", "本块的表头行。", "the block's column-heading rows."),
            key("rows", "array of rows", Some("[]"), "[]", "本块的各行。", "the block's rows."),
        ],
    },
    ObjectDoc {
        name: "row",
        written: "rows = [ … ]",
        zh: "一行。固定的一行写成单元格数组 `[\"a\", { label = \"b\" }]`，或写成带选项的表 `{ cells = […], keep = true }`；按列表重复的行写成 `{ each = \"indicators\", row = […] }`。",
        en: "A row. A fixed row is an array of cells `[\"a\", { label = \"b\" }]`, or a table with its options `{ cells = […], keep = true }`; rows repeated over a list are `{ each = \"indicators\", row = […] }`.",
        keys: &[
            key("cells", "array of cells", None, "[{ label = \"funds.total\" }, \"funds.total.initial\"]", "固定行：它的单元格。", "a fixed row: its cells."),
            key("height", "float", None, "20.0", "固定行：最小高度（毫米）。", "a fixed row: its minimum height in mm."),
            key("each", "string", None, "\"indicators\"", "重复行：列表字段的路径，每项印一行（或几行）。", "repeated rows: the list's path; each item prints a row (or several)."),
            key("row", "array of cells", Some("[]"), "[\"name\", \"target\"]", "重复行：每项的一行单元格（路径相对于列表项）。", "repeated rows: the cells of each item's row (paths relative to the item)."),
            key("rows", "array of rows", Some("[]"), "[{ each = \"rows\", row = [\"content\"] }]", "重复行：每项的几行（内层的列表），代替 row。", "repeated rows: several rows an item (a nested list), instead of row."),
            key("group", "cell", None, "\"name\"", "重复行：第一列中合并到每项所有行的单元格（如任务名称）。", "repeated rows: a cell in the first column merged down each item's rows (a task's 名称)."),
            key("tree", "boolean", Some("false"), "true", "重复行：列表是指标体系，先印其一级、二级（合并）列。", "repeated rows: the list is an indicator tree; its levels print first, merged."),
            key("keep", "boolean", Some("false"), "true", "不跨页拆开：固定行整行放在一页；重复行每项的几行放在一页。", "never split across pages: a fixed row, or each item's rows of repeated rows."),
        ],
    },
    ObjectDoc {
        name: "cell",
        written: "{ … } in header, rows, row, group",
        zh: "一个单元格。字符串是字段的路径（印它的值）；表恰好写 value、label、group、text 中的一个。路径在重复行中相对于列表项。",
        en: "One cell. A string is a field's path (its value is printed); a table names exactly one of value, label, group, text. Inside repeated rows, paths are relative to the item.",
        keys: &[
            key("value", "string", None, "\"funds.total.rate\"", "印此路径字段的值（金额、数值右对齐）。", "prints the value of the field at this path (amounts and numbers right-aligned)."),
            key("label", "string", None, "\"funds.total.initial\"", "印此路径字段的标签。", "prints the label of the field at this path."),
            key("group", "string", None, "\"budget.basic\"", "印此路径字段的 group（所属标题）。", "prints the group heading of the field at this path."),
            key("text", "string", None, "\"偏差原因分析\"", "印固定文字。", "prints fixed text."),
            key("span", "integer", Some("1"), "6", "横跨的列数。", "how many columns the cell spans."),
            key("rowspan", "integer", Some("1"), "2", "向下合并的行数（表头行和固定行；下面的行省去这些列）。例：跨两行表头的栏目名，五行金额旁合并的“原因”。", "how many rows the cell is merged down (header and fixed rows; the rows below leave its columns out): a heading over two header rows, a 原因 beside five money rows."),
            key("align", "string: `left` | `center` | `right`", None, "\"right\"", "水平对齐；默认标签居中，金额和数值右对齐，文字左对齐。", "horizontal alignment; by default labels centre, amounts and numbers right, text left."),
            key("prose", "boolean", Some("false"), "true", "段落按正文排：两端对齐，首行缩进两字。", "paragraphs set as prose: justified, first lines indented two characters."),
            key("heading", "boolean", Some("false"), "true", "按栏目名的样式印（即使印的是值或标签）。", "styled as a column heading even though it shows a value or label."),
            key("indent", "integer", Some("0"), "2", "内容缩进的字数（如“其中”行）。", "indents the content by this many characters (其中 lines)."),
            key("option", "string", None, "\"确定能\"", "choice 字段的 value 单元格：只代表这一个选项，选中时印字段的 mark（每个选项一列，如“完成目标可能性”）。", "a choice field's value cell for one option: shows the field's mark when that option is chosen (one column an option, 完成目标可能性)."),
            key("anchor", "boolean", Some("true"), "false", "导入表格时是否查找这段固定文字（text、label、group）来确定行列。false：只印不找（说明、“—”之类的占位）。", "whether `jixiao import` looks for this fixed text (text, label, group) to find its row and column. false: printed, not required in a spreadsheet (notes, placeholders such as `—`)."),
        ],
    },
    ObjectDoc {
        name: "line",
        written: "[[line]]",
        zh: "表格外的一行文字：标题上方（报表编号、附件）、标题与表格之间（填报单位（盖章）、金额单位）、表格下方（签字行，留空也印）。导入、导出都按它读写。",
        en: "A line of text outside the table: above the title (a code line, 附件), between the title and the table (填报单位（盖章）, 金额单位), below the table (signature lines, printed even when blank). Import and export read and write it too.",
        keys: &[
            required("at", "string: `top` | `head` | `foot`", "\"foot\"", "位置：`top` 标题上方，`head` 标题与表格之间，`foot` 表格下方。", "where: `top` above the title, `head` between the title and the table, `foot` below the table."),
            required("parts", "array of tables", "[{ field = \"signoff.head\" }]", "从左到右的各段，见 part。", "what it shows, left to right: see part."),
        ],
    },
    ObjectDoc {
        name: "part",
        written: "parts = [ { … } ]",
        zh: "一行中的一段：固定文字、字段的值，或两者（先文字后值）。只写 field 时印“标签：值”。",
        en: "One part of a line: fixed text, a field's value, or both (the text, then the value). With field alone it prints `label：value`.",
        keys: &[
            key("text", "string", None, "\"填报单位（盖章）：\"", "固定文字（`{year}` 换成年度）；与 field 同写时代替“标签：”印在值前。", "fixed text (`{year}` is the year); with field, printed before the value instead of `label：`."),
            key("field", "string", None, "\"unit\"", "要印其值的字段路径（不能在列表中）。", "the path of the field whose value is printed (not inside a list)."),
            key("blank", "string", Some("\"\""), "\"    年  月  日\"", "字段留空时代替值印的文字；这一段总是印出。", "printed instead of the value when the field is blank; the part prints either way."),
            key("align", "string: `left` | `center` | `right`", Some("\"left\""), "\"right\"", "在本段所占宽度内的对齐。", "alignment within the part's share of the line."),
            key("width", "float", Some("1.0"), "2.0", "本段占行宽的比例（相对于其他段）。", "the part's share of the line's width, relative to the others."),
        ],
    },
    ObjectDoc {
        name: "check: equal-sums",
        written: "[[check]] type = \"equal-sums\"",
        zh: "几组合计必须相等（如 支出合计 = 收入来源合计 = 按预算级次合计）；不等时指出与众不同的那组。",
        en: "Several totals must agree (支出合计 = 收入来源合计 = 按预算级次合计); when they do not, the odd one out is named.",
        keys: &[
            CODE,
            LEVEL,
            required("groups", "array of tables", "[{ name = \"收入来源合计\", terms = [\"budget.appropriation\"] }]", "各组：name（表上的名称）与 terms（相加的字段路径，`[]` 表示列表的每一项）。", "the totals: name (as the form calls it) and terms (the paths added; `[]` for every item of a list)."),
        ],
    },
    ObjectDoc {
        name: "check: sum",
        written: "[[check]] type = \"sum\"",
        zh: "合计等于各项之和；合计未填时由各项推算并印出。",
        en: "A total equals the sum of its parts; a total left out is derived and printed.",
        keys: &[
            CODE,
            LEVEL,
            required("total", "string", "\"funds.total.initial\"", "合计的路径。", "the total's path."),
            required("parts", "array of strings", "[\"funds.appropriation.initial\", \"funds.other.initial\"]", "各项的路径（`[]` 表示列表的每一项）。", "the parts' paths (`[]` for every item of a list)."),
        ],
    },
    ObjectDoc {
        name: "check: at-most",
        written: "[[check]] type = \"at-most\"",
        zh: "一个合计不得超过另一个（如 执行数 不超过 预算数）。",
        en: "A sum must not exceed another (执行数 within 预算数).",
        keys: &[
            CODE,
            LEVEL,
            required("sum", "table", "{ name = \"1-7月执行数\", terms = [\"funds.total.progress\"] }", "被比较的合计：name 与 terms。", "what is summed: name and terms."),
            required("limit", "table", "{ name = \"年初预算数\", terms = [\"funds.total.initial\"] }", "上限：name 与 terms。", "what it must not exceed: name and terms."),
        ],
    },
    ObjectDoc {
        name: "check: rate",
        written: "[[check]] type = \"rate\"",
        zh: "百分比 = 分子 ÷ 分母（如 执行率）；未填时推算并印出。",
        en: "A percentage is one amount divided by another (执行率); derived and printed when left out.",
        keys: &[
            CODE,
            LEVEL,
            required("rate", "string", "\"funds.total.rate\"", "百分比字段的路径（type = \"percent\"）。", "the rate's path (a percent field)."),
            required("numerator", "string", "\"funds.total.progress\"", "分子的路径。", "the numerator's path."),
            required("denominator", "string", "\"funds.total.initial\"", "分母的路径。", "the denominator's path."),
        ],
    },
    ObjectDoc {
        name: "check: at-most-each",
        written: "[[check]] type = \"at-most-each\"",
        zh: "得分不超过其分值（路径含 `[]` 时逐项比较）。",
        en: "A score must not exceed its maximum (item by item when the paths have `[]`).",
        keys: &[
            CODE,
            LEVEL,
            required("value", "string", "\"indicators[].score\"", "得分的路径。", "the score's path."),
            required("max", "string", "\"indicators[].points\"", "上限的路径。", "the maximum's path."),
        ],
    },
    ObjectDoc {
        name: "check: sum-equals",
        written: "[[check]] type = \"sum-equals\"",
        zh: "各数之和必须等于一个固定数（如权重合计 100）。",
        en: "Numbers must add up to a fixed total (weights to 100).",
        keys: &[
            CODE,
            LEVEL,
            required("terms", "array of strings", "[\"indicators[].weight\"]", "相加的路径。", "what is summed."),
            required("equals", "string", "\"100\"", "应得的合计。", "the total they must reach."),
        ],
    },
];

/// The reference as Markdown, in `lang`.
pub fn markdown(lang: Lang) -> String {
    let t = |zh: &str, en: &str| Text::new(zh, en).get(lang).to_owned();
    let mut out = String::new();
    out.push_str(&t(
        "# form.toml 表样说明参考\n\n",
        "# form.toml reference\n\n",
    ));
    out.push_str(&t(
        "由 `jixiao template --reference` 生成（`--lang en` 为英文版），与解析 form.toml 的代码同源：每个对象可写的键、类型、默认值和示例都由测试对照解析器核对。写错的键会报错，指出键名、所在的行和此处可用的键。怎样据此做一个地方变体，见 README“Adding a regional variant”。\n\n",
        "Generated by `jixiao template --reference --lang en` (without `--lang en`: the Chinese one) from the same definitions the parser of form.toml uses: a test checks every object's keys, examples and defaults against the parser. A key the format does not have is an error naming it, its line and the keys allowed there. README, \"Adding a regional variant\", walks through making one.\n\n",
    ));
    for object in OBJECTS {
        out.push_str(&format!("## {} — `{}`\n\n", object.name, object.written));
        out.push_str(Text::new(object.zh, object.en).get(lang));
        out.push_str("\n\n");
        out.push_str(&t(
            "| 键 | 类型 | 默认 | 示例 | 说明 |\n|---|---|---|---|---|\n",
            "| key | type | default | example | meaning |\n|---|---|---|---|---|\n",
        ));
        for k in object.keys {
            let default = match (k.required, k.default) {
                (true, _) => t("必填", "required"),
                (false, Some(d)) => format!("`{d}`"),
                (false, None) => t("（无）", "(none)"),
            };
            out.push_str(&format!(
                "| `{}` | {} | {} | `{}` | {} |\n",
                k.key,
                k.ty.replace('|', "\\|"),
                default,
                k.example.replace('|', "\\|"),
                Text::new(k.zh, k.en).get(lang).replace('|', "\\|")
            ));
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kind::spec::BlockSpec;
    use crate::kind::spec::{
        BranchSpec, CellDetail, CheckSpec, FieldSpec, KindSpec, LineSpec, PageSpec, PartSpec,
        RowTable, SectionSpec, TreeSpec,
    };

    /// How a test reads one object: a minimal valid instance and the parser of it (the
    /// `Debug` of what it read, or the parser's error).
    struct Probe {
        minimal: &'static str,
        parse: Parser,
    }

    /// Reads an object's TOML: the `Debug` of what it read, or the parser's error.
    type Parser = fn(&str) -> Result<String, String>;

    fn parse<T: serde::de::DeserializeOwned + std::fmt::Debug>(
        text: &str,
    ) -> Result<String, String> {
        toml::from_str::<T>(text)
            .map(|v| format!("{v:?}"))
            .map_err(|e| e.to_string())
    }

    fn probe(name: &str) -> Probe {
        let (minimal, parse): (&'static str, Parser) = match name {
            "kind" => (
                "name = \"x\"\ntitle = \"t\"\nabout = \"a\"\nfiler = \"f\"\nfield = []\nsection = []\n",
                parse::<KindSpec>,
            ),
            "page" => ("", parse::<PageSpec>),
            "field" => (
                "key = \"k\"\nlabel = \"l\"\ntype = \"text\"\n",
                parse::<FieldSpec>,
            ),
            "tree" => ("levels = [\"a\"]\n", parse::<TreeSpec>),
            "branch" => ("name = \"n\"\n", parse::<BranchSpec>),
            "section" => ("columns = [1.0]\n", parse::<SectionSpec>),
            "block" => ("", parse::<BlockSpec>),
            "row" => ("", parse::<RowTable>),
            "cell" => ("", parse::<CellDetail>),
            "line" => ("at = \"foot\"\nparts = []\n", parse::<LineSpec>),
            "part" => ("", parse::<PartSpec>),
            "check: equal-sums" => (
                "type = \"equal-sums\"\ncode = \"c\"\nlevel = \"error\"\ngroups = []\n",
                parse::<CheckSpec>,
            ),
            "check: sum" => (
                "type = \"sum\"\ncode = \"c\"\nlevel = \"error\"\ntotal = \"t\"\nparts = []\n",
                parse::<CheckSpec>,
            ),
            "check: at-most" => (
                "type = \"at-most\"\ncode = \"c\"\nlevel = \"error\"\nsum = { name = \"a\", terms = [] }\nlimit = { name = \"b\", terms = [] }\n",
                parse::<CheckSpec>,
            ),
            "check: rate" => (
                "type = \"rate\"\ncode = \"c\"\nlevel = \"error\"\nrate = \"r\"\nnumerator = \"n\"\ndenominator = \"d\"\n",
                parse::<CheckSpec>,
            ),
            "check: at-most-each" => (
                "type = \"at-most-each\"\ncode = \"c\"\nlevel = \"error\"\nvalue = \"v\"\nmax = \"m\"\n",
                parse::<CheckSpec>,
            ),
            "check: sum-equals" => (
                "type = \"sum-equals\"\ncode = \"c\"\nlevel = \"error\"\nterms = []\nequals = \"100\"\n",
                parse::<CheckSpec>,
            ),
            other => panic!("no probe for {other}: add one"),
        };
        Probe { minimal, parse }
    }

    /// `minimal` with `key = value` set (replacing a line of the same key).
    fn with(minimal: &str, key: &str, value: &str) -> String {
        let mut lines: Vec<String> = minimal
            .lines()
            .filter(|l| !l.starts_with(&format!("{key} = ")))
            .map(str::to_owned)
            .collect();
        // Top-level keys before any table: insert first.
        lines.insert(0, format!("{key} = {value}"));
        lines.join("\n") + "\n"
    }

    /// The keys the parser accepts for an object, as its own error for an unknown key
    /// lists them (`unknown field `x`, expected one of `a`, `b``).
    fn accepted(probe: &Probe) -> Vec<String> {
        let text = with(probe.minimal, "zz_not_a_key", "0");
        let error = (probe.parse)(&text).expect_err("an unknown key must be refused");
        let expected = error
            .split("expected ")
            .nth(1)
            .unwrap_or_else(|| panic!("no list of keys in: {error}"));
        expected
            .split('`')
            .skip(1)
            .step_by(2)
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn every_key_the_parser_accepts_is_documented_and_no_other() {
        for object in OBJECTS {
            let probe = probe(object.name);
            let mut accepted = accepted(&probe);
            // A check's `type` is its tag, read before the keys of its variant.
            if object.name.starts_with("check") {
                accepted.retain(|k| k != "type");
            }
            accepted.sort();
            let mut documented: Vec<String> =
                object.keys.iter().map(|k| k.key.to_owned()).collect();
            documented.sort();
            assert_eq!(
                documented, accepted,
                "{}: documented keys differ from those the parser accepts",
                object.name
            );
            assert!(
                (probe.parse)(probe.minimal).is_ok(),
                "{}: the minimal object must parse: {:?}",
                object.name,
                (probe.parse)(probe.minimal)
            );
        }
    }

    #[test]
    fn every_documented_default_is_the_parsers_and_every_example_parses() {
        for object in OBJECTS {
            let probe = probe(object.name);
            let plain = (probe.parse)(probe.minimal).expect("minimal parses");
            for k in object.keys {
                if let Some(default) = k.default {
                    assert!(
                        !k.required,
                        "{}.{}: required with a default",
                        object.name, k.key
                    );
                    let explicit = (probe.parse)(&with(probe.minimal, k.key, default));
                    assert_eq!(
                        explicit.as_deref(),
                        Ok(plain.as_str()),
                        "{}.{}: the documented default {default} is not the parser's",
                        object.name,
                        k.key
                    );
                }
                let example = (probe.parse)(&with(probe.minimal, k.key, k.example));
                assert!(
                    example.is_ok(),
                    "{}.{}: the example {} does not parse: {:?}",
                    object.name,
                    k.key,
                    k.example,
                    example
                );
                if k.required {
                    let without: String = probe
                        .minimal
                        .lines()
                        .filter(|l| !l.starts_with(&format!("{} = ", k.key)))
                        .map(|l| format!("{l}\n"))
                        .collect();
                    assert!(
                        (probe.parse)(&without).is_err(),
                        "{}.{}: documented as required, but the parser takes an object without it",
                        object.name,
                        k.key
                    );
                }
            }
        }
    }

    #[test]
    fn the_committed_references_are_the_generated_ones() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs");
        for (file, lang) in [
            ("form-reference.md", Lang::En),
            ("表样说明参考.md", Lang::Zh),
        ] {
            let path = root.join(file);
            let committed = std::fs::read_to_string(&path).unwrap_or_default();
            let generated = markdown(lang);
            if std::env::var_os("JIXIAO_WRITE_REFERENCE").is_some() {
                std::fs::write(&path, &generated).expect("write the reference");
                continue;
            }
            assert!(
                committed == generated,
                "docs/{file} is not what `jixiao template --reference` prints: run `JIXIAO_WRITE_REFERENCE=1 cargo test -p jixiao-core reference` and review the change"
            );
        }
    }
}
