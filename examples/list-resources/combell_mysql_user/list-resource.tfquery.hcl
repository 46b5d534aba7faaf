# The users of every MySQL database of account 1001, each database's own user included.
list "combell_mysql_user" "site" {
  provider = combell
  config {
    account_id = 1001
  }
}

# The users of one database.
list "combell_mysql_user" "shop" {
  provider = combell
  config {
    database_name = "ID1001_shop"
  }
}
