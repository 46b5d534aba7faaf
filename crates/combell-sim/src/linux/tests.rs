use super::*;
use crate::error::codes;
use crate::state::linux::seed;

fn on() -> Toggle {
    Toggle {
        enabled: Some(true),
    }
}

fn off() -> Toggle {
    Toggle {
        enabled: Some(false),
    }
}

fn task(cron: &str, script: &str) -> ScheduledTaskInput {
    ScheduledTaskInput {
        cron_expression: Some(cron.to_string()),
        enabled: None,
        script_location: Some(script.to_string()),
    }
}

#[test]
fn cron_rules_follow_the_spec() {
    for good in [
        "0 3 * * *",
        "*/5 * * * *",
        "*/30 23 31 12 7",
        " 59  0 1 1 1 ",
    ] {
        assert!(check_cron(good).is_ok(), "{good}");
    }
    assert_eq!(check_cron(" 59  0 1 1 1 ").unwrap(), "59 0 1 1 1");
    for bad in [
        "",
        "* * * * *",
        "*/7 * * * *",
        "60 * * * *",
        "0 24 * * *",
        "0 * 0 * *",
        "0 * 32 * *",
        "0 * * 13 *",
        "0 * * * 0",
        "0 * * * 8",
        "0 1,2 * * *",
        "0 * * *",
        "0 * * * * *",
        "+1 * * * *",
        "000 * * * *",
    ] {
        assert!(check_cron(bad).is_err(), "{bad}");
    }
}

#[test]
fn paths_are_absolute_and_plain() {
    assert_eq!(check_path("/www/").as_deref(), Some("/www"));
    assert_eq!(check_path("/").as_deref(), Some("/"));
    for bad in ["www", "/a//b", "/a/../b", "/a/./b", "/a\u{0}b", ""] {
        assert_eq!(check_path(bad), None, "{bad:?}");
    }
}

#[test]
fn the_seed_is_coherent() {
    let state = seed();
    let detail = state.linux_detail("Example.COM", Vec::new()).unwrap();
    assert_eq!(detail.domain_name, "example.com");
    assert_eq!(detail.servicepack_id, 12);
    assert_eq!(detail.sites.len(), 2);
    assert!(detail.sites[0].ssl_enabled && detail.sites[0].http2_enabled);
    assert_eq!(
        state.list_ssh_keys("example.com").unwrap()[0].fingerprint,
        SEED_SSH_KEY_FINGERPRINT
    );
    assert_eq!(
        sshkey::parse_public_key(SEED_SSH_KEY).unwrap().fingerprint,
        SEED_SSH_KEY_FINGERPRINT
    );
    assert_eq!(state.list_tasks("example.com").unwrap()[0].id, "5001");
    assert!(state.windows_hostings.is_empty());
}

#[test]
fn provisioning_follows_the_servicepack() {
    let mut state = LinuxState::default();
    state.provision(
        7,
        "Shop.Example",
        13,
        &[AssetType::Domain, AssetType::LinuxHosting],
    );
    state.provision(8, "win.example", 14, &[AssetType::WindowsHosting]);
    state.provision(9, "mail.example", 15, &[AssetType::Mailbox]);
    assert_eq!(
        state.list_linux(),
        [HostingView {
            domain_name: "shop.example".into(),
            servicepack_id: 13
        }]
    );
    assert_eq!(state.hosting("shop.example").unwrap().max_size, 102_400);
    let win = state.windows_detail("WIN.example").unwrap();
    assert_eq!(win.sites[0].bindings.len(), 2);
    assert_eq!(win.ftp_username, "winexample");
    assert_eq!(
        codes(state.windows_detail("mail.example").unwrap_err()),
        ["windows_hosting_not_found"]
    );
}

