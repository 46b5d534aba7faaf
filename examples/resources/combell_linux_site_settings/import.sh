# Site settings are imported as <hosting domain>/<site name>. Combell does not report which host
# names have a certificate, so lets_encrypt_hostnames stays null until the configuration sets it.
terraform import combell_linux_site_settings.main example.com/example.com
