# The settings of every Linux hosting, with their PHP version and FTP switch read.
list "combell_linux_hosting_settings" "all" {
  provider         = combell
  include_resource = true
  limit            = 1000
}
