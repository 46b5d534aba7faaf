# Every account the API key can see.
data "combell_accounts" "all" {}

# Only accounts with Linux hosting.
data "combell_accounts" "hosting" {
  asset_type = "linux_hosting"
}

output "hosting_identifiers" {
  value = [for a in data.combell_accounts.hosting.accounts : a.identifier]
}
