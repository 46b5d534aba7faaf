# The servicepacks the reseller can create accounts from, by name.
data "combell_servicepacks" "all" {}

output "servicepack_ids" {
  value = { for p in data.combell_servicepacks.all.servicepacks : p.name => p.id }
}
