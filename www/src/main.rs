//! The ECS Playground binary: installs the JavaScript test hooks and mounts the app on `<body>`.
//!
//! Everything else lives in the library (`lib.rs`) so tests and future tools can import `App`.

fn main() {
    ecs_playground::js_api::install();
    yew::Renderer::<ecs_playground::App>::new().render();
}
