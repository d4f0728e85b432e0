//! Indicator trees: the standard 一级/二级 labels of a kind (a preset or its own
//! list), and the arrangement of a declaration's indicators as filed.
//!
//! The rules ("indicators as filed"):
//! - labels print in the order of the declaration: a label's first appearance places
//!   it among its siblings, and every indicator sits under its labels in file order;
//! - labels are compared after normalising spaces, full-/half-width brackets and a
//!   point budget such as `（50分）`, so `产出指标(50分)` is `产出指标`;
//! - with a full skeleton, a standard label the declaration does not use prints as an
//!   empty row, placed after the nearest standard label before it in the standard order
//!   (or before the nearest one after it) — unless a label the filer wrote stands in
//!   for it (`服务对象` or `满意度指标` for `服务对象满意度指标`): no phantom row;
//! - with a `used` skeleton, only the labels the declaration uses print.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::spec::{BranchSpec, Skeleton, TreeSpec};
use crate::text::single_line;

/// A kind's indicator tree.
#[derive(Debug, Clone, PartialEq)]
pub struct Tree {
    /// Item keys of the grouping levels, outermost first.
    pub levels: Vec<String>,
    /// The standard labels.
    pub branches: Vec<BranchSpec>,
    /// Full skeleton or only the used branches.
    pub skeleton: Skeleton,
    /// Top-level labels whose absence is a warning.
    pub recommended: Vec<String>,
}

/// The standard trees (see FORM-FAMILY.md §3 and the README).
fn preset(name: &str) -> Option<Vec<BranchSpec>> {
    let b = |name: &str, children: &[&str]| BranchSpec {
        name: name.to_owned(),
        children: children.iter().map(|c| (*c).to_owned()).collect(),
        aliases: BTreeMap::new(),
    };
    let satisfaction_aliases = |mut branch: BranchSpec, child: &str| {
        branch.aliases.insert(
            child.to_owned(),
            [
                "服务对象",
                "满意度指标",
                "社会公众或服务对象满意度指标",
                "服务对象满意度指标",
            ]
            .iter()
            .filter(|a| **a != child)
            .map(|a| (*a).to_owned())
            .collect(),
        );
        branch
    };
    let with_alias = |mut branch: BranchSpec, child: &str, aliases: &[&str]| {
        branch.aliases.insert(
            child.to_owned(),
            aliases.iter().map(|a| (*a).to_owned()).collect(),
        );
        branch
    };
    match name {
        // Pre-2015 local tree, two 一级 (武汉 2020, 宁乡 2021).
        "A" => Some(vec![
            b(
                "产出指标",
                &["数量指标", "质量指标", "时效指标", "成本指标"],
            ),
            satisfaction_aliases(
                with_alias(
                    b(
                        "效益指标",
                        &[
                            "经济效益指标",
                            "社会效益指标",
                            "环境效益指标",
                            "可持续影响指标",
                            "社会公众或服务对象满意度指标",
                        ],
                    ),
                    "环境效益指标",
                    &["生态效益指标"],
                ),
                "社会公众或服务对象满意度指标",
            ),
        ]),
        // 2015/2020 national tree, three 一级 (湛江, 池州).
        "B" => Some(vec![
            b(
                "产出指标",
                &["数量指标", "质量指标", "时效指标", "成本指标"],
            ),
            with_alias(
                b(
                    "效益指标",
                    &[
                        "经济效益指标",
                        "社会效益指标",
                        "生态效益指标",
                        "可持续影响指标",
                    ],
                ),
                "生态效益指标",
                &["环境效益指标"],
            ),
            satisfaction_aliases(
                b("满意度指标", &["服务对象满意度指标"]),
                "服务对象满意度指标",
            ),
        ]),
        // 财预〔2021〕101号 vocabulary, four 一级, 成本指标 last as Guangzhou prints it.
        "C" => Some(vec![
            b("产出指标", &["数量指标", "质量指标", "时效指标"]),
            with_alias(
                b(
                    "效益指标",
                    &["经济效益指标", "社会效益指标", "生态效益指标"],
                ),
                "生态效益指标",
                &["环境效益指标"],
            ),
            satisfaction_aliases(
                b("满意度指标", &["服务对象满意度指标"]),
                "服务对象满意度指标",
            ),
            b(
                "成本指标",
                &["经济成本指标", "社会成本指标", "生态环境成本指标"],
            ),
        ]),
        _ => None,
    }
}

