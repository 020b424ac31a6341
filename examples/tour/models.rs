//! Tour part: models.

pub fn run() -> crate::TourResult {
    Ok(())
}
