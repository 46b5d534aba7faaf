# Registers example-shop.be. THIS IS A PAID PURCHASE: Combell bills it to the reseller account,
# and nothing happens without confirm_purchase = true. Destroying it only forgets the domain.
resource "combell_domain_registration" "shop" {
  domain_name      = "example-shop.be"
  confirm_purchase = true

  registrant = {
    first_name   = "Ann"
    last_name    = "Smith"
    address      = "Main Street 1"
    postal_code  = "9000"
    city         = "Gent"
    country_code = "BE"
    email        = "ann@example.be"
    phone        = "+32.93300000"
  }

  # Used for the registration only; manage them afterwards with combell_domain.
  name_servers = ["ns1.example.net", "ns2.example.net"]
}

# A transfer from another registrar is a registration with the authorisation code.
variable "transfer_code" {
  type      = string
  sensitive = true
  ephemeral = true
}

resource "combell_domain_registration" "moved" {
  domain_name      = "example-moved.be"
  confirm_purchase = true
  auth_code        = var.transfer_code # write-only: never stored

  registrant = {
    first_name   = "Ann"
    last_name    = "Smith"
    company_name = "Smith BV"
    address      = "Main Street 1"
    postal_code  = "9000"
    city         = "Gent"
    country_code = "BE"
    email        = "ann@example.be"
    phone        = "+32.93300000"
  }
}
