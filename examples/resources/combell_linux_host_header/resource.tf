# The main site of example.com also answers to example.be. Combell's API cannot delete host
# headers: destroying this resource only forgets it (remove it in the control panel).
resource "combell_linux_host_header" "be" {
  domain_name = "example.com"
  site_name   = "example.com"
  name        = "example.be"
}
