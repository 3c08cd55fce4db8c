//! Storage in the playground: the map's EFS strip (each file system with its mount targets under
//! their Availability Zone columns), and the builder's Storage tab (create a file system, mount
//! targets, access points, browse files, write or read a file from a task, why S3 is not a volume).

use ecs_sim::view::{TaskStatus, View};
use yew::prelude::*;

use crate::components::form::{button, check_box, field, hint, outcome, row, select, select_current, select_on_click, subhead, use_flag, use_outcome, use_text};
use crate::driver::{use_commands, use_selection, use_view_if, use_view_select, Commands, Selection};
use crate::forms::storage::{self as model, file_call_options, file_system_options, first_volume, FileCall};
use crate::forms::{current, pairs};
use crate::render_count::use_render_count;
use crate::text::{format_elapsed, short_id};

/// The map's storage strip: one row per file system, mount targets in their AZ's column (a run without a
/// file system does not re-render it).
#[function_component(StorageStrip)]
pub fn storage_strip() -> Html {
    use_render_count("StorageStrip");
    let commands = use_commands();
    let selection = use_selection();
    let Some(view) = use_view_if(|v| !v.file_systems.is_empty()) else { return html! {} };
    let columns = format!("grid-template-columns: repeat({}, minmax(0, 1fr))", view.availability_zones.len().max(1));
    html! {
        <section class="storage-strip" aria-label="Storage: EFS file systems">
            { for view.file_systems.iter().map(|fs| html! {
                <div key={fs.file_system_id.clone()} class="efs-row" data-fs-id={fs.file_system_id.clone()}>
                    <div class="efs-head">
                        <span class="efs-badge">{ "EFS" }</span>
                        <strong>{ fs.name.clone().unwrap_or_else(|| fs.file_system_id.clone()) }</strong>
                        <span class="muted">{ format!(" {} · {} · {} files", fs.file_system_id, fs.life_cycle_state.as_aws(), fs.files.len()) }</span>
                    </div>
                    <div class="efs-azs" style={columns.clone()}>
                        { for view.availability_zones.iter().map(|az| {
                            let targets: Vec<_> = fs.mount_targets.iter().filter(|m| &m.availability_zone == az).collect();
                            html! {
                                <div key={az.clone()} class="efs-az" data-az={az.clone()}>
                                    { for targets.iter().map(|m| html! {
                                        <div key={m.mount_target_id.clone()} class="mount-target" data-az={az.clone()} title={format!("Mount target {} in {} ({}), security groups {}", m.mount_target_id, m.subnet_id, az, m.security_groups.join(", "))}>
                                            { format!("mount target {} ({})", m.mount_target_id, m.security_groups.join(", ")) }
                                        </div>
                                    }) }
                                    if !targets.is_empty() { { mount_users(&view, &fs.file_system_id, az, &selection, &commands) } }
                                    if targets.is_empty() { <div class="no-mount-target">{ "no mount target: tasks here cannot mount it" }</div> }
                                </div>
                            }
                        }) }
                    </div>
                </div>
            }) }
        </section>
    }
}

/// Under a mount target: the tasks (not stopped) that mount file system `fs_id` through `az`'s
/// mount target, by the short id their chip shows, each selecting its task. The chips carry the
/// same left border and an "EFS ↓" tag, so the link reads without colour too.
fn mount_users(view: &View, fs_id: &str, az: &str, selection: &Selection, commands: &Commands) -> Html {
    let users: Vec<_> = view
        .tasks
        .iter()
        .filter(|t| t.last_status != TaskStatus::Stopped)
        .filter(|t| t.efs_mounts.iter().any(|m| m.file_system_id == fs_id && m.availability_zone == az))
        .collect();
    if users.is_empty() {
        return html! { <p class="mount-users-none">{ "no task mounts it here yet" }</p> };
    }
    html! {
        <div class="mount-users">
            <span class="mount-users-label">{ "↑ mounted by" }</span>
            <ul aria-label={format!("Tasks in {az} mounting {fs_id} through this mount target")}>
                { for users.iter().map(|t| {
                    let selected = *selection == Selection::Task(t.id.clone());
                    let onclick = select_on_click(commands, Selection::Task(t.id.clone()));
                    let volumes: Vec<String> = t.efs_mounts.iter().filter(|m| m.file_system_id == fs_id && m.availability_zone == az).map(|m| format!("{} at {}", m.volume, m.root_directory)).collect();
                    html! {
                        <li key={t.id.clone()} class="mount-user" data-task-id={t.id.clone()}>
                            <button type="button" class={classes!("mount-user-btn", selected.then_some("selected"))} onclick={onclick}
                                title={format!("Task {} ({}) mounts {} through this mount target: volume {}", short_id(&t.id), t.last_status.as_aws(), fs_id, volumes.join(", "))}>
                                <span class="mount-user-id">{ short_id(&t.id) }</span>
                                <span class="muted">{ format!(" {}", t.service.clone().unwrap_or_else(|| t.family.clone())) }</span>
                            </button>
                        </li>
                    }
                }) }
            </ul>
        </div>
    }
}