/// The names of the preset trees.
pub const PRESETS: [&str; 3] = ["A", "B", "C"];

impl Tree {
    /// Builds a tree from its description; what is wrong with it, in both languages.
    pub fn from_spec(spec: &TreeSpec) -> Result<Tree, crate::words::Text> {
        use crate::text;
        if spec.levels.is_empty() || spec.levels.len() > 2 {
            return Err(text!(
                "levels 写一个或两个内层键（一级、二级）",
                "levels must name one or two item keys"
            ));
        }
        let branches = match (&spec.preset, spec.branches.is_empty()) {
            (Some(name), true) => preset(name).ok_or_else(|| {
                let known = PRESETS.join(", ");
                text!(
                    "没有名为 `{name}` 的预设指标体系（可用：{known}）",
                    "unknown preset `{name}` (known: {known})"
                )
            })?,
            (None, _) => spec.branches.clone(),
            (Some(_), false) => {
                return Err(text!(
                    "preset 和 [[field.tree.branch]] 二者取一",
                    "give either preset or branch, not both"
                ))
            }
        };
        if spec.levels.len() == 1 && branches.iter().any(|b| !b.children.is_empty()) {
            return Err(text!(
                "只有一级的指标体系没有 children",
                "a one-level tree has no children labels"
            ));
        }
        Ok(Tree {
            levels: spec.levels.clone(),
            branches,
            skeleton: spec.skeleton,
            recommended: spec.recommended.clone(),
        })
    }

    /// The standard branch for a top-level label, compared normalised.
    pub fn branch(&self, label: &str) -> Option<&BranchSpec> {
        let n = normalise(label);
        self.branches.iter().find(|b| normalise(&b.name) == n)
    }

    /// Where a label stands in the standard tree.
    pub fn classify(&self, level1: &str, level2: Option<&str>) -> Placement {
        let Some(branch) = self.branch(level1) else {
            return Placement::UnknownTop {
                nearest: nearest(level1, self.branches.iter().map(|b| b.name.as_str())),
            };
        };
        let Some(level2) = level2 else {
            return Placement::Standard;
        };
        let n = normalise(level2);
        if branch.children.iter().any(|c| normalise(c) == n) {
            return Placement::Standard;
        }
        let home = self
            .branches
            .iter()
            .find(|b| b.children.iter().any(|c| normalise(c) == n))
            .map(|b| b.name.clone());
        if let Some(home) = home {
            return Placement::Misplaced { home };
        }
        let stands_for = branch
            .children
            .iter()
            .find(|c| stands_in(level2, c, branch))
            .cloned();
        Placement::UnknownChild {
            stands_for: stands_for.clone(),
            nearest: stands_for
                .or_else(|| nearest(level2, branch.children.iter().map(String::as_str))),
        }
    }

    /// Arranges items (their level labels, in file order) into the printed tree.
    pub fn arrange(&self, items: &[Vec<String>]) -> Vec<Node> {
        let all: Vec<usize> = (0..items.len()).collect();
        let standard: Vec<&str> = self.branches.iter().map(|b| b.name.as_str()).collect();
        self.arrange_level(items, &all, 0, &standard, None)
    }

    fn arrange_level(
        &self,
        items: &[Vec<String>],
        subset: &[usize],
        depth: usize,
        standard: &[&str],
        branch: Option<&BranchSpec>,
    ) -> Vec<Node> {
        // Group by normalised label, in order of first appearance.
        let mut nodes: Vec<Node> = Vec::new();
        for &i in subset {
            let label = items[i].get(depth).cloned().unwrap_or_default();
            let key = normalise(&label);
            match nodes.iter_mut().find(|n| normalise(&n.label) == key) {
                Some(node) => node.items.push(i),
                None => nodes.push(Node {
                    label: single_line(&label),
                    standard: standard.iter().any(|s| normalise(s) == key),
                    items: vec![i],
                    children: Vec::new(),
                }),
            }
        }
        if self.skeleton == Skeleton::Full {
            let mut stood_in: Vec<bool> = vec![false; nodes.len()];
            for (si, s) in standard.iter().enumerate() {
                let key = normalise(s);
                if nodes.iter().any(|n| normalise(&n.label) == key) {
                    continue;
                }
                // A label the filer wrote instead of this standard one?
                let substitute = nodes.iter().enumerate().position(|(ni, n)| {
                    !n.standard && !stood_in[ni] && stands_in_any(&n.label, s, branch)
                });
                if let Some(ni) = substitute {
                    stood_in[ni] = true;
                    continue;
                }
                let position = insert_position(&nodes, standard, si);
                nodes.insert(
                    position,
                    Node {
                        label: (*s).to_owned(),
                        standard: true,
                        items: Vec::new(),
                        children: Vec::new(),
                    },
                );
                stood_in.insert(position, false);
            }
        }
        if depth + 1 < self.levels.len() {
            for node in &mut nodes {
                let child_branch = if depth == 0 {
                    self.branch(&node.label)
                } else {
                    None
                };
                let child_standard: Vec<&str> = child_branch
                    .map(|b| b.children.iter().map(String::as_str).collect())
                    .unwrap_or_default();
                let subset = std::mem::take(&mut node.items);
                node.children =
                    self.arrange_level(items, &subset, depth + 1, &child_standard, child_branch);
            }
        }
        nodes
    }
}

