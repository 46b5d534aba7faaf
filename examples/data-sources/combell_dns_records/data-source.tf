# Every record of the zone example.com (NS and SOA records, which Combell keeps, are left out).
data "combell_dns_records" "all" {
  domain_name = "example.com"
}

# Only the zone's MX records.
data "combell_dns_records" "mx" {
  domain_name = "example.com"
  type        = "MX"
}

output "mail_hosts" {
  value = [for r in data.combell_dns_records.mx.records : "${r.priority} ${r.content}"]
}

output "record_count" {
  value = length(data.combell_dns_records.all.records)
}
