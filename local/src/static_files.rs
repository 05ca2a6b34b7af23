//! The preview page (`web/`) as static files: GET only, no directory walking.

use std::path::{Component, Path, PathBuf};

/// The file for a request path under `root`, if it is a plain relative path to a file.
pub fn resolve(root: &Path, request_path: &str) -> Option<PathBuf> {
    let relative = request_path.trim_start_matches('/');
    let relative = if relative.is_empty() { "index.html" } else { relative };
    if relative.len() > 200 {
        return None;
    }
    let path = Path::new(relative);
    if !path.components().all(|c| matches!(c, Component::Normal(_))) {
        return None;
    }
    let file = root.join(path);
    file.is_file().then_some(file)
}

pub fn content_type(file: &Path) -> &'static str {
    match file.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("json") => "application/json",
        Some("wasm") => "application/wasm",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_paths_inside_the_root_resolve() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../web");
        assert!(resolve(&root, "/").is_some_and(|f| f.ends_with("index.html")));
        assert!(resolve(&root, "/app.js").is_some());
        assert!(resolve(&root, "/../Cargo.toml").is_none());
        assert!(resolve(&root, "/i18n/../../Cargo.toml").is_none());
        assert!(resolve(&root, "/missing.html").is_none());
        assert_eq!(content_type(Path::new("a.wasm")), "application/wasm");
    }
}
