# No API at all: Terraform's mock provider answers every call from the provider's schema, so this
# runs anywhere (terraform test, Terraform 1.7 or newer for mock_provider). The servicepack is
# given by id: mocked data sources return empty lists, and Terraform cannot mock a list of
# nested attributes with values (it expects an object where the list is), so the lookup by name
# is covered by simulator.tftest.hcl.

mock_provider "combell" {
  mock_resource "combell_account" {
    defaults = {
      id = "4242"
    }
  }

  mock_resource "combell_mysql_database" {
    defaults = {
      id       = "ID4242_shop"
      hostname = "mysql.mock.example"
    }
  }
}

variables {
  domain_name       = "mocked-site.example"
  servicepack_id    = 12
  web_server_ip     = "192.0.2.80"
  ftp_password      = "Mock4Password1"
  database_password = "Mock4Password2"
  mailbox_password  = "Mock4Password3"
  database_name     = "shop"
  mailboxes = {
    info  = { auto_reply = "Thanks, we answer within two working days." }
    sales = {}
  }
}

run "plans_the_site_from_the_variables" {
  command = plan

  assert {
    condition     = combell_account.site.servicepack_id == 12
    error_message = "servicepack_id is not used"
  }
  assert {
    condition     = combell_dns_record.apex.content == "192.0.2.80" && combell_dns_record.apex.record_name == ""
    error_message = "the apex record does not point at web_server_ip"
  }
  assert {
    condition     = combell_dns_record.www.content == "mocked-site.example"
    error_message = "www is not a CNAME to the apex"
  }
  assert {
    condition     = combell_dns_record.mx.content == "mail.mocked-site.example"
    error_message = "MX does not point at Combell's mail host"
  }
  assert {
    condition     = toset(keys(combell_mailbox.box)) == toset(["info", "sales"])
    error_message = "one mailbox per entry of var.mailboxes"
  }
  assert {
    condition     = combell_mailbox.box["info"].auto_reply.enabled && !combell_mailbox.box["sales"].auto_reply.enabled
    error_message = "auto-reply is on only where a text is given"
  }
  assert {
    condition     = length(combell_mysql_user.extra) == 0
    error_message = "no extra MySQL user unless database_user is set"
  }
}

run "applies_with_mocked_answers" {
  variables {
    database_user          = "reporting"
    database_user_password = "Mock4Password4"
  }

  assert {
    condition     = output.account_id == "4242"
    error_message = "account_id is not the account's id"
  }
  assert {
    condition     = output.database == { name = "ID4242_shop", hostname = "mysql.mock.example" }
    error_message = "database output does not come from the database"
  }
  assert {
    condition     = combell_mysql_user.extra[0].database_name == "ID4242_shop"
    error_message = "the extra user is not on the site's database"
  }
  assert {
    condition     = toset(keys(output.mailbox_logins)) == toset(["info", "sales"])
    error_message = "mailbox_logins has one entry per mailbox"
  }
}

run "refuses_an_unknown_servicepack" {
  command = plan

  # Looked up by name in the mocked (empty) list of servicepacks: not found.
  variables {
    servicepack_id   = null
    servicepack_name = "No Such Pack"
  }

  expect_failures = [combell_account.site]
}

run "refuses_a_domain_in_upper_case" {
  command = plan

  variables {
    domain_name = "Mocked-Site.example"
  }

  expect_failures = [var.domain_name]
}
