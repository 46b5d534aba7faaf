# A subsite is imported as <hosting domain>/<subsite name>.
terraform import combell_linux_subsite.shop example.com/shop.example.com
