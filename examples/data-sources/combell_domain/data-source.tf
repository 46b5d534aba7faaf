data "combell_domain" "example" {
  domain_name = "example.com"
}

output "example_expires" {
  value = data.combell_domain.example.expiration_date
}

output "example_name_servers" {
  value = data.combell_domain.example.name_servers
}
