# A host header is imported as <hosting domain>/<site name>/<host name>.
terraform import combell_linux_host_header.www example.com/example.com/www.example.com
