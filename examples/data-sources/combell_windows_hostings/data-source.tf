# Every Windows hosting the API key can see.
data "combell_windows_hostings" "all" {}

output "windows_domains" {
  value = [for h in data.combell_windows_hostings.all.hostings : h.domain_name]
}
