//! The PAdES baseline levels (ETSI EN 319 142-1 §6): B-B, B-T, B-LT, B-LTA.

use std::fmt;

use jixiao_core::text;

/// The PAdES baseline level of a signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum Level {
    /// B-B: the signature alone.
    #[default]
    BB,
    /// B-T: with a signature timestamp.
    BT,
    /// B-LT: and the validation data in a DSS.
    BLT,
    /// B-LTA: and a document timestamp.
    BLTA,
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Level::BB => "B-B",
            Level::BT => "B-T",
            Level::BLT => "B-LT",
            Level::BLTA => "B-LTA",
        })
    }
}

impl std::str::FromStr for Level {
    type Err = jixiao_core::words::Text;
    fn from_str(s: &str) -> Result<Level, Self::Err> {
        match s.to_ascii_uppercase().replace('_', "-").as_str() {
            "B-B" | "BB" => Ok(Level::BB),
            "B-T" | "BT" => Ok(Level::BT),
            "B-LT" | "BLT" => Ok(Level::BLT),
            "B-LTA" | "BLTA" => Ok(Level::BLTA),
            _ => Err(text!(
                "级别应为 B-B、B-T、B-LT 或 B-LTA，不是 {s}",
                "the level is B-B, B-T, B-LT or B-LTA, not {s}"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_read_and_print() {
        assert_eq!("b-lta".parse::<Level>(), Ok(Level::BLTA));
        assert_eq!("B-T".parse::<Level>(), Ok(Level::BT));
        assert_eq!("BLT".parse::<Level>(), Ok(Level::BLT));
        assert!("B-X".parse::<Level>().is_err());
        assert_eq!(Level::BLTA.to_string(), "B-LTA");
        assert!(Level::BB < Level::BT && Level::BLT < Level::BLTA);
    }
}
