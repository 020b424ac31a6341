//! Tour part: ws.

pub async fn run() -> crate::TourResult {
    Ok(())
}
