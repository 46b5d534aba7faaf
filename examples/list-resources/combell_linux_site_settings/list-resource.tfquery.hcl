# The SSL settings of each site of the hosting example.com.
list "combell_linux_site_settings" "example_com" {
  provider = combell
  config {
    domain_name = "example.com"
  }
}
