# One account, by identifier (its domain name)...
data "combell_account" "site" {
  identifier = "example.com"
}

# ...or by its numeric id.
data "combell_account" "other" {
  id = "1002"
}

output "site_servicepack" {
  value = data.combell_account.site.servicepack_name
}
