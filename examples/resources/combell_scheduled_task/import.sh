# A scheduled task is imported as <hosting domain>/<task id> (data.combell_linux_hosting lists
# a hosting's tasks with their ids).
terraform import combell_scheduled_task.cleanup example.com/5001
