# Every record of the zone example.com that combell_dns_record can manage (NS and SOA records,
# which Combell keeps to itself, are left out).
list "combell_dns_record" "example_com" {
  provider = combell
  config {
    domain_name = "example.com"
  }
}

# Only the A records named www, with their full state.
list "combell_dns_record" "www" {
  provider         = combell
  include_resource = true
  config {
    domain_name = "example.com"
    type        = "A"
    record_name = "www"
  }
}
