# Everything about the mail of example.com: where mailboxes go, aliases, catch-all, extra SMTP
# domains and anti-spam.
data "combell_mail_zone" "example" {
  domain_name = "example.com"
}

output "mail_zone_account_id" {
  value = data.combell_mail_zone.example.available_accounts[0].account_id
}

output "aliases" {
  value = { for a in data.combell_mail_zone.example.aliases : a.email_address => a.destinations }
}

output "anti_spam" {
  value = data.combell_mail_zone.example.anti_spam_type
}
