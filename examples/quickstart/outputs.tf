output "account_id" {
  description = "Combell's id of the hosting account; `terraform import combell_account.site <id>` adopts it."
  value       = combell_account.site.id
}

output "database" {
  description = "The MySQL database as Combell named it, and where to connect."
  value       = "${combell_mysql_database.app.id} on ${combell_mysql_database.app.hostname}"
}

output "mailbox_login" {
  description = "Login of info@ for IMAP, POP3 and SMTP."
  value       = combell_mailbox.info.login
}

output "site" {
  description = "What the apex points at."
  value       = "${var.domain_name} A ${combell_dns_record.apex.content} (ttl ${combell_dns_record.apex.ttl})"
}
