# A database is imported by its real name, with the account prefix (data.combell_mysql_databases
# lists them).
terraform import combell_mysql_database.shop ID1001_shop
