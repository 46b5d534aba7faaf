# The subsites of the hosting example.com.
list "combell_linux_subsite" "example_com" {
  provider = combell
  config {
    domain_name = "example.com"
  }
}
