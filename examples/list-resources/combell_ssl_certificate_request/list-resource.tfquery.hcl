# The pending SSL certificate requests.
list "combell_ssl_certificate_request" "pending" {
  provider = combell
}
