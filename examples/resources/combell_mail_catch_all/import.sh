# A catch-all address is imported as <mail zone domain>/<catch-all address>.
terraform import combell_mail_catch_all.example example.com/info@example.com
