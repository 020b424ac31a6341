//! Tour part: sign.

pub fn run() -> crate::TourResult {
    Ok(())
}
