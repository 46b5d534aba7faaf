variable "domain_name" {
  description = "The client's domain; also the account's identifier."
  type        = string
  default     = "client-site.example"
}

variable "servicepack_name" {
  description = "Name of the servicepack the account is created on."
  type        = string
  default     = "Linux Hosting Basic"
}

variable "web_server_ip" {
  description = "Address the apex and www point to."
  type        = string
  default     = "192.0.2.80"
}

variable "mailboxes" {
  description = "Mailboxes to create: local part => settings. auto_reply is the reply text, or null for none."
  type = map(object({
    password_version = optional(number, 1)
    auto_reply       = optional(string)
  }))
  default = {
    info  = { auto_reply = "We have received your mail and answer within two working days." }
    sales = {}
  }
}

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
