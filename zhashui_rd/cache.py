"""Django's Redis cache, with one ``redis.Redis`` client per connection pool.

Django's ``RedisCacheClient.get_client`` builds a new ``redis.Redis`` for every cache
operation, and redis-py fills a table of about 170 response callbacks in each: about 60 µs
a call on this machine, as much as the round trip to Redis itself, and half of what a
public page served from the cache costs beyond a bare view (bench/README.md, load.py). The
client holds no connection of its own (the pool does, and redis-py's pool is safe across
threads and forks), so one per pool serves every call.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from django.utils.functional import cached_property


class _PooledClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            pool = self._get_connection_pool(write)
            client = self._clients[index] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    @cached_property
    def _cache(self):
        return _PooledClient(self._servers, **self._options)
