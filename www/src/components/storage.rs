//! Storage in the playground: the map's EFS strip (each file system with its mount targets under
//! their Availability Zone columns), and the builder's Storage tab (create a file system, mount
//! targets, access points, browse files, write or read a file from a task, why S3 is not a volume).

use ecs_sim::view::{TaskStatus, View};
use serde_json::json;
use yew::prelude::*;

use crate::components::form::{button, check_box, field, hint, outcome, pairs, row, select, select_current, subhead, use_flag, use_outcome, use_text};
use crate::components::iam::{call_targets, target_input};
use crate::components::map::short_id;
use crate::driver::use_sim;
use crate::shell::{format_elapsed, select_on_click, Selection, SelectionHandle};

/// The map's storage strip: one row per file system, mount targets in their AZ's column.
#[function_component(StorageStrip)]
pub fn storage_strip() -> Html {
    let sim = use_sim();
    let selection = use_context::<SelectionHandle>();
    let view = sim.view();
    if view.file_systems.is_empty() {
        return html! {};
    }
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
                                    if !targets.is_empty() { { mount_users(&view, &fs.file_system_id, az, selection.as_ref()) } }
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
fn mount_users(view: &View, fs_id: &str, az: &str, selection: Option<&SelectionHandle>) -> Html {
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
                    let selected = selection.is_some_and(|s| **s == Selection::Task(t.id.clone()));
                    let onclick = select_on_click(selection, Selection::Task(t.id.clone()));
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

/// The security group ids of the scenario's VPC, as select options.
fn security_groups(view: &View) -> Vec<(String, String)> {
    let ids: Vec<&str> = view.security_groups.iter().map(|g| g.group_id.as_str()).collect();
    pairs(&ids)
}

fn size_text(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 20 => format!("{:.1} MiB", b as f64 / (1 << 20) as f64),
        b if b >= 1 << 10 => format!("{:.1} KiB", b as f64 / 1024.0),
        b => format!("{b} B"),
    }
}

#[function_component(StorageForm)]
pub fn storage_form() -> Html {
    let sim = use_sim();
    let view = sim.view();
    let fs_name = use_text("shared-data");
    let performance = use_text("generalPurpose");
    let throughput = use_text("elastic");
    let encrypted = use_flag(true);
    let fs = use_text("");
    let subnet = use_text("");
    let sg = use_text("");
    let ap_path = use_text("/data");
    let result = use_outcome();

    let file_systems: Vec<(String, String)> = view.file_systems.iter().map(|f| (f.file_system_id.clone(), format!("{} ({})", f.name.clone().unwrap_or_default(), f.file_system_id))).collect();
    let subnets: Vec<(String, String)> = view.subnets.iter().map(|s| (s.subnet_id.clone(), format!("{} ({})", s.subnet_id, s.availability_zone))).collect();
    let groups = security_groups(&view);
    // A select shows its first option until the learner picks another: use that as the value.
    let pick = |state: &UseStateHandle<String>, options: &[(String, String)]| if options.iter().any(|o| o.0 == **state) { (**state).clone() } else { options.first().map(|o| o.0.clone()).unwrap_or_default() };
    let (fs_value, subnet_value, sg_value) = (pick(&fs, &file_systems), pick(&subnet, &subnets), pick(&sg, &groups));

    let create_fs = {
        let (sim, name, performance, throughput, encrypted, result) = (sim.clone(), fs_name.clone(), performance.clone(), throughput.clone(), encrypted.clone(), result.clone());
        Callback::from(move |_| {
            let name = name.trim().to_string();
            let token = format!("{name}-{}", sim.view().file_systems.len() + 1);
            let input = json!({ "CreationToken": token, "PerformanceMode": *performance, "ThroughputMode": *throughput, "Encrypted": *encrypted, "Tags": [{ "Key": "Name", "Value": name }] });
            result.set(Some(sim.dispatch("efs:CreateFileSystem", input).map(|out| format!("Created {} ({}).", out["FileSystemId"].as_str().unwrap_or("?"), out["LifeCycleState"].as_str().unwrap_or("creating")))));
        })
    };
    let create_mt = {
        let (sim, result, fs, subnet, sg) = (sim.clone(), result.clone(), fs_value.clone(), subnet_value.clone(), sg_value.clone());
        Callback::from(move |_| {
            let groups: Vec<&str> = if sg.is_empty() { vec![] } else { vec![sg.as_str()] };
            let input = json!({ "FileSystemId": fs, "SubnetId": subnet, "SecurityGroups": groups });
            result.set(Some(sim.dispatch("efs:CreateMountTarget", input).map(|out| format!("Mount target {} in {}.", out["MountTargetId"].as_str().unwrap_or("?"), out["AvailabilityZoneName"].as_str().unwrap_or(&subnet)))));
        })
    };
    let create_ap = {
        let (sim, result, fs, path) = (sim.clone(), result.clone(), fs_value.clone(), ap_path.clone());
        Callback::from(move |_| {
            let input = json!({ "FileSystemId": fs, "PosixUser": { "Uid": 1000, "Gid": 1000 },
                "RootDirectory": { "Path": path.trim(), "CreationInfo": { "OwnerUid": 1000, "OwnerGid": 1000, "Permissions": "755" } } });
            result.set(Some(sim.dispatch("efs:CreateAccessPoint", input).map(|out| format!("Access point {} at {}.", out["AccessPointId"].as_str().unwrap_or("?"), path.trim()))));
        })
    };
    html! {
        <div class="form storage-form">
            <details class="hint s3-note"><summary>{ "Why can't a task mount an S3 bucket?" }</summary><p>{ ecs_sim::efs::s3_mount_explanation() }</p></details>
            { subhead("Files on each file system") }
            if view.file_systems.is_empty() { { hint("No EFS file system yet.") } }
            { for view.file_systems.iter().map(|f| html! {
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
                { select_current("Subnet (its AZ gets the mount target)", "mtSubnet", &subnet, &subnets, &subnet_value) }
                { select_current("Security group (must allow NFS, TCP 2049, from the tasks)", "mtSecurityGroup", &sg, &groups, &sg_value) }
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
    let sim = use_sim();
    let view = sim.view();
    let targets = call_targets(&view);
    let target = use_text("");
    let az = use_text("");
    let volume = use_state(|| view.tasks.iter().find_map(|t| t.efs_mounts.first().map(|m| m.volume.clone())).unwrap_or_else(|| "data".into()));
    let path = use_text("/notes/hello.txt");
    let content = use_text("hello from a task");
    let result = use_outcome();
    let target_value = if targets.iter().any(|t| t.0 == *target) { (*target).clone() } else { targets.first().map(|t| t.0.clone()).unwrap_or_default() };
    let act = |write: bool| {
        let (sim, az, volume, path, content, result, target_value) = (sim.clone(), az.clone(), volume.clone(), path.clone(), content.clone(), result.clone(), target_value.clone());
        Callback::from(move |_: MouseEvent| {
            let Some(mut input) = target_input(&sim.view(), &target_value) else {
                return result.set(Some(Err("No running task: start a service or a task first.".into())));
            };
            input["sourceVolume"] = json!(volume.trim());
            input["path"] = json!(path.trim());
            if !az.is_empty() {
                input["availabilityZone"] = json!(*az);
            }
            let call = if write {
                input["content"] = json!(*content);
                "sim:WriteFile"
            } else {
                "sim:ReadFile"
            };
            result.set(Some(sim.dispatch(call, input).map(|out| {
                let location = out["location"].as_str().unwrap_or("");
                if write { format!("Wrote {location}.") } else { format!("Read {location}: \"{}\"", out["content"].as_str().unwrap_or("")) }
            })));
        })
    };
    let mut azs = vec![(String::new(), "(any)".to_string())];
    azs.extend(view.availability_zones.iter().map(|a| (a.clone(), a.clone())));
    html! {
        <>
            { subhead("Write or read a file from a task") }
            { select_current("From", "fileTarget", &target, &targets, &target_value) }
            { select("Task in Availability Zone", "fileAz", &az, &azs) }
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
