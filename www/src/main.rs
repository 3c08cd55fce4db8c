//! The ECS Playground app.
fn main() {}
