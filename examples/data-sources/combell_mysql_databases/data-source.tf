# Every MySQL database the API key can see.
data "combell_mysql_databases" "all" {}

# Only the databases of account 1001.
data "combell_mysql_databases" "shop_account" {
  account_id = 1001
}

output "hosts" {
  value = { for d in data.combell_mysql_databases.shop_account.databases : d.id => d.hostname }
}
