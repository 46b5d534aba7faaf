# An alias is imported as <mail zone domain>/<alias address> (data.combell_mail_zone lists a
# zone's aliases).
terraform import combell_mail_alias.sales example.com/sales@example.com
