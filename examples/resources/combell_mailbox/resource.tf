# A mailbox of example.com, whose mail Combell hosts (account 1001 has a mail zone for it).

variable "mailbox_password" {
  type      = string
  sensitive = true
  ephemeral = true
}

resource "combell_mailbox" "contact" {
  email_address = "contact@example.com"
  # A mail zone account of example.com (usually the Combell account id); may be left out when
  # the domain has only one.
  account_id = 1001

  # Write-only: never stored in the plan or the state. Raise password_version to send a new
  # password.
  password         = var.mailbox_password
  password_version = 1

  auto_reply = {
    enabled = true
    subject = "Out of office"
    message = "We are closed until Monday; we will answer your mail then."
  }

  auto_forward = {
    enabled         = true
    email_addresses = ["support@example.org"]
    copy_to_myself  = true
  }
}

output "login" {
  value = combell_mailbox.contact.login
}
