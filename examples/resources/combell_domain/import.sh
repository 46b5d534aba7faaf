# A domain is imported by its name.
terraform import combell_domain.example example.com
