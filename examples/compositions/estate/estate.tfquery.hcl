# Discovers every object of a Combell reseller estate, for `terraform query`
# (Terraform 1.14 or newer):
#
#   terraform query                                   # what is there
#   terraform query -generate-config-out=estate.tf    # resource and import blocks for all of it
#
# Accounts come first; the other lists run once per account (by its identifier, which is also
# the domain of its DNS zone, mail zone and Linux hosting, or by its id) and once for the
# reseller-wide objects (domains, pending SSL certificate requests).
#
# Terraform stops every list block at 100 results unless `limit` says otherwise, without an
# error: a block that shows exactly 100 results has probably been cut short. Every block below
# sets `limit = local.limit`; raise it for an estate with more than that many objects of one
# kind (per account, or in all for accounts, domains and certificate requests).

locals {
  limit = 10000
}

list "combell_account" "all" {
  provider         = combell
  include_resource = true
  limit            = local.limit
}

locals {
  # identifier => account id, e.g. "example.com" => "1001".
  accounts = { for a in list.combell_account.all.data : a.state.identifier => a.identity.id }
}

list "combell_domain" "all" {
  provider = combell
  limit    = local.limit
}

list "combell_ssl_certificate_request" "all" {
  provider = combell
  limit    = local.limit
}

# DNS: the records of each account's zone.
list "combell_dns_record" "zone" {
  for_each = local.accounts
  provider = combell
  limit    = local.limit
  config {
    domain_name = each.key
  }
}

# MySQL: the databases and users of each account.
list "combell_mysql_database" "account" {
  for_each = local.accounts
  provider = combell
  limit    = local.limit
  config {
    account_id = tonumber(each.value)
  }
}

list "combell_mysql_user" "account" {
  for_each = local.accounts
  provider = combell
  limit    = local.limit
  config {
    account_id = tonumber(each.value)
  }
}

# Mail: each account's mail zone (an account without one lists nothing).
list "combell_mailbox" "zone" {
  for_each = local.accounts
  provider = combell
  limit    = local.limit
  config {
    domain_name = each.key
  }
}

list "combell_mail_alias" "zone" {
  for_each = local.accounts
  provider = combell
  limit    = local.limit
  config {
    domain_name = each.key
  }
}

list "combell_mail_catch_all" "zone" {
  for_each = local.accounts
  provider = combell
  limit    = local.limit
  config {
    domain_name = each.key
  }
}

list "combell_mail_smtp_domain" "zone" {
  for_each = local.accounts
  provider = combell
  limit    = local.limit
  config {
    domain_name = each.key
  }
}

list "combell_mail_antispam" "zone" {
  for_each = local.accounts
  provider = combell
  limit    = local.limit
  config {
    domain_name = each.key
  }
}

# Linux hosting: each account's hosting (an account without one lists nothing).
list "combell_linux_hosting_settings" "hosting" {
  for_each = local.accounts
  provider = combell
  limit    = local.limit
  config {
    domain_name = each.key
  }
}

list "combell_linux_site_settings" "hosting" {
  for_each = local.accounts
  provider = combell
  limit    = local.limit
  config {
    domain_name = each.key
  }
}

list "combell_linux_subsite" "hosting" {
  for_each = local.accounts
  provider = combell
  limit    = local.limit
  config {
    domain_name = each.key
  }
}

list "combell_linux_host_header" "hosting" {
  for_each = local.accounts
  provider = combell
  limit    = local.limit
  config {
    domain_name = each.key
  }
}

list "combell_ssh_key" "hosting" {
  for_each = local.accounts
  provider = combell
  limit    = local.limit
  config {
    domain_name = each.key
  }
}

list "combell_scheduled_task" "hosting" {
  for_each = local.accounts
  provider = combell
  limit    = local.limit
  config {
    domain_name = each.key
  }
}
