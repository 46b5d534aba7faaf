variable "domain_name" {
  description = "The client's domain: the account's identifier and its DNS zone. No account of the simulator's seed holds quickstart.example."
  type        = string
  default     = "quickstart.example"
}

variable "web_server_ip" {
  description = "IPv4 address the apex points to (192.0.2.0/24 is reserved for documentation)."
  type        = string
  default     = "192.0.2.10"
}

variable "ttl" {
  description = "TTL in seconds of the site's records."
  type        = number
  default     = 3600
}

variable "auto_reply" {
  description = "Auto-reply text of info@, or null for none."
  type        = string
  default     = null
}

# Ephemeral: given for each run (scripts/quickstart sets TF_VAR_*), never stored anywhere.

variable "ftp_password" {
  type      = string
  sensitive = true
  ephemeral = true
}

variable "database_password" {
  type      = string
  sensitive = true
  ephemeral = true
}

variable "reporting_password" {
  type      = string
  sensitive = true
  ephemeral = true
}

variable "mailbox_password" {
  type      = string
  sensitive = true
  ephemeral = true
}
