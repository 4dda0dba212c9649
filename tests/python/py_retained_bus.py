# A module-global event bus that keeps 2,000 widgets alive, each with a
# 1 KB bytearray: the objects are a fraction of what the bus keeps; the
# bytearrays' buffers (C blocks behind the objects) are most of it.
# py_retained_bus.vgtest checks that the bus is the top retainer, with
# all of it as its retained size.


class Widget:
    def __init__(self, i):
        self.i = i
        self.buf = bytearray(1024)


class EventBus:
    def __init__(self):
        self.listeners = []

    def subscribe(self, widget):
        self.listeners.append(widget)


def fill(target, n):
    for i in range(n):
        target.subscribe(Widget(1000 + i))


def build(n):
    global bus
    bus = EventBus()
    fill(bus, n)


# The interpreter's own caches of the code that builds the bus (3.10's
# per-code-object caches, the class's shared attribute keys) are made
# here, by a first bus that is let go: not the bus's.
warm_up = EventBus()
fill(warm_up, 1100)
del warm_up
build(2000)
