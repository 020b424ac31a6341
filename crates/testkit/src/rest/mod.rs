//! The REST half of the look-alike. Work in progress.
