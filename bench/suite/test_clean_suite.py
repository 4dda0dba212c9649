"""A clean test suite for bench/checkpoints: the kind of tests a
project has (parsing, formatting, data classes, a small event loop),
none of which leaks.  Run under pyleak with and without --pyleak, its
cost ratio is what --pyleak adds to a test suite."""
import asyncio
import dataclasses
import json
import re
import string
import textwrap


@dataclasses.dataclass
class Order:
    id: int
    items: list
    note: str = ""


def test_json_roundtrip():
    doc = {"orders": [{"id": i, "items": list(range(i % 7))} for i in range(200)]}
    assert json.loads(json.dumps(doc)) == doc


def test_regex_parse():
    line = re.compile(r"(?P<key>\w+)=(?P<value>[^;]*);")
    text = "".join("k%d=v%d;" % (i, i) for i in range(300))
    assert len(line.findall(text)) == 300


def test_dataclasses():
    orders = [Order(i, [j for j in range(i % 5)], "n%d" % i) for i in range(300)]
    assert sum(len(o.items) for o in orders) > 0
    assert dataclasses.asdict(orders[3])["id"] == 3


def test_formatting():
    tpl = string.Template("$name has $n items")
    out = [tpl.substitute(name="user%d" % i, n=i) for i in range(300)]
    assert textwrap.fill(" ".join(out), 60).count("\n") > 10


def test_event_loop():
    async def echo(n):
        await asyncio.sleep(0)
        return n * 2

    async def main():
        return sum(await asyncio.gather(*(echo(i) for i in range(50))))

    assert asyncio.run(main()) == 2450


def test_dispatch_by_name():
    class Handler:
        def on_ping(self):
            return "pong"
    h = Handler()
    assert getattr(h, "on_ping")() == "pong"
    assert getattr(h, "on_missing", None) is None


def test_sorting_and_sets():
    words = ["w%03d" % (i * 7919 % 1000) for i in range(1000)]
    assert sorted(set(words))[:3] == ["w000", "w001", "w002"]


def test_string_building():
    parts = []
    for i in range(500):
        parts.append(f"{i:05d}:{i * i:x}")
    assert len(",".join(parts)) > 5000
