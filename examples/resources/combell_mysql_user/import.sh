# A user is imported by <database real name>/<user name>. The database's own read-and-write
# user (named like the database) can be imported too; destroying it only forgets it.
terraform import combell_mysql_user.reporting ID1001_shop/reporting
