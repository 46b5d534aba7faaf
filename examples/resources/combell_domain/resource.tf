# Point a domain that is already in the reseller account at other name servers and stop its
# automatic renewal. Nothing is bought; destroying this only forgets the domain.
resource "combell_domain" "example" {
  domain_name  = "example.com"
  name_servers = ["ns1.example.net", "ns2.example.net"]
  will_renew   = false
}
