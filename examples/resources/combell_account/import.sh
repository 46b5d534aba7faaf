# An account is imported by its numeric Combell id (data.combell_accounts lists them).
terraform import combell_account.site 1001
