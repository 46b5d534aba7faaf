# Against a Combell API: the provider is configured from COMBELL_ENDPOINT, COMBELL_API_KEY and
# COMBELL_API_SECRET. Point them at combell-sim (it creates real objects otherwise). terraform
# test destroys what the run created; Combell's API cannot delete accounts, so the account is
# only forgotten (the simulator keeps it until it restarts).

variables {
  domain_name            = "module-test.example"
  web_server_ip          = "192.0.2.81"
  ftp_password           = "Module4Test1"
  database_password      = "Module4Test2"
  database_user          = "reporting"
  database_user_password = "Module4Test3"
  mailbox_password       = "Module4Test4"
  mailboxes = {
    info = { auto_reply = "Thanks for your mail." }
  }
}

run "creates_the_site" {
  assert {
    condition     = startswith(output.database.name, "ID${output.account_id}_")
    error_message = "Combell names the database ID<account>_<name>"
  }
  assert {
    condition     = output.mailbox_logins["info"] != ""
    error_message = "the mailbox has no login"
  }
  assert {
    condition     = combell_dns_record.apex.content == "192.0.2.81"
    error_message = "the apex record was not created as planned"
  }
}

run "changes_in_place" {
  variables {
    web_server_ip = "192.0.2.82"
    dns_ttl       = 600
  }

  assert {
    condition     = combell_dns_record.apex.content == "192.0.2.82" && combell_dns_record.apex.ttl == 600
    error_message = "the apex record was not updated"
  }
  assert {
    condition     = output.dns_record_ids.apex == run.creates_the_site.dns_record_ids.apex
    error_message = "the apex record was replaced instead of updated in place"
  }
}
