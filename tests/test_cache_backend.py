"""The Redis cache backend (zhashui_rd/cache.py): one client per connection pool."""

from zhashui_rd.cache import RedisCache


def test_it_reuses_one_client_per_pool():
    # Building a client opens no connection: nothing needs to listen on this port.
    backend = RedisCache("redis://127.0.0.1:1/0", {})
    first = backend._cache.get_client()
    assert backend._cache.get_client(write=True) is first
    assert backend._cache.get_client("any key") is first
    assert first.connection_pool is backend._cache._get_connection_pool(False)


def test_replicas_each_keep_their_own_client():
    backend = RedisCache("redis://127.0.0.1:1/0,redis://127.0.0.1:2/0", {})
    writer = backend._cache.get_client(write=True)
    reader = backend._cache.get_client()
    assert writer.connection_pool is not reader.connection_pool
    assert backend._cache.get_client() is reader
