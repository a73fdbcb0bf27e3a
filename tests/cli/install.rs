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
