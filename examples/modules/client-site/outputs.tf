output "account_id" {
  description = "Combell's id of the hosting account."
  value       = combell_account.site.id
}

output "database" {
  description = "Name (with Combell's prefix) and host name of the MySQL database."
  value = {
    name     = combell_mysql_database.app.id
    hostname = combell_mysql_database.app.hostname
  }
}

output "dns_record_ids" {
  description = "Combell's ids of the site's records; `<domain>/<id>` imports one."
  value = {
    apex = combell_dns_record.apex.id
    www  = combell_dns_record.www.id
    mx   = combell_dns_record.mx.id
    spf  = combell_dns_record.spf.id
  }
}

output "mailbox_logins" {
  description = "Login of each mailbox, by local part."
  value       = { for k, m in combell_mailbox.box : k => m.login }
}
