# A request is imported by its numeric id (data.combell_ssl_certificate_requests lists the
# pending ones). Importing orders nothing.
terraform import combell_ssl_certificate_request.shop 3001
