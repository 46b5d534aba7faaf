# A registered domain is imported by its name (no purchase happens on import).
terraform import combell_domain_registration.shop example-shop.be
