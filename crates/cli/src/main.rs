//! The `okx` command.

fn main() {
    println!("okx: no subcommands yet");
}
