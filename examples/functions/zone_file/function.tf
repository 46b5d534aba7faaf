# Moves a zone from another DNS host: every record of its BIND zone file becomes one
# combell_dns_record (Terraform 1.8 or newer). Keep the file next to the configuration and
# read it with file("${path.module}/example.com.zone"); it is inline here to be self-contained.
locals {
  zone_text = <<-EOT
    $ORIGIN example.com.
    $TTL 3600
    @         IN SOA ns1.old-host.net. hostmaster.example.com. (
                     2024010101 7200 900 1209600 300 )
    @         IN NS  ns1.old-host.net.      ; left out: Combell serves the zone
    @         IN MX  10 mail
    @            TXT "v=spf1 mx " "-all"    ; one text: "v=spf1 mx -all"
    www       300 IN A 192.0.2.10
                     AAAA 2001:db8::10      ; blank owner: www again
    mail         A   192.0.2.20
    _sip._tcp    SRV 10 60 5060 sip.example.com.
  EOT

  records = provider::combell::zone_file(local.zone_text, "example.com")
}

# Keys such as "www_A_1", "@_MX_1" and "_sip._tcp_SRV_1" name the records in the state.
resource "combell_dns_record" "zone" {
  for_each = local.records

  domain_name = "example.com"
  type        = each.value.type
  record_name = each.value.record_name
  content     = each.value.content
  ttl         = each.value.ttl
  priority    = each.value.priority
  service     = each.value.service
  protocol    = each.value.protocol
  target      = each.value.target
  port        = each.value.port
  weight      = each.value.weight
}
