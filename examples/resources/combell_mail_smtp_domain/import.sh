# An extra SMTP domain is imported as <mail zone domain>/<hostname>.
terraform import combell_mail_smtp_domain.be example.com/example.be
