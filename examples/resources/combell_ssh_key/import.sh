# An SSH key is imported as <hosting domain>/<MD5 fingerprint> (data.combell_linux_hosting lists
# the fingerprints of a hosting's keys).
terraform import combell_ssh_key.deploy example.com/31:52:43:3a:66:f7:e4:5f:28:39:64:08:5f:75:de:3f
