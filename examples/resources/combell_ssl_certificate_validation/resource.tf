# Asks Combell to verify a request once its validation records exist, and waits for the
# certificate. See combell_ssl_certificate_request for the whole flow.
resource "combell_ssl_certificate_validation" "shop" {
  request_id = "3001" # or combell_ssl_certificate_request.shop.id

  # Make it wait for the records that publish the validations, for example:
  # validation_record_ids = [for r in combell_dns_record.shop_validation : r.id]

  timeouts {
    create = "1h"
  }
}
