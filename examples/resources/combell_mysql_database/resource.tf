# A MySQL database on account 1001. Combell prefixes the name with the account, so the
# database is ID1001_shop (its `id`). Creating it waits for Combell's provisioning job (here for
# at most 20 minutes).

variable "database_password" {
  type      = string
  sensitive = true
  ephemeral = true
}

resource "combell_mysql_database" "shop" {
  account_id = 1001
  name       = "shop"

  # Write-only: the password of the database's own user (named like the database). Never
  # stored in the plan or the state; raise password_version to set a new one.
  password         = var.database_password
  password_version = 1

  timeouts {
    create = "20m"
  }
}

output "database" {
  value = {
    name     = combell_mysql_database.shop.id
    hostname = combell_mysql_database.shop.hostname
  }
}
