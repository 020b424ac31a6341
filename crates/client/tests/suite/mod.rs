mod common;
mod entry;
mod private;
mod soak;
