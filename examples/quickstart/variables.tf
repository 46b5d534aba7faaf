variable "domain_name" {
  description = "DNS zone to put the records in; the simulator's seed has example.com."
  type        = string
  default     = "example.com"
}

variable "www_ip" {
  description = "IPv4 address of www2 (192.0.2.0/24 is reserved for documentation)."
  type        = string
  default     = "192.0.2.10"
}

variable "ttl" {
  description = "TTL in seconds of every record."
  type        = number
  default     = 3600
}
