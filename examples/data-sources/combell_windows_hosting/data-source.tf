# One Windows hosting in detail (Combell's API can only read them).
data "combell_windows_hosting" "site" {
  domain_name = "example.net"
}

output "windows_ip" {
  value = data.combell_windows_hosting.site.ip
}

output "windows_host_names" {
  value = flatten([
    for s in data.combell_windows_hosting.site.sites : [for b in s.bindings : b.host_name]
  ])
}