#[test]
fn settings_need_their_flag_and_valid_values() {
    let mut state = seed();
    let none = Toggle::default();
    assert_eq!(
        codes(state.configure_ftp("example.com", &none).unwrap_err()),
        ["linux_ftp_enabled_required"]
    );
    assert_eq!(
        codes(state.configure_ftp("nope.be", &on()).unwrap_err()),
        ["linux_hosting_not_found"]
    );
    state.configure_ftp("example.com", &off()).unwrap();
    assert!(
        !state
            .linux_detail("example.com", vec![])
            .unwrap()
            .ftp_enabled
    );

    state.configure_gzip("example.com", &off()).unwrap();
    state.configure_ssh("example.com", &off()).unwrap();
    let hosting = state.hosting("example.com").unwrap();
    assert!(!hosting.gzip_enabled && !hosting.ssh_enabled);

    let apcu = |enabled, size| ApcuInput {
        enabled,
        apcu_size: size,
    };
    assert_eq!(
        codes(
            state
                .configure_apcu("example.com", &apcu(Some(true), None))
                .unwrap_err()
        ),
        ["linux_apcu_size_invalid"]
    );
    assert_eq!(
        codes(
            state
                .configure_apcu("example.com", &apcu(Some(true), Some(8)))
                .unwrap_err()
        ),
        ["linux_apcu_size_invalid"]
    );
    assert_eq!(
        codes(
            state
                .configure_apcu("example.com", &apcu(None, Some(64)))
                .unwrap_err()
        ),
        ["linux_apcu_enabled_required"]
    );
    state
        .configure_apcu("example.com", &apcu(Some(true), Some(64)))
        .unwrap();
    state
        .configure_apcu("example.com", &apcu(Some(false), None))
        .unwrap();
    let hosting = state.hosting("example.com").unwrap();
    assert_eq!((hosting.apcu_enabled, hosting.apcu_size), (false, 0));

    let memory = |m| MemoryLimitInput { memory_limit: m };
    assert_eq!(
        codes(
            state
                .configure_memory_limit("example.com", &memory(None))
                .unwrap_err()
        ),
        ["linux_memory_limit_required"]
    );
    assert_eq!(
        codes(
            state
                .configure_memory_limit("example.com", &memory(Some(i64::MAX)))
                .unwrap_err()
        ),
        ["linux_memory_limit_invalid"]
    );
    state
        .configure_memory_limit("example.com", &memory(Some(512)))
        .unwrap();
    assert_eq!(state.hosting("example.com").unwrap().php_memory_limit, 512);

    let php = |v: Option<&str>| PhpVersionInput {
        version: v.map(String::from),
    };
    assert_eq!(
        codes(
            state
                .configure_php_version("example.com", &php(None))
                .unwrap_err()
        ),
        ["linux_php_version_required"]
    );
    assert_eq!(
        codes(
            state
                .configure_php_version("example.com", &php(Some("9.9")))
                .unwrap_err()
        ),
        ["linux_php_version_invalid"]
    );
    state
        .configure_php_version("example.com", &php(Some(" 8.4 ")))
        .unwrap();
    assert_eq!(
        state
            .linux_detail("example.com", vec![])
            .unwrap()
            .php_version,
        "8.4"
    );
}

#[test]
fn scheduled_tasks_round_trip() {
    let mut state = seed();
    let id = state
        .create_task("example.com", &task("*/15 * * * *", "/www/run.sh"))
        .unwrap();
    assert_eq!(id, "5002");
    let created = state.get_task("example.com", &id).unwrap();
    assert!(created.enabled);
    assert_eq!(
        codes(
            state
                .create_task("example.com", &ScheduledTaskInput::default())
                .unwrap_err()
        ),
        [
            "linux_cron_expression_required",
            "linux_script_location_required"
        ]
    );
    assert_eq!(
        codes(
            state
                .create_task("example.com", &task("* * * * *", "run.sh"))
                .unwrap_err()
        ),
        [
            "linux_cron_expression_invalid",
            "linux_script_location_invalid"
        ]
    );
    let mut update = task("0 4 * * 1", "/www/other.sh");
    update.enabled = Some(false);
    state.update_task("example.com", &id, &update).unwrap();
    let updated = state.get_task("example.com", &id).unwrap();
    assert_eq!(
        (
            updated.id.as_str(),
            updated.enabled,
            updated.cron_expression.as_str()
        ),
        ("5002", false, "0 4 * * 1")
    );
    state.delete_task("example.com", &id).unwrap();
    assert_eq!(
        codes(state.get_task("example.com", &id).unwrap_err()),
        ["linux_scheduled_task_not_found"]
    );
    assert_eq!(
        codes(state.delete_task("example.com", &id).unwrap_err()),
        ["linux_scheduled_task_not_found"]
    );
    // Ids are never handed out twice, even after a delete.
    assert_eq!(
        state
            .create_task("example.com", &task("0 1 * * *", "/x"))
            .unwrap(),
        "5003"
    );
}

