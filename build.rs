//! Records the git commit the binary is built from, for run manifests. Outside a git checkout
//! (a crate tarball, say) nothing is recorded.

use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=.git/HEAD");
    println!("cargo:rerun-if-changed=.git/refs");
    println!("cargo:rerun-if-env-changed=COMMUNE_GIT_COMMIT");
    let commit = std::env::var("COMMUNE_GIT_COMMIT").ok().or_else(|| {
        let out = Command::new("git")
            .args(["rev-parse", "HEAD"])
            .output()
            .ok()?;
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
    });
    if let Some(commit) = commit {
        println!("cargo:rustc-env=COMMUNE_GIT_COMMIT={commit}");
    }
}