fn size_text(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 20 => format!("{:.1} MiB", b as f64 / (1 << 20) as f64),
        b if b >= 1 << 10 => format!("{:.1} KiB", b as f64 / 1024.0),
        b => format!("{b} B"),
    }
}

/// The Storage tab: re-rendered when file systems or subnets change, not by the run's clock.
#[function_component(StorageForm)]
pub fn storage_form() -> Html {
    use_render_count("StorageForm");
    let commands = use_commands();
    let options = use_view_select(model::options);
    let fs_name = use_text("shared-data");
    let performance = use_text("generalPurpose");
    let throughput = use_text("elastic");
    let encrypted = use_flag(true);
    let fs = use_text("");
    let subnet = use_text("");
    let sg = use_text("");
    let ap_path = use_text("/data");
    let result = use_outcome();

    let file_systems = file_system_options(&options.file_systems);
    let (subnets, groups) = (&options.subnets, &options.security_groups);
    // A select shows its first option until the learner picks another: use that as the value.
    let (fs_value, subnet_value, sg_value) = (current(&fs, &file_systems), current(&subnet, subnets), current(&sg, groups));

    let create_fs = {
        let (commands, name, performance, throughput, encrypted, result) = (commands.clone(), fs_name.clone(), performance.clone(), throughput.clone(), encrypted.clone(), result.clone());
        Callback::from(move |_| {
            let input = model::create_file_system_input(&name, commands.view().file_systems.len(), &performance, &throughput, *encrypted);
            result.set(Some(commands.dispatch("efs:CreateFileSystem", input).map(|out| format!("Created {} ({}).", out["FileSystemId"].as_str().unwrap_or("?"), out["LifeCycleState"].as_str().unwrap_or("creating")))));
        })
    };
    let create_mt = {
        let (commands, result, fs, subnet, sg) = (commands.clone(), result.clone(), fs_value.clone(), subnet_value.clone(), sg_value.clone());
        Callback::from(move |_| {
            let input = model::create_mount_target_input(&fs, &subnet, &sg);
            result.set(Some(commands.dispatch("efs:CreateMountTarget", input).map(|out| format!("Mount target {} in {}.", out["MountTargetId"].as_str().unwrap_or("?"), out["AvailabilityZoneName"].as_str().unwrap_or(&subnet)))));
        })
    };
    let create_ap = {
        let (commands, result, fs, path) = (commands.clone(), result.clone(), fs_value.clone(), ap_path.clone());
        Callback::from(move |_| {
            let input = model::create_access_point_input(&fs, &path);
            result.set(Some(commands.dispatch("efs:CreateAccessPoint", input).map(|out| format!("Access point {} at {}.", out["AccessPointId"].as_str().unwrap_or("?"), path.trim()))));
        })
    };
    html! {
        <div class="form storage-form">
            <details class="hint s3-note"><summary>{ "Why can't a task mount an S3 bucket?" }</summary><p>{ ecs_sim::efs::s3_mount_explanation() }</p></details>
            { subhead("Files on each file system") }
            if options.file_systems.is_empty() { { hint("No EFS file system yet.") } }
            { for options.file_systems.iter().map(|f| html! {
                <div key={f.file_system_id.clone()} class="file-browser" data-fs-id={f.file_system_id.clone()}>
                    <div class="file-browser-head">
                        <strong>{ f.name.clone().unwrap_or_else(|| f.file_system_id.clone()) }</strong>
                        <span class="muted">{ format!(" {} · {} · {}{} · {}", f.file_system_id, f.performance_mode, f.throughput_mode, if f.encrypted { " · encrypted" } else { "" }, size_text(f.size_bytes)) }</span>
                    </div>
                    if !f.access_points.is_empty() {
                        <div class="muted">{ format!("Access points: {}", f.access_points.iter().map(|ap| format!("{} → {}", ap.access_point_id, ap.root_directory)).collect::<Vec<_>>().join(", ")) }</div>
                    }
                    if f.files.is_empty() {
                        { hint("Empty: no task has written a file yet.") }
                    } else {
                        <ul class="file-list">
                            { for f.files.iter().map(|file| html! {
                                <li key={file.path.clone()} class="file-row">
                                    <code class="file-path">{ &file.path }</code>
                                    <span class="muted" title={format!("Written by task {}", file.written_by_task)}>
                                        { format!("{} · written by task {} at {}", size_text(file.bytes), short_id(&file.written_by_task), format_elapsed(file.written_at.as_millis())) }
                                    </span>
                                </li>
                            }) }
                        </ul>
                    }
                </div>
            }) }
            <FileCallForm />
            { subhead("Create a file system") }
            { field("Name", "fsName", &fs_name) }
            { row(
                select("Performance mode", "performanceMode", &performance, &pairs(&["generalPurpose", "maxIO"])),
                select("Throughput mode", "throughputMode", &throughput, &pairs(&["elastic", "bursting"])),
            ) }
            { check_box("Encrypted at rest", "", &encrypted) }
            { button("Create (efs:CreateFileSystem)", create_fs) }
            if !file_systems.is_empty() {
                { subhead("Mount target (one per AZ)") }
                { select_current("File system", "mtFileSystem", &fs, &file_systems, &fs_value) }
                { select_current("Subnet (its AZ gets the mount target)", "mtSubnet", &subnet, subnets, &subnet_value) }
                { select_current("Security group (must allow NFS, TCP 2049, from the tasks)", "mtSecurityGroup", &sg, groups, &sg_value) }
                { button("Create (efs:CreateMountTarget)", create_mt) }
                { subhead("Access point") }
                { field("Root directory", "apPath", &ap_path) }
                { button("Create (efs:CreateAccessPoint)", create_ap) }
            }
            { outcome(&result) }
        </div>
    }
}

