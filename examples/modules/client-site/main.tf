# A client's web site on Combell, from nothing: the hosting account, its DNS, a MySQL database
# with a second user, and the mailboxes. The caller configures the provider.

# Looked up only when no servicepack_id is given.
data "combell_servicepacks" "all" {
  count = var.servicepack_id == null ? 1 : 0
}

locals {
  # By name by default: ids differ between Combell's brands.
  servicepack_ids = var.servicepack_id != null ? tolist([var.servicepack_id]) : tolist([
    for p in data.combell_servicepacks.all[0].servicepacks : p.id if p.name == var.servicepack_name
  ])
}

resource "combell_account" "site" {
  identifier     = var.domain_name
  servicepack_id = one(local.servicepack_ids)

  ftp_password         = var.ftp_password
  ftp_password_version = var.password_versions.ftp

  timeouts {
    create = var.account_create_timeout
  }

  lifecycle {
    precondition {
      condition     = length(local.servicepack_ids) == 1
      error_message = "No servicepack is named \"${var.servicepack_name}\"; data.combell_servicepacks lists them."
    }
  }
}

# Combell creates the zone with the account; these records point the site at the web server
# and its mail at Combell.
resource "combell_dns_record" "apex" {
  domain_name = combell_account.site.identifier
  type        = "A"
  record_name = ""
  content     = var.web_server_ip
  ttl         = var.dns_ttl
}

resource "combell_dns_record" "www" {
  domain_name = combell_account.site.identifier
  type        = "CNAME"
  record_name = "www"
  content     = combell_account.site.identifier
  ttl         = var.dns_ttl
}

resource "combell_dns_record" "mx" {
  domain_name = combell_account.site.identifier
  type        = "MX"
  record_name = ""
  content     = "mail.${combell_account.site.identifier}"
  priority    = 10
  ttl         = var.dns_ttl
}

resource "combell_dns_record" "spf" {
  domain_name = combell_account.site.identifier
  type        = "TXT"
  record_name = ""
  content     = "v=spf1 mx include:spf.combell.com -all"
  ttl         = var.dns_ttl
}

resource "combell_mysql_database" "app" {
  account_id = combell_account.site.id
  name       = var.database_name # Combell prefixes it: ID<account>_<name>

  password         = var.database_password
  password_version = var.password_versions.database

  timeouts {
    create = "20m"
  }
}

resource "combell_mysql_user" "extra" {
  count = var.database_user == null ? 0 : 1

  database_name = combell_mysql_database.app.id
  name          = var.database_user

  password         = var.database_user_password
  password_version = var.password_versions.database_user
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
