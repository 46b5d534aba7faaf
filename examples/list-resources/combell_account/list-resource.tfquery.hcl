# Every Combell account; `terraform query -generate-config-out=accounts.tf` turns them into
# combell_account resources with import blocks.
list "combell_account" "all" {
  provider = combell
}

# Only the accounts of servicepack 12.
list "combell_account" "hosting" {
  provider = combell
  limit    = 10
  config {
    servicepack_id = 12
  }
}
