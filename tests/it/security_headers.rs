//! The security headers: `www/_headers` (read by static hosts from dist/), Trunk.toml's `[serve.headers]`
//! (sent by `scripts/serve`) and the page's `<meta>` Content-Security-Policy say the same thing.

use std::collections::BTreeMap;
use std::path::Path;

fn read(path: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The headers of the `/*` rule of a `_headers` file.
fn headers_file() -> BTreeMap<String, String> {
    let text = read("www/_headers");
    let mut rules = text.lines().filter(|l| !l.trim_start().starts_with('#') && !l.trim().is_empty());
    assert_eq!(rules.next(), Some("/*"), "the one rule covers every path");
    rules
        .map(|l| {
            assert!(l.starts_with("  "), "a header line is indented under its path: {l}");
            let (name, value) = l.trim().split_once(": ").unwrap_or_else(|| panic!("not 'Name: value': {l}"));
            (name.to_string(), value.to_string())
        })
        .collect()
}

/// The `[serve.headers]` table of Trunk.toml (one `"Name" = "value"` a line).
fn trunk_headers() -> BTreeMap<String, String> {
    let text = read("Trunk.toml");
    let table = text.split("[serve.headers]\n").nth(1).expect("Trunk.toml has [serve.headers]");
    table
        .lines()
        .take_while(|l| !l.starts_with('['))
        .filter(|l| l.starts_with('"'))
        .map(|l| {
            let (name, value) = l.split_once(" = ").unwrap_or_else(|| panic!("not '\"Name\" = \"value\"': {l}"));
            (name.trim_matches('"').to_string(), value.trim_matches('"').to_string())
        })
        .collect()
}

fn meta_policy() -> String {
    let html = read("www/index.html");
    let tag = html.split("http-equiv=\"Content-Security-Policy\" content=\"").nth(1).expect("the CSP meta tag");
    tag.split('"').next().expect("its content").to_string()
}

#[test]
fn scripts_serve_and_static_hosts_send_the_same_security_headers() {
    let file = headers_file();
    assert_eq!(trunk_headers(), file);
    for (name, value) in [
        ("X-Frame-Options", "DENY"),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "no-referrer"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
    ] {
        assert_eq!(file.get(name).map(String::as_str), Some(value), "{name}");
    }
    assert!(file.contains_key("Permissions-Policy"));
}

#[test]
fn the_header_policy_is_the_page_policy_with_frame_ancestors() {
    let header = headers_file().remove("Content-Security-Policy").expect("a Content-Security-Policy header");
    let meta = meta_policy();
    assert!(!meta.contains("frame-ancestors"), "a meta tag cannot carry frame-ancestors");
    assert_eq!(header, format!("{meta}; frame-ancestors 'none'"));
}
