# The PHP versions example.com can use; the newest one feeds the hosting settings.
data "combell_php_versions" "example" {
  domain_name = "example.com"
}

resource "combell_linux_hosting_settings" "example" {
  domain_name = "example.com"
  php_version = element(data.combell_php_versions.example.versions, length(data.combell_php_versions.example.versions) - 1)
}
