# The certificate of example.com with its private key, as a password-protected PFX file. The
# file exists only while Terraform runs: it never enters the plan or the state.

variable "pfx_password" {
  type      = string
  sensitive = true
  ephemeral = true
}

ephemeral "combell_ssl_certificate_download" "example_com" {
  sha1_fingerprint = "823639776FEED06A181077D3C3382C9D8202AFB4"
  file_format      = "pfx"
  password         = var.pfx_password
}

# Ephemeral values may only go where nothing is stored: write-only arguments of other
# resources, provider configurations, provisioners, ephemeral outputs of modules. Here a
# provisioner installs the file on a machine once, when the terraform_data is created.
resource "terraform_data" "install_certificate" {
  provisioner "local-exec" {
    command = "printf '%s' \"$PFX_BASE64\" | base64 -d > /etc/ssl/private/example.com.pfx"
    environment = {
      PFX_BASE64 = ephemeral.combell_ssl_certificate_download.example_com.content_base64
    }
  }
}