/// "Write or read a file from a task": `sim:WriteFile` / `sim:ReadFile` on one of its volumes.
#[function_component(FileCallForm)]
fn file_call_form() -> Html {
    use_render_count("FileCallForm");
    let commands = use_commands();
    let options = use_view_select(file_call_options);
    let targets = &options.targets;
    let target = use_text("");
    let az = use_text("");
    let volume = use_state(|| first_volume(&commands.view()));
    let path = use_text("/notes/hello.txt");
    let content = use_text("hello from a task");
    let result = use_outcome();
    let target_value = current(&target, targets);
    let act = |write: bool| {
        let (commands, az, volume, path, content, result, target_value) = (commands.clone(), az.clone(), volume.clone(), path.clone(), content.clone(), result.clone(), target_value.clone());
        Callback::from(move |_: MouseEvent| {
            let form = FileCall { target: &target_value, zone: &az, volume: &volume, path: &path, write: write.then_some(content.as_str()) };
            result.set(Some(form.call(&commands.view()).and_then(|(call, input)| commands.dispatch(call, input)).map(|out| model::file_call_text(write, &out))));
        })
    };
    let azs = &options.zones;
    html! {
        <>
            { subhead("Write or read a file from a task") }
            { select_current("From", "fileTarget", &target, targets, &target_value) }
            { select("Task in Availability Zone", "fileAz", &az, azs) }
            { row(
                field("Volume (task definition)", "fileVolume", &volume),
                field("Path", "filePath", &path),
            ) }
            { field("Content", "fileContent", &content) }
            <div class="actions">
                <button type="button" onclick={act(true)} disabled={targets.is_empty()}>{ "Write (sim:WriteFile)" }</button>
                <button type="button" onclick={act(false)} disabled={targets.is_empty()}>{ "Read (sim:ReadFile)" }</button>
            </div>
            { outcome(&result) }
        </>
    }
}
