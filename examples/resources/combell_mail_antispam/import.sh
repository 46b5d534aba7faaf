# The anti-spam setting is imported by the mail zone's domain name.
terraform import combell_mail_antispam.example example.com