/// Where a new standard label goes among `nodes`: after the last-placed node that is a
/// standard label before it, else before the first-placed one after it, else at the end.
fn insert_position(nodes: &[Node], standard: &[&str], index: usize) -> usize {
    let rank = |n: &Node| {
        let key = normalise(&n.label);
        standard.iter().position(|s| normalise(s) == key)
    };
    let after = nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| rank(n).is_some_and(|r| r < index))
        .map(|(i, _)| i)
        .max();
    if let Some(i) = after {
        return i + 1;
    }
    nodes
        .iter()
        .position(|n| rank(n).is_some_and(|r| r > index))
        .unwrap_or(nodes.len())
}

fn stands_in_any(label: &str, standard: &str, branch: Option<&BranchSpec>) -> bool {
    match branch {
        Some(b) => stands_in(label, standard, b),
        // Top level: no aliases; compare the words.
        None => contains_either(&core(label), &core(standard)),
    }
}

/// Whether a label the filer wrote stands in for the standard `child` of `branch`.
fn stands_in(label: &str, child: &str, branch: &BranchSpec) -> bool {
    let n = normalise(label);
    if branch
        .aliases
        .get(child)
        .is_some_and(|aliases| aliases.iter().any(|a| normalise(a) == n))
    {
        return true;
    }
    contains_either(&core(label), &core(child))
}

fn contains_either(a: &str, b: &str) -> bool {
    !a.is_empty() && !b.is_empty() && (a.contains(b) || b.contains(a))
}

/// A label without its trailing `指标`: `服务对象满意度指标` → `服务对象满意度`.
fn core(label: &str) -> String {
    let n = normalise(label);
    n.strip_suffix("指标").map(str::to_owned).unwrap_or(n)
}

/// A placed group of the printed tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    /// The label as the filer first wrote it (or the standard label of an empty row).
    pub label: String,
    /// Whether it is a standard label at its place.
    pub standard: bool,
    /// The items under it (leaf level), in file order.
    pub items: Vec<usize>,
    /// The groups under it (upper levels).
    pub children: Vec<Node>,
}

/// Where a label stands relative to the standard tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Placement {
    /// A standard label in its standard place.
    Standard,
    /// A top-level label the tree does not have.
    UnknownTop {
        /// The closest standard label, if one is close.
        nearest: Option<String>,
    },
    /// A standard child label under another top-level label.
    Misplaced {
        /// Where the standard tree has it.
        home: String,
    },
    /// A child label the tree does not have.
    UnknownChild {
        /// The standard label it stands in for, if any.
        stands_for: Option<String>,
        /// The closest standard label, if one is close.
        nearest: Option<String>,
    },
}

/// A label for comparison: spaces removed, brackets half-width, a point budget such as
/// `（50分）` dropped.
pub fn normalise(label: &str) -> String {
    let folded = fold(label);
    match points_suffix(&folded) {
        Some((head, _)) => head.to_owned(),
        None => folded,
    }
}

/// The point budget written after a label, `产出指标（50分）` → 50.
pub fn points(label: &str) -> Option<Decimal> {
    points_suffix(&fold(label)).map(|(_, p)| p)
}

/// A label on one line, without spaces, with half-width brackets.
fn fold(label: &str) -> String {
    single_line(label)
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            _ => c,
        })
        .collect()
}

