# An address for www, a mail exchanger at the apex, and an SRV record for SIP.
resource "combell_dns_record" "www" {
  domain_name = "example.com"
  type        = "A"
  record_name = "www"
  content     = "192.0.2.10"
  ttl         = 3600
}

resource "combell_dns_record" "mx" {
  domain_name = "example.com"
  type        = "MX"
  record_name = "" # the zone apex ("@" is accepted too)
  content     = "mail.example.com"
  priority    = 10
}

# SRV records have no record_name or content: Combell derives them (here _sip._tcp and
# "0 5060 sip.example.com").
resource "combell_dns_record" "sip" {
  domain_name = "example.com"
  type        = "SRV"
  service     = "_sip"
  protocol    = "TCP"
  target      = "sip.example.com"
  port        = 5060
  priority    = 10
  weight      = 0
}
