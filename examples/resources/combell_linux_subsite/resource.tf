# A shop on its own host name, served from /subsites/shop.example.com (the folder must already
# exist on the hosting: upload it over FTP or SSH first).
resource "combell_linux_subsite" "shop" {
  domain_name = "example.com"
  name        = "shop.example.com"
}

# The shop also answers to shop.example.be.
resource "combell_linux_host_header" "shop_be" {
  domain_name = "example.com"
  site_name   = combell_linux_subsite.shop.name
  name        = "shop.example.be"
}
