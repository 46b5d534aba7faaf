# A mailbox is imported by its e-mail address (data.combell_mailboxes lists a domain's mailboxes).
# Combell's API does not report the mailbox's account_id: it stays null until the configuration
# sets it, which only records it.
terraform import combell_mailbox.info info@example.com
