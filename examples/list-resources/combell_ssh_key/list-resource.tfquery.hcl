# Every SSH key of every Linux hosting, from one paged listing.
list "combell_ssh_key" "all" {
  provider = combell
  limit    = 1000
}
