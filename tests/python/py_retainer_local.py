# A leak check requested mid-run (leakext.leak_check, pyleak.h's
# PYLEAK_LEAK_CHECK) while a running function's local variable holds a
# list: on 3.11+ the list is retained by that local.
from lx import leakext


def work():
    batch = [0] * 5000
    leakext.leak_check("in work")
    return len(batch)


work()
