variable "fingerprint" {
  type = string
}

data "combell_ssl_certificate" "site" {
  sha1_fingerprint = var.fingerprint
}

output "site_certificate_expires" {
  value = data.combell_ssl_certificate.site.expires_after
}
