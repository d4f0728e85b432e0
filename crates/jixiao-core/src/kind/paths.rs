//! Key paths: `budget.basic`, `tasks[0].rows[1].amount` (one value) and
//! `tasks[].rows[].amount` (the same key in every item of the lists).

/// Joins a path and a key: `""` + `budget` → `budget`, `budget` + `basic` →
/// `budget.basic`.
pub fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

/// The keys of a path, without list indices: `tasks[0].rows[].amount` → `tasks`,
/// `rows`, `amount`.
pub fn keys(path: &str) -> impl Iterator<Item = &str> {
    path.split('.')
        .filter(|s| !s.is_empty())
        .map(|segment| segment.split('[').next().unwrap_or(segment))
}

/// The path with every list index replaced by `[]`: `tasks[0].rows[1].amount` →
/// `tasks[].rows[].amount`.
pub fn generic(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_index = false;
    for c in path.chars() {
        match c {
            '[' => {
                in_index = true;
                out.push_str("[]");
            }
            ']' => in_index = false,
            _ if in_index => {}
            _ => out.push(c),
        }
    }
    out
}

/// Whether a spec path reaches into lists (`tasks[].rows[].amount`).
pub fn is_repeated(path: &str) -> bool {
    path.contains("[]")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_split_and_generalise() {
        assert_eq!(
            keys("tasks[0].rows[].amount").collect::<Vec<_>>(),
            ["tasks", "rows", "amount"]
        );
        assert_eq!(generic("tasks[10].rows[2].amount"), "tasks[].rows[].amount");
        assert_eq!(join("", "budget"), "budget");
        assert_eq!(join("budget", "basic"), "budget.basic");
        assert!(is_repeated("indicators[].score"));
        assert!(!is_repeated("funds.total.rate"));
    }
}
