# Let's Encrypt for both host names of the main site of example.com, then HTTPS redirect and
# HTTP/2 (which Combell allows only once the site has SSL).
resource "combell_linux_site_settings" "main" {
  domain_name            = "example.com"
  site_name              = "example.com"
  lets_encrypt_hostnames = ["example.com", "www.example.com"]
  https_redirect_enabled = true
  http2_enabled          = true
}
