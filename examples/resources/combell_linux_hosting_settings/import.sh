# Hosting settings are imported by the hosting's domain name. The settings Combell does not report
# (memory limit, APCu, GZIP, SSH) stay null until the configuration sets them.
terraform import combell_linux_hosting_settings.example example.com
