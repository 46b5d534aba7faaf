# Everything about the Linux hosting example.com: its sites, scheduled tasks and SSH keys.
data "combell_linux_hosting" "example" {
  domain_name = "example.com"
}

output "sites" {
  value = { for s in data.combell_linux_hosting.example.sites : s.name => s.ssl_enabled }
}

output "tasks" {
  value = [for t in data.combell_linux_hosting.example.scheduled_tasks : "${t.id}: ${t.cron_expression} ${t.script_location}"]
}
