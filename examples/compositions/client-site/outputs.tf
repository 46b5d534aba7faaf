output "account_id" {
  value = combell_account.site.id
}

output "database" {
  value = {
    name     = combell_mysql_database.app.id
    hostname = combell_mysql_database.app.hostname
  }
}

output "mailbox_logins" {
  value = { for k, m in combell_mailbox.box : k => m.login }
}
