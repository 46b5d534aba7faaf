# The validation of an issued request is imported by the request's id.
terraform import combell_ssl_certificate_validation.shop 3001
