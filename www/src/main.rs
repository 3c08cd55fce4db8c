//! The ECS Playground binary: takes the built-in scenarios `boot.js` fetched, installs the JavaScript test
//! hooks and mounts the app on `<body>`.
//!
//! Everything else lives in the library (`lib.rs`) so tests and future tools can import `App`.

fn main() {
    match ecs_playground::boot::take_scenarios_text().and_then(|text| ecs_playground::driver::install_builtin_scenarios(&text)) {
        Ok(_) => {
            ecs_playground::js_api::install();
            yew::Renderer::<ecs_playground::App>::new().render();
        }
        Err(message) => ecs_playground::boot::show_start_failure(&message),
    }
}
