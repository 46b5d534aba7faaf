data "combell_ssl_certificates" "all" {}

output "certificates" {
  value = { for c in data.combell_ssl_certificates.all.certificates : c.common_name => c.expires_after }
}
