# Quick start: a client's web site on Combell from nothing, in one apply. scripts/quickstart runs
# it against the local simulator: the hosting account (its create waits for Combell's
# provisioning job), the site's DNS records, a MySQL database with a second user and a mailbox.
# Every password is write-only: sent to Combell, never written to the plan or the state.
# examples/modules/client-site is the same site as a reusable module.

terraform {
  required_version = ">= 1.11" # write-only passwords
  required_providers {
    combell = {
      source = "combell/combell"
    }
  }
}

# Endpoint and credentials come from COMBELL_ENDPOINT, COMBELL_API_KEY, COMBELL_API_SECRET.
provider "combell" {}

data "combell_servicepacks" "all" {}

resource "combell_account" "site" {
  identifier = var.domain_name
  servicepack_id = one([
    for p in data.combell_servicepacks.all.servicepacks : p.id if p.name == "Linux Hosting Basic"
  ])

  ftp_password         = var.ftp_password # write-only
  ftp_password_version = 1
}

# Combell creates the account's DNS zone; point the site at the web server, its mail at Combell.
resource "combell_dns_record" "apex" {
  domain_name = combell_account.site.identifier
  type        = "A"
  record_name = ""
  content     = var.web_server_ip
  ttl         = var.ttl
}

resource "combell_dns_record" "www" {
  domain_name = combell_account.site.identifier
  type        = "CNAME"
  record_name = "www"
  content     = combell_account.site.identifier
  ttl         = var.ttl
}

resource "combell_dns_record" "mx" {
  domain_name = combell_account.site.identifier
  type        = "MX"
  record_name = ""
  content     = "mail.${combell_account.site.identifier}"
  priority    = 10
  ttl         = var.ttl
}

resource "combell_dns_record" "spf" {
  domain_name = combell_account.site.identifier
  type        = "TXT"
  record_name = ""
  content     = "v=spf1 mx include:spf.combell.com -all"
  ttl         = var.ttl
}

resource "combell_mysql_database" "app" {
  account_id = combell_account.site.id
  name       = "app" # Combell prefixes it: ID<account>_app

  password         = var.database_password # write-only
  password_version = 1
}

resource "combell_mysql_user" "reporting" {
  database_name = combell_mysql_database.app.id
  name          = "reporting"
  status        = "enabled"

  password         = var.reporting_password # write-only
  password_version = 1
}

resource "combell_mailbox" "info" {
  email_address = "info@${combell_account.site.identifier}"
  account_id    = combell_account.site.id

  password         = var.mailbox_password # write-only
  password_version = 1

  auto_reply = {
    enabled = var.auto_reply != null
    subject = "Thank you for your mail"
    message = coalesce(var.auto_reply, "-")
  }
}
