# The mailboxes of example.com, with their quota and use.
data "combell_mailboxes" "example" {
  domain_name = "example.com"
}

output "mailboxes" {
  value = {
    for m in data.combell_mailboxes.example.mailboxes : m.email_address => "${m.actual_size}/${m.max_size} MB"
  }
}
