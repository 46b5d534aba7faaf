# A deploy key on the Linux hosting example.com (switch SSH on with
# combell_linux_hosting_settings.ssh_enabled). Often: public_key = file("~/.ssh/deploy.pub"),
# final newline and all.
resource "combell_ssh_key" "deploy" {
  domain_name = "example.com"
  public_key  = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDt5iTBIDtIyfZBxo1HueefMCIZhtWfwvJotJ1C5DmK+ deploy@example.com"
}

output "fingerprint" {
  value = combell_ssh_key.deploy.fingerprint
}
