# Orders a certificate for shop.example.com (Combell adds www.shop.example.com), publishes the
# validation CNAMEs in the example.com zone, and waits for the certificate.
# THE REQUEST IS A PAID PURCHASE: nothing is ordered without confirm_purchase = true.

variable "shop_csr" {
  description = "PEM certificate signing request with CN shop.example.com"
  type        = string
}

locals {
  shop_names = ["shop.example.com", "www.shop.example.com"]
}

resource "combell_ssl_certificate_request" "shop" {
  certificate_type = "standard"
  validation_level = "domain_validated"
  csr              = var.shop_csr # write-only
  confirm_purchase = true
}

resource "combell_dns_record" "shop_validation" {
  for_each    = toset(local.shop_names)
  domain_name = combell_ssl_certificate_request.shop.validations[each.key].domain_name
  type        = "CNAME"
  record_name = combell_ssl_certificate_request.shop.validations[each.key].cname_record_name
  content     = combell_ssl_certificate_request.shop.validations[each.key].cname_validation_content
}

resource "combell_ssl_certificate_validation" "shop" {
  request_id            = combell_ssl_certificate_request.shop.id
  validation_record_ids = [for r in combell_dns_record.shop_validation : r.id]
}

output "shop_certificate_fingerprint" {
  value = combell_ssl_certificate_validation.shop.sha1_fingerprint
}
