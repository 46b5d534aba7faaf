# Mail sent to someone@example.be is delivered to someone@example.com. The MX records of
# example.be must point at Combell's mail servers.
resource "combell_mail_smtp_domain" "be" {
  domain_name = "example.com"
  hostname    = "example.be"
  # enabled defaults to true
}
