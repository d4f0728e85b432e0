//! Properties of amount parsing and formatting, over many generated values.

use jixiao::Amount;
use proptest::prelude::*;
use rust_decimal::{Decimal, RoundingStrategy};

/// `-1,234,567.89`: optional sign, digits grouped by three, exactly two decimals.
fn is_form_shaped(s: &str) -> bool {
    let s = s.strip_prefix('-').unwrap_or(s);
    let Some((int, frac)) = s.split_once('.') else {
        return false;
    };
    let groups: Vec<&str> = int.split(',').collect();
    frac.len() == 2
        && frac.chars().all(|c| c.is_ascii_digit())
        && (1..=3).contains(&groups[0].len())
        && groups[1..].iter().all(|g| g.len() == 3)
        && groups.iter().all(|g| g.chars().all(|c| c.is_ascii_digit()))
}

fn any_decimal() -> impl Strategy<Value = Decimal> {
    (any::<i64>(), 0u32..=12).prop_map(|(m, scale)| Decimal::new(m, scale))
}

proptest! {
    #[test]
    fn two_decimal_amounts_round_trip_through_the_form(cents in -1_000_000_000_000_000i64..1_000_000_000_000_000) {
        let value = Decimal::new(cents, 2);
        let printed = Amount::new(value).to_form_string();
        prop_assert!(is_form_shaped(&printed), "{printed}");
        prop_assert_eq!(Amount::parse(&printed).expect("its own output parses").value(), value);
    }

    #[test]
    fn any_plain_decimal_parses_exactly_or_is_too_large(value in any_decimal()) {
        let parsed = Amount::parse(&value.to_string());
        if value.abs() <= Amount::MAX {
            prop_assert_eq!(parsed.expect("parses").value(), value);
        } else {
            prop_assert_eq!(parsed, Err(jixiao::amount::AmountError::TooLarge));
        }
    }

    #[test]
    fn printing_rounds_half_away_from_zero(value in any_decimal()) {
        prop_assume!(value.abs() <= Amount::MAX);
        let printed = Amount::new(value).to_form_string();
        prop_assert!(is_form_shaped(&printed), "{printed}");
        let expected = value.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
        prop_assert_eq!(Amount::parse(&printed).expect("parses").value(), expected);
    }

    #[test]
    fn parsing_never_panics(text in "\\PC{0,24}") {
        let _ = Amount::parse(&text);
    }

    #[test]
    fn misplaced_separators_are_rejected(int in 1_000u64..1_000_000_000, cut in 1usize..3) {
        // Put a comma one or two digits from the correct place.
        let digits = int.to_string();
        let at = digits.len() - 3 + cut.min(2);
        if at < digits.len() && at > 0 {
            let wrong = format!("{},{}", &digits[..at], &digits[at..]);
            prop_assert!(Amount::parse(&wrong).is_err(), "{wrong} was accepted");
        }
    }
}
