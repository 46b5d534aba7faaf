# An account for example.com on a hosting servicepack. Creating it waits for Combell's
# provisioning job (here for at most 45 minutes).
#
# Combell's API cannot delete accounts: destroying this resource only removes it from the
# Terraform state, with a warning. Cancel the account in the Combell control panel.

data "combell_servicepacks" "all" {}

variable "ftp_password" {
  type      = string
  sensitive = true
  ephemeral = true
}

resource "combell_account" "site" {
  identifier = "example.com"
  servicepack_id = one([
    for p in data.combell_servicepacks.all.servicepacks : p.id if p.name == "Linux Hosting Basic"
  ])

  # Write-only: sent once, at create, never stored in the plan or the state.
  ftp_password         = var.ftp_password
  ftp_password_version = 1

  timeouts {
    create = "45m"
  }
}

output "account_id" {
  value = combell_account.site.id
}
