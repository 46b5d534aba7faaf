# A read-only user of the database ID1001_shop (Combell creates every new user read-only).
# Creating it waits for Combell's provisioning job.

variable "reporting_password" {
  type      = string
  sensitive = true
  ephemeral = true
}

resource "combell_mysql_user" "reporting" {
  database_name = "ID1001_shop" # or combell_mysql_database.shop.id
  name          = "reporting"

  # Write-only: never stored in the plan or the state; raise password_version to set a new one.
  password         = var.reporting_password
  password_version = 1

  status = "enabled"
}
