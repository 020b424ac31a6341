mod books;
mod common;
mod entry;
mod private;
mod safety;
mod soak;
