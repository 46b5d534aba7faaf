# Every Linux hosting of the account.
data "combell_linux_hostings" "all" {}

output "hostings" {
  value = [for h in data.combell_linux_hostings.all.hostings : h.domain_name]
}
