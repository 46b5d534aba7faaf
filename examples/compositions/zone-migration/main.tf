# Bringing an existing DNS zone under Terraform without touching it, then adding to it.
#
# The `import` blocks adopt the records the zone already has (ids from the Combell control panel
# or `GET /dns/{domain}/records`); the first `terraform apply` imports them and changes nothing
# in the zone as long as each resource block matches the record. New records are plain resource
# blocks. NS and SOA records stay Combell's: they are not managed here.

terraform {
  required_version = ">= 1.11"
  required_providers {
    combell = {
      source = "combell/combell"
    }
  }
}

provider "combell" {}

locals {
  zone = "example.com"

  # Records that already exist: import id suffix => record.
  existing = {
    apex = { id = "1-1000000004", type = "A", name = "", content = "192.0.2.10", priority = null }
    www  = { id = "1-1000000005", type = "A", name = "www", content = "192.0.2.10", priority = null }
    mx   = { id = "1-1000000006", type = "MX", name = "", content = "mail.example.com", priority = 10 }
    spf  = { id = "1-1000000007", type = "TXT", name = "", content = "v=spf1 mx include:spf.combell.com -all", priority = null }
    star = { id = "1-1000000008", type = "A", name = "*", content = "192.0.2.20", priority = null }
  }
}

import {
  for_each = local.existing
  to       = combell_dns_record.existing[each.key]
  id       = "${local.zone}/${each.value.id}"
}

resource "combell_dns_record" "existing" {
  for_each = local.existing

  domain_name = local.zone
  type        = each.value.type
  record_name = each.value.name
  content     = each.value.content
  priority    = each.value.priority
}

# New records, created by the same apply.
resource "combell_dns_record" "api" {
  domain_name = local.zone
  type        = "CNAME"
  record_name = "api"
  content     = "www.example.com"
  ttl         = 3600
}

resource "combell_dns_record" "caa" {
  domain_name = local.zone
  type        = "CAA"
  record_name = ""
  content     = "0 issue \"letsencrypt.org\""
}

resource "combell_dns_record" "dmarc" {
  domain_name = local.zone
  type        = "TXT"
  record_name = "_dmarc"
  content     = "v=DMARC1; p=quarantine; rua=mailto:dmarc@example.com"
}

output "record_ids" {
  value = merge(
    { for k, r in combell_dns_record.existing : k => r.id },
    { api = combell_dns_record.api.id, caa = combell_dns_record.caa.id, dmarc = combell_dns_record.dmarc.id },
  )
}
