mod algo;
mod common;
mod dead_man;
mod doors;
mod extras;
mod market;
mod matching;
mod paging;
