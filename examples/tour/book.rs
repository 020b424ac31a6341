//! Tour part: book.

pub fn run() -> crate::TourResult {
    Ok(())
}
