mod books;
mod common;
mod entry;
mod logs;
mod private;
mod safety;
mod soak;
