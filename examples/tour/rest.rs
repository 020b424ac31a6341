//! Tour part: rest.

pub async fn run() -> crate::TourResult {
    Ok(())
}
