# A record is imported by its zone and Combell's record id (GET /v2/dns/<zone>/records lists them).
terraform import combell_dns_record.www example.com/1-1000000005
