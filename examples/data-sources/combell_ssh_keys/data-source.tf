# Every SSH key of the account and the hostings it opens.
data "combell_ssh_keys" "all" {}

output "keys" {
  value = { for k in data.combell_ssh_keys.all.keys : k.fingerprint => k.linux_hostings }
}
