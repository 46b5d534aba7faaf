# Run the cleanup script of example.com every night at 3:00, and a queue worker every 15 minutes.
resource "combell_scheduled_task" "cleanup" {
  domain_name     = "example.com"
  cron_expression = "0 3 * * *"
  script_location = "/www/cron/cleanup.php"
}

resource "combell_scheduled_task" "queue" {
  domain_name     = "example.com"
  cron_expression = "*/15 * * * *"
  script_location = "/www/cron/queue.php"
  enabled         = false # created, but paused
}
