//! Deterministic declaration corpora for the benchmark (shared by `examples/corpus.rs`
//! and `benches/render.rs`). Nothing here is random between runs: every document comes
//! from a seeded SplitMix64, so the same command gives the same files everywhere.
#![allow(dead_code)]

use std::path::Path;

use jixiao::declaration::{Paragraphs, Record, Value};
use jixiao::{Amount, Declaration};
use rust_decimal::Decimal;

/// SplitMix64: tiny, seedable, the same sequence on every platform and version.
pub(crate) struct Rng(u64);

impl Rng {
    /// A generator for `seed`.
    pub(crate) fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `lo..=hi`.
    pub(crate) fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + (self.next() % (hi - lo + 1) as u64) as usize
    }

    /// Shuffles `items` (Fisher–Yates).
    pub(crate) fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.range(0, i);
            items.swap(i, j);
        }
    }
}

/// The reference sample's text.
pub(crate) fn reference_text(root: &Path) -> String {
    std::fs::read_to_string(root.join("samples/guangzhou-kexie.toml"))
        .unwrap_or_else(|e| panic!("cannot read the reference sample: {e}"))
}

/// The reference sample, parsed.
pub(crate) fn reference(root: &Path) -> Declaration {
    Declaration::from_toml(&reference_text(root))
        .unwrap_or_else(|e| panic!("the reference sample does not parse: {e}"))
}

/// Shuffles the Chinese characters of every paragraph of `p` among their own
/// positions: digits, Latin letters and punctuation stay where they are, so the text
/// keeps its length, its characters (the same fonts and glyphs) and its mix of
/// scripts, and only the line breaks differ.
fn shuffle_paragraphs(p: &mut Paragraphs, rng: &mut Rng) {
    for para in &mut p.0 {
        let mut chars: Vec<char> = para.chars().collect();
        let slots: Vec<usize> = (0..chars.len())
            .filter(|&i| ('\u{4E00}'..='\u{9FFF}').contains(&chars[i]))
            .collect();
        let mut han: Vec<char> = slots.iter().map(|&i| chars[i]).collect();
        rng.shuffle(&mut han);
        for (&slot, c) in slots.iter().zip(han) {
            chars[slot] = c;
        }
        *para = chars.into_iter().collect();
    }
}

fn is_punct(c: char) -> bool {
    "，。、；：“”（）《》！？".contains(c)
}

/// Variant `i` of the reference sample: the same shape (tasks, indicators, amounts),
/// every long text (goal, task contents and targets) with its characters shuffled, and
/// a department name of its own, so no two documents share layout work.
pub(crate) fn variant(reference: &Declaration, i: u64) -> Declaration {
    let mut rng = Rng::new(0x6A69_7869_616F ^ i.wrapping_mul(0x1000_0000_01B3));
    let mut d = reference.clone();
    let name = format!("{}（样本{i:03}）", reference.filer());
    d.set("department", Value::Text(name));
    shuffle_all(d.values_mut(), &mut rng);
    d
}

/// Shuffles every paragraph value of `record`, depth first in key order.
fn shuffle_all(record: &mut Record, rng: &mut Rng) {
    for value in record.values_mut() {
        match value {
            Value::Paragraphs(p) => shuffle_paragraphs(p, rng),
            Value::Table(inner) => shuffle_all(inner, rng),
            Value::List(items) => items.iter_mut().for_each(|item| shuffle_all(item, rng)),
            _ => {}
        }
    }
}

/// Phrases to build text from: the reference's texts cut at punctuation.
fn phrases(reference: &Declaration) -> Vec<String> {
    let mut all = String::new();
    for field in reference.text_fields() {
        if field.path.starts_with("goal") || field.path.starts_with("tasks") {
            all.push_str(field.text);
        }
    }
    all.split(|c: char| is_punct(c) || c.is_whitespace())
        .filter(|s| s.chars().count() >= 2)
        .map(str::to_owned)
        .collect()
}

/// About `len` characters of text made of reference phrases.
fn text(phrases: &[String], rng: &mut Rng, len: usize) -> String {
    let mut s = String::new();
    let mut n = 0;
    while n < len {
        let p = &phrases[rng.range(0, phrases.len() - 1)];
        s.push_str(p);
        n += p.chars().count();
        s.push(if rng.range(0, 3) == 0 { '。' } else { '，' });
        n += 1;
    }
    s.pop();
    s.push('。');
    s
}

fn amount(cents: u64) -> Value {
    Value::Amount(Amount::from(Decimal::new(cents as i64, 2)))
}

fn text_value(s: impl Into<String>) -> Value {
    Value::Text(s.into())
}

fn paras(list: Vec<String>) -> Value {
    Value::Paragraphs(Paragraphs(list))
}

