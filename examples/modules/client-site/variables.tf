variable "domain_name" {
  description = "The client's domain: the account's identifier and the DNS zone of the records."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$", var.domain_name))
    error_message = "domain_name must be a lower-case domain name such as example.com."
  }
}

variable "servicepack_name" {
  description = "Name of the servicepack the account is created on (data.combell_servicepacks lists them)."
  type        = string
  default     = "Linux Hosting Basic"
}

variable "servicepack_id" {
  description = "Id of the servicepack, instead of looking servicepack_name up."
  type        = number
  default     = null
}

variable "account_create_timeout" {
  description = "How long the account's create waits for Combell's provisioning job."
  type        = string
  default     = "45m"
}

variable "web_server_ip" {
  description = "IPv4 address the apex points to (www is a CNAME to the apex)."
  type        = string
}

variable "dns_ttl" {
  description = "TTL in seconds of the site's records."
  type        = number
  default     = 3600
}

variable "database_name" {
  description = "Name of the MySQL database before Combell's ID<account>_ prefix."
  type        = string
  default     = "app"
}

variable "database_user" {
  description = "An extra MySQL user on the database (say, read-only reporting), or null for none."
  type        = string
  default     = null
}

variable "mailboxes" {
  description = "Mailboxes to create: local part => settings. auto_reply is the reply text, or null for none."
  type = map(object({
    password_version = optional(number, 1)
    auto_reply       = optional(string)
  }))
  default = {}
}

variable "password_versions" {
  description = "Raise one to send a new password: write-only passwords are only sent when their version changes."
  type = object({
    ftp           = optional(number, 1)
    database      = optional(number, 1)
    database_user = optional(number, 1)
  })
  default = {}
}

# Passwords are ephemeral and go to write-only attributes: they never enter a plan or the state.

variable "ftp_password" {
  description = "The account's FTP password (sent at create only: Combell's API cannot change it)."
  type        = string
  sensitive   = true
  ephemeral   = true
}

variable "database_password" {
  description = "Password of the database's own user."
  type        = string
  sensitive   = true
  ephemeral   = true
}

variable "database_user_password" {
  description = "Password of database_user."
  type        = string
  sensitive   = true
  ephemeral   = true
  default     = null
}

variable "mailbox_password" {
  description = "Password of every mailbox."
  type        = string
  sensitive   = true
  ephemeral   = true
  default     = null
}
