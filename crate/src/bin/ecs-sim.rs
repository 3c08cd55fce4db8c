//! The `ecs-sim` command line.
fn main() {}
