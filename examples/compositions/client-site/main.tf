# A client's web site on Combell, from nothing: the hosting account, its DNS, a MySQL database
# with an extra read-only user for reporting, and two mailboxes.

terraform {
  required_version = ">= 1.11" # write-only passwords
  required_providers {
    combell = {
      source = "combell/combell"
    }
  }
}

provider "combell" {} # COMBELL_ENDPOINT, COMBELL_API_KEY, COMBELL_API_SECRET

data "combell_servicepacks" "all" {}

resource "combell_account" "site" {
  identifier = var.domain_name
  servicepack_id = one([
    for p in data.combell_servicepacks.all.servicepacks : p.id if p.name == var.servicepack_name
  ])

  ftp_password         = var.ftp_password
  ftp_password_version = 1

  timeouts {
    create = "45m"
  }
}

# Combell creates the zone with the account; these records point the site at the web server
# and the mail at Combell.
resource "combell_dns_record" "apex" {
  domain_name = combell_account.site.identifier
  type        = "A"
  record_name = ""
  content     = var.web_server_ip
  ttl         = 3600
}

resource "combell_dns_record" "www" {
  domain_name = combell_account.site.identifier
  type        = "CNAME"
  record_name = "www"
  content     = combell_account.site.identifier
  ttl         = 3600
}

resource "combell_dns_record" "mx" {
  domain_name = combell_account.site.identifier
  type        = "MX"
  record_name = ""
  content     = "mail.${combell_account.site.identifier}"
  priority    = 10
}

resource "combell_dns_record" "spf" {
  domain_name = combell_account.site.identifier
  type        = "TXT"
  record_name = ""
  content     = "v=spf1 mx include:spf.combell.com -all"
}

resource "combell_mysql_database" "app" {
  account_id = combell_account.site.id
  name       = "app" # Combell prefixes it: ID<account>_app

  password         = var.database_password
  password_version = 1

  timeouts {
    create = "20m"
  }
}

resource "combell_mysql_user" "reporting" {
  database_name = combell_mysql_database.app.id
  name          = "reporting"

  password         = var.reporting_password
  password_version = 1
  status           = "enabled"
}

resource "combell_mailbox" "box" {
  for_each = var.mailboxes

  email_address    = "${each.key}@${combell_account.site.identifier}"
  account_id       = combell_account.site.id
  password         = var.mailbox_password
  password_version = each.value.password_version

  auto_reply = {
    enabled = each.value.auto_reply != null
    subject = "Thank you for your mail"
    message = coalesce(each.value.auto_reply, "-")
  }
}
