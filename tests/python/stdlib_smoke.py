# A short, allocation-heavy run of the interpreter and some stdlib C
# modules under pyleak (PYTHONMALLOC=malloc): the check is that pyleak's
# per-kind totals equal memcheck's on the whole interpreter heap, and that
# nothing in pyleak breaks on a real-sized program.
import json, decimal, collections

data = {str(i): [i, float(i), (i, str(i))] for i in range(2000)}
text = json.dumps(data)
assert json.loads(text) == json.loads(text)
total = sum(decimal.Decimal(i) / 7 for i in range(500))
counts = collections.Counter(text)
print(len(text), len(counts), str(total)[:6])
