# The mailboxes of example.com.
list "combell_mailbox" "example_com" {
  provider = combell
  config {
    domain_name = "example.com"
  }
}
