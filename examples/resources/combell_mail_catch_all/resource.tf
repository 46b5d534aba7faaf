# Mail to any address of example.com that is neither a mailbox nor an alias reaches
# info@example.com. A zone may have several catch-all addresses, one resource each.
resource "combell_mail_catch_all" "example" {
  domain_name   = "example.com"
  email_address = "info@example.com"
}
