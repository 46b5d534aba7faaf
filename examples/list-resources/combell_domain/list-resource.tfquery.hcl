# Every domain of the reseller account.
list "combell_domain" "all" {
  provider = combell
  limit    = 1000
}
