//! The fuzz targets. Each takes one input and returns `Err` with what went
//! wrong when a property fails; a panic is caught by the runner and counts
//! the same. A target may take any bytes at all: saved reproducers are
//! replayed through it as regression tests.

mod book;
mod envelope;
mod fast;
mod sign;
mod ws;

/// One target.
#[derive(Debug, Clone, Copy)]
pub struct Target {
    /// The name on the command line and of its reproducer folder.
    pub name: &'static str,
    /// What it checks.
    pub about: &'static str,
    /// The seed inputs mutations start from.
    pub seeds: fn() -> Vec<Vec<u8>>,
    /// Runs one input.
    pub check: fn(&[u8]) -> Result<(), String>,
}

/// Every target.
pub const TARGETS: &[Target] = &[
    Target {
        name: "book",
        about: "book scanner and engine against serde_json and a BTreeMap model",
        seeds: book::seeds,
        check: book::check,
    },
    Target {
        name: "ws",
        about: "okx-ws inbound decode: fast path against the serde path, JSON validity",
        seeds: ws::seeds,
        check: ws::check,
    },
    Target {
        name: "envelope",
        about: "the REST envelope and every typed response decoder",
        seeds: envelope::seeds,
        check: envelope::check,
    },
    Target {
        name: "fast",
        about: "okx-models' fast row reader against serde_json",
        seeds: fast::seeds,
        check: fast::check,
    },
    Target {
        name: "sign",
        about: "okx sign input lines against the plain hmac crate",
        seeds: sign::seeds,
        check: sign::check,
    },
];

/// A target by name.
pub fn by_name(name: &str) -> Option<&'static Target> {
    TARGETS.iter().find(|t| t.name == name)
}

/// `Err(why)` unless `cond`.
pub(crate) fn ensure(cond: bool, why: impl FnOnce() -> String) -> Result<(), String> {
    if cond { Ok(()) } else { Err(why()) }
}
