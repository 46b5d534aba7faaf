# The host headers of the sites of the hosting example.com.
list "combell_linux_host_header" "example_com" {
  provider = combell
  config {
    domain_name = "example.com"
  }
}
