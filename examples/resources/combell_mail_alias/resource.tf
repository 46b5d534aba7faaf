# team@example.com forwards to two people; it has no mailbox of its own.
resource "combell_mail_alias" "team" {
  domain_name   = "example.com"
  email_address = "team@example.com"
  destinations  = ["info@example.com", "someone@example.org"]
}
