# The extra SMTP domains of the mail zone example.com.
list "combell_mail_smtp_domain" "example_com" {
  provider = combell
  config {
    domain_name = "example.com"
  }
}
