"""moto_server that handles one request at a time.

DynamoDB applies each conditional write atomically. moto's server is
threaded and its DynamoDB backend checks a condition and writes in two steps
that concurrent requests interleave, so under load several of eight
concurrent "version = :read" writes can all succeed. The tests rely on the
atomicity DynamoDB guarantees; handling requests one at a time restores it.
Connections are still accepted concurrently. Arguments are moto_server's.
"""
import threading

import moto.server as server

_run_simple = server.run_simple


def _run_serial(host, port, app, **kwargs):
    lock = threading.Lock()

    def serial(environ, start_response):
        with lock:
            return list(app(environ, start_response))

    _run_simple(host, port, serial, **kwargs)


server.run_simple = _run_serial

if __name__ == "__main__":
    server.main()