#[test]
fn ssh_keys_are_unique_per_hosting_and_listed_account_wide() {
    let mut state = seed();
    state.provision(7, "other.example", 12, &[AssetType::LinuxHosting]);
    let input = SshKeyInput {
        public_key: Some(SEED_SSH_KEY.to_string()),
    };
    assert_eq!(
        codes(state.add_ssh_key("example.com", &input).unwrap_err()),
        ["ssh_key_already_exists"]
    );
    assert_eq!(
        state.add_ssh_key("other.example", &input).unwrap(),
        SEED_SSH_KEY_FINGERPRINT
    );
    assert_eq!(
        codes(
            state
                .add_ssh_key("other.example", &SshKeyInput::default())
                .unwrap_err()
        ),
        ["ssh_key_public_key_required"]
    );
    let garbage = SshKeyInput {
        public_key: Some("ssh-rsa nonsense".into()),
    };
    assert_eq!(
        codes(state.add_ssh_key("other.example", &garbage).unwrap_err()),
        ["ssh_key_invalid"]
    );
    let all = state.all_ssh_keys();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].linux_hostings, ["example.com", "other.example"]);

    state
        .delete_ssh_key("example.com", "MD5:3152433A66F7E45F283964085F75DE3F")
        .unwrap();
    assert_eq!(
        codes(
            state
                .delete_ssh_key("example.com", SEED_SSH_KEY_FINGERPRINT)
                .unwrap_err()
        ),
        ["linux_ssh_key_not_found"]
    );
    assert_eq!(
        codes(state.delete_ssh_key("example.com", "junk").unwrap_err()),
        ["linux_ssh_key_fingerprint_invalid"]
    );
    assert_eq!(state.all_ssh_keys()[0].linux_hostings, ["other.example"]);
}

#[test]
fn subsites_need_an_existing_folder_and_a_free_name() {
    let mut state = seed();
    let subsite = |name: &str, path: Option<&str>| SubsiteInput {
        domain_name: Some(name.to_string()),
        path: path.map(String::from),
    };
    assert_eq!(
        state
            .add_subsite("example.com", &subsite("Shop.Example.com", None))
            .unwrap(),
        "shop.example.com"
    );
    let detail = state.linux_detail("example.com", vec![]).unwrap();
    let shop = detail
        .sites
        .iter()
        .find(|s| s.name == "shop.example.com")
        .unwrap();
    assert_eq!(shop.path, "/subsites/shop.example.com");
    assert_eq!(shop.host_headers[0].name, "shop.example.com");

    assert_eq!(
        codes(
            state
                .add_subsite("example.com", &subsite("shop.example.com", Some("/data")))
                .unwrap_err()
        ),
        ["linux_subsite_already_exists"]
    );
    assert_eq!(
        codes(
            state
                .add_subsite("example.com", &subsite("www.example.com", Some("/data")))
                .unwrap_err()
        ),
        ["linux_subsite_already_exists"]
    );
    assert_eq!(
        codes(
            state
                .add_subsite("example.com", &subsite("new.example.com", None))
                .unwrap_err()
        ),
        ["linux_subsite_path_not_found"]
    );
    assert_eq!(
        codes(
            state
                .add_subsite("example.com", &subsite("new.example.com", Some("data")))
                .unwrap_err()
        ),
        ["linux_subsite_path_invalid"]
    );
    assert_eq!(
        codes(
            state
                .add_subsite("example.com", &subsite("no_good", Some("/data")))
                .unwrap_err()
        ),
        ["linux_subsite_domain_name_invalid"]
    );
    assert_eq!(
        codes(
            state
                .add_subsite("example.com", &SubsiteInput::default())
                .unwrap_err()
        ),
        ["linux_subsite_domain_name_required"]
    );
    state
        .add_directory("example.com", "/subsites/new.example.com/")
        .unwrap();
    state
        .add_subsite("example.com", &subsite("new.example.com", None))
        .unwrap();

    assert_eq!(
        codes(
            state
                .delete_subsite("example.com", "example.com")
                .unwrap_err()
        ),
        ["linux_main_site_not_deletable"]
    );
    state
        .delete_subsite("example.com", "SHOP.example.com")
        .unwrap();
    assert_eq!(
        codes(
            state
                .delete_subsite("example.com", "shop.example.com")
                .unwrap_err()
        ),
        ["linux_site_not_found"]
    );
}

