# The registration of example.com (list a domain as combell_domain or as a registration, not both).
list "combell_domain_registration" "example_com" {
  provider = combell
  config {
    domain_name = "example.com"
  }
}
