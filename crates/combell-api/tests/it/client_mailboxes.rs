//! Layer 2: the mailbox calls of the API client against a private in-process simulator, through
//! the real signing, transport and error parsing.

use combell_api::{
    AutoForward, AutoReply, CancellationToken, Client, ClientConfig, CreateMailbox, Secret,
};
use combell_sim::{self as sim, RunningSim, SimConfig};

fn client(sim: &RunningSim) -> Client {
    Client::new(ClientConfig {
        endpoint: sim.base_url(),
        api_key: sim.config().api_key.clone(),
        api_secret: Secret::new(sim.config().api_secret.clone()),
        ..ClientConfig::default()
    })
    .expect("client")
}

#[tokio::test]
async fn mailbox_create_read_settings_password_delete() {
    let sim = sim::start(SimConfig::for_tests())
        .await
        .expect("simulator starts");
    let api = client(&sim);
    let cancel = CancellationToken::new();

    assert_eq!(
        api.mail_zone_account_ids("example.com", &cancel)
            .await
            .unwrap(),
        [1001]
    );
    assert!(api
        .mail_zone_account_ids("nomail.example", &cancel)
        .await
        .is_err_and(|e| e.is_not_found()));

    let seeded = api.list_mailboxes("example.com", &cancel).await.unwrap();
    assert_eq!(seeded.len(), 1);
    assert_eq!(seeded[0].name, "info@example.com");

    let id = api
        .create_mailbox(
            &CreateMailbox {
                account_id: 1001,
                email_address: "new@example.com".into(),
                password: Secret::new("Secret123"),
            },
            &cancel,
        )
        .await
        .unwrap();
    assert_eq!(id, "new@example.com");
    let detail = api.get_mailbox(&id, &cancel).await.unwrap();
    assert_eq!(detail.login, "new@example.com");
    assert_eq!(detail.auto_reply, AutoReply::default());

    let reply = AutoReply {
        enabled: true,
        subject: "Away".into(),
        message: "Back soon".into(),
    };
    api.set_mailbox_autoreply(&id, &reply, &cancel)
        .await
        .unwrap();
    let forward = AutoForward {
        enabled: true,
        email_addresses: vec!["a@example.org".into()],
        copy_to_myself: true,
    };
    api.set_mailbox_autoforward(&id, &forward, &cancel)
        .await
        .unwrap();
    api.set_mailbox_password(&id, &Secret::new("Other456"), &cancel)
        .await
        .unwrap();
    let detail = api.get_mailbox("NEW@example.com", &cancel).await.unwrap();
    assert_eq!(detail.auto_reply, reply);
    assert_eq!(detail.auto_forward, forward);

    let bad = api
        .set_mailbox_password(&id, &Secret::new("short"), &cancel)
        .await
        .unwrap_err();
    assert_eq!(bad.status(), Some(400));
    assert!(!bad.to_string().contains("short\""), "{bad}");

    api.delete_mailbox(&id, &cancel).await.unwrap();
    assert!(api
        .get_mailbox(&id, &cancel)
        .await
        .is_err_and(|e| e.is_not_found()));
    assert!(api
        .delete_mailbox(&id, &cancel)
        .await
        .is_err_and(|e| e.is_not_found()));
    let after = api.list_mailboxes("example.com", &cancel).await.unwrap();
    assert_eq!(after.len(), 1);
}