#[test]
fn host_headers_land_on_their_site() {
    let mut state = seed();
    let header = |n: &str| HostHeaderInput {
        domain_name: Some(n.to_string()),
    };
    assert_eq!(
        state
            .add_host_header(
                "example.com",
                "blog.example.com",
                &header("Blog.Example.Net.")
            )
            .unwrap(),
        "blog.example.net"
    );
    let detail = state.linux_detail("example.com", vec![]).unwrap();
    let names: Vec<&str> = detail.sites[1]
        .host_headers
        .iter()
        .map(|h| h.name.as_str())
        .collect();
    assert_eq!(names, ["blog.example.com", "blog.example.net"]);
    assert_eq!(
        codes(
            state
                .add_host_header(
                    "example.com",
                    "blog.example.com",
                    &header("blog.example.net")
                )
                .unwrap_err()
        ),
        ["linux_host_header_already_exists"]
    );
    assert_eq!(
        codes(
            state
                .add_host_header("example.com", "nope.example.com", &header("x.example.net"))
                .unwrap_err()
        ),
        ["linux_site_not_found"]
    );
    assert_eq!(
        codes(
            state
                .add_host_header("example.com", "blog.example.com", &header(""))
                .unwrap_err()
        ),
        ["linux_host_header_domain_name_required"]
    );
}

#[test]
fn http2_needs_ssl_which_lets_encrypt_gives() {
    let mut state = seed();
    assert_eq!(
        codes(
            state
                .configure_http2("example.com", "blog.example.com", &on())
                .unwrap_err()
        ),
        ["linux_http2_requires_ssl"]
    );
    state
        .configure_http2("example.com", "blog.example.com", &off())
        .unwrap();
    state
        .configure_lets_encrypt("example.com", "blog.example.com", &on())
        .unwrap();
    state
        .configure_http2("example.com", "blog.example.com", &on())
        .unwrap();
    state
        .configure_auto_redirect("example.com", "BLOG.example.com", &on())
        .unwrap();
    let blog = |s: &LinuxState| s.linux_detail("example.com", vec![]).unwrap().sites[1].clone();
    let site = blog(&state);
    assert!(site.ssl_enabled && site.http2_enabled && site.https_redirect_enabled);
    state
        .configure_lets_encrypt("example.com", "blog.example.com", &off())
        .unwrap();
    let site = blog(&state);
    assert!(!site.ssl_enabled && !site.http2_enabled && !site.https_redirect_enabled);

    // The main site keeps SSL while one of its names still has a certificate.
    state
        .configure_lets_encrypt("example.com", "www.example.com", &off())
        .unwrap();
    assert!(state.linux_detail("example.com", vec![]).unwrap().sites[0].ssl_enabled);
    assert_eq!(
        codes(
            state
                .configure_lets_encrypt("example.com", "elsewhere.be", &on())
                .unwrap_err()
        ),
        ["linux_hostname_not_found"]
    );
    assert_eq!(
        codes(
            state
                .configure_http2("example.com", "nope", &on())
                .unwrap_err()
        ),
        ["linux_site_not_found"]
    );
}
