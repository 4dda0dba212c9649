# Reachable Python objects and what keeps them alive when the interpreter
# starts finalizing: an unbounded module-level cache, a class-level
# listener list holding bound methods, and a registry of closures that
# each capture a large buffer.  Each record names its retainer and the
# path from it.
_cache = {}


def fill_cache(key):
    if key not in _cache:
        _cache[key] = bytes(1000)
    return _cache[key]


class EventBus:
    listeners = []


class Handler:
    def on_event(self, event):
        return event


def subscribe():
    EventBus.listeners.append(Handler().on_event)


_registry = {}


def register_callback(name):
    payload = bytes(4000)

    def callback():
        return len(payload)
    _registry[name] = callback


for i in range(500):
    fill_cache(i)
for i in range(50):
    subscribe()
for i in range(10):
    register_callback("cb%d" % i)
