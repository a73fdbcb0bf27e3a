//! What an install needs besides the binary: shell completions and the man page, generated from
//! the command line's own definition.

use crate::support::{backlinks, run};

#[test]
fn completions_name_every_subcommand_for_each_shell() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let r = run(backlinks().args(["completions", shell]));
        assert_eq!(r.code, 0, "{shell}: {}", r.stderr);
        for sub in [
            "audit",
            "inspect",
            "gap",
            "disavow",
            "outreach",
            "completions",
        ] {
            assert!(r.stdout.contains(sub), "{shell} completions lack `{sub}`");
        }
        assert!(
            r.stdout.contains("fail-on"),
            "{shell} completions lack audit's flags"
        );
    }
}

#[test]
fn an_unknown_shell_is_refused_with_the_choices() {
    let r = run(backlinks().args(["completions", "tcsh"]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("bash"), "{}", r.stderr);
}

#[test]
fn the_man_page_is_roff_with_every_subcommand() {
    let r = run(backlinks().arg("man"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.starts_with(".ie"),
        "not roff: {}",
        &r.stdout[..80.min(r.stdout.len())]
    );
    assert!(r.stdout.contains(".TH backlinks 1"), "no title header");
    for sub in ["audit", "history", "gap", "man"] {
        assert!(r.stdout.contains(sub), "man page lacks `{sub}`");
    }
}

#[test]
fn the_release_workflow_builds_a_profile_that_exists_with_commands_that_exist() {
    let root = crate::support::root();
    let workflow = std::fs::read_to_string(root.join(".github/workflows/release.yml")).unwrap();
    let manifest: toml::Table = std::fs::read_to_string(root.join("Cargo.toml"))
        .unwrap()
        .parse()
        .unwrap();
    let profile = workflow
        .split("--profile ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .expect("the workflow builds with --profile");
    assert!(
        manifest["profile"].get(profile).is_some(),
        "Cargo.toml has no [profile.{profile}]"
    );
    let shells = workflow
        .split("for shell in ")
        .nth(1)
        .and_then(|rest| rest.split(';').next())
        .expect("the workflow writes completions");
    for shell in shells.split_whitespace() {
        let r = run(backlinks().args(["completions", shell]));
        assert_eq!(
            r.code, 0,
            "the workflow asks for {shell} completions: {}",
            r.stderr
        );
    }
    let r = run(backlinks().arg("man"));
    assert_eq!(r.code, 0);
    for file in ["README.md", "LICENSE-APACHE", "LICENSE-MIT"] {
        assert!(
            workflow.contains(file) && root.join(file).is_file(),
            "{file}"
        );
    }
}
