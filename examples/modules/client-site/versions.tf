terraform {
  # Write-only passwords need 1.11; the module's tests use mock_provider (1.7).
  required_version = ">= 1.11"
  required_providers {
    combell = {
      source = "combell/combell"
    }
  }
}
