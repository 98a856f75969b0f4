"""SMS to citizens who left a mobile number and consented to be contacted (issue 9, item 6).

``outbox.py`` is the service: what is sent when, the outbox rows, the daily cap, sending one
row. ``backends.py`` chooses the carrier by ``SMS_BACKEND`` (console, locmem) and
``aliyun.py`` is Alibaba Cloud SMS through its official SDK, imported only when chosen.
``petitions/tasks.py`` hands rows to Celery and sweeps the ones left behind.
"""
