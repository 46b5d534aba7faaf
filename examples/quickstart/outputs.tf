output "record_ids" {
  description = "Combell ids of the records; `<domain_name>/<id>` imports one."
  value = {
    www2       = combell_dns_record.www2.id
    blog       = combell_dns_record.blog.id
    mx         = combell_dns_record.mx.id
    txt        = combell_dns_record.txt.id
    submission = combell_dns_record.submission.id
  }
}

output "www2" {
  description = "What www2 points at."
  value       = "${combell_dns_record.www2.record_name}.${var.domain_name} A ${combell_dns_record.www2.content} (ttl ${combell_dns_record.www2.ttl})"
}

output "servicepacks" {
  description = "The servicepacks the reseller account can create accounts with."
  value       = data.combell_servicepacks.all.servicepacks
}