fn points_suffix(s: &str) -> Option<(&str, Decimal)> {
    let inner = s.strip_suffix("分)")?;
    let open = inner.rfind('(')?;
    let number = &inner[open + 1..];
    let value = number.parse::<Decimal>().ok()?;
    Some((&s[..open], value))
}

fn nearest<'a>(word: &str, options: impl Iterator<Item = &'a str>) -> Option<String> {
    let w = normalise(word);
    options
        .map(|o| (strsim::normalized_levenshtein(&w, &normalise(o)), o))
        .filter(|(score, _)| *score >= 0.5)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, o)| o.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(preset: &str, skeleton: Skeleton) -> Tree {
        Tree::from_spec(&TreeSpec {
            levels: vec!["level1".into(), "level2".into()],
            preset: Some(preset.into()),
            branches: Vec::new(),
            skeleton,
            recommended: Vec::new(),
        })
        .expect("preset")
    }

    fn shape(nodes: &[Node], items: &[Vec<String>]) -> Vec<String> {
        let mut out = Vec::new();
        for l1 in nodes {
            for l2 in &l1.children {
                let names: Vec<&str> = l2.items.iter().map(|&i| items[i][2].as_str()).collect();
                out.push(format!("{}/{}:{}", l1.label, l2.label, names.join(",")));
            }
        }
        out
    }

    fn item(l1: &str, l2: &str, name: &str) -> Vec<String> {
        vec![l1.into(), l2.into(), name.into()]
    }

    #[test]
    fn the_full_skeleton_fills_in_unused_labels_around_the_filed_order() {
        let t = tree("C", Skeleton::Full);
        let items = vec![
            item("产出指标", "数量指标", "甲"),
            item("产出指标", "自定二级", "乙"),
            item("产出指标", "质量指标", "丙"),
            item("效益指标", "社会效益指标", "丁"),
        ];
        assert_eq!(
            shape(&t.arrange(&items), &items),
            [
                "产出指标/数量指标:甲",
                "产出指标/自定二级:乙",
                "产出指标/质量指标:丙",
                "产出指标/时效指标:",
                "效益指标/经济效益指标:",
                "效益指标/社会效益指标:丁",
                "效益指标/生态效益指标:",
                "满意度指标/服务对象满意度指标:",
                "成本指标/经济成本指标:",
                "成本指标/社会成本指标:",
                "成本指标/生态环境成本指标:",
            ]
        );
    }

    #[test]
    fn a_label_that_stands_in_for_a_standard_one_leaves_no_phantom_row() {
        let t = tree("B", Skeleton::Full);
        let items = vec![
            item("满意度指标", "服务对象", "群众满意度"),
            item("产出指标(50分)", "数量指标", "甲"),
        ];
        let arranged = shape(&t.arrange(&items), &items);
        assert!(arranged.contains(&"满意度指标/服务对象:群众满意度".to_owned()));
        assert!(
            !arranged.iter().any(|s| s.contains("服务对象满意度指标")),
            "{arranged:?}"
        );
        assert!(
            arranged.contains(&"产出指标(50分)/数量指标:甲".to_owned()),
            "{arranged:?}"
        );
    }

    #[test]
    fn a_used_skeleton_prints_only_what_is_filed() {
        let t = tree("B", Skeleton::Used);
        let items = vec![
            item("效益指标", "社会效益指标", "乙"),
            item("产出指标", "数量指标", "甲"),
        ];
        assert_eq!(
            shape(&t.arrange(&items), &items),
            ["效益指标/社会效益指标:乙", "产出指标/数量指标:甲"]
        );
    }

    #[test]
    fn labels_are_placed_against_the_standard_tree() {
        let t = tree("B", Skeleton::Full);
        assert_eq!(
            t.classify("产出指标", Some("数量指标")),
            Placement::Standard
        );
        assert_eq!(
            t.classify("效益指标", Some("质量指标")),
            Placement::Misplaced {
                home: "产出指标".into()
            }
        );
        assert_eq!(
            t.classify("满意度指标", Some("服务对象")),
            Placement::UnknownChild {
                stands_for: Some("服务对象满意度指标".into()),
                nearest: Some("服务对象满意度指标".into())
            }
        );
        assert!(matches!(
            t.classify("产出", None),
            Placement::UnknownTop { .. }
        ));
        assert_eq!(points("产出指标（50分）"), Some(Decimal::from(50)));
        assert_eq!(normalise(" 产出指标 (50分)"), "产出指标");
    }
}
