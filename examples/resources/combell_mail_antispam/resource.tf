# The anti-spam scanning of the example.com mail zone. "advanced" needs a servicepack that
# allows it (see allowed_types); the plan says so when it does not.
#
# A mail zone always has a setting: destroying this resource only stops managing it (with a
# warning) and leaves the zone's scanning as it is.
resource "combell_mail_antispam" "example" {
  domain_name = "example.com"
  type        = "basic"
}

output "allowed_anti_spam_types" {
  value = combell_mail_antispam.example.allowed_types
}
