# The anti-spam setting of every mail zone (one result per zone).
list "combell_mail_antispam" "all" {
  provider = combell
  limit    = 1000
}
