# Orders a certificate for shop.example.com (Combell adds www.shop.example.com), publishes the
# validation CNAMEs in the example.com zone, and waits for the certificate.
# THE REQUEST IS A PAID PURCHASE: nothing is ordered without confirm_purchase = true.

variable "shop_csr" {
  description = "PEM certificate signing request with CN shop.example.com"
  type        = string
}

resource "combell_ssl_certificate_request" "shop" {
  certificate_type = "standard"
  validation_level = "domain_validated"
  csr              = var.shop_csr # write-only; file("shop.csr") works as well
  confirm_purchase = true
}

# The keys of validations (one per name) and each entry's domain_name are known at plan time,
# from the CSR: for_each over the request plans, and one apply orders, publishes and verifies.
resource "combell_dns_record" "shop_validation" {
  for_each    = combell_ssl_certificate_request.shop.validations
  domain_name = each.value.domain_name
  type        = "CNAME"
  record_name = each.value.cname_record_name
  content     = each.value.cname_validation_content
}

resource "combell_ssl_certificate_validation" "shop" {
  request_id            = combell_ssl_certificate_request.shop.id
  validation_record_ids = [for r in combell_dns_record.shop_validation : r.id]
}

output "shop_certificate_fingerprint" {
  value = combell_ssl_certificate_validation.shop.sha1_fingerprint
}
