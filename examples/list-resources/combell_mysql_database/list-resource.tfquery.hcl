# The MySQL databases of account 1001 (leave the config block out to list every account's).
list "combell_mysql_database" "site" {
  provider = combell
  config {
    account_id = 1001
  }
}
