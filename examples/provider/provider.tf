terraform {
  required_providers {
    combell = {
      source = "combell/combell"
    }
  }
}

# Credentials are best given as environment variables: COMBELL_API_KEY and
# COMBELL_API_SECRET (and COMBELL_ENDPOINT for the Dutch brand or the local simulator).
provider "combell" {
  # endpoint = "https://api.combell.nl/v2"
}