fn record(pairs: Vec<(&str, Value)>) -> Record {
    pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

/// The standard indicator tree of the default template.
const TREE: [(&str, &[&str]); 4] = [
    ("产出指标", &["数量指标", "质量指标", "时效指标"]),
    (
        "效益指标",
        &["经济效益指标", "社会效益指标", "生态效益指标"],
    ),
    ("满意度指标", &["服务对象满意度指标"]),
    (
        "成本指标",
        &["经济成本指标", "社会成本指标", "生态环境成本指标"],
    ),
];

/// Declaration `i` of the mixed corpus: 3 to 60 task rows, 5 to 150 indicators, short
/// or long texts, balanced budget.
pub(crate) fn mixed(phrases_from: &Declaration, i: u64) -> Declaration {
    let phrases = phrases(phrases_from);
    let mut rng = Rng::new(0x006D_6978_6564 ^ i.wrapping_mul(0x9E37_79B9));
    let long = rng.range(0, 2) == 0;
    let text_len = |rng: &mut Rng| {
        if long && rng.range(0, 1) == 0 {
            rng.range(80, 320)
        } else {
            rng.range(8, 40)
        }
    };
    let rows = rng.range(3, 60);
    let mut tasks = Vec::new();
    let mut row_total = 0u64;
    let mut left = rows;
    while left > 0 {
        let size = rng.range(1, 6).min(left);
        left -= size;
        let name = format!(
            "{}{}",
            text(&phrases, &mut rng, 6).trim_end_matches('。'),
            tasks.len() + 1
        );
        let mut group_rows = Vec::new();
        for _ in 0..size {
            let cents = rng.range(100, 99_999) as u64;
            row_total += cents;
            let content_len = text_len(&mut rng);
            let target_len = text_len(&mut rng);
            group_rows.push(record(vec![
                (
                    "content",
                    paras(vec![text(&phrases, &mut rng, content_len)]),
                ),
                ("amount", amount(cents)),
                ("target", paras(vec![text(&phrases, &mut rng, target_len)])),
            ]));
        }
        tasks.push(record(vec![
            ("name", text_value(name)),
            ("rows", Value::List(group_rows)),
        ]));
    }
    let count = rng.range(5, 150);
    let mut indicators = Vec::new();
    for k in 0..count {
        // The first indicator is a 满意度指标, so no declaration warns about it missing.
        let (level1, level2s) = if k == 0 {
            TREE[2]
        } else {
            TREE[rng.range(0, 3)]
        };
        let level2 = level2s[rng.range(0, level2s.len() - 1)];
        let name_len = if long {
            rng.range(6, 30)
        } else {
            rng.range(4, 12)
        };
        let value = match rng.range(0, 3) {
            0 => format!("≥{}场", rng.range(1, 500)),
            1 => format!("{}%", rng.range(60, 100)),
            2 => format!("不少于{}万人次", rng.range(1, 90)),
            _ => "按时完成".to_owned(),
        };
        let name = format!(
            "{}{k}",
            text(&phrases, &mut rng, name_len).trim_end_matches('。')
        );
        indicators.push(record(vec![
            ("level1", text_value(level1)),
            ("level2", text_value(level2)),
            ("name", text_value(name)),
            ("period_value", text_value(value.clone())),
            ("annual_value", text_value(value)),
        ]));
    }
    let basic = rng.range(100_000, 9_999_999) as u64;
    let project = row_total + rng.range(0, 999_999) as u64;
    let other_development = rng.range(0, 999_999) as u64;
    let total = basic + project + other_development;
    let other_funds = rng.range(0, 99_999) as u64;
    let goal_len = if long {
        rng.range(150, 400)
    } else {
        rng.range(30, 120)
    };
    let mut values = record(vec![
        ("department", text_value(format!("第{i:04}号示例部门"))),
        ("year", Value::Year(2024 + (i % 4) as i32)),
        (
            "budget",
            Value::Table(record(vec![
                ("basic", amount(basic)),
                ("project", amount(project)),
                ("special_fund", amount(0)),
                ("other_development", amount(other_development)),
                ("appropriation", amount(total - other_funds)),
                ("other_funds", amount(other_funds)),
                ("city_level", amount(total - other_development)),
                ("transfer", amount(other_development)),
            ])),
        ),
        ("goal", paras(vec![text(&phrases, &mut rng, goal_len)])),
        ("tasks", Value::List(tasks)),
        ("indicators", Value::List(indicators)),
    ]);
    if long {
        values.insert(
            "other_tasks".to_owned(),
            paras(vec![text(&phrases, &mut rng, 60)]),
        );
    }
    Declaration::from_values(phrases_from.kind_arc().clone(), values)
}

/// The declaration as TOML.
pub(crate) fn to_toml(d: &Declaration) -> String {
    d.to_toml()
}
