# The catch-all addresses of every mail zone of the reseller's accounts.
list "combell_mail_catch_all" "all" {
  provider = combell
  limit    = 1000
}
