# The scheduled tasks of the hosting example.com.
list "combell_scheduled_task" "example_com" {
  provider = combell
  config {
    domain_name = "example.com"
  }
}
