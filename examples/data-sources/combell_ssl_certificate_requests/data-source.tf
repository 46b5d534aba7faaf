data "combell_ssl_certificate_requests" "pending" {}

output "pending_requests" {
  value = [for r in data.combell_ssl_certificate_requests.pending.requests : "${r.id} ${r.common_name}"]
}
