data "combell_domains" "all" {}

# Domains that will not renew by themselves.
output "not_renewing" {
  value = [for d in data.combell_domains.all.domains : d.domain_name if d.will_renew == false]
}
