# The aliases of the mail zone example.com (leave the config block out for every account's).
list "combell_mail_alias" "example_com" {
  provider = combell
  config {
    domain_name = "example.com"
  }
}
