# PHP, GZIP, FTP and SSH settings of the existing Linux hosting example.com. Only the settings set
# here are managed; destroying this resource leaves the hosting's settings as they are.
resource "combell_linux_hosting_settings" "example" {
  domain_name      = "example.com"
  php_version      = "8.3" # one of data.combell_php_versions
  php_memory_limit = 512   # MB; not reported by Combell, so drift is not detected
  apcu_enabled     = true
  apcu_size        = 64 # MB
  gzip_enabled     = true
  ftp_enabled      = false
  ssh_enabled      = true
}

output "ssh_login" {
  value = "${combell_linux_hosting_settings.example.ssh_username}@${combell_linux_hosting_settings.example.ssh_host}"
}
