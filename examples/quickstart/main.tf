# Quick start: a few DNS records on a zone, and the servicepacks of the reseller account.
# scripts/quickstart runs this against the local simulator, whose seed has example.com.

terraform {
  required_version = ">= 1.11"
  required_providers {
    combell = {
      source = "combell/combell"
    }
  }
}

# Endpoint and credentials come from COMBELL_ENDPOINT, COMBELL_API_KEY, COMBELL_API_SECRET.
provider "combell" {}

resource "combell_dns_record" "www2" {
  domain_name = var.domain_name
  type        = "A"
  record_name = "www2"
  content     = var.www_ip
  ttl         = var.ttl
}

resource "combell_dns_record" "blog" {
  domain_name = var.domain_name
  type        = "CNAME"
  record_name = "blog"
  content     = "www2.${var.domain_name}"
  ttl         = var.ttl
}

resource "combell_dns_record" "mx" {
  domain_name = var.domain_name
  type        = "MX"
  record_name = "@"
  content     = "mail.${var.domain_name}"
  priority    = 10
  ttl         = var.ttl
}

resource "combell_dns_record" "txt" {
  domain_name = var.domain_name
  type        = "TXT"
  record_name = "_quickstart"
  content     = "managed-by=terraform"
  ttl         = var.ttl
}

# SRV records have no record_name: the API derives it from service and protocol.
resource "combell_dns_record" "submission" {
  domain_name = var.domain_name
  type        = "SRV"
  service     = "_submission"
  protocol    = "TCP"
  target      = "mail.${var.domain_name}"
  port        = 587
  priority    = 10
  weight      = 1
  ttl         = var.ttl
}

data "combell_servicepacks" "all" {}
